"""Pure tests: real keys in a temporary folder, no app and no database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from smp_academy.certificates.codes import generate_code
from smp_academy.certificates.openbadges import did, keys, proof, status_list
from smp_academy.certificates.openbadges.credential import (
    Alignment,
    CredentialData,
    IssuerProfile,
    Requirement,
    build_achievement_credential,
)

BASE_URL = "https://academy.example.org"
STATUS_LIST_URL = f"{BASE_URL}/credentials/status/1"
SIGNED_AT = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
DURING_VALIDITY = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _transaction() -> Iterator[None]:
    """Replaces the suite's database transaction: these tests touch no database."""
    yield


@pytest.fixture(scope="session")
def key_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that went through one rotation: key 2025-01 retired, 2026-01 current."""
    folder = tmp_path_factory.mktemp("credential-keys")
    keys.generate_key(folder, "2025-01")
    keys.generate_key(folder, "2026-01")
    return folder


@pytest.fixture(scope="session")
def keyset(key_folder: Path) -> keys.KeySet:
    return keys.load_keyset(key_folder)


@pytest.fixture(scope="session")
def did_doc(keyset: keys.KeySet) -> dict[str, Any]:
    return did.did_document(BASE_URL, keyset)


@pytest.fixture(scope="session")
def issuer() -> IssuerProfile:
    return IssuerProfile("SMP Academy", BASE_URL, did.did_web(BASE_URL))


@pytest.fixture(scope="session")
def credential_data(issuer: IssuerProfile) -> CredentialData:
    code = generate_code()
    return CredentialData(
        code=code,
        holder_name="Amara Okonkwo-Lindqvist",
        holder_email="Amara@Example.org",
        identity_salt="5f2c0e9a4b7d4c1e",
        certification_slug="certified-practitioner",
        certification_title="Certified SMP Practitioner",
        certification_description="Competent to plan and perform SMP treatments.",
        criteria_narrative="Complete the courses, the supervised cases and the practical exam.",
        criteria_url=f"{BASE_URL}/certifications/certified-practitioner",
        alignments=(
            Alignment("Foundations of SMP", f"{BASE_URL}/courses/foundations", "foundations"),
            Alignment("Practical exam"),
        ),
        requirements=(
            Requirement("course", "Foundations of SMP", None, None, date(2026, 1, 5)),
            Requirement("supervised_cases", "Supervised cases", 10, 12, date(2026, 2, 14)),
            Requirement("cpd_hours", "CPD hours", 7.5, 3.25, None),
        ),
        issued_on=date(2026, 3, 4),
        expires_on=date(2028, 3, 4),
        status_list_url=STATUS_LIST_URL,
        status_list_index=4242,
        verify_url=f"{BASE_URL}/verify/{code}",
        issuer=issuer,
    )


def sign_with(key: keys.SigningKey, document: dict[str, Any]) -> dict[str, Any]:
    method = did.verification_method_id(did.did_web(BASE_URL), key.key_id)
    return proof.sign(document, key, verification_method=method, created=SIGNED_AT)


@pytest.fixture(scope="session")
def signed_credential(keyset: keys.KeySet, credential_data: CredentialData) -> dict[str, Any]:
    return sign_with(keyset.current, build_achievement_credential(credential_data))


@pytest.fixture(scope="session")
def make_status_lists(keyset: keys.KeySet) -> Callable[..., Callable[[str], dict | None]]:
    """``make_status_lists(revoked=[...])``: a look-up serving one signed list of ours."""

    def make(revoked: tuple[int, ...] = ()) -> Callable[[str], dict | None]:
        unsigned = status_list.build_status_list_credential(
            STATUS_LIST_URL, did.did_web(BASE_URL), revoked, valid_from=SIGNED_AT
        )
        signed = sign_with(keyset.current, unsigned)
        return lambda url: signed if url == STATUS_LIST_URL else None

    return make


@pytest.fixture(scope="session")
def no_revocations(make_status_lists) -> Callable[[str], dict | None]:
    return make_status_lists()
