"""ContentStore: loading, navigation, caching, refresh on change, version, search, glossary."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.course.content import ContentError, ContentStore, GlossaryEntry
from lms.course.content import store as store_module

from .builders import lesson_md, rewrite
from .conftest import MakeCourse


class RenderCounter:
    """Wraps render_lesson and records which lesson paths were rendered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        original = store_module.render_lesson

        def counting(body: str, **options: object) -> object:
            self.paths.append(str(options["lesson_path"]))
            return original(body, **options)  # type: ignore[arg-type]

        monkeypatch.setattr(store_module, "render_lesson", counting)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_lessons_are_ordered_by_numeric_file_prefix_not_by_name(make_course: MakeCourse) -> None:
    root = make_course(
        {
            "del-1-a/01-forsta.md": None,
            "del-1-a/02-andra.md": None,
            "del-1-a/10-tionde.md": lesson_md("p1-tionde", "Tionde"),
            "del-1-a/2-andra.md": lesson_md("p1-andra", "Andra"),
            "del-1-a/001-forsta.md": lesson_md("p1-forsta", "Första"),
        }
    )
    course = ContentStore(root, check_interval=0).course()
    assert [lesson.id for lesson in course.parts[0].lessons] == [
        "p1-forsta",
        "p1-andra",
        "p1-tionde",
    ]


def test_course_parts_and_lessons_carry_their_front_matter(make_course: MakeCourse) -> None:
    extra = (
        "exercises: [ex-pin-byte]\ncheckpoint:\n  - id: cp-1\n    question: Vem?\n"
        "    options: [Jag, Du]\n    correct: 1\n    feedback: Du.\n"
    )
    root = make_course({"del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", extra=extra)})
    course = ContentStore(root, check_interval=0).course()
    assert course.title == "Testkurs"
    assert [(part.id, part.folder, part.title) for part in course.parts] == [
        ("del-1", "del-1-a", "Del 1: Grunder"),
        ("del-2", "del-2-b", "Del 2: Arbetet"),
    ]
    lesson = course.lesson("p1-andra")
    assert lesson is not None
    assert (lesson.part_id, lesson.path, lesson.minutes) == ("del-1", "del-1-a/02-andra.md", 5)
    assert lesson.objectives == ("Förstå andra.",)
    assert lesson.exercises == ("ex-pin-byte",)
    [question] = lesson.checkpoint
    assert (question.id, question.options, question.correct) == ("cp-1", ("Jag", "Du"), 1)
    assert question.is_correct(1) and not question.is_correct(0)
    assert len(lesson.hash) == 16


def test_next_and_previous_cross_the_part_boundary(make_course: MakeCourse) -> None:
    course = ContentStore(make_course(), check_interval=0).course()
    assert [lesson.id for lesson in course.lessons] == ["p1-forsta", "p1-andra", "p2-tredje"]
    assert course.next("p1-andra").id == "p2-tredje"  # type: ignore[union-attr]
    assert course.previous("p2-tredje").id == "p1-andra"  # type: ignore[union-attr]
    assert course.previous("p1-forsta") is None
    assert course.next("p2-tredje") is None
    assert course.part_of("p2-tredje").id == "del-2"  # type: ignore[union-attr]
    assert course.lesson("finns-inte") is None and course.part_of("finns-inte") is None


def test_lessons_with_invalid_front_matter_are_left_out_of_the_course(
    make_course: MakeCourse,
) -> None:
    root = make_course({"del-1-a/02-andra.md": "---\nid: p1-andra\n---\n# Andra\n"})
    store = ContentStore(root, check_interval=0)
    assert [lesson.id for lesson in store.course().lessons] == ["p1-forsta", "p2-tredje"]
    assert any("missing required key 'title'" in str(p) for p in store.problems())


def test_missing_course_yaml_raises_content_error(make_course: MakeCourse) -> None:
    with pytest.raises(ContentError):
        ContentStore(make_course({"course.yaml": None})).course()


def test_links_between_lessons_use_the_lesson_url_callback(make_course: MakeCourse) -> None:
    body = "[vidare](../del-2-b/01-tredje.md#steg) ![bild](img/a.svg)"
    root = make_course({"del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", body)})
    store = ContentStore(
        root,
        check_interval=0,
        lesson_url=lambda lesson_id, anchor: f"/kurs/{lesson_id}#{anchor}",
        asset_url=lambda folder, path: f"/filer/{folder}/{path}",
    )
    html = store.lesson("p1-andra").html  # type: ignore[union-attr]
    assert 'href="/kurs/p2-tredje#steg"' in html and 'src="/filer/del-1-a/img/a.svg"' in html


