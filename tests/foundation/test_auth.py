"""Sign-in, lockout, throttling, password reset and the session cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.auth.service import find_user
from lms.extensions import db
from lms.models import AuditEvent, Token, utcnow
from tests.conftest import PASSWORD, link_in, login, outbox_messages


def test_login_with_right_password_signs_in_and_lands_on_role_home(client, make_user):
    make_user("greta@example.se", "approver")
    response = login(client, "greta@example.se")
    assert response.status_code == 302
    assert response.headers["Location"] == "/team/applications"


@pytest.mark.parametrize(
    ("roles", "home"),
    [
        (("approver",), "/team/applications"),
        (("trainee",), "/course/"),
        (("admin",), "/admin/audit"),
        (("admin", "approver"), "/team/applications"),
        ((), "/"),  # an account with no role yet: the public start page, not a loop
    ],
)
def test_every_role_lands_on_a_page_it_may_open(client, make_user, roles, home):
    if roles:
        make_user("user@example.se", *roles)
    else:
        from lms.auth.service import create_user

        create_user("user@example.se", "No Role", set(), password=PASSWORD)
        db.session.commit()
    login(client, "user@example.se")
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    landed = response.request.path
    assert landed == home if home == "/" else landed.startswith(home), landed
    assert len(response.history) <= 2  # "/" -> home (-> the lesson the trainee resumes)


def test_login_email_is_case_insensitive(client, make_user):
    make_user("greta@example.se", "approver")
    assert login(client, "  Greta@Example.SE ").status_code == 302


def test_wrong_password_gives_one_message_for_unknown_and_known_accounts(client, make_user):
    make_user("greta@example.se", "approver")
    wrong = login(client, "greta@example.se", "nope nope nope").data.decode()
    unknown = login(client, "nobody@example.se", "nope nope nope").data.decode()
    message = "E-postadressen eller lösenordet är fel."
    assert message in wrong and message in unknown


def test_account_locks_after_repeated_failures_even_for_right_password(app, client, make_user):
    make_user("greta@example.se", "approver")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "greta@example.se", "wrong password!!")
    response = login(client, "greta@example.se")
    assert response.status_code == 200
    assert "Kontot är låst" in response.data.decode()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.locked"))


def test_lock_ends_after_the_lock_period(app, client, make_user):
    user = make_user("greta@example.se", "approver")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "greta@example.se", "wrong password!!")
    user = find_user("greta@example.se")
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(client, "greta@example.se").status_code == 302


def test_one_address_is_throttled_after_many_failures_across_accounts(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for i in range(3):
        login(client, f"nobody{i}@example.se", "wrong password!!")
    response = login(client, "nobody9@example.se", "wrong password!!")
    assert response.status_code == 429


def test_logout_requires_post_and_ends_the_session(client, make_user):
    make_user("elev@example.se", "trainee")
    login(client, "elev@example.se")
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/course/").status_code == 302


def test_password_reset_link_is_single_use_and_changes_password(app, client, make_user):
    make_user("elev@example.se", "trainee")
    client.post("/password/forgot", data={"email": "elev@example.se"})
    mail = [m for m in outbox_messages(app) if m.template == "password_reset"][-1]
    path = link_in(mail.body_text, "/password/reset/")
    new = "a brand new passphrase"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    client.post("/logout")
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 410
    assert login(client, "elev@example.se", new).status_code == 302


def test_reset_link_replaced_by_a_newer_one_says_so(app, client, make_user):
    make_user("elev@example.se", "trainee")
    client.post("/password/forgot", data={"email": "elev@example.se"})
    first = link_in(outbox_messages(app)[-1].body_text, "/password/reset/")
    client.post("/password/forgot", data={"email": "elev@example.se"})
    response = client.get(first)
    html = response.data.decode()
    assert response.status_code == 410 and "En nyare länk har skickats" in html
    assert "redan använd" not in html


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(app, client):
    response = client.post(
        "/password/forgot", data={"email": "nobody@example.se"}, follow_redirects=True
    )
    assert "Om adressen hör till ett konto" in response.data.decode()
    assert outbox_messages(app) == []


def test_expired_reset_link_is_refused(app, client, make_user):
    make_user("elev@example.se", "trainee")
    client.post("/password/forgot", data={"email": "elev@example.se"})
    path = link_in(outbox_messages(app)[-1].body_text, "/password/reset/")
    for token in db.session.scalars(select(Token)).all():
        token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 410 and "har gått ut" in response.data.decode()


def test_password_change_ends_other_sessions(app, client, make_user):
    make_user("elev@example.se", "trainee")
    other = app.test_client()
    login(other, "elev@example.se")
    assert other.get("/course/").status_code == 200
    client.post("/password/forgot", data={"email": "elev@example.se"})
    path = link_in(outbox_messages(app)[-1].body_text, "/password/reset/")
    new = "a brand new passphrase"
    client.post(path, data={"password": new, "confirm": new})
    assert other.get("/course/").status_code == 302


def test_new_password_must_be_long_enough_with_swedish_message(app, client, make_user):
    make_user("elev@example.se", "trainee")
    client.post("/password/forgot", data={"email": "elev@example.se"})
    path = link_in(outbox_messages(app)[-1].body_text, "/password/reset/")
    response = client.post(path, data={"password": "kort", "confirm": "kort"})
    assert "minst 12 tecken" in response.data.decode()


def test_session_cookie_is_hardened(client, make_user):
    make_user("elev@example.se", "trainee")
    response = login(client, "elev@example.se")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "base_url,secure", [("https://academy.example.se", True), ("http://127.0.0.1:5000", False)]
)
def test_secure_cookie_follows_base_url_scheme(app_config, base_url, secure):
    from lms import create_app

    app_config["BASE_URL"] = base_url
    assert create_app(app_config).config["SESSION_COOKIE_SECURE"] is secure


def test_passwords_are_stored_as_argon2_hashes(make_user):
    user = make_user("elev@example.se", "trainee")
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash


def test_login_redirect_ignores_foreign_next(client, make_user):
    make_user("elev@example.se", "trainee")
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"email": "elev@example.se", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/course/resume"


def test_a_password_of_only_spaces_is_refused_with_its_own_message(app, client, make_user):
    user = make_user("elev@example.se", "trainee")
    old_hash = user.password_hash
    client.post("/password/forgot", data={"email": "elev@example.se"})
    path = link_in(outbox_messages(app)[-1].body_text, "/password/reset/")
    spaces = " " * 12
    response = client.post(path, data={"password": spaces, "confirm": spaces})
    assert "Lösenordet får inte bestå av bara mellanslag." in response.data.decode()
    db.session.refresh(user)
    assert user.password_hash == old_hash
