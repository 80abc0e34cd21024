"""Submissions: versions and their history, the guards on resubmitting, a double submit, the
analysis job after commit, and who may see a submission and its photos."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bench.synthetic import make_photo
from smp_academy.core import jobs
from smp_academy.core.errors import Conflict
from smp_academy.core.storage import LocalStorage, new_key
from smp_academy.extensions import db
from smp_academy.grading import services as grading
from smp_academy.practice import services
from smp_academy.practice.models import Photo, Submission, SubmissionState
from tests import factories
from tests.conftest import AuthActions, csrf_token
from tests.grading import helpers

WAITING = "Your last submission is waiting for an instructor"
REVIEWING = "An instructor is reviewing your last submission"
PASSED = "You have passed this exercise."


@pytest.fixture(scope="module")
def synthetic():
    """A small synthetic photo of the template with known dots (about a second to render)."""
    return make_photo(7, background="paper", px_per_mm=10)


@pytest.fixture(scope="module")
def covered():
    """The same kind of photo with one corner marker covered: no calibration possible."""
    jpeg, _ = make_photo(8, background="paper", px_per_mm=10, cover_marker=2)
    return jpeg


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


@pytest.fixture
def setup():
    return helpers.cohort_setup()


@pytest.fixture
def exercise():
    return helpers.exercise(photos=(1, 2), target=helpers.TARGET)


def _decide(app, setup, submission, points):
    """Claim and grade ``submission`` as the cohort's instructor."""
    with app.test_request_context():
        grading.claim(setup.instructor, submission)
        grading.grade(setup.instructor, submission, points, "", [])
    db.session.flush()


def _post(client, exercise, files, note=""):
    token = csrf_token(client, f"/exercises/{exercise.slug}")
    return client.post(
        f"/exercises/{exercise.slug}/submissions",
        data={"csrf_token": token, "note": note, "photos": [(io.BytesIO(d), n) for n, d in files]},
        content_type="multipart/form-data",
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# --------------------------------------------------------------------------- versions


def test_needs_work_then_version_two_linked_to_one(app, client, login, setup, exercise):
    first = helpers.submission(setup.trainee, exercise, note="First go")
    assert (first.version, first.previous_id, first.state) == (1, None, "submitted")
    _decide(app, setup, first, helpers.levels(2, 0, 2))
    assert first.state == SubmissionState.NEEDS_WORK

    login(setup.trainee)
    response = _post(
        client, exercise, [("again.jpg", helpers.template_jpeg("lavender"))], "Better?"
    )
    assert response.status_code == 302
    second = db.session.scalar(select(Submission).where(Submission.version == 2))
    assert response.headers["Location"] == f"/submissions/{second.id}"
    assert second.previous_id == first.id and second.state == "submitted"
    assert second.note == "Better?"

    history = services.history(setup.trainee, exercise)
    assert [(s.version, s.state) for s in history] == [(2, "submitted"), (1, "needs_work")]
    assert len(first.photos) == len(second.photos) == 1  # the first version's photo is kept
    assert first.photos[0].storage_key != second.photos[0].storage_key
    assert len(grading.grades_of(first)) == 1

    page = client.get(f"/submissions/{second.id}").get_data(as_text=True)
    assert f'href="/submissions/{first.id}">previous version (needs work)' in page
    page = client.get(f"/exercises/{exercise.slug}").get_data(as_text=True)
    assert page.count(">Open</a>") == 2  # both versions listed


@pytest.mark.parametrize(
    ("state", "message"),
    [("submitted", WAITING), ("in_review", REVIEWING), ("passed", PASSED)],
)
def test_no_new_submission_while_waiting_or_after_passing(
    app, client, login, setup, exercise, storage, state, message
):
    first = helpers.submission(setup.trainee, exercise)
    if state == "in_review":
        grading.claim(setup.instructor, first)
    elif state == "passed":
        _decide(app, setup, first, helpers.levels(4, 4, 4))
    db.session.flush()
    keys = helpers.stored_keys(storage)

    with pytest.raises(Conflict, match=message):
        helpers.submission(setup.trainee, exercise)

    login(setup.trainee)
    assert message in client.get(f"/exercises/{exercise.slug}").get_data(as_text=True)
    response = _post(client, exercise, [("more.jpg", helpers.jpeg())])
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)  # flashed
    assert _count(Submission) == 1
    assert helpers.stored_keys(storage) == keys  # nothing written for the refused one


