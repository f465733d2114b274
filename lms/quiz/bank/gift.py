"""Moodle GIFT import (`parse_gift`) and export (`export_gift`); see quizzes/gift/README.md.

Escaped characters are swapped for private-use placeholders before parsing (so `\\{` is never a
brace) and swapped back in the texts. Types the engine lacks are reported and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import types
from .gift_export import META_PREFIX, ORDERING_PREFIX, GiftExportError, export_gift
from .loader import ID_PATTERN, bank_paths, load_bank
from .model import Problem, Question, Source

__all__ = ["GiftError", "GiftExportError", "export_banks", "export_gift", "parse_gift"]

_PLACEHOLDERS = {c: chr(0xE000 + i) for i, c in enumerate("\\~=#{}:n")}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDERS.items()}
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"\s*\[(markdown|html|moodle|plain)\]")
_TRUEFALSE = re.compile(r"(T|TRUE|F|FALSE)\s*(#.*)?", re.IGNORECASE | re.DOTALL)


class GiftError(ValueError):
    """One problem in a GIFT question, at `line`."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _protect(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _PLACEHOLDERS.get(m[1], m[0]), text)


def _text(raw: str) -> str:
    return "".join(_RESTORE.get(char, char) for char in raw.strip())


def _unsupported(line: int, kind: str) -> GiftError:
    return GiftError(line, f"unsupported question type {kind}, skipped")


@dataclass
class _Block:
    """The non-comment lines of one question with the metadata and category before it."""

    lines: list[tuple[int, str]]
    meta: dict[str, str]
    category: str | None
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = _protect("\n".join(text for _, text in self.lines))

    def line_at(self, offset: int) -> int:
        return self.lines[self.text.count("\n", 0, max(0, offset))][0]


@dataclass
class _Answer:
    marker: str
    text: str
    weight: float | None
    feedback: str | None
    line: int


def _number(raw: str, line: int) -> int | float:
    text = raw.strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        raise GiftError(line, f"bad number '{_text(text)}'") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise GiftError(line, f"bad number '{_text(text)}'")
    return value


def _half(value: int | float) -> int | float:
    return value // 2 if isinstance(value, int) and value % 2 == 0 else value / 2


def _answers(body: str, block: _Block, offset: int) -> list[_Answer]:
    starts = [m.start() for m in re.finditer(r"[=~]", body)]
    if not starts:
        raise GiftError(block.line_at(offset), "no answers in '{...}' (answers start with = or ~)")
    if body[: starts[0]].strip():
        raise GiftError(
            block.line_at(offset), "text before the first answer (answers start with = or ~)"
        )
    answers = []
    for start, end in zip(starts, starts[1:] + [len(body)], strict=True):
        raw, line = body[start + 1 : end].lstrip(), block.line_at(offset + start)
        weight = None
        if raw.startswith("%"):
            match = _WEIGHT.match(raw)
            if match is None or not -100 <= float(match[1]) <= 100:
                bad = raw[: raw.find("%", 1) + 1] if raw.find("%", 1) > 0 else raw.split()[0]
                raise GiftError(line, f"bad weight '{_text(bad)}' (a percentage from -100 to 100)")
            weight, raw = float(match[1]), raw[match.end() :]
        text, _, feedback = raw.partition("#")
        answers.append(_Answer(body[start], text, weight, feedback if "#" in raw else None, line))
    return answers


def _numeric(body: str, line: int) -> dict[str, object]:
    spec = body.strip()[1:].strip()
    if spec.startswith("="):
        if spec.count("=") > 1:
            raise _unsupported(line, "numeric with several answers")
        spec = spec[1:]
    value, _, _feedback = spec.partition("#")
    if not value.strip():
        raise GiftError(line, "no answers in '{#...}'")
    if ".." in value:
        low_raw, high_raw = value.split("..", 1)
        low, high = _number(low_raw, line), _number(high_raw, line)
        if high < low:
            raise GiftError(line, f"bad range '{_text(value)}' (high end below low end)")
        return {"answer": _half(low + high), "tolerance": _half(high - low)}
    answer_raw, _, tolerance_raw = value.partition(":")
    tolerance = _number(tolerance_raw, line) if tolerance_raw.strip() else 0
    return {"answer": _number(answer_raw, line), "tolerance": tolerance}


def _choice(answers: list[_Answer], line: int) -> dict[str, object]:
    equals = [a for a in answers if a.marker == "="]
    if len(equals) > 1:
        raise GiftError(line, "more than one '=' answer; multiple response uses ~%weight% answers")
    if equals:
        if any(a.weight not in (None, 0.0) for a in answers if a.marker == "~") or equals[
            0
        ].weight not in (None, 100.0):
            raise _unsupported(line, "single choice with partial credit")
        kind, correct = "single", [i for i, a in enumerate(answers) if a.marker == "="]
    else:
        kind, correct = "multiple", [i for i, a in enumerate(answers) if (a.weight or 0) > 0]
        if not correct:
            raise GiftError(line, "multiple response has no answer with a positive weight")
    has_feedback = any(a.feedback is not None for a in answers)
    return {
        "type": kind,
        "options": tuple(_text(a.text) for a in answers),
        "correct": tuple(correct),
        "feedback": tuple(_text(a.feedback or "") for a in answers) if has_feedback else None,
    }


