"""Export a bank to Moodle GIFT (mapping documented in quizzes/gift/README.md).

Every text is escaped (`\\ \\~ \\= \\# \\{ \\} \\:`) and line breaks are written as `\\n`, so each
question is one block without blank lines and reads back exactly.
"""

from __future__ import annotations

from .model import Bank, Question

SPECIAL = "~=#{}:"
ORDERING_PREFIX = "ordering:"
META_PREFIX = "// academy:"


class GiftExportError(ValueError):
    """A question that GIFT cannot carry (e.g. a matching left item containing '->')."""


def escape(text: str) -> str:
    out: list[str] = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char in SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def format_number(value: float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def format_weight(percent: float) -> str:
    return f"{percent:.5f}".rstrip("0").rstrip(".")


def _answer(marker: str, text: str, weight: str | None = None, feedback: str | None = None) -> str:
    if weight is None and text.startswith("%"):
        weight = "100" if marker == "=" else "0"  # so the text is not read as a weight
    line = marker + (f"%{weight}%" if weight is not None else "") + escape(text)
    return line + ("#" + escape(feedback) if feedback is not None else "")


def _choice_answers(question: Question) -> list[str]:
    feedback = question.feedback
    right = set(question.correct)
    wrong_count = len(question.options) - len(right)
    lines = []
    for index, option in enumerate(question.options):
        fb = feedback[index] if feedback is not None else None
        if question.type == "single":
            lines.append(_answer("=" if index in right else "~", option, None, fb))
        elif index in right:
            lines.append(_answer("~", option, format_weight(100 / len(right)), fb))
        else:
            lines.append(_answer("~", option, format_weight(-100 / max(1, wrong_count)), fb))
    return lines


def _pairs(question: Question, pairs: list[tuple[str, str]]) -> list[str]:
    for left, _ in pairs:
        if "->" in left:
            raise GiftExportError(
                f"question {question.id}: matching left item {left!r} contains '->'"
            )
    return [f"={escape(left)} -> {escape(right)}" for left, right in pairs]


def _answer_lines(question: Question) -> list[str]:
    if question.type in ("single", "multiple"):
        return _choice_answers(question)
    if question.type == "truefalse":
        return ["TRUE" if question.answer else "FALSE"]
    if question.type == "numeric":
        tolerance = question.tolerance if question.tolerance is not None else 0
        return [f"#{format_number(question.answer)}:{format_number(tolerance)}"]  # type: ignore[arg-type]
    if question.type == "matching":
        return _pairs(question, list(question.pairs))
    if question.type == "ordering":
        return _pairs(question, [(str(n), step) for n, step in enumerate(question.steps, 1)])
    raise GiftExportError(f"question {question.id}: type {question.type} has no GIFT form")


def export_question(question: Question) -> str:
    meta = f"{META_PREFIX} id={question.id} version={question.version}"
    if question.lesson is not None:
        meta += f" lesson={question.lesson}"
    title = escape(question.name if question.name is not None else question.id)
    if question.type == "ordering":
        title = ORDERING_PREFIX + title
    lines = [meta, f"::{title}::[markdown]{escape(question.stem)}{{"]
    lines += _answer_lines(question)
    if question.explanation is not None:
        lines.append("####" + escape(question.explanation))
    lines.append("}")
    return "\n".join(lines)


def export_gift(bank: Bank) -> str:
    """The bank as GIFT text; `parse_gift` reads it back into equal questions."""
    parts = [
        f"// Question bank '{bank.name}' exported from SäkerID Academy ({bank.path}).",
        "// Format and round-trip rules: quizzes/gift/README.md",
    ]
    category: str | None = None
    for question in bank.questions:
        if question.category != category:
            category = question.category
            parts.append(f"\n$CATEGORY: {category}")
        parts.append("\n" + export_question(question))
    return "\n".join(parts) + "\n"
