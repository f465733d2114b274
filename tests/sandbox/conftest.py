import pytest

from lms.extensions import db
from lms.models.sandbox import ExerciseRun

CA_PASSPHRASE = "sandbox test passphrase"


@pytest.fixture
def app_config(app_config, tmp_path):
    app_config.update(
        CA_PASSPHRASE=CA_PASSPHRASE,
        CA_KEY_DIR=str(tmp_path / "ca-keys"),
        CARDS_DIR=str(tmp_path / "cards"),
        SANDBOX_DESK="private",
    )
    return app_config


@pytest.fixture
def sandbox_ca(app):
    from sandbox.console.ca_routes import db_session, get_ca

    with app.app_context():
        get_ca().init_hierarchy(db_session())
    return True


@pytest.fixture
def trainee(login_as, sandbox_ca):
    return login_as("trainee")


def current_run(app, user_id):
    with app.app_context():
        run = (
            db.session.query(ExerciseRun)
            .filter_by(user_id=user_id)
            .order_by(ExerciseRun.id.desc())
            .first()
        )
        db.session.expunge(run)
        return run


# Steps the sandbox tests take through the console, as a person at the desk would.


def start(client, exercise_id):
    response = client.post(f"/sandbox/exercises/{exercise_id}/start")
    assert response.status_code == 302, response.data
    return response


def check(client, **answers):
    return client.post(
        "/sandbox/exercise/check", data={f"answer-{k}": v for k, v in answers.items()}
    )


def text(response):
    return response.get_data(as_text=True)


def findings(app, user):
    """The latest check's findings of the person's latest run: code -> right?"""
    return {f["code"]: f["ok"] for f in current_run(app, user.id).findings}


def revoke(client, card_number, reason="keyCompromise"):
    return client.post(
        "/sandbox/certificates/revoke",
        data={
            "revoke-card_number": card_number,
            "revoke-reason": reason,
            "revoke-confirm": "y",
        },
    )


def deregister(client, card, reason="cessationOfOperation"):
    return client.post(
        "/sandbox/register/deregister",
        data={
            "deregister-card_number": card,
            "deregister-reason": reason,
            "deregister-confirm": "y",
        },
    )