def _matching(answers: list[_Answer], title: str | None, line: int) -> dict[str, object]:
    if any(a.marker == "~" or "->" not in a.text for a in answers):
        raise GiftError(line, "every matching answer must be '=left -> right'")
    pairs = [tuple(_text(part) for part in a.text.split("->", 1)) for a in answers]
    if any(not left for left, _ in pairs):
        raise _unsupported(line, "matching with extra right items")
    if title is not None and title.startswith(ORDERING_PREFIX):
        if [left for left, _ in pairs] != [str(n) for n in range(1, len(pairs) + 1)]:
            raise GiftError(line, "an ordering question numbers its steps 1 -> .., 2 -> .., ...")
        return {"type": "ordering", "steps": tuple(right for _, right in pairs)}
    return {"type": "matching", "pairs": tuple(pairs)}


def _parse_block(
    block: _Block, path: str, default_category: str, problems: list[Problem]
) -> Question:
    text, first = block.text, block.lines[0][0]
    title, rest_at = None, 0
    if text.lstrip().startswith("::"):
        start = text.index("::")
        end = text.find("::", start + 2)
        if end < 0:
            raise GiftError(block.line_at(start), "unclosed question name '::'")
        title, rest_at = _text(text[start + 2 : end]), end + 2
    marker = _FORMAT.match(text, rest_at)
    rest_at = marker.end() if marker else rest_at
    open_at = text.find("{", rest_at)
    if open_at < 0:
        raise _unsupported(first, "description (no answers)")
    close_at = text.find("}", open_at)
    if close_at < 0 or "{" in text[open_at + 1 : close_at]:
        raise GiftError(block.line_at(open_at), "unclosed brace '{'")
    line, section, after = (
        block.line_at(open_at),
        text[open_at + 1 : close_at],
        text[close_at + 1 :],
    )
    if "{" in after or re.match(r"\s*\d+:[A-Za-z_]+:", section):
        raise _unsupported(line, "cloze (embedded answers)")
    if after.strip():
        raise _unsupported(line, "missing word (text after the answers)")
    if not section.strip():
        raise _unsupported(line, "essay")
    body, has_general, general = section.partition("####")
    fields: dict[str, object]
    if body.strip().startswith("#"):
        fields = {"type": "numeric", **_numeric(body, line)}
    elif (tf := _TRUEFALSE.fullmatch(body.strip())) is not None:
        fields = {"type": "truefalse", "answer": tf[1].upper().startswith("T")}
        if tf[2]:
            problems.append(
                Problem(path, line, "feedback on a true/false answer is not supported, dropped")
            )
    else:
        answers = _answers(body, block, open_at + 1)
        is_matching = all(a.marker == "=" for a in answers) and any("->" in a.text for a in answers)
        if is_matching or (title or "").startswith(ORDERING_PREFIX):
            fields = _matching(answers, title, line)
        elif all(a.marker == "=" for a in answers):
            raise _unsupported(line, "short answer")
        else:
            fields = _choice(answers, line)
    if title is not None and fields["type"] == "ordering":
        title = title[len(ORDERING_PREFIX) :]
    qid = block.meta.get("id") or (
        title if title and ID_PATTERN.fullmatch(title) else f"gift-{first}"
    )
    version = block.meta.get("version", "1")
    if not version.isdigit() or int(version) < 1:
        raise GiftError(first, f"bad version '{version}' in the '{META_PREFIX}' comment")
    return Question(
        id=qid,
        version=int(version),
        category=block.category or default_category,
        lesson=block.meta.get("lesson"),
        stem=_text(text[rest_at:open_at]),
        explanation=_text(general) if has_general else None,
        name=title if title != qid else None,
        source=Source(path, first),
        **fields,  # type: ignore[arg-type]
    )


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines: list[tuple[int, str]] = []
    meta: dict[str, str] = {}
    category: str | None = None
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith(META_PREFIX):
            meta.update(
                kv.split("=", 1) for kv in stripped[len(META_PREFIX) :].split() if "=" in kv
            )
        elif stripped.startswith("//"):
            continue
        elif stripped.startswith("$CATEGORY:") and not lines:
            category = stripped.partition(":")[2].strip().rstrip("/").split("/")[-1] or None
        elif stripped:
            lines.append((number, line))
        elif lines:
            blocks.append(_Block(lines, meta, category))
            lines, meta = [], {}
    return blocks


def parse_gift(text: str, path: str | Path) -> tuple[list[Question], list[Problem]]:
    """Questions from GIFT text, and `file:line: message` problems. Unsupported or invalid
    questions are reported and skipped, never half-imported. The default category is the
    file's stem; `$CATEGORY:` lines override it (the last path segment is used)."""
    name = str(path)
    default_category = Path(name).stem
    questions: list[Question] = []
    problems: list[Problem] = []
    for block in _blocks(text):
        try:
            question = _parse_block(block, name, default_category, problems)
        except GiftError as exc:
            problems.append(Problem(name, exc.line, str(exc)))
            continue
        invalid = [Problem(name, question.source.line, m) for _, m in types.validate(question)]
        problems.extend(invalid)
        if not invalid:
            questions.append(question)
    return questions, problems


def export_banks(quiz_dir: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Write `<bank>.gift` for every bank under quiz_dir/banks into out_dir (default
    quiz_dir/gift); returns the written paths. Banks with load problems are exported with
    the questions that loaded (run `quiz check` first)."""
    quiz_dir = Path(quiz_dir)
    target = Path(out_dir) if out_dir is not None else quiz_dir / "gift"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in bank_paths(quiz_dir):
        bank, _ = load_bank(path)
        if bank is not None:
            out = target / f"{path.stem}.gift"
            out.write_text(export_gift(bank), encoding="utf-8")
            written.append(out)
    return written
