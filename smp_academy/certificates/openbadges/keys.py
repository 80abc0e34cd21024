"""The academy's Ed25519 credential keys: one current signing key and the retired ones.

Keys live as PEM files in one folder (e.g. ``<instance>/credential-keys/``), the file name
being the key id (``2026-01.pem`` → key id ``2026-01``, the fragment of its verification
method in the DID document). ``CURRENT`` names the signing key. A retired key may keep its
private half or only its public half (the safer choice once it signs no more): either way it
stays in the DID document so credentials it signed remain verifiable.

A key is generated only when a caller asks for one (``generate_key``), never as a side effect
of loading, so a production instance without keys fails loudly instead of signing with a
throw-away key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CURRENT_FILE = "CURRENT"
# Multicodec ed25519-pub (0xed) as an unsigned varint; with base58btc this gives "z6Mk…".
_ED25519_PUB_PREFIX = b"\xed\x01"
_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class KeyFolderError(ValueError):
    """The key folder or a key in it is unusable; the message says what to do."""


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    public_key: Ed25519PublicKey

    @property
    def multibase(self) -> str:
        return encode_multikey(self.public_key)


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key_id, self.private_key.public_key())


@dataclass(frozen=True)
class KeySet:
    """The current signing key first, then every retired key that must still verify."""

    current: SigningKey
    retired: tuple[PublicKey, ...] = ()

    @property
    def public_keys(self) -> tuple[PublicKey, ...]:
        return (self.current.public, *self.retired)


def encode_multikey(public_key: Ed25519PublicKey) -> str:
    """``publicKeyMultibase`` of a Multikey: base58btc of the multicodec-prefixed raw key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(_ED25519_PUB_PREFIX + raw).decode("ascii")


def decode_multikey(value: str) -> Ed25519PublicKey:
    """The Ed25519 key of a ``z6Mk…`` multibase value; ValueError for anything else."""
    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    data = base58.b58decode(value[1:])
    if len(data) != 34 or not data.startswith(_ED25519_PUB_PREFIX):
        raise ValueError("not an Ed25519 multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def load_keyset(folder: Path) -> KeySet:
    """Every ``*.pem`` key in ``folder``; the one named in ``CURRENT`` signs."""
    folder = Path(folder)
    current_id = _current_key_id(folder)
    keys = {path.stem: _read_key(path) for path in sorted(folder.glob("*.pem"))}
    current = keys.pop(current_id, None)
    if not isinstance(current, Ed25519PrivateKey):
        raise KeyFolderError(f"{folder}: current key {current_id}.pem is missing or not private")
    retired = tuple(PublicKey(key_id, _public(key)) for key_id, key in keys.items())
    return KeySet(SigningKey(current_id, current), retired)


def generate_key(folder: Path, key_id: str) -> SigningKey:
    """Create ``<key_id>.pem`` (owner-readable only) and make it the current key.

    The previous current key, if any, becomes a retired key and stays published.
    """
    if not _KEY_ID.fullmatch(key_id):
        raise KeyFolderError(f"key id {key_id!r}: use letters, digits, '.', '_' or '-'")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key_id}.pem"
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFolderError(f"{path} already exists; choose a new key id") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    _write_current(folder, key_id)
    return SigningKey(key_id, key)


def _current_key_id(folder: Path) -> str:
    try:
        key_id = (folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        raise KeyFolderError(
            f"{folder}: no credential keys (no {CURRENT_FILE} file); generate one first"
        ) from None
    if not _KEY_ID.fullmatch(key_id):
        raise KeyFolderError(f"{folder / CURRENT_FILE}: {key_id!r} is not a key id")
    return key_id


def _write_current(folder: Path, key_id: str) -> None:
    staging = folder / f".{CURRENT_FILE}.tmp"
    staging.write_text(key_id + "\n", encoding="utf-8")
    staging.replace(folder / CURRENT_FILE)


def _read_key(path: Path) -> Ed25519PrivateKey | Ed25519PublicKey:
    if not _KEY_ID.fullmatch(path.stem):
        raise KeyFolderError(f"{path}: the file name is not a usable key id")
    data = path.read_bytes()
    try:
        key = (
            serialization.load_pem_private_key(data, password=None)
            if b"PRIVATE KEY" in data
            else serialization.load_pem_public_key(data)
        )
    except (ValueError, TypeError) as error:
        raise KeyFolderError(f"{path}: not a readable PEM key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey | Ed25519PublicKey):
        raise KeyFolderError(f"{path}: not an Ed25519 key")
    return key


def _public(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key
