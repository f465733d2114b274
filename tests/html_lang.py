"""The language a piece of page text is in, as a screen reader works it out: the `lang`
attribute of the nearest element around it (WCAG 2.1 SC 3.1.1 and 3.1.2)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Languages(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str | None]] = []  # (text, effective lang)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        inherited = self.stack[-1][1] if self.stack else None
        self.stack.append((tag, dict(attrs).get("lang", inherited)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed <p>, <li>
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and not any(tag in ("head", "script") for tag, _ in self.stack):
            self.texts.append((data.strip(), self.stack[-1][1] if self.stack else None))


def language_of(html: str, text: str) -> str | None:
    """The effective language of the first text node in the body containing `text`."""
    text = text.strip()
    parser = _Languages()
    parser.feed(html)
    for data, lang in parser.texts:
        if text in data:
            return lang
    raise AssertionError(f"{text!r} is not on the page")
