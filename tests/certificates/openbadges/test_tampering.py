"""Changing any single value of a signed credential makes it fail verification."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from smp_academy.certificates.openbadges.verify import verify_credential
from tests.certificates.openbadges.conftest import DURING_VALIDITY

Path_ = tuple[str | int, ...]


def leaves(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))
    else:
        yield path


def altered(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return f"{value}x" if value and value[-1] != "x" else f"{value}y"


def with_leaf_changed(document: dict, path: Path_) -> dict:
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = altered(parent[path[-1]])
    return changed


def test_every_leaf_is_covered(signed_credential):
    assert len(list(leaves(signed_credential))) > 50


def test_changing_any_leaf_fails(signed_credential, did_doc, no_revocations):
    accepted = []
    for path in leaves(signed_credential):
        verdict = verify_credential(
            with_leaf_changed(signed_credential, path),
            did_document=did_doc,
            status_list_lookup=no_revocations,
            now=DURING_VALIDITY,
        )
        if verdict.is_valid:
            accepted.append(path)
    assert accepted == []


@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialSubject", "achievement", "criteria", "narrative"),
        ("evidence", 1, "description"),
        ("validUntil",),
        ("credentialStatus", "statusListIndex"),
        ("issuer", "id"),
        ("proof", "created"),
        ("proof", "proofValue"),
    ],
)
def test_a_changed_value_is_reported_as_tampered(signed_credential, did_doc, no_revocations, path):
    verdict = verify_credential(
        with_leaf_changed(signed_credential, path),
        did_document=did_doc,
        status_list_lookup=no_revocations,
        now=DURING_VALIDITY,
    )
    assert (verdict.status, verdict.reason) == (
        "tampered",
        "its signature does not match its content",
    )


def test_an_added_property_is_refused(signed_credential, did_doc, no_revocations):
    """An undefined property would be dropped from the signed form: refused, not ignored."""
    extended = copy.deepcopy(signed_credential)
    extended["credentialSubject"]["achievement"]["grade"] = "A+"
    verdict = verify_credential(
        extended, did_document=did_doc, status_list_lookup=no_revocations, now=DURING_VALIDITY
    )
    assert verdict.status == "malformed"
    assert "'grade'" in verdict.reason


def test_a_removed_property_fails(signed_credential, did_doc, no_revocations):
    shortened = copy.deepcopy(signed_credential)
    del shortened["evidence"][2]
    verdict = verify_credential(
        shortened, did_document=did_doc, status_list_lookup=no_revocations, now=DURING_VALIDITY
    )
    assert verdict.status == "tampered"
