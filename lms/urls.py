"""Small URL helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds on PostgreSQL (32-bit); SQLite allows more, but no
# row of ours gets near it.
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """`<int:...>` in our URLs names a row id. A number beyond any id is a 404 like any other
    unknown id, not a database overflow error (a 500)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def safe_next(target: str | None) -> str | None:
    """Accept only a local path as a redirect target (no scheme, host or protocol-relative URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def external_url(path: str) -> str:
    """An absolute link for mail, built on the configured public base URL."""
    return current_app.config["BASE_URL"].rstrip("/") + path
