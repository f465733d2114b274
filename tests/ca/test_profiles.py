"""Profile contents: every subject field and extension of the person certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from sandbox.ca import InvalidRequestError, Person, validate_hsa_id
from sandbox.ca.names import (
    CARD_NUMBER_OID,
    POLICY_LOA2_RESERVE_CARD,
    POLICY_LOA3_PERSON_HSA_ID,
    TEST_NOTICE,
    decode_card_number,
    encode_card_number,
)

from .helpers import ANNA, make_csr

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)


def _cert(row) -> x509.Certificate:
    return x509.load_der_x509_certificate(row.der)


def _attr(cert: x509.Certificate, oid) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    assert len(values) == 1
    return values[0].value


@pytest.mark.parametrize(
    ("loa", "issuer_cn", "policy", "days"),
    [
        (3, "TEST SITHS e-id Person HSA-id 3 CA v1", POLICY_LOA3_PERSON_HSA_ID, 1826),
        (2, "TEST SITHS e-id Person HSA-id 2 CA v1", POLICY_LOA2_RESERVE_CARD, 14),
    ],
)
def test_card_pair_carries_every_profile_field_and_extension(
    ca, session, card_keys, loa, issuer_cn, policy, days
):
    auth_row, sign_row = ca.issue_card_pair(
        session, make_csr(card_keys["auth"]), make_csr(card_keys["sign"]), ANNA, loa=loa, now=NOW
    )
    issuer_row = ca.authority(session, auth_row.issuer_slug)
    issuer = x509.load_der_x509_certificate(issuer_row.der)
    issuer_ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    certs = {"auth": _cert(auth_row), "sign": _cert(sign_row)}
    for usage, cert in certs.items():
        assert cert.version == x509.Version.v3
        assert cert.issuer == issuer.subject
        assert cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == issuer_cn
        cert.verify_directly_issued_by(issuer)
        # subject: C, O, CN, givenName, surname, serialNumber = HSA-id, title
        assert [a.oid for a in cert.subject] == [
            NameOID.COUNTRY_NAME,
            NameOID.ORGANIZATION_NAME,
            NameOID.COMMON_NAME,
            NameOID.GIVEN_NAME,
            NameOID.SURNAME,
            NameOID.SERIAL_NUMBER,
            NameOID.TITLE,
        ]
        assert _attr(cert, NameOID.COUNTRY_NAME) == "SE"
        assert _attr(cert, NameOID.ORGANIZATION_NAME) == "TEST Region Stockholm"
        assert _attr(cert, NameOID.COMMON_NAME) == "Anna Andersson"
        assert _attr(cert, NameOID.GIVEN_NAME) == "Anna"
        assert _attr(cert, NameOID.SURNAME) == "Andersson"
        assert _attr(cert, NameOID.SERIAL_NUMBER) == "SE2321000016-12ZX"
        assert _attr(cert, NameOID.TITLE) == "Sjuksköterska"
        # validity per profile (reserve cards 14 days at a time)
        assert cert.not_valid_before_utc == NOW
        assert cert.not_valid_after_utc == NOW + dt.timedelta(days=days)
        # random serial of at least 64 bits
        assert cert.serial_number.bit_length() >= 64
        exts = {e.oid: e for e in cert.extensions}
        expected = {
            ExtensionOID.BASIC_CONSTRAINTS,
            ExtensionOID.KEY_USAGE,
            ExtensionOID.CERTIFICATE_POLICIES,
            ExtensionOID.CRL_DISTRIBUTION_POINTS,
            ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
            ExtensionOID.SUBJECT_KEY_IDENTIFIER,
            ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
            CARD_NUMBER_OID,
        }
        if usage == "auth":
            expected.add(ExtensionOID.EXTENDED_KEY_USAGE)
        assert set(exts) == expected
        bc = exts[ExtensionOID.BASIC_CONSTRAINTS]
        assert bc.critical and bc.value.ca is False
        ku = exts[ExtensionOID.KEY_USAGE]
        assert ku.critical
        assert ku.value.digital_signature is (usage == "auth")
        assert ku.value.content_commitment is (usage == "sign")
        for flag in ("key_encipherment", "data_encipherment", "key_agreement"):
            assert getattr(ku.value, flag) is False
        assert ku.value.key_cert_sign is False and ku.value.crl_sign is False
        if usage == "auth":
            eku = exts[ExtensionOID.EXTENDED_KEY_USAGE]
            assert not eku.critical
            assert list(eku.value) == [ExtendedKeyUsageOID.CLIENT_AUTH]
        policies = exts[ExtensionOID.CERTIFICATE_POLICIES].value
        assert [p.policy_identifier for p in policies] == [policy]
        assert policies[0].policy_qualifiers[0].explicit_text == TEST_NOTICE
        assert policy.dotted_string.startswith("2.999.752.1.")  # test arc, not SITHS
        cdp = exts[ExtensionOID.CRL_DISTRIBUTION_POINTS].value
        slug = auth_row.issuer_slug
        assert [n.value for n in cdp[0].full_name] == [
            f"http://ca.test.invalid:5000/ca/crl/{slug}.crl"
        ]
        aia = exts[ExtensionOID.AUTHORITY_INFORMATION_ACCESS].value
        assert [(d.access_method, d.access_location.value) for d in aia] == [
            (x509.AuthorityInformationAccessOID.OCSP, "http://ca.test.invalid:5000/ca/ocsp"),
            (
                x509.AuthorityInformationAccessOID.CA_ISSUERS,
                f"http://ca.test.invalid:5000/ca/certs/{slug}.der",
            ),
        ]
        ski = exts[ExtensionOID.SUBJECT_KEY_IDENTIFIER].value
        assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())
        aki = exts[ExtensionOID.AUTHORITY_KEY_IDENTIFIER].value
        assert aki.key_identifier == issuer_ski.digest
        card = exts[CARD_NUMBER_OID]
        assert not card.critical
        assert decode_card_number(card.value.value) == "9752278900000000001"
    # the pair: same issuer, HSA-id, card number; different keys and key usage
    assert certs["auth"].issuer == certs["sign"].issuer
    assert certs["auth"].serial_number != certs["sign"].serial_number
    assert auth_row.card_number == sign_row.card_number == ANNA.card_number
    assert {auth_row.profile, sign_row.profile} == (
        {"loa3-auth", "loa3-sign"} if loa == 3 else {"loa2-reserve-auth", "loa2-reserve-sign"}
    )


def test_card_number_is_a_der_printable_string():
    assert encode_card_number("9752278900000000000") == b"\x13\x13" + b"9752278900000000000"
    assert decode_card_number(encode_card_number("1234567890")) == "1234567890"


def test_validity_per_order_is_bounded_by_the_profile(ca, session, card_keys):
    row = ca.issue(
        session, make_csr(card_keys["auth"]), "loa2-reserve-auth", ANNA, validity_days=3, now=NOW
    )
    assert _cert(row).not_valid_after_utc == NOW + dt.timedelta(days=3)
    with pytest.raises(InvalidRequestError, match="outside 1-14"):
        ca.issue(session, make_csr(card_keys["auth"]), "loa2-reserve-auth", ANNA, validity_days=15)


def test_reserve_validity_is_a_setting_not_a_hard_rule(tmp_path, session, card_keys):
    from sandbox.ca import MockCa

    from .helpers import make_settings

    ca = MockCa(make_settings(tmp_path, reserve_validity_days=30, loa3_validity_days=365))
    ca.init_hierarchy(session)
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa2-reserve-auth", ANNA, now=NOW)
    assert _cert(row).not_valid_after_utc == NOW + dt.timedelta(days=30)
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA, now=NOW)
    assert _cert(row).not_valid_after_utc == NOW + dt.timedelta(days=365)


def test_ca_hierarchy_names_are_test_names_and_ocsp_responders_are_delegated(ca, session):
    by_slug = {a.slug: a for a in ca.authorities(session)}
    assert set(by_slug) == {"root", "hsa-id-3", "hsa-id-3-ocsp", "hsa-id-2", "hsa-id-2-ocsp"}
    root = x509.load_der_x509_certificate(by_slug["root"].der)
    assert "CN=TEST SITHS e-id Root CA v2 (SäkerID Academy)" in root.subject.rfc4514_string()
    for slug in ("hsa-id-3", "hsa-id-2"):
        cert = x509.load_der_x509_certificate(by_slug[slug].der)
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value.startswith(
            "TEST SITHS e-id Person HSA-id"
        )
        cert.verify_directly_issued_by(root)
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
        assert bc.critical and bc.value.ca and bc.value.path_length == 0
        responder = x509.load_der_x509_certificate(by_slug[f"{slug}-ocsp"].der)
        responder.verify_directly_issued_by(cert)
        assert responder.subject.rfc4514_string().startswith("CN=TEST SITHS")
        assert responder.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value.endswith(
            " OCSP"
        )
        eku = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert list(eku) == [ExtendedKeyUsageOID.OCSP_SIGNING]
        responder.extensions.get_extension_for_class(x509.OCSPNoCheck)
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)


@pytest.mark.parametrize(
    "hsa_id",
    ["SE2321000016-12ZX", "SE162321000255-abc1", "SE2321000230-A", "SE2321000016-" + "X" * 18],
)
def test_valid_hsa_ids_are_accepted(hsa_id):
    assert validate_hsa_id(hsa_id) == hsa_id


@pytest.mark.parametrize(
    "hsa_id",
    [
        "",
        "SE2321000016",
        "SE2321000016-",
        "se2321000016-12ZX",
        "SE232100001-12ZX",
        "SE2321000016-12ÅX",
        "SE2321000016-a@b",
        "SE2321000016-12 X",
        "SE2321000016-" + "X" * 19,  # 32 characters
    ],
)
def test_invalid_hsa_ids_are_refused(hsa_id, ca, session, card_keys):
    with pytest.raises(InvalidRequestError, match="invalid HSA-id"):
        person = Person(hsa_id, "Anna", "Andersson", "9752278900000000001")
        ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", person)


@pytest.mark.parametrize("card_number", ["", "12345", "97522789000000000001234", "97522789A0"])
def test_invalid_card_numbers_are_refused(card_number, ca, session, card_keys):
    with pytest.raises(InvalidRequestError, match="invalid card number"):
        person = Person("SE2321000016-12ZX", "Anna", "Andersson", card_number)
        ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", person)
