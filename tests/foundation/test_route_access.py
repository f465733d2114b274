"""Every route answers each role as intended; every view declares its permission; every
state-changing route rejects a request without a CSRF token."""

from __future__ import annotations

import io

import pytest

from lms.enrolment import service
from tests.conftest import login
from tests.foundation.test_enrolment_states import VALID_PDF, _input

ROLES = ("anonymous", "trainee", "approver", "admin")
LOGIN = 302  # redirected to the sign-in page

# path template → expected status per role (anonymous, trainee, approver, admin)
GET_ROUTES: dict[str, tuple[int, int, int, int]] = {
    "/": (200, 302, 302, 302),
    "/healthz": (200, 200, 200, 200),
    "/apply": (200, 200, 200, 200),
    "/apply/sent": (302, 302, 302, 302),  # without an application just sent → the form
    "/attest/received": (302, 302, 302, 302),  # without an attestation just sent → home
    "/login": (200, 302, 302, 302),
    "/password/forgot": (200, 200, 200, 200),
    "/dev/outbox": (200, 200, 200, 200),
    "/course/": (LOGIN, 200, 403, 403),
    "/course/resume": (LOGIN, 302, 403, 403),
    "/course/lessons/{lesson_id}": (LOGIN, 200, 403, 403),
    "/course/lessons/{lesson_id}/print": (LOGIN, 200, 403, 403),
    "/course/parts/{part_id}/checkpoint": (LOGIN, 200, 403, 403),
    "/course/search": (LOGIN, 200, 403, 403),
    "/course/glossary": (LOGIN, 200, 403, 403),
    # The real course has no images yet: the route answers, the file is not there.
    "/course/assets/{part_folder}/{filename}": (LOGIN, 404, 403, 403),
    "/team/progress": (LOGIN, 403, 200, 403),
    "/team/progress.csv": (LOGIN, 403, 200, 403),
    "/team/applications": (LOGIN, 403, 200, 200),
    "/team/applications/{app_id}": (LOGIN, 403, 200, 200),
    "/team/attestations/{attestation_id}/document": (LOGIN, 403, 200, 403),
    "/test/": (LOGIN, 200, 403, 403),
    "/test/attempt": (LOGIN, 302, 403, 403),  # no open attempt → the result / overview
    "/test/submit": (LOGIN, 302, 403, 403),
    "/test/result": (LOGIN, 302, 403, 403),
    "/team/test/statistics": (LOGIN, 403, 200, 403),
    "/team/test/extra-time": (LOGIN, 403, 200, 403),
    # Certification: ids that do not exist (holders and candidates are tested in
    # tests/certification); the verification page is public.
    "/certificate": (LOGIN, 200, 403, 403),
    "/certificate/{cert_id}.pdf": (LOGIN, 404, 403, 403),
    "/certificate/{cert_id}.json": (LOGIN, 404, 403, 403),
    "/team/candidates": (LOGIN, 403, 200, 403),
    "/team/candidates/{user_id}": (LOGIN, 403, 404, 403),
    "/team/certifications": (LOGIN, 403, 200, 403),
    "/team/dashboard": (LOGIN, 403, 200, 403),
    "/team/dashboard/{table}.csv": (LOGIN, 403, 200, 403),
    "/verify": (200, 200, 200, 200),
    "/verify/{verify_code}": (404, 404, 404, 404),
    "/verify/public-key.pem": (200, 200, 200, 200),
    "/admin/audit": (LOGIN, 403, 403, 200),
    "/admin/audit.csv": (LOGIN, 403, 403, 200),
    # The mock CA publishes to everyone, as a real CA does; no CA is initialised here.
    "/ca/certs/{slug}.der": (404, 404, 404, 404),
    "/ca/certs/{slug}.pem": (404, 404, 404, 404),
    "/ca/crl/{slug}.crl": (404, 404, 404, 404),
    "/ca/ocsp/{encoded}": (200, 200, 200, 200),  # an OCSP error response, never an HTTP error
    # The sandbox: trainees and approvers practise; administrators of the platform do not.
    "/sandbox/": (LOGIN, 200, 200, 403),
    "/sandbox/exercises": (LOGIN, 200, 200, 403),
    "/sandbox/exercises/{exercise_id}": (LOGIN, 200, 200, 403),
    "/sandbox/register": (LOGIN, 200, 200, 403),
}
# OCSP clients POST DER requests without a session or CSRF token; the responder changes no
# state and answers every request with a signed OCSP response or an OCSP error status.
CSRF_EXEMPT = {"/ca/ocsp"}
# Routes opened by a secret link rather than a role; tested in the journey tests.
TOKEN_ROUTES = {
    "/attest/<token>",
    "/application/<token>",
    "/application/<token>/upload",
    "/application/<token>/withdraw",
    "/password/reset/<token>",
    "/invitation/<token>",
}
POST_ONLY = {
    "/logout",
    "/locale/<code>",
    "/team/applications/<int:app_id>/approve",
    "/team/applications/<int:app_id>/reject",
    "/team/applications/<int:app_id>/withdraw",
    "/team/applications/<int:app_id>/new-attestation",
    "/test/start",
    "/test/answer",
    "/course/lessons/<lesson_id>/done",
    "/team/candidates/<int:user_id>/approve",
    "/team/candidates/<int:user_id>/send-back",
    "/team/certifications/<int:cert_id>/revoke",
    "/sandbox/readers/insert",
    "/sandbox/readers/eject",
    "/sandbox/pin/change",
    "/sandbox/pin/unblock",
    "/sandbox/certificates/issue",
    "/sandbox/certificates/delete",
    "/sandbox/certificates/revoke",
    "/sandbox/exercises/<exercise_id>/start",
    "/sandbox/exercise/check",
    "/sandbox/exercise/leave",
    "/sandbox/register/deregister",
    "/sandbox/exercise/order/decide",
    "/sandbox/exercise/order/fetch",
}
# Values for the placeholders of course routes (the real course in content/).
COURSE_IDS = {
    "lesson_id": "p1-valkommen",
    "part_id": "del-1",
    "part_folder": "del-1-grunder",
    "filename": "img/saknas.png",
}
RULE_PLACEHOLDERS = {
    "{app_id}": "<int:app_id>",
    "{attestation_id}": "<int:attestation_id>",
    "{lesson_id}": "<lesson_id>",
    "{part_id}": "<part_id>",
    "{part_folder}": "<part_folder>",
    "{filename}": "<path:filename>",
    "{cert_id}": "<int:cert_id>",
    "{user_id}": "<int:user_id>",
    "{table}": "<table>",
    "{verify_code}": "<code>",
    "{slug}": "<slug>",
    "{encoded}": "<path:encoded>",
    "{exercise_id}": "<exercise_id>",
}
CERTIFICATION_IDS = {
    "cert_id": 999999,
    "user_id": 999999,
    "table": "funnel",
    "verify_code": "AAAAA-AAAAA",
    "slug": "root",
    "encoded": "AAAA",
    "exercise_id": "ex-pin-byte",
}


