"""Small URL helpers."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, RequestRedirect

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


def opens_with_get(target: str | None) -> bool:
    """`target` is a local path (see `safe_next`) of a route that answers GET: a redirect to a
    POST-only URL (an action, or a page that only a form submission renders) ends in a 405."""
    path = safe_next(target)
    if path is None:
        return False
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(urlsplit(path).path, method="GET")
    except RequestRedirect:
        return True  # e.g. the trailing slash added; the redirect is to a GET route too
    except HTTPException:
        return False
    return True


def parent_path(target: str | None) -> str | None:
    """The page one level up: /team/candidates/8 for /team/candidates/8/approve?x=1."""
    path = safe_next(target)
    if path is None:
        return None
    head = urlsplit(path).path.rstrip("/").rsplit("/", 1)[0]
    return head or "/"


def referring_path() -> str | None:
    """The Referer as a local path, when it is a page of this site."""
    referrer = urlsplit(request.referrer or "")
    if not referrer.path or referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def redirect_target(wanted: str | None, fallbacks: Iterable[str | None] = (), *, home: str) -> str:
    """Where to send the browser after a POST (sign-in, language switch): `wanted` if it is a
    local page that opens with GET, else the page above it, else the first usable fallback,
    else `home`. Off-site targets are never used (no open redirect)."""
    for candidate in (wanted, parent_path(wanted), *fallbacks):
        if opens_with_get(candidate):
            return candidate  # type: ignore[return-value]
    return home


def external_url(path: str) -> str:
    """An absolute link for mail, built on the configured public base URL."""
    return current_app.config["BASE_URL"].rstrip("/") + path
