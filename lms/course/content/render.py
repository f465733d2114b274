"""Markdown lesson body -> sanitised HTML, table of contents, links and images.

Relative links to other lesson files become lesson URLs and relative image paths become asset
URLs, through callbacks so the web layer decides the URL scheme.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from .model import TocEntry
from .sanitize import EXTERNAL_REL, html_text_and_ids, sanitize_html

LessonUrl = Callable[[str, str | None], str]
AssetUrl = Callable[[str, str], str]
RefKind = Literal["external", "site", "anchor", "lesson", "file", "outside"]
TOC_LEVELS = (2, 3)
# Swedish titles for admonitions written without one (`!!! warning` instead of `!!! warning "Obs"`)
ADMONITION_TITLES = {
    "Note": "Obs",
    "Info": "Information",
    "Tip": "Tips",
    "Hint": "Tips",
    "Important": "Viktigt",
    "Warning": "Varning",
    "Caution": "Var försiktig",
    "Attention": "Observera",
    "Danger": "Fara",
    "Error": "Fel",
    "Example": "Exempel",
}


def default_lesson_url(lesson_id: str, anchor: str | None) -> str:
    url = f"/course/lessons/{quote(lesson_id)}"
    return f"{url}#{quote(anchor, safe='-_.:')}" if anchor else url


def default_asset_url(part_folder: str, path: str) -> str:
    return f"/course/assets/{quote(part_folder)}/{quote(path)}"


def slugify(value: str, separator: str = "-") -> str:
    """Heading anchor: 'Steg 2: Tillitsnivå' -> 'steg-2-tillitsniva' (å, ä, ö become a, a, o)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", separator, ascii_text).strip(separator)
    return slug or "avsnitt"


@dataclass(frozen=True)
class Reference:
    """A link or image target as written (``raw``) and as resolved inside the content folder."""

    raw: str
    kind: RefKind
    target: str | None = None  # content-relative path, for anchor/lesson/file
    anchor: str | None = None


def resolve_reference(raw: str, lesson_path: str) -> Reference:
    """Classify a link target written in the lesson at ``lesson_path`` (content-relative)."""
    if AMP_SUBSTITUTE in raw:  # an obfuscated <mail@address> autolink
        return Reference(raw, "external")
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return Reference(raw, "external")
    if raw.startswith("/"):
        return Reference(raw, "site")
    anchor = unquote(parts.fragment) or None
    path = unquote(parts.path)
    if not path:
        return Reference(raw, "anchor", lesson_path, anchor)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(lesson_path), path))
    if joined == ".." or joined.startswith("../"):
        return Reference(raw, "outside")
    return Reference(raw, "lesson" if joined.endswith(".md") else "file", joined, anchor)


@dataclass(frozen=True)
class RenderedLesson:
    html: str
    toc: tuple[TocEntry, ...]
    anchors: frozenset[str]
    links: tuple[Reference, ...]
    images: tuple[Reference, ...]
    text: str
    word_count: int


class _ReferenceRewriter(Treeprocessor):
    """Rewrites and records every link and image the Markdown produced."""

    def __init__(
        self,
        md: markdown.Markdown,
        lesson_path: str,
        lesson_ids: Mapping[str, str],
        lesson_url: LessonUrl,
        asset_url: AssetUrl,
    ) -> None:
        super().__init__(md)
        self.lesson_path = lesson_path
        self.lesson_ids = lesson_ids
        self.lesson_url = lesson_url
        self.asset_url = asset_url
        self.links: list[Reference] = []
        self.images: list[Reference] = []

    def _asset(self, ref: Reference) -> str | None:
        if ref.kind != "file" or ref.target is None or "/" not in ref.target:
            return None
        folder, _, rest = ref.target.partition("/")
        return self.asset_url(folder, rest)

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("href") is not None:
                ref = resolve_reference(element.get("href", ""), self.lesson_path)
                self.links.append(ref)
                new_href: str | None = None
                if ref.kind == "lesson" and ref.target in self.lesson_ids:
                    new_href = self.lesson_url(self.lesson_ids[ref.target], ref.anchor)
                elif ref.kind == "file":
                    new_href = self._asset(ref)
                elif ref.kind == "external" and urlsplit(ref.raw).scheme in ("http", "https"):
                    element.set("rel", EXTERNAL_REL)
                if new_href is not None:
                    element.set("href", new_href)
            elif element.tag == "p" and element.get("class") == "admonition-title":
                element.text = ADMONITION_TITLES.get(element.text or "", element.text)
            elif element.tag == "img" and element.get("src") is not None:
                ref = resolve_reference(element.get("src", ""), self.lesson_path)
                self.images.append(ref)
                new_src = self._asset(ref)
                if new_src is not None:
                    element.set("src", new_src)


def _markdown() -> markdown.Markdown:
    configs: dict[str, dict[str, Any]] = {
        "toc": {"permalink": False, "slugify": slugify},
        "tables": {"use_align_attribute": True},
        "footnotes": {"BACKLINK_TITLE": "Tillbaka till fotnot %d i texten"},
    }
    # attr_list is deliberately left out: authors must not be able to set attributes.
    extensions = [
        "tables",
        "admonition",
        "footnotes",
        "toc",
        "def_list",
        "fenced_code",
        "sane_lists",
    ]
    return markdown.Markdown(extensions=extensions, extension_configs=configs, output_format="html")


def _flatten_toc(tokens: list[dict[str, Any]]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for token in tokens:
        if token["level"] in TOC_LEVELS:
            entries.append(TocEntry(token["level"], token["id"], html.unescape(token["name"])))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries


def render_lesson(
    body: str,
    *,
    lesson_path: str,
    lesson_ids: Mapping[str, str] | None = None,
    lesson_url: LessonUrl = default_lesson_url,
    asset_url: AssetUrl = default_asset_url,
) -> RenderedLesson:
    """Render a lesson body (front matter already removed).

    ``lesson_path`` is the lesson's path relative to the content folder and ``lesson_ids`` maps
    such paths of every lesson to its id, so links between lesson files can be rewritten.
    """
    md = _markdown()
    rewriter = _ReferenceRewriter(md, lesson_path, lesson_ids or {}, lesson_url, asset_url)
    md.treeprocessors.register(rewriter, "lesson-references", 4)  # after toc (5)
    clean = sanitize_html(md.convert(body))
    text, anchors = html_text_and_ids(clean)
    return RenderedLesson(
        html=clean,
        toc=tuple(_flatten_toc(getattr(md, "toc_tokens", []))),
        anchors=anchors,
        links=tuple(rewriter.links),
        images=tuple(rewriter.images),
        text=text,
        word_count=len(re.findall(r"\w+", text)),
    )
