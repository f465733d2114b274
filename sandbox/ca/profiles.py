"""Person-certificate profiles and the X.509 extensions they produce."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID

from sandbox.ca.errors import InvalidRequestError
from sandbox.ca.names import (
    CARD_NUMBER_OID,
    POLICY_BY_LOA,
    TEST_NOTICE,
    encode_card_number,
)
from sandbox.ca.settings import CaSettings

# RFC 5280 reasons an administrator may choose; certificateHold only where a profile allows.
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {
    "keyCompromise": x509.ReasonFlags.key_compromise,
    "affiliationChanged": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
    "certificateHold": x509.ReasonFlags.certificate_hold,
}
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 4096


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    issuer_slug: str
    loa: int
    usage: str  # "auth" (legitimering) or "sign" (underskrift)
    validity_setting: str  # CaSettings field holding default and maximum days
    allows_certificate_hold: bool = False

    def default_validity_days(self, settings: CaSettings) -> int:
        return int(getattr(settings, self.validity_setting))

    def allowed_reasons(self) -> list[str]:
        return [
            name
            for name in REVOCATION_REASONS
            if name != "certificateHold" or self.allows_certificate_hold
        ]


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "loa3-auth",
            "LoA3 HSA-id authentication certificate (legitimering, TLS client auth)",
            "hsa-id-3",
            3,
            "auth",
            "loa3_validity_days",
        ),
        Profile(
            "loa3-sign",
            "LoA3 HSA-id signature certificate (underskrift, non-repudiation)",
            "hsa-id-3",
            3,
            "sign",
            "loa3_validity_days",
        ),
        Profile(
            "loa2-reserve-auth",
            "LoA2 reserve-card authentication certificate (short validity)",
            "hsa-id-2",
            2,
            "auth",
            "reserve_validity_days",
        ),
        Profile(
            "loa2-reserve-sign",
            "LoA2 reserve-card signature certificate (short validity)",
            "hsa-id-2",
            2,
            "sign",
            "reserve_validity_days",
        ),
    )
}
PAIR_PROFILES: dict[int, tuple[str, str]] = {
    3: ("loa3-auth", "loa3-sign"),
    2: ("loa2-reserve-auth", "loa2-reserve-sign"),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise InvalidRequestError(
            f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}"
        ) from None


def check_person_key(profile: Profile, key: object) -> CertificateIssuerPublicKeyTypes:
    """Person keys: RSA 2048-4096 bits or EC P-256; anything else is refused."""
    if isinstance(key, rsa.RSAPublicKey):
        if not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
            raise InvalidRequestError(
                f"profile {profile.name} refuses an RSA-{key.key_size} key "
                f"(allowed: RSA {MIN_RSA_BITS}-{MAX_RSA_BITS} bits, EC P-256)"
            )
        return key
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise InvalidRequestError(
                f"profile {profile.name} refuses an EC {key.curve.name} key "
                "(allowed: RSA 2048-4096 bits, EC P-256)"
            )
        return key
    raise InvalidRequestError(
        f"profile {profile.name} refuses a {type(key).__name__} key "
        "(allowed: RSA 2048-4096 bits, EC P-256)"
    )


def crl_url(settings: CaSettings, issuer_slug: str) -> str:
    return f"{settings.url_root}/crl/{issuer_slug}.crl"


def ca_cert_url(settings: CaSettings, slug: str) -> str:
    return f"{settings.url_root}/certs/{slug}.der"


def ocsp_url(settings: CaSettings) -> str:
    return f"{settings.url_root}/ocsp"


def publication_extensions(
    settings: CaSettings, issuer_slug: str, *, with_ocsp: bool
) -> list[x509.ExtensionType]:
    """CRL distribution point and AIA (OCSP + CA issuers) at the configured base URL."""
    access = [
        x509.AccessDescription(
            x509.AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(ca_cert_url(settings, issuer_slug)),
        )
    ]
    if with_ocsp:
        access.insert(
            0,
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier(ocsp_url(settings)),
            ),
        )
    return [
        x509.CRLDistributionPoints(
            [
                x509.DistributionPoint(
                    full_name=[x509.UniformResourceIdentifier(crl_url(settings, issuer_slug))],
                    relative_name=None,
                    reasons=None,
                    crl_issuer=None,
                )
            ]
        ),
        x509.AuthorityInformationAccess(access),
    ]


def policy_extension(loa: int) -> x509.CertificatePolicies:
    return x509.CertificatePolicies(
        [x509.PolicyInformation(POLICY_BY_LOA[loa], [x509.UserNotice(None, TEST_NOTICE)])]
    )


def static_person_extensions(
    profile: Profile, settings: CaSettings, issuer_ski: x509.SubjectKeyIdentifier
) -> list[tuple[x509.ExtensionType, bool]]:
    """The (extension, critical) pairs that are the same for every certificate of a profile."""
    auth = profile.usage == "auth"
    exts: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (
            x509.KeyUsage(
                digital_signature=auth,
                content_commitment=not auth,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        ),
    ]
    if auth:
        exts.append((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False))
    exts.append((policy_extension(profile.loa), False))
    exts.extend(
        (e, False) for e in publication_extensions(settings, profile.issuer_slug, with_ocsp=True)
    )
    exts.append((x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski), False))
    return exts


def holder_extensions(
    subject_key: CertificateIssuerPublicKeyTypes, card_number: str
) -> list[tuple[x509.ExtensionType, bool]]:
    """The pairs that depend on the card: SKI of the card key and the card number."""
    return [
        (x509.SubjectKeyIdentifier.from_public_key(subject_key), False),
        (x509.UnrecognizedExtension(CARD_NUMBER_OID, encode_card_number(card_number)), False),
    ]


def person_extensions(
    profile: Profile,
    settings: CaSettings,
    subject_key: CertificateIssuerPublicKeyTypes,
    issuer_ski: x509.SubjectKeyIdentifier,
    card_number: str,
) -> list[tuple[x509.ExtensionType, bool]]:
    """(extension, critical) pairs for one person certificate."""
    return static_person_extensions(profile, settings, issuer_ski) + holder_extensions(
        subject_key, card_number
    )
