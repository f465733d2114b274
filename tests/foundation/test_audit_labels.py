"""Every audit event the code base records has a readable label, and the audit log names
states as the pages do."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from lms.audit.labels import EVENT_LABELS

ROOT = Path(__file__).resolve().parents[2]
CA_EVENT = re.compile(r"ca\.[a-z_]+")


def _strings(node: ast.AST | None) -> set[str]:
    """The string constants an argument can evaluate to (a literal or a conditional)."""
    if node is None:
        return set()
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _argument(call: ast.Call, position: int, name: str) -> ast.AST | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def recorded_event_codes() -> set[str]:
    """Codes passed to record_event in lms/ and sandbox/: literals, and for a helper that passes
    its own parameter on (enrolment's _move), the literals its callers give it. The sandbox CA
    reports its events ("ca.*") through a callback, so its code literals count too."""
    codes: set[str] = set()
    for path in [*ROOT.joinpath("lms").rglob("*.py"), *ROOT.joinpath("sandbox").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        forwarders: dict[str, tuple[int, str]] = {}
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            params = [a.arg for a in func.args.args]
            for call in ast.walk(func):
                if isinstance(call, ast.Call) and _called(call) == "record_event":
                    first = _argument(call, 0, "action")
                    if isinstance(first, ast.Name) and first.id in params:
                        forwarders[func.name] = (params.index(first.id), first.id)
                    else:
                        codes |= _strings(first)
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and _called(call) in forwarders:
                codes |= _strings(_argument(call, *forwarders[_called(call)]))
        if "sandbox/ca" in path.as_posix():
            codes |= {s for s in _strings(tree) if CA_EVENT.fullmatch(s)}
    return codes


def test_the_scan_finds_events_from_every_kind_of_call():
    codes = recorded_event_codes()
    # a literal, a conditional, a helper's argument, the CA's callback
    assert {"auth.login", "quiz.expired", "enrolment.rejected", "ca.revoke"} <= codes


def test_every_recorded_event_code_has_a_label():
    missing = recorded_event_codes() - EVENT_LABELS.keys()
    assert not missing, f"add a label in lms/audit/labels.py for {sorted(missing)}"


def test_the_audit_log_shows_state_labels_not_codes(app, client, login_as):
    from lms.enrolment import service
    from tests.foundation.test_enrolment_states import _input

    service.submit_application(_input())
    login_as("admin")
    page = client.get("/admin/audit?target=application").get_data(as_text=True)
    assert "– → Inskickad" in page and "Inskickad → Väntar på intyg" in page
    assert "→ submitted" not in page and "awaiting_attestation</td>" not in page


def test_a_granted_role_has_a_readable_name_in_the_log(app, client, login_as, make_user):
    from lms.auth.service import grant_role
    from lms.extensions import db
    from lms.models.user import Role

    user = make_user("ny@example.se", "approver")
    grant_role(user, Role.TRAINEE)
    db.session.commit()
    login_as("admin")
    page = client.get("/admin/audit?action=user.role_granted").get_data(as_text=True)
    assert "Roll tilldelad" in page
