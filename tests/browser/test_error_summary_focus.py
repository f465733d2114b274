"""A form sent back with errors puts the keyboard focus on its error summary."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_focus_moves_to_the_error_summary_of_a_rejected_form(live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/login")
    page.get_by_label("E-postadress").fill("nobody@example.se")
    page.get_by_label("Lösenord").fill("wrong password")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()


def test_a_page_without_errors_keeps_focus_where_it_was(live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/login")
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("body")).to_be_focused()
