"""Issuance from CSRs (proof of possession), pairs, renewal, revocation, serials, audit."""

from __future__ import annotations

import dataclasses
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sandbox.ca import (
    AlreadyRevokedError,
    CaNotInitialisedError,
    InvalidRequestError,
    IssuedCertificate,
    MockCa,
    UnknownCertificateError,
    issuance,
    profiles,
)

from .helpers import ANNA, make_csr


def _tampered_csr(key) -> bytes:
    """A CSR whose signature no longer matches its contents (no proof of possession)."""
    der = bytearray(x509.load_pem_x509_csr(make_csr(key)).public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # flip a bit inside the signature value
    return bytes(der)


def _csr_with_foreign_key(signing_key, claimed_key) -> bytes:
    """CSR claiming `claimed_key` but signed by another key: built by hand-splicing SPKI."""
    good = x509.load_pem_x509_csr(make_csr(signing_key)).public_bytes(serialization.Encoding.DER)
    spki_ok = signing_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    spki_other = claimed_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert len(spki_ok) == len(spki_other)
    return good.replace(spki_ok, spki_other)


def test_csr_with_broken_signature_is_refused(ca, session, card_keys):
    with pytest.raises(InvalidRequestError, match="no proof of possession"):
        ca.issue(session, _tampered_csr(card_keys["auth"]), "loa3-auth", ANNA)


def test_csr_signed_by_another_key_is_refused(ca, session, card_keys):
    csr = _csr_with_foreign_key(card_keys["auth"], card_keys["sign"])
    with pytest.raises(InvalidRequestError, match="no proof of possession"):
        ca.issue(session, csr, "loa3-auth", ANNA)
    assert ca.certificates(session) == []


@pytest.mark.parametrize(
    ("make_key", "message"),
    [
        (lambda: rsa.generate_private_key(65537, 1024), "RSA-1024"),
        (lambda: ec.generate_private_key(ec.SECP384R1()), "secp384r1"),
    ],
)
def test_key_types_the_profile_does_not_allow_are_refused(ca, session, make_key, message):
    with pytest.raises(InvalidRequestError, match=message):
        ca.issue(session, make_csr(make_key()), "loa3-auth", ANNA)


def test_rsa_2048_card_key_is_accepted(ca, session, card_keys):
    row = ca.issue(session, make_csr(card_keys["rsa"]), "loa3-sign", ANNA)
    assert isinstance(x509.load_der_x509_certificate(row.der).public_key(), rsa.RSAPublicKey)


def test_garbage_csr_and_unknown_profile_are_refused(ca, session, card_keys):
    with pytest.raises(InvalidRequestError, match="not a PEM or DER"):
        ca.issue(session, b"\x30\x03\x02\x01\x00", "loa3-auth", ANNA)
    with pytest.raises(InvalidRequestError, match="unknown profile"):
        ca.issue(session, make_csr(card_keys["auth"]), "loa4-auth", ANNA)


def test_subject_comes_from_the_person_record_not_the_csr(ca, session, card_keys):
    row = ca.issue(session, make_csr(card_keys["auth"], cn="Mallory Admin"), "loa3-auth", ANNA)
    assert "Mallory" not in x509.load_der_x509_certificate(row.der).subject.rfc4514_string()


def test_card_pair_with_one_key_for_both_is_refused(ca, session, card_keys):
    csr = make_csr(card_keys["auth"])
    with pytest.raises(InvalidRequestError, match="same key"):
        ca.issue_card_pair(session, csr, csr, ANNA)


def test_card_pair_is_all_or_nothing(ca, session, card_keys):
    with pytest.raises(InvalidRequestError):
        ca.issue_card_pair(
            session, make_csr(card_keys["auth"]), _tampered_csr(card_keys["sign"]), ANNA
        )
    assert ca.certificates(session) == []


def test_issue_before_init_says_to_run_init(settings, session, card_keys):
    with pytest.raises(CaNotInitialisedError, match="ca init"):
        MockCa(settings).issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)


