"""Each role's home page (``/``) shows that role's own work, and the course cards of the home
page and the catalogue show a figure, the level, the length and the progress."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smp_academy.admin.home import time_ago
from smp_academy.certificates import services as certificates
from smp_academy.core import clock, jobs
from smp_academy.core.clock import today_utc
from smp_academy.core.models import Job, JobState
from smp_academy.courses.models import Lesson
from smp_academy.extensions import db
from smp_academy.verification import services as verification
from tests import factories
from tests.certificates import helpers as certificate_helpers
from tests.courses import helpers as course_helpers
from tests.grading import helpers as grading_helpers


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_visitor_sees_the_courses_as_cards_with_a_figure(client):
    course = course_helpers.course("Needle Depth")
    first = db.session.query(Lesson).filter_by(course_id=course.id, position=1).one()
    first.body_html = f'<p><img src="/courses/{course.slug}/figures/depth.svg" alt="x"></p>'
    db.session.flush()
    page = home(client)
    assert "Learn scalp micropigmentation the right way" in page
    card = page.split("Needle Depth</a>")[0].rsplit('<article class="card course-card">', 1)[1]
    assert f'<img src="/courses/{course.slug}/figures/depth.svg" alt=""' in card
    assert "Beginner" in card and "About 2 h" in card and "3 lessons" in card
    assert "lessons done" not in page  # no progress for a visitor


def test_a_course_without_a_figure_gets_its_initials(client):
    course_helpers.course("Pigment Chemistry Basics")
    page = client.get("/courses").get_data(as_text=True)
    assert "<span>PCB</span>" in page


def test_a_trainee_sees_progress_and_the_certification_panel(client, login, trainee):
    course = course_helpers.course("Needle Depth")
    course_helpers.complete(trainee, course_helpers.lessons_of(course)[:1])
    login(trainee)
    page = home(client)
    assert "Welcome, Terry Trainee" in page and "Your certifications" in page
    assert "1 of 3 lessons done" in page and 'aria-label="Progress in Needle Depth"' in page


def test_an_instructor_sees_the_queue_cohorts_and_recent_work(client, login):
    setup = grading_helpers.cohort_setup("Autumn intake")
    exercise = grading_helpers.exercise(title="Even density")
    grading_helpers.submission(setup.trainee, exercise)
    login(setup.instructor)
    page = home(client)
    assert "Your courses" not in page
    assert '<span class="stat-value">1</span><span class="stat-label">waiting for review' in page
    assert "Autumn intake" in page and "1 trainee" in page
    assert "Even density</a> by " + setup.trainee.name in page
    assert "Grade the next submission" in page


def test_an_instructor_sees_only_their_own_trainees_work(client, login):
    mine, theirs = grading_helpers.cohort_setup(), grading_helpers.cohort_setup()
    grading_helpers.submission(theirs.trainee, grading_helpers.exercise(title="Not yours"))
    login(mine.instructor)
    page = home(client)
    assert "Not yours" not in page and "Nothing is waiting for review." in page


def test_a_clinic_sees_roster_attention_tokens_and_look_ups(client, login, clinic, trainee):
    soon = certificate_helpers.certificate(trainee, title="Hygiene")
    soon.expires_on = today_utc() + timedelta(days=20)
    other = factories.user(name="Rita Revoked")
    revoked = certificate_helpers.certificate(other, title="Dot work")
    certificates.revoke(factories.user(role="admin"), revoked, "Licence withdrawn")
    for cert in (soon, revoked):
        verification.add_to_roster(clinic, cert.code)
    verification.create_token(clinic, "HR system")
    verification.lookup(soon.code, "page", clinic)
    db.session.flush()
    login(clinic)
    page = home(client)
    assert "Your courses" not in page
    assert '<span class="stat-value">2</span><span class="stat-label">need your attention' in page
    attention = page.split('id="attention"')[1].split("</section>")[0]
    assert "Expires soon" in attention and "Terry Trainee" in attention
    assert "Revoked" in attention and "Rita Revoked" in attention
    assert "HR system" in page and "never used" in page
    assert f"<code>{soon.code}</code> — Terry Trainee" in page


def test_an_admin_sees_accounts_jobs_content_and_audit(client, login, admin, trainee):
    db.session.add(Job(name="x:y", args=[], state=JobState.FAILED, attempts=jobs.MAX_ATTEMPTS))
    db.session.flush()
    login(admin)
    page = home(client)
    assert "Your courses" not in page
    assert '<span class="stat-label">failed job</span>' in page
    assert '<span class="stat-label">trainee</span>' in page  # Terry, the only trainee
    assert "Last content sync" in page and "Recent activity" in page


def test_time_ago_reads_like_speech():
    now = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
    with clock.frozen(now):
        said = [
            time_ago(now - delta)
            for delta in (timedelta(seconds=20), timedelta(minutes=1), timedelta(hours=5))
        ]
        assert said == ["just now", "1 minute ago", "5 hours ago"]
        assert time_ago(now - timedelta(days=3, hours=2)) == "3 days ago"
        assert time_ago(None) == ""
