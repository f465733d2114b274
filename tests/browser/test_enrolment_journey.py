"""The whole enrolment journey in a real browser: apply → attest (link from the outbox) →
approve → invitation → set password → course landing page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.a11y import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase"  # noqa: S105 - test account only


def _latest_link(page, base_url: str, prefix: str) -> str:
    page.goto(base_url + "/dev/outbox")
    links = page.locator(f'a[href*="{prefix}"]')
    assert links.count() > 0, f"no {prefix} link in the outbox"
    return links.first.get_attribute("href")


def _make_approver(app) -> None:
    from lms.auth.service import create_user
    from lms.extensions import db
    from lms.models.user import Role

    with app.app_context():
        create_user("greta@example.se", "Greta Godkännare", {Role.APPROVER}, password=PASSWORD)
        db.session.commit()


def test_candidate_applies_manager_attests_approver_approves_and_candidate_lands_in_course(
    live_server, page
):
    base = live_server.url
    _make_approver(live_server.app)

    # 1. The candidate applies; a first try with a bad HSA-id keeps what was typed.
    page.goto(base + "/apply")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_label("Fullständigt namn").fill("Sara Exempelsson")
    page.get_by_label("E-postadress i tjänsten").fill("sara@example.se")
    page.get_by_label("Organisation").fill("Vårdcentralen Solna")
    page.get_by_label("HSA-id").fill("SE123")
    page.get_by_label("ID-administratör").check()
    page.get_by_label("Din chefs namn").fill("Maria Chefsdotter")
    page.get_by_label("Din chefs e-postadress").fill("maria@example.se")
    page.get_by_role("button", name="Skicka ansökan").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Fullständigt namn").input_value() == "Sara Exempelsson"
    page.get_by_label("HSA-id").fill("SE2321000016-ABC1")
    page.get_by_role("button", name="Skicka ansökan").click()
    assert page.get_by_role("heading", name=re.compile("din ansökan är mottagen")).is_visible()

    # 2. The manager follows the link from the outbox and attests.
    page.goto(_latest_link(page, base, "/attest/"))
    assert_accessible(page, "the manager's attestation form")
    for box in page.locator('fieldset input[type="checkbox"]').all():
        box.check()
    page.get_by_label("Din titel").fill("Verksamhetschef")
    page.get_by_label("Datum").fill(date.today().isoformat())
    page.get_by_label(re.compile("Jag bekräftar att påståendena")).check()
    page.get_by_role("button", name="Skicka intyget").click()
    assert page.get_by_role("heading", name=re.compile("intyget är mottaget")).is_visible()
    assert_accessible(page, "the attestation receipt")

    # 3. The approver signs in, opens the application and approves it.
    page.goto(base + "/login")
    page.get_by_label("E-postadress").fill("greta@example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("link", name="Sara Exempelsson").click()
    page.get_by_role("button", name="Godkänn och skicka inbjudan till kursen").click()
    assert page.get_by_text("Ansökan är godkänd").is_visible()
    assert_accessible(page, "the approved application")
    page.get_by_role("button", name="Logga ut").click()

    # 4. The candidate follows the invitation, chooses a password and lands in the course.
    page.goto(_latest_link(page, base, "/invitation/"))
    assert_accessible(page, "the invitation's password form")
    page.get_by_label("Nytt lösenord").fill(PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(PASSWORD)
    page.get_by_role("button", name="Spara och gå till kursen").click()
    page.wait_for_url(re.compile(r"/course/"))
    assert "/course/" in page.url
    assert page.get_by_role("button", name="Logga ut").is_visible()
