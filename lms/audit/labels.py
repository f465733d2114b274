"""Readable names of the audit log's event codes (the codes stay in the log, the CSV and the
filters; pages show these). An unknown code is shown as it is."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

EVENT_LABELS = {
    "user.created": _l("Account created"),
    "user.role_granted": _l("Role granted"),
    "auth.login": _l("Signed in"),
    "auth.locked": _l("Account locked after failed sign-ins"),
    "auth.reset_requested": _l("Password reset requested"),
    "auth.password_set": _l("Password set"),
    "enrolment.submitted": _l("Application submitted"),
    "enrolment.applicant_link_resent": _l("New link to the application sent to the applicant"),
    "enrolment.attestation_requested": _l("Attestation requested from the manager"),
    "enrolment.attested": _l("Attested by the manager"),
    "enrolment.approved": _l("Application approved"),
    "enrolment.rejected": _l("Application rejected"),
    "enrolment.withdrawn": _l("Application withdrawn"),
    "course.lesson_done": _l("Lesson done"),
    "course.part_completed": _l("Course part completed"),
    "quiz.started": _l("Test attempt started"),
    "quiz.submitted": _l("Test attempt handed in"),
    "quiz.expired": _l("Test attempt handed in when the time ran out"),
    "quiz.passed": _l("Test passed"),
    "quiz.reopened": _l("Test opened again"),
    "quiz.extra_time_granted": _l("Extra time on the test set"),
    "certification.role_granted": _l("Final approval: role granted"),
    "certification.sent_back": _l("Sent back at final approval"),
    "certification.superseded": _l("Certification superseded"),
    "certification.revoked": _l("Certification revoked"),
    "certification.recertification_required": _l("Recertification required"),
    "sandbox.exercise_started": _l("Sandbox exercise started"),
    "sandbox.exercise_passed": _l("Sandbox exercise passed"),
    "ca.init": _l("Sandbox CA created"),
    "ca.issue": _l("Sandbox certificate issued"),
    "ca.renew": _l("Sandbox certificate renewed"),
    "ca.revoke": _l("Sandbox certificate revoked"),
    "ca.crl": _l("Sandbox revocation list published"),
}


def event_label(code: str) -> str:
    label = EVENT_LABELS.get(code)
    return str(label) if label is not None else code


def details_text(details: object) -> str:
    """An event's details as readable JSON: Swedish letters as they are (`tojson` would write
    "ans\\u00f6kan"); the template escapes the text like any other."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
