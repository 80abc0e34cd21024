"""A small fixed set of synthetic photos, rendered and analysed once per test session."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bench.synthetic import Truth, make_photo
from smp_academy.practice.analysis import AnalysisResult, analyze

#: (seed, background, px/mm): both backgrounds, across the low and middle of the phone range,
#: kept small enough that the set renders and analyses in a few seconds.
PHOTO_SET = (
    (11, "paper", 9.5),
    (12, "skin", 10.5),
    (13, "paper", 12.0),
    (14, "skin", 13.0),
    (15, "paper", 14.0),
    (16, "skin", 11.0),
)


@dataclass(frozen=True)
class Case:
    jpeg: bytes
    truth: Truth
    result: AnalysisResult


@pytest.fixture(scope="session")
def photo_set() -> list[Case]:
    cases = []
    for seed, background, px_per_mm in PHOTO_SET:
        jpeg, truth = make_photo(seed, background=background, px_per_mm=px_per_mm)
        cases.append(Case(jpeg, truth, analyze(jpeg)))
    return cases
