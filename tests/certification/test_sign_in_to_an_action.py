"""Signing in with `next` set to a certification action lands on the page that holds its form
(the URL of the action names only the certification), or on the nearest page above it."""

from __future__ import annotations

from tests.conftest import PASSWORD


def _sign_in(client, user, next_path: str) -> str:
    response = client.post(
        "/login", query_string={"next": next_path}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_signing_in_to_revoke_lands_on_the_holders_page(client, holder, approver):
    user, cert = holder
    landing = _sign_in(client, approver, f"/team/certifications/{cert.id}/revoke")
    assert landing == f"/team/candidates/{user.id}"
    assert client.get(landing).status_code == 200


def test_signing_in_to_revoke_an_unknown_certification_lands_on_the_list(client, approver):
    landing = _sign_in(client, approver, "/team/certifications/999/revoke")
    assert landing == "/team/certifications"


def test_someone_who_may_not_revoke_learns_no_holder_from_the_redirect(client, holder, make_user):
    user, cert = holder
    admin = make_user("admin@example.se", "admin")
    landing = _sign_in(client, admin, f"/team/certifications/{cert.id}/revoke")
    assert str(user.id) not in landing and landing == "/team/certifications"
