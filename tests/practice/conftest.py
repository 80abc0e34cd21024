"""Small fixed sets of synthetic photos, rendered once per test session onto disk and analysed
once: the accuracy tests assert the targets of issue 16 on them."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.synthetic import Truth, make_photo, make_scalp_photo
from bench.synthetic.scalp import ScalpTruth
from smp_academy.practice.analysis import AnalysisResult, ScalpResult, analyze, analyze_scalp

#: (seed, layout, background, px/mm, with blowouts): every drill layout on both backgrounds,
#: across the low and middle of the phone range; the crowded and two more without blowouts,
#: for counting false ones. Small enough to render and analyse in about half a minute.
PHOTO_SET = (
    (11, "fine", "paper", 11.0, True),
    (12, "medium", "skin", 10.0, False),
    (13, "dense", "paper", 12.0, True),
    (14, "crowded", "paper", 12.0, False),
    (15, "crowded", "skin", 11.0, False),
    (16, "gradient", "skin", 10.5, True),
    (17, "random", "paper", 9.5, False),
    (18, "medium", "paper", 13.0, True),
)
PHOTO_SIZE = (3264, 2448)

#: (seed, Fitzpatrick type, stubble, healed): the same seed fresh and healed shows one area.
SCALP_SET = ((21, 2, False, False), (21, 2, False, True), (22, 5, False, False))


@dataclass(frozen=True)
class Case:
    path: Path
    truth: Truth
    result: AnalysisResult

    @property
    def jpeg(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class ScalpCase:
    path: Path
    truth: ScalpTruth
    result: ScalpResult


@pytest.fixture(scope="session")
def photo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synthetic-photos")


def _cached(directory: Path, name: str, render) -> tuple[Path, object]:
    """A rendered photo and its truth, written once under ``directory``."""
    photo, truth_file = directory / f"{name}.jpg", directory / f"{name}.truth"
    if not photo.exists():
        data, truth = render()
        photo.write_bytes(data)
        truth_file.write_bytes(pickle.dumps(truth))
    return photo, pickle.loads(truth_file.read_bytes())


@pytest.fixture(scope="session")
def photo_set(photo_dir: Path) -> list[Case]:
    cases = []
    for seed, layout, background, px_per_mm, blowouts in PHOTO_SET:
        path, truth = _cached(
            photo_dir,
            f"paper-{seed}",
            lambda s=seed, lay=layout, b=background, p=px_per_mm, bl=blowouts: make_photo(
                s, layout=lay, background=b, px_per_mm=p, blowouts=bl, photo_size=PHOTO_SIZE
            ),
        )
        cases.append(Case(path, truth, analyze(path.read_bytes())))
    return cases


@pytest.fixture(scope="session")
def scalp_set(photo_dir: Path) -> list[ScalpCase]:
    cases = []
    for seed, skin, stubble, healed in SCALP_SET:
        path, truth = _cached(
            photo_dir,
            f"scalp-{seed}-{skin}-{int(healed)}",
            lambda s=seed, k=skin, st=stubble, h=healed: make_scalp_photo(
                s, fitzpatrick=k, stubble=st, healed=h, blowouts=False, photo_size=PHOTO_SIZE
            ),
        )
        cases.append(ScalpCase(path, truth, analyze_scalp(path.read_bytes())))
    return cases
