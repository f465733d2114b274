"""Raw HTML in a lesson is inert when it reaches the browser through the lesson route."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.course.conftest import TINY_COURSE, write_course
from tests.course_content.builders import lesson_md

HOSTILE_BODY = """\
Vanlig text.

<script>alert("skript")</script>

[Klicka här](javascript:alert(1)) och <a href="javascript:alert(2)">en rå länk</a>.

<img src="x.png" onerror="alert(3)"> <p onclick="alert(4)">Klickbar</p>
<iframe src="https://example.com"></iframe>
"""


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("src", "").startswith("/static/js/"):
            return  # the site's own script file (the lesson's inline script must be gone)
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


@pytest.fixture
def tiny_content(tmp_path):
    files = {**TINY_COURSE, "del-1-a/01-forsta.md": lesson_md("p1-forsta", "Första", HOSTILE_BODY)}
    return write_course(tmp_path / "content", files)


@pytest.mark.parametrize("path", ["/course/lessons/p1-forsta", "/course/lessons/p1-forsta/print"])
def test_script_event_handlers_and_javascript_links_are_inert(client, trainee, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Vanlig text." in page and "en rå länk" in page
    found = _Collect()
    found.feed(page)
    assert "script" not in found.tags and "iframe" not in found.tags
    assert not [name for name, _ in found.attrs if name.startswith("on")]
    assert not [v for _, v in found.attrs if v.strip().lower().startswith("javascript:")]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_search_snippets_are_escaped(client, trainee):
    page = client.get("/course/search?q=<b>vanlig").get_data(as_text=True)
    assert "<b>vanlig" not in page
    assert "&lt;b&gt;vanlig" in page