def test_edited_lesson_is_served_new_and_unchanged_lessons_are_not_rerendered(
    make_course: MakeCourse, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_course()
    counter = RenderCounter(monkeypatch)
    store = ContentStore(root, check_interval=0)
    store.course()
    assert sorted(counter.paths) == [
        "del-1-a/01-forsta.md",
        "del-1-a/02-andra.md",
        "del-2-b/01-tredje.md",
    ]
    counter.paths.clear()

    store.course()
    assert counter.paths == []  # nothing changed: nothing rendered

    rewrite(root / "del-1-a/02-andra.md", lesson_md("p1-andra", "Andra", "Ny text."))
    assert "Ny text." in store.lesson("p1-andra").html  # type: ignore[union-attr]
    assert counter.paths == ["del-1-a/02-andra.md"]


def test_touching_a_file_without_changing_it_does_not_rerender(
    make_course: MakeCourse, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_course()
    counter = RenderCounter(monkeypatch)
    store = ContentStore(root, check_interval=0)
    before = store.course()
    counter.paths.clear()
    path = root / "del-1-a/02-andra.md"
    rewrite(path, path.read_text(encoding="utf-8"))
    assert store.course().version == before.version
    assert counter.paths == []


def test_files_are_checked_at_most_once_per_check_interval(make_course: MakeCourse) -> None:
    root = make_course()
    clock = FakeClock()
    store = ContentStore(root, check_interval=2.0, clock=clock)
    assert "Text." in store.lesson("p1-andra").html  # type: ignore[union-attr]
    rewrite(root / "del-1-a/02-andra.md", lesson_md("p1-andra", "Andra", "Ändrad."))
    clock.now += 1.0
    assert "Ändrad." not in store.lesson("p1-andra").html  # type: ignore[union-attr]
    clock.now += 1.5
    assert "Ändrad." in store.lesson("p1-andra").html  # type: ignore[union-attr]


def test_new_and_deleted_lessons_are_picked_up(make_course: MakeCourse) -> None:
    root = make_course()
    store = ContentStore(root, check_interval=0)
    store.course()
    (root / "del-1-a/03-ny.md").write_text(lesson_md("p1-ny", "Ny"), encoding="utf-8")
    (root / "del-2-b/01-tredje.md").unlink()
    assert [lesson.id for lesson in store.course().lessons] == ["p1-forsta", "p1-andra", "p1-ny"]


def test_version_changes_when_a_lesson_changes_and_not_otherwise(make_course: MakeCourse) -> None:
    root = make_course()
    store = ContentStore(root, check_interval=0)
    first = store.course().version
    assert ContentStore(root, check_interval=0).course().version == first  # stable across loads

    (root / "glossary.yaml").write_text("- term: PUK\n  definition: Kod.\n", encoding="utf-8")
    assert store.course().version == first  # the glossary is not part of the version

    rewrite(root / "del-2-b/01-tredje.md", lesson_md("p2-tredje", "Tredje", "Ny."))
    second = store.course().version
    assert second != first

    rewrite(root / "del-2-b/part.yaml", 'id: del-2\ntitle: "Del 2: Nytt namn"\n')
    assert store.course().version not in (first, second)


def test_last_good_course_is_kept_when_course_yaml_disappears(make_course: MakeCourse) -> None:
    root = make_course()
    store = ContentStore(root, check_interval=0)
    version = store.course().version
    (root / "course.yaml").unlink()
    assert store.course().version == version


def search_course(make_course: MakeCourse) -> ContentStore:
    root = make_course(
        {
            "del-1-a/01-forsta.md": lesson_md(
                "p1-forsta", "Första", "Sätt kortet i en kortläsare."
            ),
            "del-1-a/02-andra.md": lesson_md(
                "p1-andra", "Kortläsare", "Två kortläsare vid disken. Reservkort."
            ),
            "del-2-b/01-tredje.md": lesson_md("p2-tredje", "Tredje", "Reservkort på nivå 3."),
        }
    )
    return ContentStore(root, check_interval=0)


def test_search_ranks_a_title_match_above_a_text_match(make_course: MakeCourse) -> None:
    hits = search_course(make_course).search("kortläsare")
    assert [lesson.id for lesson, _snippet in hits] == ["p1-andra", "p1-forsta"]
    assert "kortläsare" in hits[1][1]


def test_search_without_swedish_letters_still_finds_them(make_course: MakeCourse) -> None:
    hits = search_course(make_course).search("KORTLASARE")
    assert [lesson.id for lesson, _snippet in hits] == ["p1-andra", "p1-forsta"]


def test_search_finds_words_inside_compounds_and_needs_every_term(
    make_course: MakeCourse,
) -> None:
    store = search_course(make_course)
    assert [lesson.id for lesson, _ in store.search("läsare")] == ["p1-andra", "p1-forsta"]
    assert [lesson.id for lesson, _ in store.search("reservkort nivå")] == ["p2-tredje"]
    assert store.search("") == [] and store.search("finnsinte") == []


def test_glossary_is_sorted_swedishly_and_drops_unknown_lessons(make_course: MakeCourse) -> None:
    glossary = (
        "- term: Återkallelse\n  definition: Spärr.\n"
        "- term: ärende\n  definition: Ett ärende.\n  lesson: p1-andra\n"
        "- term: Öppen\n  definition: Inte stängd.\n"
        "- term: Zon\n  definition: Område.\n  lesson: p1-saknas\n"
        "- term: HSA-id\n  definition: Identitet.\n  lesson: p1-forsta\n"
    )
    store = ContentStore(make_course({"glossary.yaml": glossary}), check_interval=0)
    assert store.glossary() == [
        GlossaryEntry("HSA-id", "Identitet.", "p1-forsta"),
        GlossaryEntry("Zon", "Område.", None),
        GlossaryEntry("Återkallelse", "Spärr.", None),
        GlossaryEntry("ärende", "Ett ärende.", "p1-andra"),
        GlossaryEntry("Öppen", "Inte stängd.", None),
    ]


def test_store_is_usable_from_many_threads(make_course: MakeCourse) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = ContentStore(make_course(), check_interval=0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = set(pool.map(lambda _: store.course().version, range(50)))
    assert len(versions) == 1


def test_content_dir_may_be_given_as_a_string(make_course: MakeCourse) -> None:
    root: Path = make_course()
    assert ContentStore(str(root), check_interval=0).lesson("p1-forsta") is not None
