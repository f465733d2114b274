"""What a manager attests about a candidate (lämplighetsintyg).

Region Stockholm's own form was not available to us (its wording is not public), so these are the
platform's statements, derived from the trust framework's requirements on ID administrators
(background check, training, need for the role). The SäkerID team confirms the wording.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.models.enrolment import RoleSought

COMMON_STATEMENTS = {
    "employment": _l(
        "The candidate is employed by or has an assignment in our organisation, and needs the "
        "role in their work."
    ),
    "background_check": _l(
        "A background check (personkontroll) has been made according to our organisation's "
        "routines and shows nothing against the candidate handling identity documents and cards."
    ),
    "trustworthy": _l(
        "I consider the candidate suitable and trustworthy to verify people's identity and to "
        "issue e-service cards."
    ),
    "notify_changes": _l(
        "I will tell the SäkerID team at once when the candidate no longer needs the role."
    ),
}

ROLE_STATEMENTS = {
    RoleSought.BITRADANDE_UTGIVARE: {
        "acts_for_issuer": _l(
            "The candidate will act for the responsible issuer (ansvarig utgivare) within the part "
            "of the organisation that the responsible issuer has decided."
        ),
    },
    RoleSought.ID_ADMINISTRATOR: {
        "workplace": _l(
            "The candidate will work at a place where cards and code envelopes can be kept locked "
            "and identity checks can be made in person."
        ),
    },
}


def statements_for(role: str) -> dict[str, object]:
    """Statement id → text for the role sought, in the order they are shown."""
    return {**COMMON_STATEMENTS, **ROLE_STATEMENTS[RoleSought(role)]}


ROLE_LABELS = {
    RoleSought.BITRADANDE_UTGIVARE: _l("Deputy issuer (biträdande utgivare)"),
    RoleSought.ID_ADMINISTRATOR: _l("ID administrator (ID-administratör)"),
}
