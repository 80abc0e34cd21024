"""Certificate codes: format, randomness, forgiving look-up and typo detection."""

from __future__ import annotations

import pytest

from smp_academy.certificates.codes import (
    ALPHABET,
    CODE_RE,
    CodeTypo,
    MalformedCode,
    check_character,
    format_code,
    generate_code,
    is_valid_code,
    normalize_code,
)


def make_code(data: str) -> str:
    return format_code(data + check_character(data))


def test_generated_codes_are_well_formed_valid_and_unique():
    codes = [generate_code() for _ in range(1000)]
    assert all(CODE_RE.match(code) for code in codes)
    assert all(normalize_code(code) == code for code in codes)
    assert len(set(codes)) == len(codes)


def test_alphabet_is_crockford_without_confusable_letters():
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "smp-1a0b-cdef-ghj",  # lower case (check char appended below)
        "SMP 1A0B CDEF GHJ",
        "SMP1A0BCDEFGHJ",
        "1A0B-CDEF-GHJ",
        "  1a0b cdef ghj ",
        "SMP-IA0B-CDEF-GHJ",  # I read as 1
        "SMP-lA0B-CDEF-GHJ",  # l read as 1
        "SMP-1AOB-CDEF-GHJ",  # O read as 0
        "smp-1aob-cdef-ghj",  # o read as 0
        "SMP–1A0B–CDEF–GHJ",  # en dashes pasted from a word processor
    ],
)
def test_normalisation_forgives_case_spacing_dashes_and_confusables(typed: str):
    canonical = make_code("1A0BCDEFGHJ")
    assert normalize_code(typed + canonical[-1].lower()) == canonical


def test_body_that_starts_with_smp_is_not_mistaken_for_the_prefix():
    canonical = make_code("SMP12345678")
    assert canonical.startswith("SMP-SMP1-")
    assert normalize_code(canonical.replace("-", "")[3:]) == canonical
    assert normalize_code(canonical) == canonical


def test_every_single_character_substitution_is_a_typo():
    code = generate_code()
    body = code.replace("-", "")[3:]
    for position, original in enumerate(body):
        for replacement in ALPHABET.replace(original, ""):
            typo = body[:position] + replacement + body[position + 1 :]
            with pytest.raises(CodeTypo, match="this code has a typo"):
                normalize_code(typo)


def test_typo_and_malformed_are_both_value_errors_but_distinct():
    assert issubclass(CodeTypo, ValueError) and issubclass(MalformedCode, ValueError)
    assert not issubclass(CodeTypo, MalformedCode)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "SMP",
        "SMP-1234-5678-9AB",
        "SMP-1234-5678-9ABCD",
        "SMP-U234-5678-9ABC",
        "SMP-*234-5678-9ABC",
    ],
)
def test_malformed_codes_are_rejected(text: str):
    with pytest.raises(MalformedCode):
        normalize_code(text)
    assert not is_valid_code(text)


def test_non_text_is_malformed():
    with pytest.raises(MalformedCode):
        normalize_code(None)  # type: ignore[arg-type]
