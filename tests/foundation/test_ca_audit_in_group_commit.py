"""The platform's mock CA: concurrent issuances share commits and their audit entries chain."""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from lms.extensions import db
from lms.models.audit import AuditEvent
from sandbox.ca import IssuedCertificate, Person
from sandbox.console.ca_routes import get_ca
from tests.ca.helpers import make_csr


def test_concurrent_issuances_are_audited_in_their_own_transactions(app, runner, tmp_path):
    app.config.update(CA_PASSPHRASE="test ca passphrase", CA_KEY_DIR=str(tmp_path / "ca"))
    init = runner.invoke(args=["ca", "init"])
    assert init.exit_code == 0, init.output
    csr = make_csr(ec.generate_private_key(ec.SECP256R1()))
    errors: list[Exception] = []

    def issuer(n: int) -> None:
        with app.app_context():
            ca = get_ca()
            for i in range(3):
                person = Person("SE2321000016-12ZX", "Anna", "Andersson", f"97522789000000{n}{i}")
                try:
                    ca.issue(db.session, csr, "loa3-auth", person)
                except Exception as exc:  # collected for the assertion below
                    errors.append(exc)

    threads = [threading.Thread(target=issuer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        committer = get_ca().group_commit
        assert committer is not None and committer.steps == 12
        serials = set(db.session.scalars(select(IssuedCertificate.serial)))
        audited = set(
            db.session.scalars(select(AuditEvent.target_id).where(AuditEvent.action == "ca.issue"))
        )
        committer.close()
    assert len(serials) == 12 and audited == serials
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
