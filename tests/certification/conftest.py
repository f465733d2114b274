"""Fixtures for certification: candidates who passed the test, approvers, certified holders.

Rows are made directly (application, attestation, passed attempt): the enrolment journey and the
quiz are tested on their own. The course and bank versions are fixed so that no test loads the
real content unless it asks to.
"""

from __future__ import annotations

import itertools

import pytest

from lms.certification import service
from lms.extensions import db
from tests.certification.factories import T0, add_application, add_attempt
from tests.conftest import login

__all__ = ["T0", "add_application", "add_attempt"]
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def fixed_versions(monkeypatch):
    monkeypatch.setattr(service, "_versions", lambda: ("course-v1", "bank-v1"))


@pytest.fixture(autouse=True)
def signing_key_in_tmp(app_config, tmp_path):
    app_config["CERT_SIGNING_KEY_PATH"] = str(tmp_path / "keys" / "signing.pem")
    app_config["CERT_SIGNING_PASSPHRASE"] = "test passphrase"


@pytest.fixture
def approver(app, make_user):
    return make_user("greta@example.se", "approver", name="Greta Godkännare")


@pytest.fixture
def make_candidate(app, make_user):
    """A trainee with an approved application and a passed attempt (awaiting final approval)."""

    def make(
        name: str = "Sara Exempelsson",
        organisation: str = "Vårdcentralen Solna",
        role: str = "id_administrator",
        email: str | None = None,
    ):
        email = email or f"cand{next(_counter)}@example.se"
        user = make_user(email, "trainee", name=name)
        user.organisation = organisation
        add_application(user, organisation=organisation, role=role)
        add_attempt(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def candidate(make_candidate):
    return make_candidate()


@pytest.fixture
def holder(candidate, approver):
    """A candidate approved at T0: certification valid 2026-11-29 .. 2027-11-29."""
    cert = service.approve(candidate, approver, now=T0)
    return candidate, cert


@pytest.fixture
def login_user(client):
    def do(user):
        response = login(client, user.email)
        assert response.status_code == 302
        return user

    return do
