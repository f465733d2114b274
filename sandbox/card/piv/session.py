"""PivSession: the PIV card verbs over any :class:`SmartCardConnection`."""

from __future__ import annotations

import gzip
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..apdu import CommandApdu
from ..connection import SmartCardConnection, SmartCardProtocol
from ..errors import SW, ApduError, BlockedError, WrongPinError
from ..tlv import encode_tlv, parse_single, tlv_dict
from . import keys
from .constants import (
    DEFAULT_MANAGEMENT_KEY,
    PAD_BYTE,
    PIV_AID,
    REFERENCE_DATA_LENGTH,
    TAG_CERT_INFO,
    TAG_CERTIFICATE,
    TAG_CHALLENGE,
    TAG_DYN_AUTH,
    TAG_EXPONENTIATION,
    TAG_GEN_ALGORITHM,
    TAG_GEN_TEMPLATE,
    TAG_GET_DATA_TAG_LIST,
    TAG_LRC,
    TAG_OBJECT_DATA,
    TAG_RESPONSE,
    TAG_WITNESS,
    Ins,
    KeyRef,
    KeyType,
    ManagementKeyType,
    ObjectId,
    Slot,
)


def encode_reference_data(value: str | bytes) -> bytes:
    """PIN/PUK as sent to the card: ASCII digits padded with FF to 8 bytes."""
    raw = value.encode("ascii") if isinstance(value, str) else bytes(value)
    if len(raw) > REFERENCE_DATA_LENGTH:
        raise ValueError("PIN/PUK longer than 8 characters cannot be sent")
    return raw.ljust(REFERENCE_DATA_LENGTH, bytes([PAD_BYTE]))


