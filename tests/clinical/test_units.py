"""Pure parts of the pathway: pseudonymity checks, screening tiers, the supervision step-down
and the practical-record line of the certificate."""

from __future__ import annotations

import re
from datetime import date

import pytest

from smp_academy.certificates.pdf import practical_record_line
from smp_academy.clinical.checklists import ScreeningOutcome, screening_outcome
from smp_academy.clinical.pseudonyms import (
    clean_initials,
    identifying_text,
    initials_problem,
    new_case_code,
)
from smp_academy.clinical.record import stepped_down_on


def test_case_codes_are_crockford_and_distinct():
    codes = {new_case_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"C-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", c) for c in codes)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Client prefers mail at jo.bloggs@example.com", "e-mail"),
        ("Call 07700 900123 to rebook", "phone"),
        ("+44 20 7946 0958", "phone"),
        ("Mr Jones was anxious about the temples", "name"),
        ("client is Maria, Fitzpatrick IV", "name"),
        ("see www.example.com/photos", "web address"),
    ],
)
def test_identifying_text_is_caught(text, reason):
    assert reason in identifying_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Norwood 3V, Fitzpatrick III; soft hairline at 8 cm, 1:3 dilution",
        "Session on 2026-01-10 and 12/03/2026, 1200 dots, lot 20260115",
        "the named area was the crown; client is happy with density",
    ],
)
def test_treatment_notes_pass(text):
    assert identifying_text(text) is None


def test_initials_are_three_letters_at_most():
    assert clean_initials(" j.b. ") == "JB"
    assert initials_problem("JBX") is None
    assert initials_problem("John") is not None
    assert clean_initials("") is None


@pytest.mark.parametrize(
    ("answers", "clearance", "outcome"),
    [
        ({}, False, ScreeningOutcome.CLEAR),
        ({"anticoagulants": True}, False, ScreeningOutcome.NEEDS_CLEARANCE),
        ({"anticoagulants": True}, True, ScreeningOutcome.CLEARED),
        ({"anticoagulants": True, "pregnancy": True}, True, ScreeningOutcome.DEFER),
        ({"keloid": True, "pregnancy": True}, True, ScreeningOutcome.DO_NOT_TREAT),
    ],
)
def test_the_most_serious_tier_decides_the_screening(answers, clearance, outcome):
    assert screening_outcome(answers, clearance) == outcome


def _days(*pairs):
    return tuple((date(2026, 1, d), level) for d, level in pairs)


def test_independent_sessions_count_only_after_the_direct_minimum():
    minimums = {"direct": 2, "independent": 1}
    early = _days((1, "independent"), (2, "direct"), (3, "direct"))
    assert stepped_down_on(early, minimums) is None  # the early independent one does not count
    later = (*early, (date(2026, 1, 9), "independent"))
    assert stepped_down_on(later, minimums) == date(2026, 1, 9)


def test_each_level_waits_for_every_closer_level():
    minimums = {"direct": 1, "indirect": 1, "independent": 1}
    sessions = _days((1, "direct"), (2, "independent"), (3, "indirect"), (4, "independent"))
    assert stepped_down_on(sessions, minimums) == date(2026, 1, 4)


def test_the_practical_record_line_names_met_practical_requirements_once():
    entries = [
        {"kind": "course", "achieved": None, "met_on": "2026-01-01"},
        {"kind": "supervised_cases", "achieved": 4, "met_on": "2026-03-01"},
        {"kind": "healed_reviews", "achieved": 4, "met_on": "2026-04-01"},
        {"kind": "practical_exam", "achieved": 1, "met_on": "2026-04-02"},
        {"kind": "supervised_cases", "achieved": 2, "met_on": "2029-01-01"},  # a renewal's
        {"kind": "observed_procedure", "achieved": 0, "met_on": None},
    ]
    assert practical_record_line(entries) == (
        "Practical record: 4 supervised client cases, 4 reviewed healed, practical exam passed"
    )
    assert practical_record_line(entries[:1]) == ""
