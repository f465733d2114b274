"""Who may use the sandbox console: the `sandbox.practice` permission (trainee, approver)."""

import pytest

GET_PAGES = ("/sandbox/", "/sandbox/exercises")


def _sandbox_post_rules(app):
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("sandbox.") and "POST" in (r.methods or ())
    ]
    assert len(rules) >= 10  # insert, eject, pin x2, certificates x3, exercise start/check/leave
    return rules


def _path(rule) -> str:
    return rule.rule.replace("<exercise_id>", "ex-pin-byte")


@pytest.mark.parametrize("path", GET_PAGES)
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", GET_PAGES)
def test_an_administrator_without_a_trainee_role_is_refused(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["trainee", "approver"])
@pytest.mark.parametrize("path", GET_PAGES)
def test_trainees_and_approvers_practise(client, login_as, sandbox_ca, role, path):
    login_as(role)
    response = client.get(path)
    assert response.status_code == 200
    assert "<h1>" in response.get_data(as_text=True)


def test_every_post_route_of_the_console_refuses_anonymous(app, client):
    for rule in _sandbox_post_rules(app):
        response = client.post(_path(rule), data={"anything": "1"})
        assert response.status_code == 302, rule.rule
        assert "/login" in response.headers["Location"], rule.rule


def test_every_post_route_of_the_console_refuses_an_administrator(app, client, login_as):
    login_as("admin")
    for rule in _sandbox_post_rules(app):
        assert client.post(_path(rule), data={"anything": "1"}).status_code == 403, rule.rule


def test_an_anonymous_start_makes_no_cards(app, client, tmp_path):
    client.post("/sandbox/exercises/ex-pin-byte/start")
    assert not list((tmp_path / "cards").glob("**/*.json"))


def test_every_console_view_declares_its_permission(app):
    views = {e: v for e, v in app.view_functions.items() if e.startswith("sandbox.")}
    assert len(views) >= 12
    assert {e: getattr(v, "required_permission", None) for e, v in views.items()} == {
        e: "sandbox.practice" for e in views
    }
