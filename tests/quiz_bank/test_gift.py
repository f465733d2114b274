"""Moodle GIFT import and export: round trip, syntax, errors and unsupported types."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quiz_factories import single

from lms.quiz.bank.gift import GiftExportError, export_banks, export_gift, parse_gift
from lms.quiz.bank.loader import load_bank
from lms.quiz.bank.model import Bank

BANKS = sorted((Path(__file__).parents[2] / "quizzes" / "banks").glob("*.yaml"))


def test_a_bank_with_every_type_survives_export_and_import_unchanged(every_type_bank: Bank) -> None:
    text = export_gift(every_type_bank)
    questions, problems = parse_gift(text, "syntetisk.gift")
    assert problems == []
    assert tuple(questions) == every_type_bank.questions
    assert export_gift(Bank("syntetisk", "quizzes/banks/syntetisk.yaml", tuple(questions))) == text


@pytest.mark.parametrize("path", BANKS, ids=[p.name for p in BANKS])
def test_every_shipped_bank_survives_export_and_import_unchanged(path: Path) -> None:
    bank, load_problems = load_bank(path)
    assert bank is not None and load_problems == []
    questions, problems = parse_gift(export_gift(bank), f"{bank.name}.gift")
    assert problems == []
    assert tuple(questions) == bank.questions


def test_imported_questions_point_at_their_gift_line(every_type_bank: Bank) -> None:
    text = export_gift(every_type_bank)
    questions, _ = parse_gift(text, "s.gift")
    lines = text.splitlines()
    for question in questions:
        assert lines[question.source.line - 1].startswith("::")
        assert question.source.path == "s.gift"


def test_multiple_response_exports_right_as_100_over_r_and_wrong_as_minus_100_over_w() -> None:
    bank = Bank(
        "b", "b.yaml", (single(type="multiple", options=("a", "b", "c", "d", "e"), correct=(0, 2)),)
    )
    answers = [line for line in export_gift(bank).splitlines() if line.startswith("~")]
    assert answers == ["~%50%a", "~%-33.33333%b", "~%50%c", "~%-33.33333%d", "~%-33.33333%e"]


def test_ordering_exports_as_matching_named_ordering_and_imports_back_as_ordering() -> None:
    question = single(id="o-1", type="ordering", options=(), correct=(), steps=("x", "y", "z"))
    text = export_gift(Bank("b", "b.yaml", (question,)))
    assert "::ordering:o-1::" in text and "=1 -> x\n=2 -> y\n=3 -> z" in text
    assert parse_gift(text, "b.gift")[0] == [question]


def test_matching_left_item_with_arrow_cannot_be_exported() -> None:
    question = single(type="matching", options=(), correct=(), pairs=(("a -> b", "1"), ("c", "2")))
    with pytest.raises(GiftExportError, match="->"):
        export_gift(Bank("b", "b.yaml", (question,)))


MOODLE_FILE = r"""// Written by hand in Moodle's syntax.
$CATEGORY: $course$/top/pin-och-puk

::PUK-brev::[markdown]Vem får **beställa** ett PUK-brev?{
  =ID-administratören#Rätt.
  ~Vem som helst#Nej.
  ~Kortinnehavarens kollega
}

::Spärr\: tvåsidig?::Kan en spärr hävas?{FALSE}

Kortet är en ID-handling.{T}

