from __future__ import annotations

import pytest

from smp_academy.core.storage import LocalStorage
from tests.clinical import helpers
from tests.grading.helpers import swapped_storage


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    """Each test stores its client photos in its own directory."""
    with swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


@pytest.fixture
def people():
    helpers.freeze()
    return helpers.people()
