"""Admins create cohorts and assign people; instructors follow their cohorts' progress."""

from __future__ import annotations

from sqlalchemy import select

from smp_academy.core.models import AuditEvent
from smp_academy.courses.models import Cohort, CohortMember
from smp_academy.extensions import db
from tests import factories
from tests.conftest import csrf_token
from tests.courses import helpers


def test_admin_creates_a_cohort_and_adds_a_trainee_and_an_instructor(
    client, login, admin, trainee, instructor
):
    login(admin)
    token = csrf_token(client, "/admin/cohorts")
    response = client.post("/admin/cohorts", data={"name": "Spring 2027", "csrf_token": token})
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Spring 2027"))
    assert response.status_code == 302 and cohort is not None
    for person in (trainee, instructor):
        token = csrf_token(client, f"/admin/cohorts/{cohort.id}")
        client.post(
            f"/admin/cohorts/{cohort.id}", data={"email": person.email, "csrf_token": token}
        )
    roles = dict(
        db.session.execute(
            select(CohortMember.user_id, CohortMember.role).where(
                CohortMember.cohort_id == cohort.id
            )
        ).all()
    )
    assert roles == {trainee.id: "trainee", instructor.id: "instructor"}
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("cohort.%"))
    ).all()
    assert sorted(actions) == ["cohort.created", "cohort.member_added", "cohort.member_added"]


def test_duplicate_names_and_clinic_members_are_refused(client, login, admin, clinic):
    cohort = factories.cohort("Autumn")
    login(admin)
    page = client.post(
        "/admin/cohorts",
        data={"name": "autumn", "csrf_token": csrf_token(client, "/admin/cohorts")},
    ).get_data(True)
    assert "exists already" in page
    page = client.post(
        f"/admin/cohorts/{cohort.id}",
        data={
            "email": clinic.email,
            "csrf_token": csrf_token(client, f"/admin/cohorts/{cohort.id}"),
        },
    ).get_data(True)
    assert "Only trainees and instructors" in page
    assert (
        db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == cohort.id)) is None
    )


def test_instructor_sees_progress_per_trainee_and_lesson_of_their_own_cohort_only(
    client, login, instructor, trainee
):
    course = helpers.course(lessons=3)
    helpers.complete(trainee, helpers.lessons_of(course)[:2])
    mine = factories.cohort(trainees=[trainee], instructors=[instructor])
    other = factories.cohort(trainees=[factories.user()])
    login(instructor)
    page = client.get(f"/admin/cohorts/{mine.id}/progress?course={course.slug}").get_data(True)
    assert trainee.name in page and "2/3" in page
    assert client.get(f"/admin/cohorts/{other.id}/progress").status_code == 404
    assert mine.name in client.get("/admin/my-cohorts").get_data(True)


def test_trainees_cannot_manage_cohorts(client, login, trainee):
    cohort = factories.cohort()
    login(trainee)
    assert client.get("/admin/cohorts").status_code == 403
    assert client.get(f"/admin/cohorts/{cohort.id}/progress").status_code == 403
