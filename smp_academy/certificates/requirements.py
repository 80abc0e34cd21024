"""What a certification requires, what a holder has done towards it, and the entries of the
certificate object's ``requirements`` (CONTRACT.md section 4).

Every requirement becomes one entry ``{kind, title, required, achieved, met_on}``, in the
order of the certification's definition. A course, quiz or exercise is met or not: its
``required`` and ``achieved`` are null and ``met_on`` says when (the last lesson completed, the
first pass, the exercise passed). A count of practical work gives both numbers (cases, reviews,
passed assessments, hours) and ``met_on`` is the day the count was first reached. An entry
never holds anything about a client: the clinical record is read as dated facts only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import accumulate
from typing import Any

from sqlalchemy import func, literal, select, union_all

from smp_academy.certificates.content import requirement_list
from smp_academy.certificates.models import Certification
from smp_academy.certificates.status import add_months
from smp_academy.clinical.checklists import SUPERVISION_LABELS, SupervisionLevel
from smp_academy.clinical.record import PracticalRecord, practical_record, stepped_down_on
from smp_academy.core.clock import today_utc
from smp_academy.courses.models import Course, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.practice.models import Exercise, Submission
from smp_academy.quizzes.models import Attempt, Quiz

#: where each kind of content lives, for links in the trainee's pages
CONTENT_PATHS = {"course": "/courses/{}", "quiz": "/quizzes/{}", "exercise": "/exercises/{}"}


def completed_courses(user_id: int) -> dict[str, date]:
    """Courses whose every current lesson the user completed, with the day of the last one."""
    rows = db.session.execute(
        select(
            Course.slug,
            func.count(Lesson.id.distinct()),
            func.count(LessonProgress.id.distinct()),
            func.max(LessonProgress.completed_at),
        )
        .join(Lesson, Lesson.course_id == Course.id)
        .outerjoin(
            LessonProgress,
            (LessonProgress.lesson_id == Lesson.id)
            & (LessonProgress.user_id == user_id)
            & LessonProgress.completed_at.is_not(None),
        )
        .where(~Lesson.is_retired)
        .group_by(Course.slug)
    )
    return {
        slug: _day(last) for slug, total, completed, last in rows if total and completed >= total
    }


def passed_quizzes(user_id: int, since: datetime | None = None) -> dict[str, date]:
    """Quizzes passed (since ``since``), with the day of the first pass."""
    stmt = (
        select(Quiz.slug, func.min(Attempt.submitted_at))
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user_id, Attempt.passed.is_(True))
        .group_by(Quiz.slug)
    )
    if since is not None:
        stmt = stmt.where(Attempt.submitted_at >= since)
    return {slug: _day(at) for slug, at in db.session.execute(stmt)}


def passed_exercises(user_id: int, since: datetime | None = None) -> dict[str, date]:
    stmt = (
        select(Exercise.slug, func.min(Submission.decided_at))
        .join(Submission, Submission.exercise_id == Exercise.id)
        .where(Submission.trainee_id == user_id, Submission.state == "passed")
        .group_by(Exercise.slug)
    )
    if since is not None:
        stmt = stmt.where(Submission.decided_at >= since)
    return {slug: _day(at) for slug, at in db.session.execute(stmt)}


def _day(value: Any) -> date:
    """A timestamp from an aggregate as a day (SQLite returns aggregates of dates as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Achievements:
    """What a user has done, with the day each thing was done."""

    content: dict[str, dict[str, date]]  # kind -> slug -> day
    practical: PracticalRecord


def achievements(user_id: int, since: datetime | None = None) -> Achievements:
    """Everything requirements are checked against (seven queries)."""
    return Achievements(
        content={
            "course": completed_courses(user_id),
            "quiz": passed_quizzes(user_id, since),
            "exercise": passed_exercises(user_id, since),
        },
        practical=practical_record(user_id),
    )


@dataclass(frozen=True)
class Result:
    """One requirement checked: the CONTRACT entry, plus a link for the trainee's pages."""

    kind: str
    title: str
    required: float | None
    achieved: float | None
    met_on: date | None
    path: str | None = None

    @property
    def is_met(self) -> bool:
        return self.met_on is not None

    def entry(self, title_prefix: str = "") -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": title_prefix + self.title,
            "required": self.required,
            "achieved": self.achieved,
            "met_on": self.met_on.isoformat() if self.met_on else None,
        }


def requirement_names() -> dict[tuple[str, str], str]:
    """The title of every course, quiz and exercise by (kind, slug), in one query."""
    rows = union_all(
        *(
            select(literal(kind), model.slug, model.title)
            for kind, model in (("course", Course), ("quiz", Quiz), ("exercise", Exercise))
        )
    )
    return {(kind, slug): title for kind, slug, title in db.session.execute(rows)}


def check(
    requirements: Any, done: Achievements, titles: dict[tuple[str, str], str]
) -> list[Result]:
    """Each requirement (stored list or old mapping) with what was achieved, in order."""
    return [_CHECKS[r["kind"]](r, done, titles) for r in requirement_list(requirements)]


