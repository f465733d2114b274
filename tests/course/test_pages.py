"""Search, glossary, print view and the lesson's sandbox exercises."""

from __future__ import annotations

import pytest

from tests.course.conftest import TINY_COURSE, write_course
from tests.course_content.builders import lesson_md
from tests.html_lang import language_of


@pytest.fixture
def tiny_content(tmp_path):
    extra = "exercises: [ex-pin-byte, ex-okand]\n"
    files = {
        **TINY_COURSE,
        "del-1-a/01-forsta.md": lesson_md(
            "p1-forsta", "Första", "## Läsare\n\nOm kortläsare och kort.", extra
        ),
    }
    return write_course(tmp_path / "content", files)


def test_search_finds_lessons_with_a_snippet(client, trainee):
    page = client.get("/course/search?q=kortläsare").get_data(as_text=True)
    assert "1 lektion matchar" in page
    assert 'href="/course/lessons/p1-forsta"' in page
    assert "Om kortläsare och kort." in page


def test_search_without_query_asks_for_words(client, trainee):
    page = client.get("/course/search").get_data(as_text=True)
    assert "Skriv ett eller flera ord i sökfältet." in page


def test_glossary_is_a_definition_list_in_swedish_order_linking_to_lessons(client, trainee):
    page = client.get("/course/glossary").get_data(as_text=True)
    assert '<dl class="glossary">' in page
    attest, zon, arende = (page.index(term) for term in ("Attest", "Zon", "Ärende"))
    assert attest < zon < arende  # Ä sorts after Z in Swedish
    assert '<a href="/course/lessons/p1-andra">Ärende</a>' in page
    assert "<dt>Zon</dt>" in page


def test_print_view_has_the_content_without_navigation(client, trainee):
    page = client.get("/course/lessons/p1-forsta/print").get_data(as_text=True)
    assert "Om kortläsare och kort." in page
    assert "<nav" not in page and "Markera som klar" not in page
    assert 'href="/course/lessons/p1-forsta"' in page  # the way back


def test_lesson_links_its_built_exercises_and_marks_unknown_ones_coming_soon(client, trainee):
    page = client.get("/course/lessons/p1-forsta").get_data(as_text=True)
    # ex-pin-byte is built: a link to its sandbox page; ex-okand is not in the catalog
    assert (
        '<a href="/sandbox/exercises/ex-pin-byte">Byt PIN på rätt kort när två kort sitter i '
        "datorn</a>" in page
    )
    assert page.count("kommer snart") == 1
    assert 'href="#lasare"' in page  # table of contents


def test_swedish_lesson_text_is_marked_swedish_in_the_english_interface(client, trainee):
    """WCAG 2.1 SC 3.1.2: a screen reader reads the Swedish lesson with Swedish rules, and
    the interface's own words in English."""
    client.post("/locale/en", data={"next": "/"})
    page = client.get("/course/lessons/p1-forsta").get_data(as_text=True)
    assert language_of(page, "Om kortläsare och kort.") == "sv"  # the lesson body
    assert language_of(page, "Första") == "sv"  # its title
    assert language_of(page, "Mark as done") == "en"
    assert language_of(page, "Byt PIN på rätt kort") == "sv"  # an exercise title
    glossary = client.get("/course/glossary").get_data(as_text=True)
    assert language_of(glossary, "Ärende") == "sv"
    assert language_of(glossary, "Glossary") == "en"
    overview = client.get("/course/").get_data(as_text=True)
    assert language_of(overview, "Första") == "sv"
    assert language_of(overview, "Sammanfattning.") == "sv"  # a part's summary
    assert language_of(overview, "Course overview") == "en"
    printed = client.get("/course/lessons/p1-forsta/print").get_data(as_text=True)
    assert language_of(printed, "Om kortläsare och kort.") == "sv"
    assert language_of(printed, "Back to the lesson") == "en"


def test_no_extra_language_marks_when_the_interface_is_swedish(client, trainee):
    page = client.get("/course/lessons/p1-forsta").get_data(as_text=True)
    assert language_of(page, "Om kortläsare och kort.") == "sv"  # from <html lang="sv">
    assert 'lang="sv"' not in page.split("<body", 1)[1]