def test_a_double_submit_leaves_one_submission_and_no_orphan_files(
    monkeypatch, setup, exercise, storage
):
    first = helpers.submission(setup.trainee, exercise)
    jobs.discard_pending()
    jobs.commit()  # the first request's unit of work
    kept = helpers.stored_keys(storage)
    assert kept == {first.photos[0].storage_key, first.photos[0].thumb_key}
    # The second request read the history before the first one's row existed.
    monkeypatch.setattr(services, "history", lambda trainee, exercise: [])

    with pytest.raises(Conflict, match="already received") as refused:
        helpers.submission(setup.trainee, exercise)
    jobs.end_refused(refused.value)  # what the request boundary does with a refusal
    assert _count(Submission) == 1 and _count(Photo) == 1
    assert helpers.stored_keys(storage) == kept  # the loser's files were removed again


def test_files_written_before_a_failed_commit_are_removed_in_the_same_request(
    client, login, setup, exercise, storage, monkeypatch
):
    login(setup.trainee)
    real_flush = db.session.flush

    def failing_commit() -> None:
        real_flush()  # the files and rows are written; then the database refuses the commit
        raise OperationalError("COMMIT", {}, Exception("the database went away"))

    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = _post(client, exercise, [("photo.jpg", helpers.jpeg())])
    monkeypatch.undo()
    assert response.status_code == 500
    assert helpers.stored_keys(storage) == set()  # nothing left behind for the clean-up
    assert _count(Submission) == 0


# --------------------------------------------------------------------------- analysis


def test_the_analysis_runs_after_commit_and_stores_a_report_and_an_overlay(
    client, login, setup, exercise, storage, synthetic
):
    jpeg, truth = synthetic
    login(setup.trainee)
    assert _post(client, exercise, [("template.jpg", jpeg)]).status_code == 302
    photo = db.session.scalar(select(Photo))
    assert photo.analysis_status == "done", photo.analysis_error
    report = photo.analysis
    assert report["calibrated"] is True
    assert report["dot_count"] == pytest.approx(truth.dot_count, rel=0.05)
    assert photo.overlay_key and photo.overlay_key in helpers.stored_keys(storage)
    assert Image.open(io.BytesIO(storage.load(photo.overlay_key))).format == "PNG"

    page = client.get(f"/submissions/{photo.submission_id}").get_data(as_text=True)
    assert "Automatic analysis" in page and f"<dd>{report['dot_count']} (" in page
    overlay = client.get(f"/photos/{photo.id}/overlay")
    assert overlay.status_code == 200 and overlay.mimetype == "image/png"


def test_a_photo_without_markers_is_refused_at_upload_with_how_to_retake_it(
    client, login, setup, exercise, covered, storage
):
    login(setup.trainee)
    response = _post(
        client, exercise, [("IMG_7.jpg", helpers.template_jpeg()), ("covered.jpg", covered)]
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        "“covered.jpg” cannot be measured. Marker not found: bottom-right. Photograph the whole "
        "printed frame" in page
    )
    assert "“IMG_7.jpg”" not in page  # the good photo is not blamed
    assert "Nothing was uploaded; the exercise stays open for new photos." in page
    assert 'name="photos"' in page  # the form is still there: the exercise is not locked
    assert _count(Submission) == 0 and _count(Photo) == 0
    assert helpers.stored_keys(storage) == set()


# --------------------------------------------------------------------------- permissions


@pytest.fixture
def world(setup, exercise, storage):
    """A submission with a photo (and an overlay), and every kind of visitor."""
    submission = helpers.submission(setup.trainee, exercise)
    photo = submission.photos[0]
    photo.overlay_key = new_key(services.PHOTO_PREFIX, ".overlay.png")
    storage.save(photo.overlay_key, helpers.image_bytes("PNG"), "image/png")
    outsider = helpers.cohort_setup()  # an instructor with a cohort of their own
    db.session.flush()
    people = {
        "owner": setup.trainee,
        "other trainee": outsider.trainee,
        "instructor outside the cohort": outsider.instructor,
        "cohort instructor": setup.instructor,
        "admin": factories.user(role="admin"),
        "clinic": factories.user(role="clinic"),
        "anonymous": None,
    }
    urls = [
        f"/photos/{photo.id}/full",
        f"/photos/{photo.id}/thumb",
        f"/photos/{photo.id}/overlay",
        f"/submissions/{submission.id}",
        f"/grading/submissions/{submission.id}",
    ]
    return people, urls


