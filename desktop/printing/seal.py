"""The office's seal on printed sheets: an Ed25519 signature over what the sheet says.

* The office key is created on first use in the user data folder (`keys/office-ed25519.pem`, PKCS#8, file mode
  0600) and never leaves it.  Other workstations of the office verify with its public key: copy
  `keys/office-ed25519.pub.pem` into their `keys/trusted/` folder (or the private key itself, to sign as the
  same office).
* The *payload* is a small JSON object (batch id, version, totals, digests of the printed rows, the key's
  fingerprint, …).  The *seal* is the text `RSDG1.<payload, base32>.<signature, base32>`: it is what the
  QR code holds and what the PDF carries in its Keywords metadata, so `rasidegi verify` needs no QR scanner.
* The *verification code* printed on every page is derived from the signature (80 bits, base32, in four groups:
  `K7QD-3XMA-…`): a person can read it out over the telephone and the office can find it in its event log.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.paths import user_data_dir

__all__ = ["SEAL_PREFIX", "KEYWORDS_PREFIX", "OfficeKey", "office_key", "trusted_keys", "canonical", "make_seal",
           "open_seal", "check_signature", "verification_code", "SealError", "fingerprint"]

SEAL_PREFIX = "RSDG1"
KEYWORDS_PREFIX = "rasidegi-seal:"
KEY_FILE = "office-ed25519.pem"
PUB_FILE = "office-ed25519.pub.pem"


class SealError(ValueError):
    """A seal that cannot be read (not ours, truncated, not JSON)."""


def _b32e(data: bytes) -> str:
    """Base32 without padding: upper-case letters and digits only, so the whole seal fits the QR code's
    alphanumeric mode (5.5 bits a character instead of 8: a smaller code with bigger modules)."""
    return base64.b32encode(data).rstrip(b"=").decode("ascii")


def _b32d(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def rows_digest(keys: list[str]) -> str:
    """The signed digest of a printed table: its rows' signed cells (one key per row), the writer's and the
    verifier's alike."""
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:16]


def canonical(obj) -> bytes:
    """The bytes that are signed: compact JSON, keys sorted, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _raw_public(pub: Ed25519PublicKey) -> bytes:
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(pub: Ed25519PublicKey) -> str:
    """12 hex digits of SHA-256 of the raw public key (names the key; the signature proves it)."""
    return hashlib.sha256(_raw_public(pub)).hexdigest()[:12]


@dataclass(frozen=True)
class OfficeKey:
    private: Ed25519PrivateKey
    path: Path

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def _keys_dir() -> Path:
    d = user_data_dir() / "keys"
    d.mkdir(parents=True, exist_ok=True)
    return d


def office_key() -> OfficeKey:
    """The office's signing key, created (mode 0600) on first use."""
    path = _keys_dir() / KEY_FILE
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:          # another process made it meanwhile: use that one
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
            (path.parent / PUB_FILE).write_bytes(pub)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SealError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SealError(f"{path}: not an Ed25519 key")
    return OfficeKey(key, path)


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """Fingerprint → public key: the office's own key (if it exists) and every `keys/trusted/*.pem`."""
    out: dict[str, Ed25519PublicKey] = {}
    d = _keys_dir()
    own = d / KEY_FILE
    if own.exists():
        out_key = office_key().public
        out[fingerprint(out_key)] = out_key
    trusted = d / "trusted"
    if trusted.is_dir():
        for f in sorted(trusted.glob("*.pem")):
            data = f.read_bytes()
            try:
                pub = serialization.load_pem_public_key(data)
            except ValueError:
                try:
                    pub = serialization.load_pem_private_key(data, password=None).public_key()
                except (ValueError, TypeError):
                    continue
            if isinstance(pub, Ed25519PublicKey):
                out[fingerprint(pub)] = pub
    return out


def make_seal(payload: dict, key: OfficeKey) -> tuple[str, bytes]:
    """(seal text, signature) for the payload (which must already carry the key's fingerprint as `k`)."""
    body = canonical(payload)
    sig = key.sign(body)
    return f"{SEAL_PREFIX}.{_b32e(body)}.{_b32e(sig)}", sig


def open_seal(seal: str) -> tuple[dict, bytes, bytes]:
    """(payload, signed bytes, signature) of a seal text; SealError if it is not one."""
    parts = seal.strip().split(".")
    if len(parts) != 3 or parts[0] != SEAL_PREFIX:
        raise SealError("not a rasidegi seal")
    try:
        body, sig = _b32d(parts[1]), _b32d(parts[2])
        payload = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SealError(f"damaged seal ({exc})") from None
    if not isinstance(payload, dict):
        raise SealError("damaged seal (payload is not an object)")
    return payload, body, sig


def check_signature(pub: Ed25519PublicKey, body: bytes, sig: bytes) -> bool:
    try:
        pub.verify(sig, body)
        return True
    except InvalidSignature:
        return False


def verification_code(sig: bytes) -> str:
    """80 bits of SHA-256(signature), base32, as XXXX-XXXX-XXXX-XXXX."""
    code = base64.b32encode(hashlib.sha256(sig).digest()[:10]).decode("ascii")
    return "-".join(code[i:i + 4] for i in range(0, 16, 4))
