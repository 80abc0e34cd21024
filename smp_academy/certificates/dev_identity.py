"""The development signing identities in instance/: an RSA key and a self-signed certificate
for the PDFs, and an Ed25519 key folder for the Open Badges credentials.

Production names its own (SMP_SIGNING_KEY_PATH, SMP_SIGNING_CERT_PATH, SMP_CREDENTIAL_KEYS_PATH)
and refuses to start without them; only a development configuration creates these, once, for
every process that shares the instance folder.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from smp_academy.certificates.openbadges.keys import CURRENT_FILE, generate_key

DEV_SUBJECT = "SMP Academy Certificate Signing (development)"
IDENTITY_DIR = "certificate-signing"
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"
CREDENTIAL_KEYS_DIR = "credential-keys"
DEV_CREDENTIAL_KEY_ID = "dev-1"


def ensure_dev_signing_identity(instance_dir: Path) -> tuple[Path, Path]:
    """``(key_path, cert_path)`` for development, generated on first use (together, so two
    processes starting at once never end up with a key and a certificate that do not match)."""
    target = Path(instance_dir) / IDENTITY_DIR
    key_path, cert_path = target / KEY_FILE, target / CERT_FILE
    _ensure_folder(
        target,
        lambda: key_path.is_file() and cert_path.is_file(),
        lambda staging: _write_identity(staging, DEV_SUBJECT),
    )
    return key_path, cert_path


def ensure_dev_credential_keys(instance_dir: Path) -> Path:
    """The development folder of Open Badges credential keys, with one key, made on first use."""
    target = Path(instance_dir) / CREDENTIAL_KEYS_DIR
    _ensure_folder(
        target,
        lambda: (target / CURRENT_FILE).is_file(),
        lambda staging: generate_key(staging, DEV_CREDENTIAL_KEY_ID),
    )
    return target


def _ensure_folder(
    target: Path, is_complete: Callable[[], bool], write: Callable[[Path], object]
) -> None:
    """Write ``target`` in a private staging folder and rename it into place in one step, so
    two processes starting at once never use a half-written folder (the slower one keeps the
    folder the faster one made)."""
    if is_complete():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        write(staging)
        staging.rename(target)
    except OSError:
        if not is_complete():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_identity(folder: Path, common_name: str) -> None:
    """A fresh RSA-2048 key (mode 0600) and a self-signed certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(folder / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key_pem)
    cert = _self_signed_certificate(key, common_name)
    (folder / CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _self_signed_certificate(key: rsa.RSAPrivateKey, common_name: str) -> x509.Certificate:
    """A ten-year self-signed document-signing certificate."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SMP Academy"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
