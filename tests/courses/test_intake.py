"""Every submission reaches an instructor: self-registered trainees join the open intake
cohort (at registration, at sign-in, at their first upload), the unassigned trainees are listed
for admins and instructors to take on, and trainees are told who reviews and by when."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.core import clock
from smp_academy.core.errors import Conflict
from smp_academy.core.models import Notification
from smp_academy.core.storage import LocalStorage
from smp_academy.courses import intake
from smp_academy.courses.models import Cohort, CohortMember
from smp_academy.extensions import db
from tests import factories
from tests.auth.test_accounts import _link, register
from tests.conftest import csrf_token
from tests.grading import helpers as practice_helpers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with practice_helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


def _intake(name: str, trainees: int = 0, *, days: int = 3, taught: bool = True) -> Cohort:
    cohort = factories.cohort(
        name,
        trainees=[factories.user("trainee") for _ in range(trainees)],
        instructors=[factories.user("instructor", name=f"Teacher of {name}")] if taught else [],
    )
    cohort.is_intake, cohort.turnaround_days = True, days
    db.session.flush()
    return cohort


def _cohorts_of(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(Cohort.name).join(CohortMember).where(CohortMember.user_id == user.id)
        )
    )


def test_the_open_intake_cohort_is_taught_and_the_least_full():
    factories.cohort("Closed", instructors=[factories.user("instructor")])  # not an intake
    _intake("Untaught", taught=False)
    _intake("Busy", trainees=2)
    quiet = _intake("Quiet", trainees=1)
    assert intake.open_intake_cohort() == quiet


def test_registering_joins_the_intake_cohort_on_confirming_the_address(client):
    _intake("Intake March")
    response = register(client, name="Nora Newcomer", email="nora@example.com")
    assert response.status_code == 302
    nora = db.session.scalar(select(User).where(User.email == "nora@example.com"))
    assert _cohorts_of(nora) == []  # not before the address is confirmed
    assert client.get(_link("nora@example.com", "/confirm-email")).status_code == 302
    assert _cohorts_of(nora) == ["Intake March"]


def test_a_trainee_without_an_instructor_joins_at_sign_in_but_a_taught_one_stays(auth):
    loner, taught = factories.user("trainee"), factories.user("trainee")
    factories.cohort("Own", trainees=[taught], instructors=[factories.user("instructor")])
    _intake("Intake")
    for person in (loner, taught):
        auth.login(person)
        auth.logout()
    assert _cohorts_of(loner) == ["Intake"]
    assert _cohorts_of(taught) == ["Own"]
    assert intake.place_in_intake(factories.user("instructor")) is None  # trainees only


def test_without_an_intake_cohort_nobody_is_placed_and_the_upload_says_so(
    app, client, login, trainee
):
    exercise = practice_helpers.exercise()
    login(trainee)
    response = _upload(client, exercise)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No instructor teaches you yet: an administrator will assign one" in page
    assert intake.unassigned_trainees() == [trainee]


def test_the_first_upload_places_the_trainee_and_tells_the_instructor(app, client, login, trainee):
    exercise = practice_helpers.exercise()
    login(trainee)  # no intake cohort yet at sign-in
    cohort = _intake("Late intake", days=4)
    clock.freeze(T0)
    response = _upload(client, exercise)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Teacher of Late intake will grade your work by Friday 6 March." in page
    assert "Teacher of Late intake will grade it by Friday 6 March (within 4 days" in page
    assert _cohorts_of(trainee) == ["Late intake"]
    teacher = db.session.scalar(
        select(User)
        .join(CohortMember)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "instructor")
    )
    notes = db.session.scalars(
        select(Notification.message).where(Notification.user_id == teacher.id)
    )
    assert [n for n in notes if trainee.name in n]


def test_the_review_promise_names_every_instructor_and_the_shortest_turnaround():
    trainee = factories.user("trainee")
    slow = factories.cohort(
        "Slow", trainees=[trainee], instructors=[factories.user("instructor", name="Bo")]
    )
    fast = factories.cohort(
        "Fast",
        trainees=[trainee],
        instructors=[
            factories.user("instructor", name="Ann"),
            factories.user("instructor", name="Cy"),
        ],
    )
    slow.turnaround_days, fast.turnaround_days = 7, 2
    db.session.flush()
    promise = intake.review_promise(trainee.id)
    assert promise.names == "Ann, Cy and Bo"
    assert promise.turnaround_days == 2
    assert promise.due_text(T0) == "Wednesday 4 March"


def test_an_instructor_takes_on_an_unassigned_trainee(client, login, trainee):
    mine = factories.cohort("Mine", instructors=[teacher := factories.user("instructor")])
    theirs = factories.cohort("Theirs", instructors=[factories.user("instructor")])
    exercise = practice_helpers.exercise()
    practice_helpers.submission(trainee, exercise)
    login(teacher)
    page = client.get("/grading").get_data(as_text=True)
    assert "1 trainee has work waiting but no instructor." in page
    page = client.get("/admin/unassigned").get_data(as_text=True)
    assert trainee.name in page and "1 waiting" in page
    assert f'<option value="{mine.id}">Mine</option>' in page
    assert "Theirs" not in page  # only the instructor's own cohorts

    token = csrf_token(client, "/admin/unassigned")
    refused = client.post(
        f"/admin/unassigned/{trainee.id}", data={"csrf_token": token, "cohort": theirs.id}
    )
    assert refused.status_code == 302
    assert _cohorts_of(trainee) == []
    response = client.post(
        f"/admin/unassigned/{trainee.id}", data={"csrf_token": token, "cohort": mine.id}
    )
    assert response.status_code == 302
    assert _cohorts_of(trainee) == ["Mine"]
    assert trainee.name in client.get("/grading").get_data(as_text=True)  # the work is theirs now
    with pytest.raises(Conflict, match="has an instructor already"):
        intake.take_on(teacher, theirs, trainee)


def test_admins_open_an_intake_cohort_and_set_its_turnaround(client, login, admin):
    cohort = factories.cohort("Spring")
    login(admin)
    token = csrf_token(client, f"/admin/cohorts/{cohort.id}")
    response = client.post(
        f"/admin/cohorts/{cohort.id}/settings",
        data={"csrf_token": token, "is_intake": "y", "turnaround_days": "5"},
    )
    assert response.status_code == 302
    assert (cohort.is_intake, cohort.turnaround_days) == (True, 5)
    refused = client.post(
        f"/admin/cohorts/{cohort.id}/settings",
        data={"csrf_token": token, "turnaround_days": "0"},
    )
    assert refused.status_code == 302
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Between 1 and 60 days." in page
    assert (cohort.is_intake, cohort.turnaround_days) == (True, 5)  # nothing changed


def _upload(client, exercise):
    token = csrf_token(client, f"/exercises/{exercise.slug}")
    return client.post(
        f"/exercises/{exercise.slug}/submissions",
        data={
            "csrf_token": token,
            "photos": [(io.BytesIO(practice_helpers.template_jpeg()), "work.jpg")],
        },
        content_type="multipart/form-data",
    )
