"""Errors raised by the mock CA; each message is one line an operator can act on."""


class CaError(Exception):
    """Base class for every mock-CA error."""


class CaConfigError(CaError):
    """The CA is not configured (missing passphrase, bad key type...)."""


class CaNotInitialisedError(CaError):
    """No CA hierarchy exists yet: run `flask ca init`."""


class CaAlreadyInitialisedError(CaError):
    """`ca init` would overwrite an existing CA and --force was not given."""


class InvalidRequestError(CaError):
    """Bad input to issuance or revocation (CSR, profile, HSA-id, reason...)."""


class UnknownCertificateError(CaError):
    """No certificate with that serial number was issued by this CA."""


class AlreadyRevokedError(CaError):
    """The certificate is already revoked; revocation is final."""