def test_renewal_keeps_profile_and_subject_with_a_new_serial(ca, session, card_keys, events):
    old = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    same_key = ca.renew(session, old.serial)
    new_key = ca.renew(session, old.serial, csr=make_csr(card_keys["rsa"]))
    old_cert = x509.load_der_x509_certificate(old.der)
    for row in (same_key, new_key):
        cert = x509.load_der_x509_certificate(row.der)
        assert row.serial != old.serial and row.profile == "loa3-auth"
        assert row.renewed_from == old.serial
        assert (
            ca.certificate(session, row.serial).renewed_from_id
            == ca.certificate(session, old.serial).id
        )
        assert cert.subject == old_cert.subject
    assert x509.load_der_x509_certificate(same_key.der).public_key() == old_cert.public_key()
    assert isinstance(x509.load_der_x509_certificate(new_key.der).public_key(), rsa.RSAPublicKey)
    assert events.actions().count("ca.renew") == 2
    ca.revoke(session, old.serial, "superseded")
    with pytest.raises(InvalidRequestError, match="revoked"):
        ca.renew(session, old.serial)


def test_revocation_is_final_and_reasons_follow_rfc5280(ca, session, card_keys):
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    with pytest.raises(InvalidRequestError, match="choose one of"):
        ca.revoke(session, row.serial, "lost")
    with pytest.raises(InvalidRequestError, match="certificateHold"):
        ca.revoke(session, row.serial, "certificateHold")
    revocation = ca.revoke(session, row.serial, "keyCompromise")
    assert revocation.reason == "keyCompromise"
    assert ca.certificate(session, row.serial).status == "revoked"
    with pytest.raises(AlreadyRevokedError, match="final"):
        ca.revoke(session, row.serial, "superseded")
    with pytest.raises(UnknownCertificateError):
        ca.revoke(session, "abcdef", "superseded")


def test_certificate_hold_only_where_the_profile_allows_it(ca, session, card_keys, monkeypatch):
    held = dataclasses.replace(profiles.PROFILES["loa2-reserve-auth"], allows_certificate_hold=True)
    monkeypatch.setitem(profiles.PROFILES, "loa2-reserve-auth", held)
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa2-reserve-auth", ANNA)
    assert ca.revoke(session, row.serial, "certificateHold").reason == "certificateHold"


def test_revoke_card_revokes_both_certificates_of_the_card(ca, session, card_keys):
    ca.issue_card_pair(session, make_csr(card_keys["auth"]), make_csr(card_keys["sign"]), ANNA)
    revocations = ca.revoke_card(session, ANNA.card_number, "affiliationChanged")
    assert len(revocations) == 2
    assert {r.status for r in ca.certificates(session, card_number=ANNA.card_number)} == {"revoked"}


def test_every_ca_operation_reaches_the_audit_callback(ca, session, card_keys, events):
    auth, _sign = ca.issue_card_pair(
        session, make_csr(card_keys["auth"]), make_csr(card_keys["sign"]), ANNA
    )
    ca.renew(session, auth.serial)
    ca.revoke(session, auth.serial, "superseded")
    ca.generate_crl(session, "hsa-id-3")
    actions = events.actions()
    assert actions[0] == "ca.init"
    for action in ("ca.issue", "ca.renew", "ca.revoke", "ca.crl"):
        assert action in actions
    issued = [d for a, d in events.events if a == "ca.issue"]
    assert issued[0]["hsa_id"] == ANNA.hsa_id and issued[0]["card_number"] == ANNA.card_number
    revoked = next(d for a, d in events.events if a == "ca.revoke")
    assert revoked == {
        "serial": auth.serial,
        "reason": "superseded",
        "hsa_id": ANNA.hsa_id,
        "card_number": ANNA.card_number,
        "profile": "loa3-auth",
        "revoked_at": revoked["revoked_at"],
    }


