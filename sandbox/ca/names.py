"""Names, OIDs and identifier checks for the test SITHS hierarchy.

Test OID arc (test-only, never valid outside the sandbox): 2.999.752.1 under the
ITU-T/ISO "example" arc 2.999. The real SITHS policy OIDs are deliberately not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

from sandbox.ca.errors import InvalidRequestError

TEST_OID_ARC = "2.999.752.1"
POLICY_LOA3_PERSON_HSA_ID = ObjectIdentifier(f"{TEST_OID_ARC}.1.3")
POLICY_LOA2_RESERVE_CARD = ObjectIdentifier(f"{TEST_OID_ARC}.1.2")
POLICY_BY_LOA = {3: POLICY_LOA3_PERSON_HSA_ID, 2: POLICY_LOA2_RESERVE_CARD}

# SEIS card-number extension (SS 614331 4.3): CardNumber ::= PrintableString, non-critical.
CARD_NUMBER_OID = ObjectIdentifier("1.2.752.34.2.1")

TEST_NOTICE = "TEST certificate from SäkerID Academy sandbox. Not a real identity."

ROOT_SLUG = "root"
# slug -> (common name, assurance level)
ISSUING_CAS: dict[str, tuple[str, int]] = {
    "hsa-id-3": ("TEST SITHS e-id Person HSA-id 3 CA v1", 3),
    "hsa-id-2": ("TEST SITHS e-id Person HSA-id 2 CA v1", 2),
}
ROOT_CN = "TEST SITHS e-id Root CA v2 (SäkerID Academy)"
CA_ORGANISATION = "TEST Inera AB (SäkerID Academy)"


def ocsp_slug(issuing_slug: str) -> str:
    return f"{issuing_slug}-ocsp"


def ocsp_common_name(issuing_cn: str) -> str:
    return f"{issuing_cn} OCSP"


def ca_name(common_name: str) -> x509.Name:
    """Issuer-style DN `C=SE, O=..., CN=...` like the real hierarchy."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, CA_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


HSA_ID_RE = re.compile(r"SE(?:\d{10}|\d{12})-[A-Za-z0-9]+")
CARD_NUMBER_RE = re.compile(r"\d{10,20}")
NAME_MAX = 64


def validate_hsa_id(hsa_id: str) -> str:
    """`SE` + 10 (or 12) digit organisationsnummer + `-` + [A-Za-z0-9]+, at most 31 chars."""
    if not isinstance(hsa_id, str) or len(hsa_id) > 31 or not HSA_ID_RE.fullmatch(hsa_id):
        raise InvalidRequestError(
            f"invalid HSA-id {hsa_id!r}: expected SE + 10 or 12 digits + '-' + letters/digits, "
            "at most 31 characters (e.g. SE2321000016-12ZX)"
        )
    return hsa_id


def validate_card_number(card_number: str) -> str:
    if not isinstance(card_number, str) or not CARD_NUMBER_RE.fullmatch(card_number):
        raise InvalidRequestError(
            f"invalid card number {card_number!r}: expected 10-20 digits (e.g. 9752278900000000000)"
        )
    return card_number


def encode_card_number(card_number: str) -> bytes:
    """DER PrintableString holding the card number (digits only, so always printable)."""
    raw = validate_card_number(card_number).encode("ascii")
    return bytes([0x13, len(raw)]) + raw


def decode_card_number(der: bytes) -> str:
    if len(der) < 2 or der[0] != 0x13 or der[1] != len(der) - 2:
        raise ValueError("card-number extension is not a short DER PrintableString")
    return der[2:].decode("ascii")


@dataclass(frozen=True)
class Person:
    """The certificate holder as the RA knows them (taken from HSA, not from the CSR)."""

    hsa_id: str
    given_name: str
    surname: str
    card_number: str
    organisation: str | None = None
    title: str | None = None

    def validated(self) -> Person:
        validate_hsa_id(self.hsa_id)
        validate_card_number(self.card_number)
        for label, value in (("given name", self.given_name), ("surname", self.surname)):
            if not value or not value.strip():
                raise InvalidRequestError(f"{label} must not be empty")
            if len(value) > NAME_MAX:
                raise InvalidRequestError(f"{label} is longer than {NAME_MAX} characters")
        if len(self.common_name) > NAME_MAX:
            raise InvalidRequestError(f"full name is longer than {NAME_MAX} characters")
        return self

    @property
    def common_name(self) -> str:
        return f"{self.given_name.strip()} {self.surname.strip()}"

    def subject(self, default_organisation: str) -> x509.Name:
        return self.subject_with_text(default_organisation)[0]

    def subject_with_text(self, default_organisation: str) -> tuple[x509.Name, str]:
        """The subject DN and its RFC 4514 text (as `Name.rfc4514_string()` gives it).

        Built in one pass for issuance: the constant C and O attributes are shared and the
        text is joined directly instead of walking the Name a second time.
        """
        given, surname = self.given_name.strip(), self.surname.strip()
        common = f"{given} {surname}"
        country, organisation = _constant_rdns(self.organisation or default_organisation)
        variable = [
            (NameOID.COMMON_NAME, common),
            (NameOID.GIVEN_NAME, given),
            (NameOID.SURNAME, surname),
            (NameOID.SERIAL_NUMBER, self.hsa_id),
        ]
        if self.title:
            variable.append((NameOID.TITLE, self.title))
        attrs = [x509.NameAttribute(oid, value) for oid, value in variable]
        name = x509.Name([country[0], organisation[0], *map(_single_rdn, attrs)])
        parts = [_rfc4514_attribute(a) for a in reversed(attrs)]
        parts += [organisation[1], country[1]]
        return name, ",".join(parts)


def _single_rdn(attr: x509.NameAttribute) -> x509.RelativeDistinguishedName:
    return x509.RelativeDistinguishedName([attr])


@lru_cache(maxsize=64)
def _constant_rdns(organisation: str) -> tuple[tuple[x509.RelativeDistinguishedName, str], ...]:
    """(RDN, RFC 4514 text) for C=SE and O=<organisation>; immutable, so shared."""
    out = []
    for oid, value in ((NameOID.COUNTRY_NAME, "SE"), (NameOID.ORGANIZATION_NAME, organisation)):
        attr = x509.NameAttribute(oid, value)
        out.append((_single_rdn(attr), attr.rfc4514_string()))
    return tuple(out)


# Values without these characters (and without a leading '#'/space or a trailing space) are
# written as they are by RFC 4514; anything else goes through cryptography's own escaping.
_RFC4514_SPECIAL = re.compile(r'[\\"+,;<>\x00]|^[# ]|\s$')
_RFC4514_PREFIX = {
    oid: x509.NameAttribute(oid, "x").rfc4514_attribute_name + "="
    for oid in (NameOID.COMMON_NAME, NameOID.GIVEN_NAME, NameOID.SURNAME)
    + (NameOID.SERIAL_NUMBER, NameOID.TITLE)
}


def _rfc4514_attribute(attr: x509.NameAttribute) -> str:
    value = attr.value
    if isinstance(value, str) and value and not _RFC4514_SPECIAL.search(value):
        return _RFC4514_PREFIX[attr.oid] + value
    return attr.rfc4514_string()
