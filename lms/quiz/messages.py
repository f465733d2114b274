"""The knowledge test's state in plain language, for the test pages and the certificate
page (both tell a holder when the test opens again for renewal)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_date, format_time, get_locale, ngettext
from flask_babel import gettext as _

from lms.quiz import service


def date_and_time(value: datetime) -> dict[str, str]:
    """`date` and `time` of a moment in the user's time zone, for sentences that put them in
    the locale's own words ("on %(date)s at %(time)s" is "den %(date)s kl. %(time)s")."""
    return {"date": format_date(value, "long"), "time": clock_time(value)}


def when(value: datetime) -> str:
    """A moment on its own (a table cell): "29 November 2026 at 1:42 PM", "29 november 2026
    kl. 13.42"."""
    return _("%(date)s at %(time)s", **date_and_time(value))


def clock_time(value: datetime) -> str:
    """The time of day in the user's time zone, as the locale writes it after "at"/"kl."
    (Swedish style guides write 13.42, not 13:42)."""
    if get_locale().language == "sv":
        return format_time(value, "HH.mm")
    return format_time(value, "short")


def handed_in_automatically(deadline: datetime) -> str:
    """ "… handed in automatically on 29 November 2026 at 13.42" (Europe/Stockholm)."""
    return _(
        "The test is handed in automatically on %(date)s at %(time)s.", **date_and_time(deadline)
    )


def reason_message(reason: str, user: Any) -> str:
    """The eligibility reason in plain language."""
    test = service.current_test()
    if reason == service.COOLDOWN:
        opens_at = service.next_attempt_opens_at(user)
        return _(
            "You can take the test again from %(date)s at %(time)s.", **date_and_time(opens_at)
        )
    if reason in (service.CERTIFIED, service.RENEWAL):
        renewal = service.renewal_of(user)
        if renewal is not None:
            return _renewal_message(reason, renewal)
    messages = {
        service.OK: _("You can start the test when you are ready."),
        service.OPEN: _("You have a test in progress. Continue where you left off."),
        service.PASSED: _(
            "You have passed the knowledge test. Your result now awaits final "
            "approval by the SäkerID team."
        ),
        service.COURSE_INCOMPLETE: _(
            "The test opens when you have completed both parts of the course."
        ),
        service.NO_ATTEMPTS_LEFT: ngettext(
            "You have used your only attempt. Contact the SäkerID team to go on.",
            "You have used all %(num)d attempts. Contact the SäkerID team to go on.",
            test.max_attempts if test else 0,
        ),
        service.UNAVAILABLE: _("The test is not available right now. Try again later."),
        service.REVOKED: _(
            "Your approval has been revoked. Contact the SäkerID team if you are to be "
            "approved again."
        ),
    }
    return messages.get(reason, reason)


def _renewal_message(reason: str, renewal: service.Renewal) -> str:
    ends_on = format_date(renewal.ends_on, format="long")
    if reason == service.CERTIFIED:
        return _(
            "You are approved until %(ends_on)s. The test opens again for renewal on %(opens_on)s.",
            ends_on=ends_on,
            opens_on=format_date(renewal.opens_on, format="long"),
        )
    if renewal.ends_on < service.local_today():
        return _(
            "Your approval ended on %(ends_on)s. Take the test again to be approved again.",
            ends_on=ends_on,
        )
    return _(
        "Your approval ends on %(ends_on)s. Take the test again to renew it: after a pass "
        "the SäkerID team approves you again.",
        ends_on=ends_on,
    )