@pytest.fixture
def app_config(app_config, tmp_path):
    # The sandbox desk keeps its test cards in the test's own directory, never in instance/.
    return {**app_config, "CARDS_DIR": str(tmp_path / "cards"), "SANDBOX_DESK": "private"}


@pytest.fixture
def uploaded_application(app):
    row = service.submit_application(_input())
    service.attest_by_upload(row, io.BytesIO(VALID_PDF), "intyg.pdf")
    return row


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_every_route_answers_each_role_as_intended(
    app, client, login_as, uploaded_application, role_index, role
):
    login_as(*(() if role == "anonymous" else (role,)))
    ids = {
        "app_id": uploaded_application.id,
        "attestation_id": uploaded_application.current_attestation.id,
        **COURSE_IDS,
        **CERTIFICATION_IDS,
    }
    got = {path: client.get(path.format(**ids)).status_code for path in GET_ROUTES}
    expected = {path: statuses[role_index] for path, statuses in GET_ROUTES.items()}
    assert got == expected


def _rule_paths(app) -> set[str]:
    return {r.rule for r in app.url_map.iter_rules() if r.endpoint != "static"}


def test_the_access_table_covers_every_route(app):
    table = set()
    for path in GET_ROUTES:
        for placeholder, converter in RULE_PLACEHOLDERS.items():
            path = path.replace(placeholder, converter)
        table.add(path)
    assert _rule_paths(app) - table - TOKEN_ROUTES - POST_ONLY - CSRF_EXEMPT == set()


