"""PAdES signatures on certificate PDFs, and checking them.

A clinic must be able to tell an edited PDF from a genuine one (Moodle's "Verified" page
let edited PDFs pass). Every certificate PDF is therefore signed with the academy's key as
a *certification* signature that permits no changes, and ``verify_signed_pdf`` answers
three separate questions: is there a signature, is the file unchanged since signing, and
was it signed with the academy's certificate.

Signing cost matters because a PDF is signed at every issue: the key is parsed once per
``PdfSigner`` and the signature size is fixed (``bytes_reserved``), which saves pyHanko's
trial signature. Keep one ``PdfSigner`` per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from smp_academy.certificates.codes import CODE_RE

SIGNATURE_FIELD = "SMPAcademySignature"
# DER size of our CMS blob is ~2 KB (RSA-2048 signature, one certificate, signed
# attributes); 8 KB leaves room for a longer production chain of one intermediate.
BYTES_RESERVED = 8192
_CODE_IN_TEXT = re.compile(r"SMP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
_UNCHANGED = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


# --- signing --------------------------------------------------------------------------------


class _LoadedKeySigner(signers.SimpleSigner):
    """``SimpleSigner`` that keeps the parsed key: the stock one re-parses and re-validates
    the RSA key on every signature, about 40 ms of a 55 ms signing on our machines."""

    def __init__(self, key_path: Path, cert_path: Path) -> None:
        key_pem = Path(key_path).read_bytes()
        self._private_key = serialization.load_pem_private_key(key_pem, password=None)
        super().__init__(
            signing_cert=load_cert_from_pemder(str(cert_path)),
            signing_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
            cert_registry=SimpleCertificateStore(),
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if not isinstance(self._private_key, rsa.RSAPrivateKey) or (
            mechanism.signature_algo != "rsassa_pkcs1v15"
        ):
            return super().sign_raw(data, digest_algorithm)
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        return self._private_key.sign(data, padding.PKCS1v15(), hash_algo)


class PdfSigner:
    """Signs PDFs with one key, loaded once; create one per process and reuse it."""

    def __init__(self, key_path: Path, cert_path: Path) -> None:
        signer = _LoadedKeySigner(key_path, cert_path)
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=True,
            docmdp_permissions=fields.MDPPerm.NO_CHANGES,
            reason="Certificate issued by SMP Academy",
        )
        self._pdf_signer = signers.PdfSigner(meta, signer=signer)

    def sign(self, pdf_bytes: bytes) -> bytes:
        """The PDF with an invisible PAdES certification signature appended."""
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
        out = self._pdf_signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED)
        return out.getvalue()


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfVerification:
    """What a verifier may conclude about a PDF; ``is_genuine`` is the bottom line."""

    signed: bool
    intact: bool
    by_academy: bool
    code: str | None
    reason: str

    @property
    def is_genuine(self) -> bool:
        """Signed by the academy and unchanged since: the printed facts can be trusted."""
        return self.signed and self.intact and self.by_academy


def verify_signed_pdf(pdf_bytes: bytes, trusted_cert_path: Path) -> PdfVerification:
    """Check a PDF someone handed us; never raises on bad input, explains in ``reason``."""
    trusted = load_cert_from_pemder(str(trusted_cert_path))
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # any parse failure means "not a PDF we can read"
        return _unsigned("this file is not a readable PDF")
    if not signatures:
        return _unsigned("this PDF has no digital signature")
    try:
        return _verify_signature(reader, _pick_signature(signatures, trusted), trusted)
    except Exception:  # a damaged signature must not crash a verifier
        return PdfVerification(True, False, False, None, "the signature is damaged")


def _unsigned(reason: str) -> PdfVerification:
    return PdfVerification(signed=False, intact=False, by_academy=False, code=None, reason=reason)


def _pick_signature(
    signatures: list[EmbeddedPdfSignature], trusted: asn1_x509.Certificate
) -> EmbeddedPdfSignature:
    """Ours if present (a forger may add a signature of their own after ours), else the first."""
    for sig in signatures:
        if _is_same_certificate(sig, trusted):
            return sig
    return signatures[0]


def _is_same_certificate(sig: EmbeddedPdfSignature, trusted: asn1_x509.Certificate) -> bool:
    try:
        return sig.signer_cert.dump() == trusted.dump()
    except Exception:  # no usable signer certificate in the CMS blob
        return False


def _verify_signature(
    reader: PdfFileReader, sig: EmbeddedPdfSignature, trusted: asn1_x509.Certificate
) -> PdfVerification:
    """Cryptographic check, coverage check, signer identity, then the code it signed."""
    context = ValidationContext(trust_roots=[trusted], allow_fetching=False)
    status = validate_pdf_signature(sig, context)
    intact = bool(status.intact and status.valid) and _covers_everything(sig, status)
    by_academy = bool(status.valid) and _is_same_certificate(sig, trusted)
    code = _signed_code(reader, sig.signed_revision)
    return PdfVerification(True, intact, by_academy, code, _reason(intact, by_academy))


def _covers_everything(sig: EmbeddedPdfSignature, status: PdfSignatureStatus) -> bool:
    """True when nothing but archival data (timestamps, validation info) was added since."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return status.modification_level in _UNCHANGED


def _reason(intact: bool, by_academy: bool) -> str:
    if not intact:
        return "the PDF was changed after it was signed"
    if not by_academy:
        return "the PDF is signed, but not by this academy"
    return "signed by this academy and unchanged since signing"


def _signed_code(reader: PdfFileReader, revision: int) -> str | None:
    """The certificate code from the document info as it was in the signed revision."""
    try:
        trailer = reader.get_historical_resolver(revision).trailer_view
        info = trailer["/Info"]
        text = " ".join(str(info.get(key, "")) for key in ("/Keywords", "/Subject", "/Title"))
    except Exception:  # missing or odd metadata simply means no code
        return None
    match = _CODE_IN_TEXT.search(text)
    return match.group(0) if match and CODE_RE.match(match.group(0)) else None
