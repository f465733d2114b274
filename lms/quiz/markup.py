"""Markdown of question stems and explanations → sanitised HTML for the templates."""

from __future__ import annotations

import markdown
from markupsafe import Markup

from lms.course.content.sanitize import sanitize_html


def markdown_html(text: str | None) -> Markup:
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return Markup(sanitize_html(html))  # noqa: S704 - sanitised by the allowlist above