# Expected status for: full, thumb, overlay, the trainee's page, the grading page.
MATRIX = {
    "owner": [200, 200, 200, 200, 403],
    "other trainee": [404, 404, 404, 404, 403],
    "instructor outside the cohort": [404] * 5,
    "cohort instructor": [200] * 5,
    "admin": [200] * 5,
    "clinic": [403] * 5,
    "anonymous": [302] * 5,
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_who_may_see_a_submission_and_its_photos(client, auth, world, who):
    people, urls = world
    if people[who] is not None:
        assert auth.login(people[who]).status_code == 302
    got = [client.get(url) for url in urls]
    assert [r.status_code for r in got] == MATRIX[who]
    if who == "anonymous":
        assert all(r.headers["Location"].startswith("/login") for r in got)


def test_photo_responses_are_private_and_not_sniffed(client, login, world):
    people, urls = world
    login(people["owner"])
    for url, mimetype in zip(urls[:3], ["image/jpeg", "image/jpeg", "image/png"], strict=True):
        response = client.get(url)
        assert response.mimetype == mimetype
        assert response.headers["Cache-Control"].startswith("private")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response.headers["Content-Disposition"].startswith('inline; filename="photo-')
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_a_signed_out_cookie_no_longer_opens_photos(client, world):
    people, urls = world
    auth = AuthActions(client)
    assert auth.login(people["owner"]).status_code == 302
    assert client.get(urls[0]).status_code == 200
    auth.logout()
    assert client.get(urls[0]).status_code == 302


# --------------------------------------------------------------------------- retries


def _post_with_key(client, exercise, key: str, *, header: bool):
    token = csrf_token(client, f"/exercises/{exercise.slug}")
    data = {"csrf_token": token, "photos": [(io.BytesIO(helpers.template_jpeg()), "p.jpg")]}
    headers = {"Idempotency-Key": key} if header else {}
    if not header:
        data["idempotency_key"] = key
    return client.post(
        f"/exercises/{exercise.slug}/submissions",
        data=data,
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("header", [True, False], ids=["Idempotency-Key header", "form key"])
def test_a_retried_upload_returns_the_first_result_and_stores_one(
    client, login, setup, exercise, storage, header
):
    login(setup.trainee)
    first = _post_with_key(client, exercise, "retry-7f3a", header=header)
    retry = _post_with_key(client, exercise, "retry-7f3a", header=header)
    assert first.status_code == retry.status_code == 302
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert _count(Submission) == 1 and _count(Photo) == 1
    assert len(helpers.stored_keys(storage)) == 3  # one photo, its thumbnail and overlay


def test_the_exercise_form_carries_a_fresh_key_each_time(client, login, setup, exercise):
    login(setup.trainee)
    keys = {
        re.search(r'name="idempotency_key" value="([^"]+)"', client.get(page).text)[1]
        for page in [f"/exercises/{exercise.slug}"] * 2
    }
    assert len(keys) == 2


def test_a_refused_upload_keeps_no_answer_for_its_key(client, login, setup, exercise):
    login(setup.trainee)
    token = csrf_token(client, f"/exercises/{exercise.slug}")
    refused = client.post(
        f"/exercises/{exercise.slug}/submissions",
        data={
            "csrf_token": token,
            "idempotency_key": "k1",
            "photos": [(io.BytesIO(b"x"), "x.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert _post_with_key(client, exercise, "k1", header=False).status_code == 302


# --------------------------------------------------------------------------- the page's check


def _check(client, exercise, data: bytes | None, name="photo.jpg"):
    token = csrf_token(client, f"/exercises/{exercise.slug}")
    files = {} if data is None else {"photo": (io.BytesIO(data), name)}
    return client.post(
        f"/exercises/{exercise.slug}/photo-check",
        data=files,
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )


def test_the_upload_page_checks_a_photo_as_soon_as_it_is_chosen(
    client, login, setup, exercise, storage, synthetic, covered
):
    login(setup.trainee)
    good = _check(client, exercise, synthetic[0])
    assert good.get_json() == {"ok": True, "problems": []}
    bad = _check(client, exercise, covered, "covered.jpg")
    verdict = bad.get_json()
    assert bad.status_code == 200 and verdict["ok"] is False
    assert "“covered.jpg” cannot be measured" in verdict["problems"][0]
    assert _check(client, exercise, None).status_code == 400
    assert _check(client, exercise, b"not an image").get_json()["ok"] is False
    assert (
        helpers.stored_keys(storage) == set() and _count(Submission) == 0
    )  # a check stores nothing
    page = client.get(f"/exercises/{exercise.slug}").get_data(as_text=True)
    assert 'id="photo-check"' in page and "js/photo_check.js" in page
