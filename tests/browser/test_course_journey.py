"""A trainee reads a lesson, marks it done, sees the progress bar move, signs out and back in,
and lands on the next lesson."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase"  # noqa: S105 - test account only


def _make_trainee(app) -> None:
    from lms.auth.service import create_user
    from lms.extensions import db
    from lms.models.user import Role

    with app.app_context():
        create_user("tove@example.se", "Tove Testsson", {Role.TRAINEE}, password=PASSWORD)
        db.session.commit()


def test_trainee_marks_a_lesson_done_and_resumes_at_the_next_after_signing_in_again(
    live_server, page
):
    base = live_server.url
    _make_trainee(live_server.app)

    # 1. Signing in lands on the first lesson.
    sign_in(page, base, "tove@example.se", PASSWORD)
    page.wait_for_url(re.compile(r"/course/lessons/p1-valkommen$"))
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    bar = page.locator("progress#progress-part")
    assert bar.get_attribute("value") == "0"
    assert page.get_by_text("0 av 11 lektioner").is_visible()

    # 2. Reading: the table of contents jumps within the lesson.
    toc = page.get_by_role("navigation", name="Innehåll")
    toc.get_by_role("link").first.click()
    assert "#" in page.url

    # 3. Marking the lesson done moves the progress bar.
    page.get_by_role("button", name="Markera som klar").click()
    page.wait_for_url(re.compile(r"/course/lessons/p1-valkommen$"))
    assert page.get_by_text("Lektionen är markerad som klar.").is_visible()
    assert page.locator("progress#progress-part").get_attribute("value") == "1"
    assert page.get_by_text("1 av 11 lektioner").is_visible()
    page.get_by_role("link", name="Kursöversikt").click()
    assert page.locator("progress#progress-course").get_attribute("value") == "1"
    assert page.get_by_text("1 av 23 lektioner").is_visible()

    # 4. Signing out and in again continues with the next lesson.
    page.get_by_role("button", name="Logga ut").click()
    sign_in(page, base, "tove@example.se", PASSWORD)
    page.wait_for_url(re.compile(r"/course/lessons/p1-roller-och-ansvar$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Roller och ansvar"
    assert page.locator("progress#progress-part").get_attribute("value") == "1"
