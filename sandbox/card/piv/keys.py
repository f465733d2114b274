"""Key material helpers shared by the PIV client and the virtual card."""

from __future__ import annotations

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ..tlv import encode_tlv, parse_single, tlv_dict
from .constants import TAG_PUBLIC_KEY, KeyType, ManagementKeyType

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_CURVES: dict[KeyType, type[ec.EllipticCurve]] = {
    KeyType.ECCP256: ec.SECP256R1,
    KeyType.ECCP384: ec.SECP384R1,
}

# DER DigestInfo prefixes for EMSA-PKCS1-v1_5 (RFC 8017 section 9.2, note 1).
_DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


def management_cipher(key_type: ManagementKeyType, key: bytes) -> Cipher:
    if len(key) != key_type.key_len:
        raise ValueError(f"management key must be {key_type.key_len} bytes")
    algorithm = TripleDES(key) if key_type == ManagementKeyType.TDES else algorithms.AES(key)
    return Cipher(algorithm, modes.ECB())  # noqa: S305 - single-block challenge, as PIV does


def encrypt_block(key_type: ManagementKeyType, key: bytes, block: bytes) -> bytes:
    encryptor = management_cipher(key_type, key).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def decrypt_block(key_type: ManagementKeyType, key: bytes, block: bytes) -> bytes:
    decryptor = management_cipher(key_type, key).decryptor()
    return decryptor.update(block) + decryptor.finalize()


def key_type_of(key: PublicKey | PrivateKey) -> KeyType:
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return {1024: KeyType.RSA1024, 2048: KeyType.RSA2048}[key.key_size]
    for key_type, curve in _CURVES.items():
        if isinstance(key.curve, curve):
            return key_type
    raise ValueError("unsupported key")


def generate_private_key(key_type: KeyType) -> PrivateKey:
    if key_type.is_rsa:
        return rsa.generate_private_key(public_exponent=65537, key_size=key_type.bit_len)
    return ec.generate_private_key(_CURVES[key_type]())


def encode_public_key(key: PublicKey) -> bytes:
    """The 7F49 template answered by GENERATE ASYMMETRIC KEY PAIR."""
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        modulus = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        exponent = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        inner = encode_tlv(0x81, modulus) + encode_tlv(0x82, exponent)
    else:
        inner = encode_tlv(0x86, key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
    return encode_tlv(TAG_PUBLIC_KEY, inner)


def decode_public_key(key_type: KeyType, template: bytes) -> PublicKey:
    fields = tlv_dict(parse_single(template, TAG_PUBLIC_KEY).value)
    if key_type.is_rsa:
        n = int.from_bytes(fields[0x81], "big")
        e = int.from_bytes(fields[0x82], "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    return ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[key_type](), fields[0x86])


def pkcs1v15_pad(digest: bytes, hash_name: str, key_bytes: int) -> bytes:
    """EMSA-PKCS1-v1_5 encoding of a digest, ready for the card's raw RSA operation."""
    digest_info = _DIGEST_INFO[hash_name] + digest
    padding_len = key_bytes - len(digest_info) - 3
    if padding_len < 8:
        raise ValueError("key too small for this digest")
    return b"\x00\x01" + b"\xff" * padding_len + b"\x00" + digest_info


def hash_message(message: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(message)
    return digest.finalize()


def rsa_raw_private(key: rsa.RSAPrivateKey, block: bytes) -> bytes:
    """Textbook RSA private operation (CRT), as a PIV card performs for 9A/9C/9D/9E."""
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    m = int.from_bytes(block, "big")
    if m >= n:
        raise ValueError("input not smaller than the modulus")
    m1 = pow(m, numbers.dmp1, numbers.p)
    m2 = pow(m, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (m1 - m2)) % numbers.p
    return (m2 + h * numbers.q).to_bytes(key.key_size // 8, "big")
