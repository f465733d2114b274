"""Switching language while filling in a form keeps what was typed (the page reloads in the
other language); passwords are never carried over."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_switching_language_keeps_what_was_typed_in_the_form(live_server, page):
    page.goto(live_server.url + "/apply")
    page.get_by_label("Fullständigt namn").fill("Sara Exempelsson")
    page.get_by_label("ID-administratör").check()
    page.get_by_label("Något annat vi bör veta").fill("Rad ett\nRad två")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Full name").input_value() == "Sara Exempelsson"
    assert page.get_by_label("ID administrator").is_checked()
    assert page.get_by_label("Anything else we should know").input_value() == "Rad ett\nRad två"
    # Put back once: a later visit to the page starts empty.
    page.goto(live_server.url + "/apply")
    assert page.get_by_label("Full name").input_value() == ""


def test_a_password_is_not_carried_over(live_server, page):
    page.goto(live_server.url + "/login")
    page.get_by_label("E-postadress").fill("greta@example.se")
    page.get_by_label("Lösenord").fill("a secret passphrase")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Email address").input_value() == "greta@example.se"
    assert page.get_by_label("Password").input_value() == ""
    stored = page.evaluate("() => JSON.stringify(sessionStorage)")
    assert "a secret passphrase" not in stored
