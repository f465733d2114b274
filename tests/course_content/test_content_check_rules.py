"""`content check` rules: each builds a tiny broken course and expects the exact report line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lms.course.content import check_content, run_check

from .builders import lesson_md
from .conftest import MakeCourse

ANDRA = "content/del-1-a/02-andra.md"


def report(root: Path, known_exercises: dict[str, str] | None = None) -> list[str]:
    return [str(problem) for problem in check_content(root, known_exercises)]


def front_matter(*lines: str, body: str = "# Andra\n\nText.\n") -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n\n" + body


VALID_KEYS = ("id: p1-andra", "title: Andra", "minutes: 5", "objectives:", "  - Förstå.")


def test_the_default_test_course_has_no_problems(make_course: MakeCourse) -> None:
    assert report(make_course()) == []


# -- front matter -------------------------------------------------------------------------


def test_lesson_without_front_matter_is_an_error_on_line_1(make_course: MakeCourse) -> None:
    root = make_course({"del-1-a/02-andra.md": "# Andra\n\nText.\n"})
    assert report(root) == [
        f"{ANDRA}:1: front matter missing: the file must start with a '---' line"
    ]


def test_front_matter_without_closing_line_is_an_error(make_course: MakeCourse) -> None:
    root = make_course({"del-1-a/02-andra.md": "---\nid: p1-andra\n\n# Andra\n"})
    assert report(root) == [f"{ANDRA}:1: front matter is not closed with a '---' line"]


def test_unparsable_front_matter_is_reported_at_the_yaml_error_line(
    make_course: MakeCourse,
) -> None:
    text = front_matter("id: p1-andra", "title: Andra: fel", "minutes: 5")
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root) == [
        f"{ANDRA}:3: front matter is not valid YAML: mapping values are not allowed here"
    ]


def test_missing_required_key_is_reported_at_the_opening_line(make_course: MakeCourse) -> None:
    text = front_matter("id: p1-andra", "minutes: 5", "objectives:", "  - Förstå.")
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root) == [f"{ANDRA}:1: missing required key 'title'"]


def test_id_must_match_the_id_pattern(make_course: MakeCourse) -> None:
    text = front_matter("id: P1_Andra", *VALID_KEYS[1:])
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root) == [f"{ANDRA}:2: 'id' must match [a-z0-9-]+, got 'P1_Andra'"]


@pytest.mark.parametrize("minutes", ["0", "121", "fem", "true", "2.5"])
def test_minutes_must_be_a_whole_number_from_1_to_120(
    make_course: MakeCourse, minutes: str
) -> None:
    text = front_matter("id: p1-andra", "title: Andra", f"minutes: {minutes}", *VALID_KEYS[3:])
    root = make_course({"del-1-a/02-andra.md": text})
    [problem] = report(root)
    assert problem.startswith(f"{ANDRA}:4: 'minutes' must be a whole number from 1 to 120, got ")


def test_minutes_at_the_limits_are_accepted(make_course: MakeCourse) -> None:
    files = {
        "del-1-a/01-forsta.md": front_matter(
            "id: p1-forsta", "title: F", "minutes: 1", *VALID_KEYS[3:]
        ),
        "del-1-a/02-andra.md": front_matter(*VALID_KEYS[:2], "minutes: 120", *VALID_KEYS[3:]),
    }
    assert report(make_course(files)) == []


def test_objectives_must_be_a_non_empty_list_of_strings(make_course: MakeCourse) -> None:
    text = front_matter(*VALID_KEYS[:3], "objectives: []")
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root) == [f"{ANDRA}:5: 'objectives' must be a non-empty list of strings"]


def test_exercises_must_be_a_list_of_exercise_ids(make_course: MakeCourse) -> None:
    text = front_matter(*VALID_KEYS, "exercises: ex-pin-byte")
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root) == [f"{ANDRA}:7: 'exercises' must be a list of exercise ids"]


def test_checkpoint_question_needs_two_options_and_a_correct_index_into_them(
    make_course: MakeCourse,
) -> None:
    text = front_matter(
        *VALID_KEYS,
        "checkpoint:",  # line 7
        "  - id: cp-1",
        "    question: Vem?",
        "    options: [Jag]",  # line 10
        "    correct: 0",
        "    feedback: Du.",
        "  - id: cp-2",  # line 13
        "    question: Vad?",
        "    options: [A, B, C]",
        "    correct: 3",  # line 16
        "    feedback: A.",
    )
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root) == [
        f"{ANDRA}:10: checkpoint[0].options must be a list of at least 2 strings",
        f"{ANDRA}:16: checkpoint[1].correct must be an index into options (0..2), got 3",
    ]


def test_checkpoint_question_missing_a_key_is_reported_at_the_question(
    make_course: MakeCourse,
) -> None:
    text = front_matter(
        *VALID_KEYS,
        "checkpoint:",
        "  - id: cp-1",
        "    question: Vem?",
        "    options: [A, B]",
        "    correct: 1",
    )
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root) == [f"{ANDRA}:8: checkpoint[0]: missing required key 'feedback'"]


def test_unknown_front_matter_key_is_a_warning(make_course: MakeCourse) -> None:
    root = make_course({"del-1-a/02-andra.md": front_matter(*VALID_KEYS, "författare: Kim")})
    assert report(root) == [f"{ANDRA}:7: warning: unknown key 'författare'"]


# -- ids ----------------------------------------------------------------------------------


def test_duplicate_lesson_id_is_reported_at_both_locations(make_course: MakeCourse) -> None:
    root = make_course({"del-2-b/01-tredje.md": lesson_md("p1-forsta", "Tredje")})
    assert report(root) == [
        "content/del-1-a/01-forsta.md:2: duplicate lesson id 'p1-forsta' "
        "(also in content/del-2-b/01-tredje.md:2)",
        "content/del-2-b/01-tredje.md:2: duplicate lesson id 'p1-forsta' "
        "(also in content/del-1-a/01-forsta.md:2)",
    ]


def test_duplicate_checkpoint_id_is_reported_at_both_locations(make_course: MakeCourse) -> None:
    question = (
        "checkpoint:\n  - id: cp-1\n    question: Vem?\n    options: [A, B]\n"
        "    correct: 0\n    feedback: A.\n"
    )
    root = make_course(
        {
            "del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", extra=question),
            "del-2-b/01-tredje.md": lesson_md("p2-tredje", "Tredje", extra=question),
        }
    )
    assert report(root) == [
        f"{ANDRA}:8: duplicate checkpoint id 'cp-1' (also in content/del-2-b/01-tredje.md:8)",
        f"content/del-2-b/01-tredje.md:8: duplicate checkpoint id 'cp-1' (also in {ANDRA}:8)",
    ]


def test_lesson_file_name_must_start_with_a_number(make_course: MakeCourse) -> None:
    root = make_course({"del-1-a/02-andra.md": None, "del-1-a/andra.md": lesson_md("p1-a", "A")})
    assert report(root) == [
        "content/del-1-a/andra.md:1: lesson file name must start with a number, "
        "e.g. 01-valkommen.md"
    ]


# -- links and images -----------------------------------------------------------------------


def test_link_to_a_missing_lesson_file_is_an_error(make_course: MakeCourse) -> None:
    body = "Se [nästa](03-saknas.md) och [del 2](../del-2-b/01-tredje.md)."
    root = make_course({"del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body)})
    assert report(root) == [f"{ANDRA}:11: broken link '03-saknas.md': file does not exist"]


def test_link_to_a_missing_anchor_in_another_lesson_is_an_error(make_course: MakeCourse) -> None:
    body = (
        "Se [steg 2](../del-2-b/01-tredje.md#steg-2).\n\n"
        "Och [steg 9](../del-2-b/01-tredje.md#steg-9)."
    )
    root = make_course(
        {
            "del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body),
            "del-2-b/01-tredje.md": lesson_md("p2-tredje", "Tredje", "## Steg 2\n\nGör så här."),
        }
    )
    assert report(root) == [
        f"{ANDRA}:13: broken link '../del-2-b/01-tredje.md#steg-9': "
        "no heading 'steg-9' in content/del-2-b/01-tredje.md"
    ]


def test_link_to_a_missing_anchor_in_the_same_lesson_is_an_error(make_course: MakeCourse) -> None:
    body = "## Tillitsnivå 3\n\nSe [ovan](#tillitsniva-3) och [fel](#tillitsnivå-3)."
    root = make_course({"del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body)})
    assert report(root) == [
        f"{ANDRA}:13: broken link '#tillitsnivå-3': no heading 'tillitsnivå-3' in this lesson"
    ]


def test_link_outside_the_content_folder_is_an_error(make_course: MakeCourse) -> None:
    body = "Se [koden](../../lms/app.md)."
    root = make_course({"del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body)})
    assert report(root) == [
        f"{ANDRA}:11: broken link '../../lms/app.md': points outside the content folder"
    ]


def test_external_and_site_links_are_not_checked(make_course: MakeCourse) -> None:
    body = "[Inera](https://www.inera.se/x) [post](mailto:a@b.se) [start](/course)"
    root = make_course({"del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body)})
    assert report(root) == []


def test_missing_image_is_an_error_and_an_existing_one_is_not(make_course: MakeCourse) -> None:
    body = "![Läsare](img/lasare.svg)\n\n![Saknas](img/saknas.png)"
    root = make_course(
        {
            "del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body),
            "del-1-a/img/lasare.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        }
    )
    assert report(root) == [f"{ANDRA}:13: missing image 'img/saknas.png'"]


# -- exercises ----------------------------------------------------------------------------


def test_unknown_exercise_id_is_a_warning(make_course: MakeCourse) -> None:
    text = lesson_md("p1-andra", "Andra", extra="exercises: [ex-klar, ex-okand]\n")
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root, {"ex-klar": "ready"}) == [
        f"{ANDRA}:7: warning: unknown exercise 'ex-okand' (not in the exercise catalog)"
    ]


def test_planned_exercise_is_a_warning(make_course: MakeCourse) -> None:
    text = lesson_md("p1-andra", "Andra", extra="exercises:\n  - ex-klar\n  - ex-pin-byte\n")
    root = make_course({"del-1-a/02-andra.md": text})
    assert report(root, {"ex-klar": "ready", "ex-pin-byte": "planned"}) == [
        f"{ANDRA}:9: warning: exercise 'ex-pin-byte' is planned: its checker is not built yet"
    ]


def test_exercises_are_not_checked_without_a_catalog(make_course: MakeCourse) -> None:
    text = lesson_md("p1-andra", "Andra", extra="exercises: [ex-okand]\n")
    assert report(make_course({"del-1-a/02-andra.md": text}), None) == []


# -- parts, course.yaml, glossary ---------------------------------------------------------------


def test_part_listed_in_course_yaml_but_missing_is_an_error(make_course: MakeCourse) -> None:
    course = "title: Testkurs\nparts:\n  - del-1-a\n  - del-2-b\n  - del-3-c\n"
    assert report(make_course({"course.yaml": course})) == [
        "content/course.yaml:5: part folder 'del-3-c' does not exist"
    ]


def test_part_without_part_yaml_is_an_error(make_course: MakeCourse) -> None:
    root = make_course({"del-2-b/part.yaml": None})
    assert report(root) == ["content/course.yaml:4: part 'del-2-b' has no part.yaml"]


def test_part_yaml_schema_errors_are_reported_at_the_key(make_course: MakeCourse) -> None:
    root = make_course({"del-2-b/part.yaml": "id: Del 2\ntitle: Del 2\n"})
    assert report(root) == ["content/del-2-b/part.yaml:1: 'id' must match [a-z0-9-]+, got 'Del 2'"]


def test_lesson_outside_any_listed_part_is_an_error(make_course: MakeCourse) -> None:
    root = make_course({"del-9-x/01-gammal.md": lesson_md("p9-gammal", "Gammal")})
    assert report(root) == [
        "content/del-9-x/01-gammal.md:1: lesson is outside the parts listed in content/course.yaml"
    ]


def test_missing_course_yaml_is_an_error(make_course: MakeCourse) -> None:
    assert report(make_course({"course.yaml": None})) == [
        "content/course.yaml: course.yaml is missing"
    ]


def test_glossary_entry_referring_to_an_unknown_lesson_is_an_error(
    make_course: MakeCourse,
) -> None:
    glossary = (
        "- term: HSA-id\n  definition: Unik identitet.\n  lesson: p1-forsta\n"
        "- term: PUK\n  definition: Upplåsningskod.\n  lesson: p1-pin\n"
    )
    assert report(make_course({"glossary.yaml": glossary})) == [
        "content/glossary.yaml:6: glossary entry 'PUK' refers to unknown lesson 'p1-pin'"
    ]


def test_refresher_lists_only_existing_lessons_each_once(make_course: MakeCourse) -> None:
    course = (
        "title: Testkurs\nparts:\n  - del-1-a\n  - del-2-b\n"
        "refresher:\n  - p1-andra\n  - p1-pin\n  - p1-andra\n"
    )
    assert report(make_course({"course.yaml": course})) == [
        "content/course.yaml:7: refresher lists unknown lesson 'p1-pin'",
        "content/course.yaml:8: refresher lists 'p1-andra' twice",
    ]
    wrong = "title: Testkurs\nparts:\n  - del-1-a\n  - del-2-b\nrefresher: p1-andra\n"
    assert report(make_course({"course.yaml": wrong})) == [
        "content/course.yaml:5: 'refresher' must be a list of lesson ids"
    ]


def test_refresher_lessons_reach_the_course_in_course_order(make_course: MakeCourse) -> None:
    from lms.course.content.store import ContentStore

    course = (
        "title: Testkurs\nparts:\n  - del-1-a\n  - del-2-b\n"
        "refresher:\n  - p2-tredje\n  - p1-forsta\n"
    )
    loaded = ContentStore(make_course({"course.yaml": course}), check_interval=0).course()
    assert loaded.refresher == ("p2-tredje", "p1-forsta")  # as listed; the page sorts


# -- the whole check ----------------------------------------------------------------------


def test_check_returns_every_problem_not_only_the_first(make_course: MakeCourse) -> None:
    root = make_course(
        {
            "del-1-a/01-forsta.md": "# ingen front matter\n",
            "del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", "[x](saknas.md) ![y](img/y.png)"),
            "del-2-b/part.yaml": None,
        }
    )
    assert report(root) == [
        "content/course.yaml:4: part 'del-2-b' has no part.yaml",
        "content/del-1-a/01-forsta.md:1: front matter missing: "
        "the file must start with a '---' line",
        f"{ANDRA}:11: broken link 'saknas.md': file does not exist",
        f"{ANDRA}:11: missing image 'img/y.png'",
    ]


def test_run_check_prints_problems_and_exits_1_on_errors(make_course: MakeCourse) -> None:
    body = "Se [nästa](03-saknas.md)."
    root = make_course({"del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body)})
    out = io.StringIO()
    assert run_check(root, out, catalog_path=root / "saknas.yaml") == 1
    assert out.getvalue().splitlines() == [
        f"{ANDRA}:11: broken link '03-saknas.md': file does not exist",
        "content check: 1 error(s), 0 warning(s)",
    ]


def test_run_check_exits_0_when_there_are_only_warnings(make_course: MakeCourse) -> None:
    text = lesson_md("p1-andra", "Andra", extra="exercises: [ex-pin-byte]\n")
    root = make_course(
        {
            "del-1-a/02-andra.md": text,
            "katalog.yaml": "- id: ex-pin-byte\n  title: Byt PIN\n  status: planned\n",
        }
    )
    out = io.StringIO()
    assert run_check(root, out, catalog_path=root / "katalog.yaml") == 0
    assert out.getvalue().splitlines() == [
        f"{ANDRA}:7: warning: exercise 'ex-pin-byte' is planned: its checker is not built yet",
        "content check: 0 error(s), 1 warning(s)",
    ]
