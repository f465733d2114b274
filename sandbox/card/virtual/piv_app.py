"""The card side of the PIV application (NIST SP 800-73-4 subset).

Every handler validates its whole input before it changes anything, so a rejected
command never alters the card's state. Errors are raised as :class:`CardError` and
become status words in :mod:`.card`.
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from ..apdu import CommandApdu
from ..errors import SW
from ..piv import keys
from ..piv.constants import (
    KEY_SLOTS,
    PIN_PROTECTED_OBJECTS,
    PIV_AID,
    PIV_AID_PREFIX,
    REFERENCE_DATA_LENGTH,
    TAG_APT,
    TAG_CHALLENGE,
    TAG_DYN_AUTH,
    TAG_EXPONENTIATION,
    TAG_GEN_ALGORITHM,
    TAG_GEN_TEMPLATE,
    TAG_GET_DATA_TAG_LIST,
    TAG_OBJECT_DATA,
    TAG_RESPONSE,
    Ins,
    KeyRef,
    KeyType,
    ObjectId,
    Slot,
)
from ..tlv import TlvError, encode_tlv, parse_single, parse_tlvs
from .management_auth import management_authenticate
from .rules import (
    CardError,
    SecurityStatus,
    constant_time_equal,
    decode_reference,
    dynamic_template,
)
from .state import CardState, StoredKey

MAX_OBJECT_SIZE = 4096
APPLICATION_LABEL = b"SakerID Academy PIV test card"


def _valid_object_id(object_id: int) -> bool:
    return object_id in (ObjectId.DISCOVERY, 0x7F61) or 0x5FC101 <= object_id <= 0x5FC123


class PivApplication:
    def __init__(self, state: CardState, store: Callable[[], None]) -> None:
        self.state = state
        self._store = store
        self.status = SecurityStatus()
        self._key_cache: dict[int, keys.PrivateKey] = {}

    def reset(self) -> None:
        self.status = SecurityStatus()

    # -- dispatch --------------------------------------------------------------------
    def process(self, apdu: CommandApdu) -> bytes:
        if apdu.ins == Ins.SELECT:
            return self.select(apdu)
        if not self.status.selected:
            raise CardError(SW.INS_NOT_SUPPORTED)
        handler = self._handlers.get(apdu.ins)
        if handler is None:
            raise CardError(SW.INS_NOT_SUPPORTED)
        if apdu.ins != Ins.GENERAL_AUTHENTICATE:
            self.status.witness = self.status.challenge = None
        return handler(self, apdu)

    # -- SELECT ----------------------------------------------------------------------
    def select(self, apdu: CommandApdu) -> bytes:
        if apdu.p1 != 0x04 or apdu.p2 not in (0x00, 0x0C):
            raise CardError(SW.INCORRECT_P1P2)
        aid = apdu.data
        if len(aid) < len(PIV_AID_PREFIX) or not PIV_AID.startswith(aid):
            raise CardError(SW.FILE_NOT_FOUND)
        self.status.selected = True
        algorithms = b"".join(encode_tlv(0x80, bytes([alg])) for alg in KeyType) + encode_tlv(
            0x06, b"\x00"
        )
        template = (
            encode_tlv(0x4F, PIV_AID[5:])
            + encode_tlv(0x79, encode_tlv(0x4F, PIV_AID_PREFIX))
            + encode_tlv(0x50, APPLICATION_LABEL)
            + encode_tlv(0xAC, algorithms)
        )
        return b"" if apdu.p2 == 0x0C else encode_tlv(TAG_APT, template)

    # -- data objects ----------------------------------------------------------------
    def _object_id_from(self, tag_list: bytes) -> int:
        if not 1 <= len(tag_list) <= 3:
            raise CardError(SW.WRONG_DATA)
        return int.from_bytes(tag_list, "big")

    def get_data(self, apdu: CommandApdu) -> bytes:
        if (apdu.p1, apdu.p2) != (0x3F, 0xFF):
            raise CardError(SW.INCORRECT_P1P2)
        try:
            request = parse_single(apdu.data, TAG_GET_DATA_TAG_LIST)
        except TlvError as exc:
            raise CardError(SW.WRONG_DATA) from exc
        object_id = self._object_id_from(request.value)
        if not _valid_object_id(object_id):
            raise CardError(SW.FILE_NOT_FOUND)
        if object_id in PIN_PROTECTED_OBJECTS and not self.status.pin_verified:
            raise CardError(SW.SECURITY_STATUS_NOT_SATISFIED)
        value = self.state.get_object(object_id)
        if value is None:
            raise CardError(SW.FILE_NOT_FOUND)
        return value if object_id == ObjectId.DISCOVERY else encode_tlv(TAG_OBJECT_DATA, value)

    def put_data(self, apdu: CommandApdu) -> bytes:
        if (apdu.p1, apdu.p2) != (0x3F, 0xFF):
            raise CardError(SW.INCORRECT_P1P2)
        if not self.status.management_authenticated:
            raise CardError(SW.SECURITY_STATUS_NOT_SATISFIED)
        if len(apdu.data) > MAX_OBJECT_SIZE + 16:
            raise CardError(SW.NOT_ENOUGH_MEMORY)
        try:
            items = parse_tlvs(apdu.data)
        except TlvError as exc:
            raise CardError(SW.WRONG_DATA) from exc
        if len(items) == 1 and items[0].tag == ObjectId.DISCOVERY:
            object_id, value = int(ObjectId.DISCOVERY), items[0].raw
        elif len(items) == 2 and (items[0].tag, items[1].tag) == (
            TAG_GET_DATA_TAG_LIST,
            TAG_OBJECT_DATA,
        ):
            object_id, value = self._object_id_from(items[0].value), items[1].value
            if object_id == ObjectId.DISCOVERY:
                raise CardError(SW.WRONG_DATA)
        else:
            raise CardError(SW.WRONG_DATA)
        if not _valid_object_id(object_id):
            raise CardError(SW.WRONG_DATA)
        if len(value) > MAX_OBJECT_SIZE:
            raise CardError(SW.NOT_ENOUGH_MEMORY)
        self.state.set_object(object_id, value)
        self._store()
        return b""

    # -- PIN / PUK -------------------------------------------------------------------
    def _check_reference(self, reference: int, value: str) -> None:
        """Compare with the stored PIN/PUK and count the attempt (persisted)."""
        is_pin = reference == KeyRef.PIN
        left = self.state.pin_retries_left if is_pin else self.state.puk_retries_left
        if left <= 0:
            raise CardError(SW.AUTH_METHOD_BLOCKED)
        expected = self.state.pin if is_pin else self.state.puk
        if not constant_time_equal(value, expected):
            left -= 1
            if is_pin:
                self.state.pin_retries_left = left
                self.status.pin_verified = self.status.pin_just_verified = False
            else:
                self.state.puk_retries_left = left
            self._store()
            raise CardError(0x63C0 | left)
        maximum = self.state.pin_max_retries if is_pin else self.state.puk_max_retries
        if left != maximum:
            if is_pin:
                self.state.pin_retries_left = maximum
            else:
                self.state.puk_retries_left = maximum
            self._store()

    def verify(self, apdu: CommandApdu) -> bytes:
        if apdu.p1 == 0xFF and not apdu.data and apdu.p2 == KeyRef.PIN:
            self.status.pin_verified = self.status.pin_just_verified = False
            return b""
        if apdu.p1 != 0x00 or apdu.p2 not in (KeyRef.PIN, KeyRef.PUK):
            raise CardError(SW.INCORRECT_P1P2)
        if not apdu.data:
            left = (
                self.state.pin_retries_left
                if apdu.p2 == KeyRef.PIN
                else self.state.puk_retries_left
            )
            if left <= 0:
                raise CardError(SW.AUTH_METHOD_BLOCKED)
            if apdu.p2 == KeyRef.PIN and self.status.pin_verified:
                return b""
            raise CardError(0x63C0 | left)
        if apdu.p2 != KeyRef.PIN:
            raise CardError(SW.INCORRECT_P1P2)
        pin = decode_reference(apdu.data, puk=False)
        self._check_reference(KeyRef.PIN, pin)
        self.status.pin_verified = self.status.pin_just_verified = True
        return b""

    def change_reference(self, apdu: CommandApdu) -> bytes:
        if apdu.p1 != 0x00 or apdu.p2 not in (KeyRef.PIN, KeyRef.PUK):
            raise CardError(SW.INCORRECT_P1P2)
        if len(apdu.data) != 2 * REFERENCE_DATA_LENGTH:
            raise CardError(SW.WRONG_DATA)
        is_puk = apdu.p2 == KeyRef.PUK
        old = decode_reference(apdu.data[:8], puk=is_puk)
        new = decode_reference(apdu.data[8:], puk=is_puk)
        self._check_reference(apdu.p2, old)
        if is_puk:
            self.state.puk = new
        else:
            self.state.pin = new
            self.status.pin_verified = True
        self._store()
        return b""

    def reset_retry_counter(self, apdu: CommandApdu) -> bytes:
        if apdu.p1 != 0x00 or apdu.p2 != KeyRef.PIN:
            raise CardError(SW.INCORRECT_P1P2)
        if len(apdu.data) != 2 * REFERENCE_DATA_LENGTH:
            raise CardError(SW.WRONG_DATA)
        puk = decode_reference(apdu.data[:8], puk=True)
        new_pin = decode_reference(apdu.data[8:], puk=False)
        self._check_reference(KeyRef.PUK, puk)
        self.state.pin = new_pin
        self.state.pin_retries_left = self.state.pin_max_retries
        self._store()
        return b""

    # -- keys ------------------------------------------------------------------------
    def generate(self, apdu: CommandApdu) -> bytes:
        if apdu.p1 != 0x00 or apdu.p2 not in KEY_SLOTS:
            raise CardError(SW.INCORRECT_P1P2)
        if not self.status.management_authenticated:
            raise CardError(SW.SECURITY_STATUS_NOT_SATISFIED)
        fields = {item.tag: item.value for item in dynamic_template(apdu.data, TAG_GEN_TEMPLATE)}
        algorithm = fields.get(TAG_GEN_ALGORITHM, b"")
        if len(algorithm) != 1 or algorithm[0] not in set(KeyType):
            raise CardError(SW.WRONG_DATA)
        key_type = KeyType(algorithm[0])
        private_key = keys.generate_private_key(key_type)
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.state.keys[f"{apdu.p2:02X}"] = StoredKey(int(key_type), pem)
        self._key_cache[apdu.p2] = private_key
        self._store()
        return keys.encode_public_key(private_key.public_key())

    def _private_key(self, slot: int) -> tuple[KeyType, keys.PrivateKey]:
        stored = self.state.keys.get(f"{slot:02X}")
        if stored is None:
            raise CardError(SW.REFERENCE_NOT_FOUND)
        if slot not in self._key_cache:
            loaded = serialization.load_pem_private_key(stored.pkcs8_pem.encode(), None)
            assert isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
            self._key_cache[slot] = loaded
        return KeyType(stored.key_type), self._key_cache[slot]

    def general_authenticate(self, apdu: CommandApdu) -> bytes:
        if apdu.p2 == Slot.MANAGEMENT:
            return self._management_authenticate(apdu)
        if apdu.p2 not in KEY_SLOTS:
            raise CardError(SW.INCORRECT_P1P2)
        items = dynamic_template(apdu.data, TAG_DYN_AUTH)
        fields = {item.tag: item.value for item in items}
        if len(fields) != len(items) or fields.get(TAG_RESPONSE) != b"" or len(fields) != 2:
            raise CardError(SW.WRONG_DATA)
        key_type, private_key = self._private_key(apdu.p2)
        if apdu.p1 != key_type:
            raise CardError(SW.WRONG_DATA)
        self._require_pin_for(apdu.p2)
        if TAG_CHALLENGE in fields:
            result = self._private_operation(key_type, private_key, fields[TAG_CHALLENGE])
        elif TAG_EXPONENTIATION in fields and isinstance(private_key, ec.EllipticCurvePrivateKey):
            result = self._ecdh(private_key, fields[TAG_EXPONENTIATION])
        else:
            raise CardError(SW.WRONG_DATA)
        if apdu.p2 == Slot.SIGNATURE:
            self.status.pin_just_verified = False
        return encode_tlv(TAG_DYN_AUTH, encode_tlv(TAG_RESPONSE, result))

    def _require_pin_for(self, slot: int) -> None:
        if slot == Slot.CARD_AUTH:
            return
        if slot == Slot.SIGNATURE and not self.status.pin_just_verified:
            raise CardError(SW.SECURITY_STATUS_NOT_SATISFIED)
        if not self.status.pin_verified:
            raise CardError(SW.SECURITY_STATUS_NOT_SATISFIED)

    @staticmethod
    def _private_operation(key_type: KeyType, private_key: keys.PrivateKey, data: bytes) -> bytes:
        if isinstance(private_key, rsa.RSAPrivateKey):
            if len(data) != key_type.byte_len:
                raise CardError(SW.WRONG_DATA)
            try:
                return keys.rsa_raw_private(private_key, data)
            except ValueError as exc:
                raise CardError(SW.WRONG_DATA) from exc
        if not 1 <= len(data) <= key_type.byte_len:
            raise CardError(SW.WRONG_DATA)
        digest = data.rjust(key_type.byte_len, b"\x00")
        algorithm = hashes.SHA384() if len(digest) == 48 else hashes.SHA256()
        return private_key.sign(digest, ec.ECDSA(Prehashed(algorithm)))

    @staticmethod
    def _ecdh(private_key: ec.EllipticCurvePrivateKey, point: bytes) -> bytes:
        try:
            peer = ec.EllipticCurvePublicKey.from_encoded_point(private_key.curve, point)
        except ValueError as exc:
            raise CardError(SW.WRONG_DATA) from exc
        return private_key.exchange(ec.ECDH(), peer)

    def _management_authenticate(self, apdu: CommandApdu) -> bytes:
        return management_authenticate(self.status, self.state, apdu)

    _handlers: dict[int, Callable[[PivApplication, CommandApdu], bytes]] = {
        Ins.GET_DATA: get_data,
        Ins.PUT_DATA: put_data,
        Ins.VERIFY: verify,
        Ins.CHANGE_REFERENCE_DATA: change_reference,
        Ins.RESET_RETRY_COUNTER: reset_retry_counter,
        Ins.GENERATE_ASYMMETRIC: generate,
        Ins.GENERAL_AUTHENTICATE: general_authenticate,
    }
