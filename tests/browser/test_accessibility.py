"""Every page each role can reach by following links passes axe's WCAG 2.1 A/AA rules, and
none of them answers with a server error. Error states (a rejected form, a failed login) are
checked too: that is where labels and error messages most often go wrong.

The crawl starts from every GET route without parameters and follows same-site links, so a
new page is checked as soon as something links to it.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from tests.browser.a11y import assert_accessible, describe, violations
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

MAX_PAGES = 150  # per role; the demo data reaches about 35


def _seed_demo(app) -> str:
    from lms.demo import DEMO_PASSWORD, seed_demo
    from lms.extensions import db

    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    return DEMO_PASSWORD


def _start_paths(app) -> list[str]:
    return sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and not rule.arguments
            and not rule.rule.startswith(("/static", "/dev"))
            and "logout" not in rule.endpoint
        }
    )


def _crawl(page, base: str, start: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """(pages checked, {path: problems}, server errors) for the signed-in role of `page`."""
    host = urlparse(base).netloc
    queue, seen = list(start), set(start)
    checked: list[str] = []
    problems: dict[str, str] = {}
    errors: list[str] = []
    while queue and len(checked) < MAX_PAGES:
        path = queue.pop(0)
        # ask first without following redirects: downloads (PDF, CSV, PEM) are not pages
        head = page.context.request.get(base + path, max_redirects=0)
        if head.status >= 500:
            errors.append(f"{path}: HTTP {head.status}")
        if 300 <= head.status < 400:  # a redirect must end somewhere (no loop, no error)
            target = urlparse(urljoin(base + path, head.headers.get("location", "")))
            try:
                final = page.context.request.get(base + path, max_redirects=5)
            except Exception as exc:  # Playwright raises on a redirect loop
                errors.append(f"{path}: {exc}")
            else:
                if final.status >= 500:
                    errors.append(f"{path} -> {final.url}: HTTP {final.status}")
            if target.netloc == host and target.path not in seen:
                seen.add(target.path)
                queue.append(target.path)
        if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
            continue
        page.goto(base + path)
        checked.append(path)
        found = violations(page)
        if found:
            problems[path] = describe(found)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            url = urlparse(urljoin(base + path, urldefrag(href)[0]))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc != host or target in seen or "logout" in target:
                continue
            if target.startswith(("/static", "/dev")):
                continue
            seen.add(target)
            queue.append(target)
    return checked, problems, errors


def _crawl_clean(page, base: str, app) -> list[str]:
    """Crawl from every parameterless route; fail on any WCAG problem or server error."""
    checked, problems, errors = _crawl(page, base, _start_paths(app))
    assert not errors, errors
    assert not problems, "\n\n".join(f"{path}\n{text}" for path, text in problems.items())
    return checked


@pytest.mark.parametrize(
    "email",
    [None, "elev@example.se", "godkannare@example.se", "admin@example.se"],
    ids=["anonymous", "trainee", "approver", "admin"],
)
def test_every_reachable_page_meets_wcag_21_aa(live_server, page, email):
    password = _seed_demo(live_server.app)
    base = live_server.url
    if email is not None:
        sign_in(page, base, email, password)
    checked = _crawl_clean(page, base, live_server.app)
    # the crawl really reached the role's pages (a broken sign-in would only see /login)
    expected = {
        None: "/apply",
        "elev@example.se": "/course/",
        "godkannare@example.se": "/team/applications",
        "admin@example.se": "/admin/audit",
    }[email]
    assert expected in checked, checked


def test_english_pages_meet_wcag_21_aa_and_say_they_are_english(live_server, page):
    password = _seed_demo(live_server.app)
    base = live_server.url
    sign_in(page, base, "elev@example.se", password)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    checked = _crawl_clean(page, base, live_server.app)
    assert "/course/" in checked
    assert page.locator("html").get_attribute("lang") == "en"  # still English at the end


def test_error_states_meet_wcag_21_aa(live_server, page):
    base = live_server.url
    _seed_demo(live_server.app)
    page.goto(base + "/apply")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() > 0  # the form was really rejected
    assert_accessible(page, "/apply with errors")

    page.goto(base + "/login")
    page.get_by_label("E-postadress").fill("elev@example.se")
    page.get_by_label("Lösenord").fill("not the password")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert "/login" in page.url
    assert_accessible(page, "/login after a failed sign-in")


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim(),
    outline: parseFloat(style.outlineWidth) || 0, outlineStyle: style.outlineStyle,
    shadow: style.boxShadow, onScreen: box.right > 0 && box.bottom > 0 && box.width > 0,
  };
}"""


def test_keyboard_users_can_skip_to_the_content_and_always_see_the_focus(live_server, page):
    """WCAG 2.4.1 (bypass blocks) and 2.4.7 (focus visible), on the application form."""
    page.goto(live_server.url + "/apply")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["tag"] == "a" and first["text"] == "Hoppa till innehållet", first
    assert first["onScreen"], "the skip link must appear when it has the focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    seen = set()
    for _ in range(40):  # through the header and the whole form
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":
            break
        key = (focused["tag"], focused["id"], focused["text"][:40])
        seen.add(key)
        visible = (focused["outline"] >= 2 and focused["outlineStyle"] != "none") or (
            focused["shadow"] not in ("", "none")
        )
        assert visible, f"no visible focus on {key}"
        assert focused["onScreen"], f"focus went to something off screen: {key}"
    tags = {tag for tag, _id, _text in seen}
    assert {"input", "textarea", "button"} <= tags, seen  # the form was really reached
