"""A changed lesson file shows on the next request (check interval 0 in tests)."""

from __future__ import annotations

from lms.course.store import get_store
from tests.course_content.builders import lesson_md, rewrite


def test_editing_a_lesson_file_changes_the_page_without_restart(client, trainee, tiny_content):
    assert "Om kortläsare och kort." in client.get("/course/lessons/p1-forsta").get_data(
        as_text=True
    )
    rewrite(
        tiny_content / "del-1-a" / "01-forsta.md",
        lesson_md("p1-forsta", "Första", "Helt ny text om PUK."),
    )
    page = client.get("/course/lessons/p1-forsta").get_data(as_text=True)
    assert "Helt ny text om PUK." in page
    assert "Om kortläsare och kort." not in page


def test_a_lesson_changed_after_it_was_done_is_flagged(client, trainee, tiny_content):
    client.post("/course/lessons/p1-forsta/done")
    rewrite(
        tiny_content / "del-1-a" / "01-forsta.md",
        lesson_md("p1-forsta", "Första", "Uppdaterad text."),
    )
    page = client.get("/course/lessons/p1-forsta").get_data(as_text=True)
    assert "Lektionen har uppdaterats sedan du markerade den som klar." in page


def test_the_store_lives_on_the_app_and_checks_files_on_every_call_in_tests(app):
    store = get_store()
    assert app.extensions["content_store"] is store
    assert get_store() is store
    assert store._check_interval == 0
