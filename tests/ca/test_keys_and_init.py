"""CA keys are encrypted at rest; `init` refuses to overwrite without force."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives import serialization

from sandbox.ca import (
    CaAlreadyInitialisedError,
    CaConfigError,
    MockCa,
    settings_from_mapping,
)

from .helpers import ANNA, PASSPHRASE, make_csr, make_settings


def test_key_files_are_useless_without_the_passphrase(ca, settings):
    files = ca.keys.existing_files()
    assert {f.name for f in files} == {
        "root.key.pem",
        "hsa-id-3.key.pem",
        "hsa-id-3-ocsp.key.pem",
        "hsa-id-2.key.pem",
        "hsa-id-2-ocsp.key.pem",
    }
    for path in files:
        pem = path.read_bytes()
        assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(pem, password=None)
        with pytest.raises(ValueError):
            serialization.load_pem_private_key(pem, password=b"wrong passphrase")
        assert serialization.load_pem_private_key(pem, password=PASSPHRASE) is not None
    assert stat.S_IMODE(settings.key_dir.stat().st_mode) == 0o700


def test_a_ca_with_the_wrong_passphrase_cannot_sign(ca, session, tmp_path, card_keys):
    impostor = MockCa(make_settings(tmp_path, passphrase=b"guess"))
    with pytest.raises(CaConfigError, match="wrong CA_PASSPHRASE"):
        impostor.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)


def test_missing_passphrase_is_a_configuration_error(tmp_path, monkeypatch):
    monkeypatch.delenv("ACADEMY_CA_PASSPHRASE", raising=False)
    with pytest.raises(CaConfigError, match="ACADEMY_CA_PASSPHRASE"):
        settings_from_mapping({}, tmp_path)


def test_settings_come_from_config_keys_with_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("ACADEMY_BASE_URL", raising=False)
    settings = settings_from_mapping(
        {"CA_PASSPHRASE": "s3cret", "CA_RESERVE_VALIDITY_DAYS": "7"}, tmp_path
    )
    assert settings.passphrase == b"s3cret"
    assert settings.key_dir == tmp_path / "ca"
    assert settings.base_url == "http://127.0.0.1:5000"
    assert settings.reserve_validity_days == 7
    assert settings.ca_key_type == "rsa2048"
    with pytest.raises(CaConfigError, match="CA_KEY_TYPE"):
        settings_from_mapping({"CA_PASSPHRASE": "x", "CA_KEY_TYPE": "rsa1024"}, tmp_path)


def test_init_refuses_to_overwrite_an_existing_ca(ca, session, events):
    before = [(a.slug, a.serial) for a in ca.authorities(session)]
    with pytest.raises(CaAlreadyInitialisedError, match="--force"):
        ca.init_hierarchy(session)
    session.rollback()
    assert [(a.slug, a.serial) for a in ca.authorities(session)] == before


def test_init_refuses_when_only_key_files_remain(ca, session, settings):
    from sandbox.ca.hierarchy import wipe_hierarchy

    wipe_hierarchy(session)
    session.commit()
    with pytest.raises(CaAlreadyInitialisedError):
        MockCa(settings).init_hierarchy(session)


def test_init_force_replaces_the_hierarchy_and_discards_issued_records(
    ca, session, card_keys, events
):
    ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    old_root = ca.authority(session, "root").serial
    ca.init_hierarchy(session, force=True)
    assert ca.authority(session, "root").serial != old_root
    assert ca.certificates(session) == []
    init_events = [d for a, d in events.events if a == "ca.init"]
    assert init_events[-1]["force"] is True
    # the new keys sign: issuance works against the new hierarchy
    ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)


def test_signer_seam_accepts_a_delegating_private_key(ca, session, card_keys):
    """An HSM signer returns a key object that forwards sign(); cryptography accepts it."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from sandbox.ca.keys import CaSigner

    inner = ca.signer_of(ca.authority(session, "hsa-id-3")).signing_key()
    calls = []

    class TokenKey(ec.EllipticCurvePrivateKey):
        def sign(self, data, signature_algorithm):
            calls.append(len(data))
            return inner.sign(data, signature_algorithm)

        def public_key(self):
            return inner.public_key()

        @property
        def curve(self):
            return inner.curve

        @property
        def key_size(self):
            return inner.key_size

        def exchange(self, algorithm, peer_public_key):
            raise NotImplementedError

        def private_numbers(self):
            raise NotImplementedError

        def private_bytes(self, *args):
            raise NotImplementedError

        def __copy__(self):
            return self

        def __deepcopy__(self, memo):
            return self

    class TokenSigner(CaSigner):
        def signing_key(self):
            return TokenKey()

        def public_key(self):
            return inner.public_key()

    ca.signer_of = lambda authority: TokenSigner()  # type: ignore[method-assign]
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    assert calls
    issuer = ca.certificate_of(ca.authority(session, "hsa-id-3"))
    row.certificate.verify_directly_issued_by(issuer)
