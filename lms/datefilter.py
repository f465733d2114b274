"""Date filters in query strings (the dashboard, the audit log and their CSV exports): one
parser, one range and one set of messages, so a bad date is reported instead of ignored or
crashing a query (dates near year 1 or 9999 overflow when turned into times)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _

from lms.errors import error_page

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(text: str) -> date:
    """The day written YYYY-MM-DD and nothing else (ValueError otherwise): date.fromisoformat
    alone also takes compact forms (20261221) and week dates (2026-W52) and makes a day of
    them. Shared by the query-string filters and the command line."""
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(f"not YYYY-MM-DD: {text!r}")
    return date.fromisoformat(text)


def date_arg(args: Mapping[str, str], name: str, errors: dict[str, str]) -> date | None:
    """The day in `args[name]`, or None when it is empty or invalid (then `errors[name]` says
    why, in the current language)."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = iso_day(raw)
    except ValueError:
        errors[name] = _("Enter the date as YYYY-MM-DD, for example 2025-03-31.")
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        errors[name] = _(
            "Enter a date from %(first)s to %(last)s.",
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
        return None
    return day


def invalid_filter_page(errors: dict[str, str], labels: Mapping[str, object]):
    """The answer to a CSV export with an invalid date: 400 with the reasons, not a file that
    silently ignores the date. `labels` names each field as its page does (not "from")."""
    reasons = " ".join(f"{labels.get(name, name)}: {message}" for name, message in errors.items())
    return error_page(400, _("The filter is not valid"), reasons)