def test_every_view_declares_a_permission_or_public(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "required_permission")
    ]
    assert undeclared == []


def test_anonymous_post_to_team_action_goes_to_login(client, uploaded_application):
    response = client.post(f"/team/applications/{uploaded_application.id}/approve")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert uploaded_application.state == "attested"


def test_trainee_cannot_approve(client, login_as, uploaded_application):
    login_as("trainee")
    assert client.post(f"/team/applications/{uploaded_application.id}/approve").status_code == 403


def test_every_state_changing_route_rejects_missing_csrf_token(app, app_config):
    from lms import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    csrf_app = create_app(app_config)
    with csrf_app.app_context():
        from lms.auth.service import create_user
        from lms.extensions import db
        from lms.models.user import Role

        create_user(
            "all@example.se",
            "All",
            {Role.TRAINEE, Role.APPROVER, Role.ADMIN},
            password="correct horse battery",
        )
        db.session.commit()
    client = csrf_app.test_client()
    # Sign in through a real form so that only the missing token can fail below.
    page = client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post(
            "/login",
            data={
                "email": "all@example.se",
                "password": "correct horse battery",
                "csrf_token": token,
            },
        ).status_code
        == 302
    )
    post_rules = [r for r in csrf_app.url_map.iter_rules() if "POST" in r.methods]
    assert len(post_rules) >= len(POST_ONLY)
    for rule in post_rules:
        if rule.rule in CSRF_EXEMPT:
            response = client.post(
                rule.rule, data=b"not der", content_type="application/ocsp-request"
            )
            assert response.status_code == 200
            assert response.content_type == "application/ocsp-response"
            continue
        path = (
            rule.rule.replace("<int:app_id>", "1")
            .replace("<token>", "x")
            .replace("<code>", "en")
            .replace("<lesson_id>", COURSE_IDS["lesson_id"])
            .replace("<part_id>", COURSE_IDS["part_id"])
            .replace("<int:user_id>", "1")
            .replace("<int:cert_id>", "1")
            .replace("<exercise_id>", "ex-pin-byte")
        )
        response = client.post(path, data={"anything": "1"})
        assert response.status_code == 400, path
    with csrf_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_login_form_without_csrf_token_is_rejected(app, app_config):
    from lms import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    client = create_app(app_config).test_client()
    response = login(client, "x@example.se")
    assert response.status_code == 400


@pytest.mark.parametrize("number", [2**31, 2**63, 10**20])
def test_an_id_beyond_any_row_is_not_found_not_a_database_error(client, make_user, app, number):
    """`<int:...>` ids too large for the database's INTEGER are a 404 like any unknown id."""
    user = make_user("all@example.se", "admin", "approver", "trainee")
    login(client, user.email)
    rules = [r.rule for r in app.url_map.iter_rules() if "<int:" in r.rule and "GET" in r.methods]
    assert len(rules) >= 4
    for rule in rules:
        path = rule
        for arg in ("app_id", "attestation_id", "user_id", "cert_id"):
            path = path.replace(f"<int:{arg}>", str(number))
        assert "<" not in path, path
        assert client.get(path).status_code == 404, path
