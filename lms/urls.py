"""Small URL helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from flask import current_app, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from lms.auth.permissions import user_can

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
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None  # a CR/LF would make the Location header itself fail (a 500)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def opens_with_get(target: str | None) -> bool:
    """`target` is a local path (see `safe_next`) of a route that answers GET: a redirect to a
    POST-only URL (an action, or a page that only a form submission renders) ends in a 405.
    A route that only redirects (e.g. adds the trailing slash) counts: it leads to a GET page."""
    path = safe_next(target)
    return path is not None and _url_adapter().test(urlsplit(path).path, method="GET")


def parent_path(target: str | None) -> str | None:
    """The page one level up: /team/candidates/8 for /team/candidates/8/approve?x=1."""
    path = safe_next(target)
    if path is None:
        return None
    head = urlsplit(path).path.rstrip("/").rsplit("/", 1)[0]
    return head or "/"


def ancestor_paths(target: str | None) -> Iterator[str]:
    """Each level up in turn, to "/": /team/certifications/1 then /team/certifications, /team
    and / for /team/certifications/1/revoke."""
    path = parent_path(target)
    while path is not None:
        yield path
        path = None if path == "/" else parent_path(path)


# POST-only actions whose form is on a page their URL does not name: endpoint → a function of
# the URL's arguments that gives that page (None when there is none, e.g. an unknown id).
ACTION_PAGES: dict[str, Callable[..., str | None]] = {}


def page_of_action(
    endpoint: str,
) -> Callable[[Callable[..., str | None]], Callable[..., str | None]]:
    """Register where the form of the action `endpoint` is, for a sign-in whose `next` is that
    action (its session ran out while the form was open)."""

    def register(find_page: Callable[..., str | None]) -> Callable[..., str | None]:
        ACTION_PAGES[endpoint] = find_page
        return find_page

    return register


def _url_adapter():
    return current_app.url_map.bind("localhost")


def _route_of(path: str, method: str) -> tuple[str, dict] | None:
    try:
        return _url_adapter().match(urlsplit(path).path, method=method)
    except HTTPException:  # includes RequestRedirect
        return None


def _action_page(endpoint: str, arguments: dict) -> str | None:
    """The page that holds the form of the action `endpoint`, if one is registered and the
    user may use the action (the page names a record: say nothing to someone else)."""
    if endpoint not in ACTION_PAGES:
        return None
    permission = getattr(current_app.view_functions[endpoint], "required_permission", None)
    if permission is not None and not user_can(current_user, permission):
        return None
    return ACTION_PAGES[endpoint](**arguments)


def referring_path() -> str | None:
    """The Referer as a local path, when it is a page of this site."""
    referrer = urlsplit(request.referrer or "")
    if not referrer.path or referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def redirect_target(wanted: str | None, fallbacks: Iterable[str | None] = (), *, home: str) -> str:
    """Where to send the browser after a POST (sign-in, language switch): `wanted` if it is a
    local page that opens with GET; for an action (a POST-only route), the page registered for
    it, else the nearest page above it; else the first usable fallback, else `home`. Off-site
    targets are never used (no open redirect)."""
    candidates: list[str | None] = [wanted]
    action = _route_of(wanted, "POST") if safe_next(wanted) else None
    if action is not None:
        candidates += [_action_page(*action), *ancestor_paths(wanted)]
    else:
        candidates.append(parent_path(wanted))
    for candidate in (*candidates, *fallbacks):
        if opens_with_get(candidate):
            return candidate  # type: ignore[return-value]
    return home


def external_url(path: str) -> str:
    """An absolute link for mail, built on the configured public base URL."""
    return current_app.config["BASE_URL"].rstrip("/") + path
