"""Search, glossary, print view and the lesson's sandbox exercises."""

from __future__ import annotations

import pytest

from tests.course.conftest import TINY_COURSE, write_course
from tests.course_content.builders import lesson_md


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


def test_lesson_lists_its_exercises_by_title_marked_coming_soon(client, trainee):
    page = client.get("/course/lessons/p1-forsta").get_data(as_text=True)
    assert "Byt PIN på rätt kort när två kort sitter i datorn" in page
    assert page.count("kommer snart") == 2
    assert 'href="#lasare"' in page  # table of contents