::sifferkod::Hur många siffror har en PIN minst?{#6:0}

Ange ett tal mellan ett och fem.{#1..5}

Vilka är personuppgifter?{~%50%Namn ~%50%Personnummer ~%-100%Kortets färg####Namn och personnummer.}

Para ihop.{=PIN -> Personlig kod =PUK -> Upplåsningskod \{sic\} =Spärr -> Permanent}
"""


def test_a_moodle_gift_file_is_read_with_categories_names_weights_and_ranges() -> None:
    questions, problems = parse_gift(MOODLE_FILE, "quizzes/gift/pin.gift")
    assert problems == []
    kinds = [q.type for q in questions]
    assert kinds == [
        "single",
        "truefalse",
        "truefalse",
        "numeric",
        "numeric",
        "multiple",
        "matching",
    ]
    puk, spärr, kort, pin, range_q, multi, matching = questions
    assert {q.category for q in questions} == {"pin-och-puk"}
    assert puk.name == "PUK-brev" and puk.stem == "Vem får **beställa** ett PUK-brev?"
    assert puk.options == ("ID-administratören", "Vem som helst", "Kortinnehavarens kollega")
    assert puk.correct == (0,) and puk.feedback == ("Rätt.", "Nej.", "")
    assert puk.source.line == 4 and puk.id == "gift-4" and puk.version == 1 and puk.lesson is None
    assert spärr.name == "Spärr: tvåsidig?" and spärr.answer is False
    assert kort.answer is True and kort.name is None
    assert (pin.id, pin.answer, pin.tolerance) == ("sifferkod", 6, 0)
    assert (range_q.answer, range_q.tolerance) == (3, 2)
    assert multi.correct == (0, 1) and multi.explanation == "Namn och personnummer."
    assert matching.pairs[1] == ("PUK", "Upplåsningskod {sic}")


def test_metadata_comment_carries_id_version_and_lesson() -> None:
    text = "// academy: id=pin-007 version=4 lesson=p2-pin\n::Titel::Fråga{TRUE}\n"
    (question,), problems = parse_gift(text, "x.gift")
    assert problems == []
    assert (question.id, question.version, question.lesson, question.name) == (
        "pin-007",
        4,
        "p2-pin",
        "Titel",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fråga {=a ~b\n\nNästa{T}", "f.gift:1: unclosed brace '{'"),
        ("// c\n\n::namn::Fråga{\n=a ~b ~c {d}\n}", "f.gift:3: unclosed brace '{'"),
        (
            "Fråga{\n####bara allmän återkoppling\n}",
            "f.gift:1: no answers in '{...}' (answers start with = or ~)",
        ),
        ("Fråga{\n~a\n~%abc%b\n}", "f.gift:3: bad weight '%abc%' (a percentage from -100 to 100)"),
        ("Fråga{~%50%a ~%150%b}", "f.gift:1: bad weight '%150%' (a percentage from -100 to 100)"),
        ("\n\nFråga{#tolv:1}", "f.gift:3: bad number 'tolv'"),
        ("Fråga{#1..x}", "f.gift:1: bad number 'x'"),
        ("Fråga{#5..1}", "f.gift:1: bad range '5..1' (high end below low end)"),
        ("::namn utan slut Fråga{T}", "f.gift:1: unclosed question name '::'"),
        (
            "Fråga{=a =b ~c}",
            "f.gift:1: more than one '=' answer; multiple response uses ~%weight% answers",
        ),
        ("Fråga{~%-50%a ~b}", "f.gift:1: multiple response has no answer with a positive weight"),
        ("Fråga{=a -> 1 =b}", "f.gift:1: every matching answer must be '=left -> right'"),
        (
            "Fråga{\nvälj =a ~b}",
            "f.gift:1: text before the first answer (answers start with = or ~)",
        ),
        ("Fråga{=a -> 1}", "f.gift:1: matching needs at least 2 pairs"),
        (
            "// academy: id=x version=zwei\nFråga{T}",
            "f.gift:2: bad version 'zwei' in the '// academy:' comment",
        ),
    ],
)
def test_bad_gift_is_reported_as_file_line_message(text: str, expected: str) -> None:
    questions, problems = parse_gift(text, "f.gift")
    assert expected in [str(p) for p in problems]
    assert all(q.type == "truefalse" for q in questions)  # only the well-formed neighbour survives


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Vem ligger i Grants grav?{=ingen =ingen alls}", "short answer"),
        ("Skriv en uppsats om spärr.{}", "essay"),
        ("Det här är bara en beskrivning.", "description (no answers)"),
        (
            "Kortet {~spärras =låses} av ID-administratören.",
            "missing word (text after the answers)",
        ),
        ("Välj {1:MULTICHOICE:=a~b} i texten.", "cloze (embedded answers)"),
        ("Välj {=a ~b} och {=c ~d}", "cloze (embedded answers)"),
        ("Hur många?{#=14:0 =%50%13:1}", "numeric with several answers"),
        ("Para ihop.{=a -> 1 =b -> 2 = -> 3}", "matching with extra right items"),
        ("Välj.{=a ~%50%b ~c}", "single choice with partial credit"),
    ],
)
def test_types_the_engine_lacks_are_reported_and_skipped(text: str, kind: str) -> None:
    questions, problems = parse_gift(f"// first\n{text}\n\nNästa fråga.{{TRUE}}\n", "u.gift")
    assert [str(p) for p in problems] == [f"u.gift:2: unsupported question type {kind}, skipped"]
    assert [q.stem for q in questions] == ["Nästa fråga."]


def test_truefalse_feedback_is_reported_as_dropped_but_the_question_is_kept() -> None:
    questions, problems = parse_gift("Sant?{TRUE#fel#rätt}", "t.gift")
    assert [q.answer for q in questions] == [True]
    assert [str(p) for p in problems] == [
        "t.gift:1: feedback on a true/false answer is not supported, dropped"
    ]


def test_escapes_are_read_back_as_plain_characters() -> None:
    (question,), problems = parse_gift(r"Är \~ \= \# \{ \} \: \\ tecken?{T}", "e.gift")
    assert problems == []
    assert question.stem == "Är ~ = # { } : \\ tecken?"


def test_export_banks_writes_one_gift_file_per_bank_that_reads_back(
    write_quizzes: Callable[..., Path], tmp_path: Path
) -> None:
    quiz_dir = write_quizzes()
    (written,) = export_banks(quiz_dir, tmp_path / "gift")
    assert written.name == "roller.gift"
    questions, problems = parse_gift(written.read_text(encoding="utf-8"), written)
    assert problems == [] and [q.id for q in questions] == ["roller-001"]


TEXT = st.text(
    alphabet=st.sampled_from(list("abcåäö XYZ019.,?!%*_[]()<>-\\~=#{}:/\n\t")), min_size=1
).filter(lambda t: t == t.strip())


@settings(max_examples=150, deadline=None)
@given(
    stem=TEXT, options=st.lists(TEXT, min_size=2, max_size=4, unique=True), right=st.integers(0, 3)
)
def test_any_text_survives_gift_escaping(stem: str, options: list[str], right: int) -> None:
    question = single(stem=stem, options=tuple(options), correct=(right % len(options),))
    questions, problems = parse_gift(export_gift(Bank("b", "b.yaml", (question,))), "h.gift")
    assert problems == []
    assert questions == [question]
