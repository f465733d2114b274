"""Error pages: every status the app answers with gets a title and a short hint in the user's
language, in the shared layout. The 500 page must not fail itself, whatever broke."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, make_response, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from lms.extensions import db

# (title, what the user can do), for every status the app produces.
ERROR_TEXTS = {
    400: (
        _l("The request could not be handled"),
        _l(
            "Something in the request was wrong or missing. Go back, reload the page and try again."
        ),
    ),
    401: (_l("You need to sign in"), _l("Sign in to see this page.")),
    403: (
        _l("You do not have access to this page"),
        _l("If you think you should have access, contact the SäkerID team."),
    ),
    404: (
        _l("The page was not found"),
        _l("Check the address, or go to the start page and find your way from there."),
    ),
    405: (
        _l("The page cannot be opened like this"),
        _l(
            "The address belongs to a form and cannot be opened directly. Go back to the page "
            "you came from and try again."
        ),
    ),
    409: (
        _l("The information has changed"),
        _l(
            "Someone may have changed the same thing at the same time. Reload the page and "
            "check it before you try again."
        ),
    ),
    410: (
        _l("The link no longer works"),
        _l("The link has expired or has already been used. Ask for a new link."),
    ),
    413: (_l("The file is too large"), _l("Choose a smaller file and try again.")),
    422: (
        _l("The information could not be used"),
        _l("Check what you entered and try again."),
    ),
    429: (_l("Too many attempts"), _l("Wait a while and try again.")),
    500: (
        _l("Something went wrong"),
        _l(
            "An error occurred on our side. Try again in a while. If the problem remains, "
            "contact the SäkerID team."
        ),
    ),
    503: (
        _l("The service is temporarily unavailable"),
        _l("Try again in a while."),
    ),
}

# The last resort when even the layout cannot be rendered (no database, no session, a broken
# template): static Swedish, the site's default language, with nothing that can fail.
BARE_PAGE = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>{title} – SäkerID Academy</title></head>
<body><main><h1>{title}</h1><p>{message}</p><p><a href="/">Gå till startsidan</a></p></main></body>
</html>
"""
BARE_TEXTS = {
    500: ("Något gick fel", "Ett fel uppstod hos oss. Försök igen om en stund."),
    503: ("Tjänsten är tillfälligt otillgänglig", "Försök igen om en stund."),
}


def error_page(code: int, title: str | None = None, message: str | None = None):
    """The error page for `code` (a response and its status)."""
    fallback = ERROR_TEXTS[400] if code < 500 else ERROR_TEXTS[500]  # e.g. 408, 415, 502
    default_title, default_message = ERROR_TEXTS.get(code, fallback)
    if code >= 500:
        # The failed request may have left the session in a broken transaction; the layout
        # loads the signed-in user through it.
        with suppress(Exception):  # the page is shown even when the database is gone
            db.session.rollback()
    try:
        return render_template(
            "errors/error.html",
            code=code,
            title=title or str(default_title),
            message=str(default_message) if message is None else message,
        ), code
    except Exception:  # noqa: BLE001 - an error page that fails would show nothing at all
        current_app.logger.exception("the error page for %s could not be rendered", code)
        bare_title, bare_message = BARE_TEXTS.get(code, BARE_TEXTS[500])
        page = BARE_PAGE.format(title=escape(bare_title), message=escape(bare_message))
        return page, code, {"Content-Type": "text/html; charset=utf-8"}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return error_page(
            400,
            _("The form has expired"),
            _("Reload the page and send the form again."),
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        response = make_response(error_page(exc.code or 500))
        # the exception's own headers say what to do next: Allow (405), Retry-After (429, 503)
        for name, value in exc.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response
