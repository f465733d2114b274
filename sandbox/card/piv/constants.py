"""PIV constants (NIST SP 800-73-4 part 1 and 2, SP 800-78-4)."""

from __future__ import annotations

from enum import IntEnum, unique

PIV_AID = bytes.fromhex("A000000308000010000100")
PIV_AID_PREFIX = PIV_AID[:5]  # real cards match SELECT by prefix (yubico-piv-tool uses it)
PIV_PIX_VERSION = PIV_AID[5:]

DEFAULT_MANAGEMENT_KEY = bytes.fromhex("010203040506070801020304050607080102030405060708")
DEFAULT_PIN = "123456"
DEFAULT_PUK = "12345678"
PIN_MIN_LENGTH = 6
PIN_MAX_LENGTH = 8
PUK_LENGTH = 8
REFERENCE_DATA_LENGTH = 8  # PIN/PUK are sent padded with FF to 8 bytes
PAD_BYTE = 0xFF


@unique
class Ins(IntEnum):
    SELECT = 0xA4
    GET_DATA = 0xCB
    PUT_DATA = 0xDB
    VERIFY = 0x20
    CHANGE_REFERENCE_DATA = 0x24
    RESET_RETRY_COUNTER = 0x2C
    GENERATE_ASYMMETRIC = 0x47
    GENERAL_AUTHENTICATE = 0x87
    GET_RESPONSE = 0xC0


@unique
class KeyRef(IntEnum):
    """Key references of VERIFY/CHANGE REFERENCE DATA."""

    PIN = 0x80
    GLOBAL_PIN = 0x00
    PUK = 0x81


@unique
class Slot(IntEnum):
    AUTHENTICATION = 0x9A
    MANAGEMENT = 0x9B
    SIGNATURE = 0x9C
    KEY_MANAGEMENT = 0x9D
    CARD_AUTH = 0x9E

    @property
    def object_id(self) -> int:
        return _SLOT_OBJECT[self]


@unique
class ObjectId(IntEnum):
    CHUID = 0x5FC102
    CCC = 0x5FC107
    DISCOVERY = 0x7E
    CERT_AUTHENTICATION = 0x5FC105
    CERT_SIGNATURE = 0x5FC10A
    CERT_KEY_MANAGEMENT = 0x5FC10B
    CERT_CARD_AUTH = 0x5FC101
    SECURITY = 0x5FC106
    KEY_HISTORY = 0x5FC10C
    FINGERPRINTS = 0x5FC103
    FACIAL_IMAGE = 0x5FC108
    PRINTED_INFO = 0x5FC109


_SLOT_OBJECT = {
    Slot.AUTHENTICATION: ObjectId.CERT_AUTHENTICATION,
    Slot.SIGNATURE: ObjectId.CERT_SIGNATURE,
    Slot.KEY_MANAGEMENT: ObjectId.CERT_KEY_MANAGEMENT,
    Slot.CARD_AUTH: ObjectId.CERT_CARD_AUTH,
}

KEY_SLOTS = tuple(_SLOT_OBJECT)

# Objects whose reading needs the PIN (SP 800-73-4 part 1, table 3).
PIN_PROTECTED_OBJECTS = frozenset(
    {ObjectId.FINGERPRINTS, ObjectId.FACIAL_IMAGE, ObjectId.PRINTED_INFO}
)


@unique
class KeyType(IntEnum):
    """Algorithm identifiers (SP 800-78-4 table 6-2)."""

    RSA1024 = 0x06
    RSA2048 = 0x07
    ECCP256 = 0x11
    ECCP384 = 0x14

    @property
    def is_rsa(self) -> bool:
        return self in (KeyType.RSA1024, KeyType.RSA2048)

    @property
    def bit_len(self) -> int:
        return {0x06: 1024, 0x07: 2048, 0x11: 256, 0x14: 384}[self]

    @property
    def byte_len(self) -> int:
        return self.bit_len // 8


@unique
class ManagementKeyType(IntEnum):
    TDES = 0x03
    AES128 = 0x08
    AES192 = 0x0A
    AES256 = 0x0C

    @property
    def key_len(self) -> int:
        return {0x03: 24, 0x08: 16, 0x0A: 24, 0x0C: 32}[self]

    @property
    def challenge_len(self) -> int:
        return 8 if self == ManagementKeyType.TDES else 16


# Tags inside the dynamic authentication template (7C) of GENERAL AUTHENTICATE.
TAG_DYN_AUTH = 0x7C
TAG_WITNESS = 0x80
TAG_CHALLENGE = 0x81
TAG_RESPONSE = 0x82
TAG_EXPONENTIATION = 0x85
TAG_GET_DATA_TAG_LIST = 0x5C
TAG_OBJECT_DATA = 0x53
TAG_CERTIFICATE = 0x70
TAG_CERT_INFO = 0x71
TAG_LRC = 0xFE
TAG_PUBLIC_KEY = 0x7F49
TAG_GEN_TEMPLATE = 0xAC
TAG_GEN_ALGORITHM = 0x80
TAG_APT = 0x61
