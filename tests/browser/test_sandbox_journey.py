"""In a real browser: a trainee opens the sandbox, starts the PIN-change exercise, first
changes the PIN of the wrong card, sees the check say so, then does it right and passes. The
desk page with a running exercise passes the WCAG checks."""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import describe, violations
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase"  # noqa: S105 - test accounts only


def _prepare(live_server, tmp_path):
    from lms.auth.service import create_user
    from lms.extensions import db
    from lms.models.user import Role
    from sandbox.console.ca_routes import db_session, get_ca

    app = live_server.app
    app.config.update(
        CA_PASSPHRASE="browser sandbox passphrase",
        CA_KEY_DIR=str(tmp_path / "ca"),
        CARDS_DIR=str(tmp_path / "cards"),
        SANDBOX_DESK="private",
    )
    with app.app_context():
        get_ca().init_hierarchy(db_session())
        user = create_user("tina@example.se", "Tina Testare", {Role.TRAINEE}, password=PASSWORD)
        db.session.commit()
        return user.id


def _context(app, user_id):
    from lms.extensions import db
    from lms.models.sandbox import ExerciseRun

    with app.app_context():
        run = db.session.query(ExerciseRun).filter_by(user_id=user_id, outcome="running").one()
        return dict(run.context)


def _change_pin(page, reader_label, old, new):
    section = page.get_by_role("region", name="Byt PIN")
    section.get_by_label(reader_label).check()
    section.get_by_label("Nuvarande PIN").fill(old)
    section.get_by_label("Ny PIN", exact=True).fill(new)
    section.get_by_label("Upprepa den nya PIN-koden").fill(new)
    section.get_by_role("button", name="Byt PIN").click()
    page.wait_for_load_state()


def test_pin_change_exercise_in_the_browser(live_server, page, tmp_path):
    base = live_server.url
    user_id = _prepare(live_server, tmp_path)
    sign_in(page, base, "tina@example.se", PASSWORD)
    page.get_by_role("link", name="Sandlåda").click()
    page.get_by_role("link", name=re.compile("övningar", re.I)).first.click()
    page.get_by_role("button", name=re.compile("Starta: Byt PIN på rätt kort")).click()
    page.wait_for_load_state()
    ctx = _context(live_server.app, user_id)
    assert ctx["new_pin"] in page.locator("#exercise").locator("..").inner_text()

    found = violations(page)
    assert not found, describe(found)
    page.screenshot(path=str(tmp_path / "desk.png"), full_page=True)

    # The wrong card first: the administrator's own card in reader 1 refuses the codes.
    _change_pin(page, re.compile(r"^Läsare 1"), ctx["letter_pin"], ctx["new_pin"])
    assert "Fel kod" in page.locator(".error-summary").inner_text()
    page.get_by_role("button", name="Kontrollera övningen").click()
    page.wait_for_load_state()
    findings = page.locator(".findings").inner_text()
    assert "Ditt eget kort" in findings

    # Start again (new cards, new codes) and change the PIN on the customer's card.
    page.get_by_role("link", name="Alla övningar").click()
    page.get_by_role("button", name=re.compile("Starta igen: Byt PIN på rätt kort")).click()
    page.wait_for_load_state()
    from lms.extensions import db
    from lms.models.sandbox import ExerciseRun

    with live_server.app.app_context():
        run = db.session.query(ExerciseRun).filter_by(user_id=user_id, outcome="running").one()
        ctx = dict(run.context)
    _change_pin(page, re.compile(r"^Läsare 2"), ctx["letter_pin"], ctx["new_pin"])
    page.get_by_role("button", name="Kontrollera övningen").click()
    page.wait_for_load_state()
    assert "Bra gjort" in page.locator(".flashes").inner_text()
