"""Allowlist sanitising of rendered lesson HTML, and plain text for search."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS = HEADINGS | {
    "p", "a", "img", "br", "hr", "blockquote", "em", "strong", "b", "i", "del", "abbr", "kbd",
    "code", "pre", "ul", "ol", "li", "dl", "dt", "dd", "div", "sup", "sub",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{heading: {"id"} for heading in HEADINGS},
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "p": {"class"},
    "code": {"class"},
    "abbr": {"title"},
}
ADMONITION_TYPES = {
    "note", "info", "tip", "hint", "important", "warning", "caution", "attention",
    "danger", "error", "example", "question", "success", "failure", "bug", "abstract", "quote",
}  # fmt: skip
ALLOWED_CLASSES: dict[str, set[str]] = {
    "div": {"admonition", "footnote"} | ADMONITION_TYPES,
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
}
REMOVED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "noopener noreferrer"
CODE_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#-]{1,30}")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    allowed = ALLOWED_CLASSES.get(tag)
    if allowed is not None:
        kept = [name for name in value.split() if name in allowed]
    elif tag == "code":
        kept = [name for name in value.split() if CODE_LANGUAGE.fullmatch(name)]
    else:
        kept = []
    return " ".join(kept) or None


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes, classes and URL schemes.

    ``rel`` survives only as ``noopener noreferrer``, which the renderer sets on external links.
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


BLOCK_TAGS = ALLOWED_TAGS - {
    "a",
    "em",
    "strong",
    "b",
    "i",
    "del",
    "abbr",
    "kbd",
    "code",
    "sup",
    "sub",
    "img",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.ids: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
        if tag in BLOCK_TAGS:
            self.chunks.append(" ")
        if tag == "sup":  # footnote markers are not words of the text
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup" and self._skip:
            self._skip -= 1
        if tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_text_and_ids(html: str) -> tuple[str, frozenset[str]]:
    """The visible text of (sanitised) HTML with collapsed whitespace, and every element id."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = re.sub(r"\s+", " ", "".join(parser.chunks)).strip()
    return text, frozenset(parser.ids)
