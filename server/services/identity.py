"""ID numbers, phone numbers and names: checking, masking, encryption at rest, keyed hashes.

Rules from POLICY.md (GB 11643; 个人信息保护法 masking). Pure functions, no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import date

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# Province-level codes of mainland China (GB/T 2260) plus Taiwan, Hong Kong and Macao.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """Why `value` is not a valid citizen ID number (in Chinese), or None when it is."""
    number = normalize_id_number(value)
    if len(number) != 18:
        return "身份证号码应为 18 位。"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号码前 17 位应为数字，最后一位为数字或 X。"
    if number[:2] not in PROVINCE_CODES or number[2:6] == "0000":
        return "身份证号码的地区码不正确。"
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码中的出生日期不存在。"
    if birth.year < 1800 or birth > (today or date.today()):
        return "身份证号码中的出生日期不正确。"
    if id_check_char(number[:17]) != number[17]:
        return "身份证号码校验位不正确，请核对。"
    return None


def birth_date_of(id_number: str) -> date:
    number = normalize_id_number(id_number)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def phone_problem(value: str) -> str | None:
    """Why `value` is not an 11-digit mainland mobile number, or None."""
    if not MOBILE_RE.match(value.strip()):
        return "请填写 11 位手机号码。"
    return None


def mask_id_number(number: str | None) -> str | None:
    """330802********1234: first 6 and last 4 kept."""
    if not number:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """138****5678."""
    if not phone:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str | None:
    """张* / 张** : the surname (first character) kept, every other character starred."""
    if not name:
        return name
    if len(name) == 1:
        return "*"  # a one-character name has no surname to keep apart from the rest
    return name[0] + "*" * (len(name) - 1)


@dataclass(frozen=True)
class Cipher:
    """AES-GCM encryption and HMAC-SHA256 look-up hashes, both keyed from DATA_KEY.

    Two keys are derived with HKDF so that the look-up hash never reveals the encryption key.
    Stored ciphertext is "v1:" + base64(nonce || ciphertext); the version names the derivation.
    """

    enc_key: bytes
    mac_key: bytes

    @classmethod
    def from_data_key(cls, data_key: str) -> Cipher:
        master = base64.b64decode(data_key)
        if len(master) < 32:
            raise ValueError("DATA_KEY must be at least 32 bytes, base64-encoded")

        def derive(info: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

        return cls(enc_key=derive(b"minzheng:v1:enc"), mac_key=derive(b"minzheng:v1:mac"))

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.enc_key).encrypt(nonce, plaintext.encode(), b"minzheng")
        return "v1:" + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        version, _, payload = token.partition(":")
        if version != "v1":
            raise ValueError(f"unknown ciphertext version {version!r}")
        raw = base64.b64decode(payload)
        return AESGCM(self.enc_key).decrypt(raw[:12], raw[12:], b"minzheng").decode()

    def lookup_hash(self, kind: str, value: str) -> str:
        """A keyed hash of a normalized value, for equality look-ups and uniqueness."""
        message = f"{kind}:{value}".encode()
        return hmac.new(self.mac_key, message, hashlib.sha256).hexdigest()