def object_tag_bytes(object_id: int) -> bytes:
    return object_id.to_bytes(max(1, (object_id.bit_length() + 7) // 8), "big")


class PivSession:
    """A PIV application session: select once, then call the verbs.

    Errors from the card arrive as typed exceptions from :mod:`sandbox.card.errors`
    (``WrongPinError.retries_left``, ``BlockedError``, ``SecurityStatusNotSatisfied``...).
    """

    def __init__(self, connection: SmartCardConnection, *, extended: bool = False) -> None:
        self.protocol = SmartCardProtocol(connection, extended=extended)
        self.application_template = self.select()

    # -- application -----------------------------------------------------------------
    def select(self) -> bytes:
        """SELECT the PIV application; return its application property template."""
        return self.protocol.send_apdu(0x00, Ins.SELECT, 0x04, 0x00, PIV_AID)

    # -- data objects ----------------------------------------------------------------
    def get_data(self, object_id: int) -> bytes:
        """GET DATA: the object's content (inside 53; the discovery object as its 7E TLV)."""
        request = encode_tlv(TAG_GET_DATA_TAG_LIST, object_tag_bytes(object_id))
        response = self.protocol.send_apdu(0x00, Ins.GET_DATA, 0x3F, 0xFF, request)
        if object_id == ObjectId.DISCOVERY:
            return response
        return parse_single(response, TAG_OBJECT_DATA).value

    def put_data(self, object_id: int, data: bytes) -> None:
        """PUT DATA (needs management-key authentication first)."""
        if object_id == ObjectId.DISCOVERY:
            payload = bytes(data)
        else:
            payload = encode_tlv(TAG_GET_DATA_TAG_LIST, object_tag_bytes(object_id))
            payload += encode_tlv(TAG_OBJECT_DATA, data)
        self.protocol.send_apdu(0x00, Ins.PUT_DATA, 0x3F, 0xFF, payload, le=0)

    # -- PIN and PUK -----------------------------------------------------------------
    def verify_pin(self, pin: str) -> None:
        """VERIFY the PIN; raises WrongPinError (retries left) or BlockedError."""
        self.protocol.send_apdu(
            0x00, Ins.VERIFY, 0x00, KeyRef.PIN, encode_reference_data(pin), le=0
        )

    def _retries(self, reference: KeyRef) -> int | None:
        _, sw = self.protocol.transceive(_empty_verify(reference))
        if sw == SW.OK:
            return None
        if sw == SW.AUTH_METHOD_BLOCKED:
            return 0
        if sw & 0xFFF0 == 0x63C0:
            return sw & 0x0F
        raise ApduError(sw, "cannot read retry counter")

    def pin_retries(self) -> int | None:
        """Empty VERIFY: PIN attempts left, or None when the PIN is already verified."""
        return self._retries(KeyRef.PIN)

    def puk_retries(self) -> int | None:
        """PUK attempts left (empty VERIFY on key 81: answered by the virtual card;
        a physical card may answer 6A86, which raises)."""
        return self._retries(KeyRef.PUK)

    def pin_is_verified(self) -> bool:
        return self.pin_retries() is None

    def change_pin(self, old_pin: str, new_pin: str) -> None:
        self._change_reference(KeyRef.PIN, old_pin, new_pin)

    def change_puk(self, old_puk: str, new_puk: str) -> None:
        self._change_reference(KeyRef.PUK, old_puk, new_puk)

    def _change_reference(self, reference: KeyRef, old: str, new: str) -> None:
        data = encode_reference_data(old) + encode_reference_data(new)
        self.protocol.send_apdu(0x00, Ins.CHANGE_REFERENCE_DATA, 0x00, reference, data, le=0)

    def unblock_pin(self, puk: str, new_pin: str) -> None:
        """RESET RETRY COUNTER: set a new PIN with the PUK; the PIN counter resets."""
        data = encode_reference_data(puk) + encode_reference_data(new_pin)
        self.protocol.send_apdu(0x00, Ins.RESET_RETRY_COUNTER, 0x00, KeyRef.PIN, data, le=0)

    # -- management key --------------------------------------------------------------
    def authenticate(
        self,
        management_key: bytes = DEFAULT_MANAGEMENT_KEY,
        key_type: ManagementKeyType = ManagementKeyType.TDES,
    ) -> None:
        """Mutual authentication with the 9B card management key."""
        witness_request = encode_tlv(TAG_DYN_AUTH, encode_tlv(TAG_WITNESS))
        response = self._general_authenticate(key_type, Slot.MANAGEMENT, witness_request)
        encrypted_witness = tlv_dict(response)[TAG_WITNESS]
        witness = keys.decrypt_block(key_type, management_key, encrypted_witness)
        challenge = os.urandom(key_type.challenge_len)
        answer = encode_tlv(
            TAG_DYN_AUTH, encode_tlv(TAG_WITNESS, witness) + encode_tlv(TAG_CHALLENGE, challenge)
        )
        response = self._general_authenticate(key_type, Slot.MANAGEMENT, answer)
        expected = keys.encrypt_block(key_type, management_key, challenge)
        if tlv_dict(response).get(TAG_RESPONSE) != expected:
            raise ApduError(SW.SECURITY_STATUS_NOT_SATISFIED, "card failed mutual authentication")

    def _general_authenticate(self, algorithm: int, key_ref: int, template: bytes) -> bytes:
        response = self.protocol.send_apdu(
            0x00, Ins.GENERAL_AUTHENTICATE, algorithm, key_ref, template
        )
        return parse_single(response, TAG_DYN_AUTH).value

    # -- keys ------------------------------------------------------------------------
    def generate_key(self, slot: Slot, key_type: KeyType) -> keys.PublicKey:
        """GENERATE ASYMMETRIC KEY PAIR in ``slot``; the private key never leaves the card."""
        template = encode_tlv(TAG_GEN_TEMPLATE, encode_tlv(TAG_GEN_ALGORITHM, bytes([key_type])))
        response = self.protocol.send_apdu(0x00, Ins.GENERATE_ASYMMETRIC, 0x00, slot, template)
        return keys.decode_public_key(key_type, response)

    def raw_private_operation(self, slot: Slot, key_type: KeyType, data: bytes) -> bytes:
        """GENERAL AUTHENTICATE with tag 81: raw RSA, or ECDSA over a prepared hash."""
        template = encode_tlv(
            TAG_DYN_AUTH, encode_tlv(TAG_RESPONSE) + encode_tlv(TAG_CHALLENGE, data)
        )
        return tlv_dict(self._general_authenticate(key_type, slot, template))[TAG_RESPONSE]

    def sign(
        self,
        slot: Slot,
        key_type: KeyType,
        message: bytes,
        hash_algorithm: hashes.HashAlgorithm | None = None,
    ) -> bytes:
        """Sign ``message``: RSA PKCS#1 v1.5 or DER-encoded ECDSA, as X.509 expects."""
        hash_algorithm = hash_algorithm or hashes.SHA256()
        digest = keys.hash_message(message, hash_algorithm)
        return self.sign_digest(slot, key_type, digest, hash_algorithm)

    def sign_digest(
        self, slot: Slot, key_type: KeyType, digest: bytes, hash_algorithm: hashes.HashAlgorithm
    ) -> bytes:
        if key_type.is_rsa:
            block = keys.pkcs1v15_pad(digest, hash_algorithm.name, key_type.byte_len)
            return self.raw_private_operation(slot, key_type, block)
        return self.raw_private_operation(slot, key_type, digest[: key_type.byte_len])

    def ecdh(self, slot: Slot, key_type: KeyType, peer: ec.EllipticCurvePublicKey) -> bytes:
        point = peer.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        template = encode_tlv(
            TAG_DYN_AUTH, encode_tlv(TAG_RESPONSE) + encode_tlv(TAG_EXPONENTIATION, point)
        )
        return tlv_dict(self._general_authenticate(key_type, slot, template))[TAG_RESPONSE]

    # -- certificates ----------------------------------------------------------------
    def put_certificate(self, slot: Slot, certificate: x509.Certificate) -> None:
        der = certificate.public_bytes(serialization.Encoding.DER)
        content = (
            encode_tlv(TAG_CERTIFICATE, der)
            + encode_tlv(TAG_CERT_INFO, b"\x00")
            + encode_tlv(TAG_LRC)
        )
        self.put_data(slot.object_id, content)

    def get_certificate(self, slot: Slot) -> x509.Certificate:
        """Read the certificate in ``slot`` (NotFound if the container is empty)."""
        fields = tlv_dict(self.get_data(slot.object_id))
        der = fields[TAG_CERTIFICATE]
        if fields.get(TAG_CERT_INFO, b"\x00")[:1] == b"\x01":
            der = gzip.decompress(der)
        return x509.load_der_x509_certificate(der)

    def delete_certificate(self, slot: Slot) -> None:
        self.put_data(slot.object_id, b"")

    def list_certificates(self) -> dict[Slot, x509.Certificate]:
        found: dict[Slot, x509.Certificate] = {}
        for slot in (Slot.AUTHENTICATION, Slot.SIGNATURE, Slot.KEY_MANAGEMENT, Slot.CARD_AUTH):
            try:
                found[slot] = self.get_certificate(slot)
            except (ApduError, KeyError, ValueError):
                continue
        return found


def _empty_verify(reference: KeyRef) -> CommandApdu:
    return CommandApdu(0x00, Ins.VERIFY, 0x00, reference)


__all__ = ["BlockedError", "PivSession", "WrongPinError", "encode_reference_data"]