def test_serials_are_unique_across_10k_issuances(ca, session, card_keys):
    csr = x509.load_pem_x509_csr(make_csr(card_keys["auth"]))
    started = time.perf_counter()
    for _ in range(10_000):
        ca.issue(session, csr, "loa3-auth", ANNA, commit=False)
    session.commit()
    elapsed = time.perf_counter() - started
    serials = session.scalars(select(IssuedCertificate.serial)).all()
    assert len(serials) == len(set(serials)) == 10_000
    assert min(int(s, 16).bit_length() for s in serials) >= 64
    assert elapsed < 60


def test_serial_collision_is_retried_and_the_database_refuses_duplicates(
    ca, session, card_keys, monkeypatch
):
    first = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    draws = iter([int(first.serial, 16), int(first.serial, 16), 0x1234_5678_9ABC_DEF0_1])
    monkeypatch.setattr(issuance, "new_serial", lambda: next(draws))
    second = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    assert second.serial == format(0x1234_5678_9ABC_DEF0_1, "x")
    stored = ca.certificate(session, first.serial)
    columns = ("serial", "issuer_id", "profile", "subject", "hsa_id", "card_number")
    columns += ("not_before", "not_after", "der", "status", "created_at")
    duplicate = IssuedCertificate(**{c: getattr(stored, c) for c in columns})
    session.add(duplicate)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_ca_signs_with_sha256(ca, session, card_keys):
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    cert = x509.load_der_x509_certificate(row.der)
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)


@pytest.mark.parametrize(
    "person",
    [
        ANNA,
        dataclasses.replace(ANNA, organisation=None, title=None),
        dataclasses.replace(
            ANNA, given_name=" Åsa ", surname='Öberg, "jr"', organisation="A + <B>; C"
        ),
        dataclasses.replace(ANNA, given_name="a\\b", title="#1 lead ", organisation=" org"),
    ],
)
def test_fast_subject_text_matches_cryptography(person):
    """Issuance builds the subject and its RFC 4514 text in one pass; both must match."""
    name, text = person.subject_with_text("TEST Default Org")
    org = person.organisation or "TEST Default Org"
    attrs = [
        (x509.NameOID.COUNTRY_NAME, "SE"),
        (x509.NameOID.ORGANIZATION_NAME, org),
        (x509.NameOID.COMMON_NAME, person.common_name),
        (x509.NameOID.GIVEN_NAME, person.given_name.strip()),
        (x509.NameOID.SURNAME, person.surname.strip()),
        (x509.NameOID.SERIAL_NUMBER, person.hsa_id),
    ]
    if person.title:
        attrs.append((x509.NameOID.TITLE, person.title))
    expected = x509.Name([x509.NameAttribute(oid, value) for oid, value in attrs])
    assert name == expected
    assert text == expected.rfc4514_string()


def test_stored_record_matches_the_certificate(ca, session, card_keys):
    """The row written on the DBAPI cursor reads back through the ORM like any other."""
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    stored = ca.certificate(session, row.serial)
    cert = x509.load_der_x509_certificate(stored.der)
    assert stored.der == row.der
    assert stored.subject == cert.subject.rfc4514_string() == row.subject
    assert format(cert.serial_number, "x") == stored.serial
    assert (stored.hsa_id, stored.card_number, stored.status) == (
        ANNA.hsa_id,
        ANNA.card_number,
        "good",
    )
    assert stored.not_before.replace(tzinfo=None) == cert.not_valid_before_utc.replace(tzinfo=None)
    assert stored.not_after.replace(tzinfo=None) == cert.not_valid_after_utc.replace(tzinfo=None)
    assert stored.issuer.slug == "hsa-id-3" and stored.renewed_from_id is None


def test_pre_encoded_profile_extensions_are_the_typed_ones(ca, session, card_keys):
    """The plan hands the builder DER; the certificate must parse to the typed extensions."""
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    cert = x509.load_der_x509_certificate(row.der)
    issuer = ca.authority(session, "hsa-id-3")
    fixed = profiles.static_person_extensions(
        profiles.get_profile("loa3-auth"), ca.settings, ca.subject_key_id(issuer)
    )
    for ext, critical in fixed:
        found = cert.extensions.get_extension_for_oid(ext.oid)
        assert found.value == ext and found.critical == critical