def requirements_met(user_id: int, needs: Any, since: datetime | None = None) -> bool:
    done = achievements(user_id, since)
    return all(result.is_met for result in check(needs, done, {}))


def _content(requirement: dict, done: Achievements, titles: dict) -> Result:
    kind, slug = requirement["kind"], requirement["slug"]
    return Result(
        kind,
        titles.get((kind, slug), slug),
        None,
        None,
        done.content[kind].get(slug),
        CONTENT_PATHS[kind].format(slug),
    )


def _recent(days: tuple, requirement: dict, day: Callable[[Any], date] = lambda d: d) -> list:
    """Only what falls within the requirement's ``within_months`` of today, if it sets one."""
    months = requirement.get("within_months")
    if not months:
        return list(days)
    start = add_months(today_utc(), -months)
    return [item for item in days if day(item) >= start]


def _nth(days: list[date], n: int) -> date | None:
    return days[n - 1] if n and len(days) >= n else None


def _window(requirement: dict) -> str:
    months = requirement.get("within_months")
    return f" in the last {months} months" if months else ""


def _counted(field: str, title: str) -> Callable[[dict, Achievements, dict], Result]:
    """A requirement met by the count of dated facts in ``PracticalRecord.<field>``."""

    def check_count(requirement: dict, done: Achievements, _titles: dict) -> Result:
        days = _recent(getattr(done.practical, field), requirement)
        count = requirement["count"]
        return Result(
            requirement["kind"], title + _window(requirement), count, len(days), _nth(days, count)
        )

    return check_count


def _cpd_hours(requirement: dict, done: Achievements, _titles: dict) -> Result:
    entries = _recent(done.practical.cpd, requirement, day=lambda entry: entry[0])
    totals = list(accumulate(hours for _, hours in entries))
    met_on = next(
        (
            entry[0]
            for entry, total in zip(entries, totals, strict=True)
            if total >= requirement["hours"]
        ),
        None,
    )
    title = "Continuing education (CPD) hours with evidence" + _window(requirement)
    return Result(
        "cpd_hours", title, requirement["hours"], round(sum(h for _, h in entries), 2), met_on
    )


def _supervised_cases(requirement: dict, done: Achievements, _titles: dict) -> Result:
    """Cases closed with every session signed off satisfactory, and the session minimums met
    with supervision stepping down (see ``clinical.record.stepped_down_on``)."""
    cases = _recent(done.practical.cases, requirement)
    met_on = _nth(cases, requirement["cases"])
    minimums = requirement.get("sessions") or {}
    if minimums and met_on is not None:
        sessions = _recent(done.practical.sessions, requirement, day=lambda s: s[0])
        stepped = stepped_down_on(tuple(sessions), minimums)
        met_on = max(met_on, stepped) if stepped else None
    return Result(
        "supervised_cases", _cases_title(requirement), requirement["cases"], len(cases), met_on
    )


def _cases_title(requirement: dict) -> str:
    minimums = requirement.get("sessions") or {}
    steps = [
        f"{minimums[level]} {SUPERVISION_LABELS[level].split(':')[0].lower()}"
        for level in SupervisionLevel
        if minimums.get(level)
    ]
    detail = f" (signed-off sessions: at least {', then '.join(steps)})" if steps else ""
    return f"Supervised client cases{detail}" + _window(requirement)


_CHECKS: dict[str, Callable[[dict, Achievements, dict], Result]] = {
    "course": _content,
    "quiz": _content,
    "exercise": _content,
    "supervised_cases": _supervised_cases,
    "healed_reviews": _counted("reviewed_cases", "Client cases reviewed healed"),
    "observed_procedure": _counted("observed_procedures", "Observed hygiene procedure passed"),
    "practical_exam": _counted("practical_exams", "Practical exam (OSCE stations) passed"),
    "cpd_hours": _cpd_hours,
}


def requirement_snapshot(
    holder_id: int, certification: Certification, renewal_since: datetime | None = None
) -> list[dict[str, Any]]:
    """The entries a new certificate records: the certification's requirements, then for a
    renewal its renewal requirements as met since ``renewal_since`` (titled "Renewal: …")."""
    names = requirement_names()
    entries = [r.entry() for r in check(certification.requires, achievements(holder_id), names)]
    if renewal_since is not None:
        done = achievements(holder_id, renewal_since)
        renewal = check(renewal_requirements(certification), done, names)
        entries += [r.entry("Renewal: ") for r in renewal]
    return entries


def renewal_requirements(certification: Certification) -> list[dict[str, Any]]:
    """The renewal's requirements (or the first issue's when it names none); a count without
    ``within_months`` counts over the certificate's validity."""
    renewal = requirement_list(certification.renewal) or requirement_list(certification.requires)
    months = certification.validity_months
    return [
        r | {"within_months": months}
        if "slug" not in r and "within_months" not in r and months
        else r
        for r in renewal
    ]
