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
