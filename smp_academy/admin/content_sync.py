"""``flask content sync``: load the validated curriculum into the database in one transaction.

Upserts by slug (by key for questions); an edited question becomes a new version; what
disappears from content/ is retired, never deleted, so learners' records stay valid.

Each run's outcome (what changed, or every problem that stopped it) is kept as the last sync
result in the file storage, for the admins' content page: errors are not only on a terminal.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from smp_academy.admin.content import ContentBundle, load_content
from smp_academy.certificates.models import Certification
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.core.clock import now_utc
from smp_academy.core.content_files import ContentInvalid, digest
from smp_academy.core.storage import get_storage
from smp_academy.courses.content import CourseSpec
from smp_academy.courses.models import Course, Figure, Lesson
from smp_academy.extensions import db
from smp_academy.practice.models import Exercise
from smp_academy.quizzes.content import QuizSpec
from smp_academy.quizzes.models import Question, QuestionVersion, Quiz

SyncReport = Counter  # ("course", "created") -> n


def _upsert(report: SyncReport, kind: str, row: Any, values: dict[str, Any]) -> str:
    """Apply ``values`` to ``row`` when their fingerprint (``content_hash``, computed from the
    values unless given) differs; count created/updated/unchanged."""
    values = values | {"content_hash": values.get("content_hash") or digest(values)}
    created = row.id is None
    changed = created or getattr(row, "content_hash", None) != values["content_hash"]
    if changed:
        for name, value in values.items():
            setattr(row, name, value)
        db.session.add(row)
    state = "created" if created else "updated" if changed else "unchanged"
    report[(kind, state)] += 1
    return state


def sync_content(bundle: ContentBundle) -> SyncReport:
    """Write the bundle; the caller commits."""
    report: SyncReport = Counter()
    seen = [_sync_course(report, spec) for spec in bundle.courses]
    for course in db.session.scalars(select(Course).where(Course.id.not_in([c.id for c in seen]))):
        course.is_published = False
    _sync_certifications(report, bundle)
    db.session.flush()
    return report


def _sync_course(report: SyncReport, spec: CourseSpec) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug)) or Course()
    values = {
        "slug": spec.slug,
        "title": spec.title,
        "summary": spec.summary,
        "level": spec.level,
        "estimated_hours": spec.estimated_hours,
        "position": spec.position,
        "prerequisite_slugs": spec.prerequisites,
        "prerequisites_mode": spec.prerequisites_mode,
        "available_after_days": spec.available_after_days,
        "is_published": True,
    }
    _upsert(report, "course", course, values)
    db.session.flush()
    _sync_figures(report, course, spec)
    _sync_lessons(report, course, spec)
    if spec.quiz:
        _sync_quiz(report, course, spec.quiz)
    _sync_exercises(report, course, spec)
    return course


def _sync_figures(report: SyncReport, course: Course, spec: CourseSpec) -> None:
    existing = {
        f.name: f for f in db.session.scalars(select(Figure).filter_by(course_id=course.id))
    }
    for name, figure in spec.figures.items():
        row = existing.pop(name, None) or Figure(course_id=course.id, name=name)
        changed = row.sha256 != figure.sha256 if row.id else True
        if changed:
            row.content_type, row.sha256, row.data = figure.content_type, figure.sha256, figure.data
            db.session.add(row)
        report[
            ("figure", "created" if row.id is None else "updated" if changed else "unchanged")
        ] += 1
    for stale in existing.values():  # figures are not learners' records
        db.session.delete(stale)


def _sync_lessons(report: SyncReport, course: Course, spec: CourseSpec) -> None:
    existing = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).filter_by(course_id=course.id))
    }
    for lesson_spec in spec.lessons:
        row = existing.pop(lesson_spec.slug, None) or Lesson(course_id=course.id)
        _upsert(
            report,
            "lesson",
            row,
            {
                "slug": lesson_spec.slug,
                "title": lesson_spec.title,
                "position": lesson_spec.position,
                "reading_minutes": lesson_spec.reading_minutes,
                "objectives": lesson_spec.objectives,
                "body_html": lesson_spec.html,
                "toc": lesson_spec.toc,
                "search_text": f"{lesson_spec.title} {lesson_spec.text}",
                "available_after_days": lesson_spec.available_after_days,
                "content_hash": lesson_spec.content_hash,
                "is_retired": False,
            },
        )
    _retire(report, "lesson", existing.values())


def _retire(report: SyncReport, kind: str, rows: Any) -> None:
    for row in rows:
        if not row.is_retired:
            row.is_retired = True
            row.content_hash = ""
            report[(kind, "retired")] += 1


def _sync_quiz(report: SyncReport, course: Course, spec: QuizSpec) -> None:
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == spec.slug)) or Quiz()
    values = {
        "slug": spec.slug,
        "title": spec.title,
        "course_id": course.id,
        "settings": spec.settings.to_dict(),
        "is_retired": False,
    }
    _upsert(report, "quiz", quiz, values)
    db.session.flush()
    existing = {q.key: q for q in db.session.scalars(select(Question).filter_by(quiz_id=quiz.id))}
    for question_spec in spec.questions:
        _sync_question(report, quiz, existing.pop(question_spec["key"], None), question_spec)
    _retire(report, "question", existing.values())


def _sync_question(
    report: SyncReport, quiz: Quiz, question: Question | None, spec: dict[str, Any]
) -> None:
    """A new or edited question gets a new immutable version; attempts keep their old ones."""
    content_hash = digest(spec)
    if question is None:
        question = Question(quiz_id=quiz.id, key=spec["key"], current_version=0)
        db.session.add(question)
        db.session.flush()
        state = "created"
    else:
        latest = db.session.scalar(
            select(QuestionVersion).filter_by(
                question_id=question.id, version=question.current_version
            )
        )
        state = "unchanged" if latest and latest.content_hash == content_hash else "updated"
    if state != "unchanged":
        question.current_version += 1
        db.session.add(
            QuestionVersion(
                question_id=question.id,
                version=question.current_version,
                spec=spec,
                content_hash=content_hash,
            )
        )
    if question.is_retired:
        question.is_retired = False
        state = "updated"
    report[("question", state)] += 1


def _sync_exercises(report: SyncReport, course: Course, spec: CourseSpec) -> None:
    existing = {
        e.slug: e for e in db.session.scalars(select(Exercise).filter_by(course_id=course.id))
    }
    for exercise in spec.exercises:
        row = (
            existing.pop(exercise.slug, None)
            or db.session.scalar(select(Exercise).where(Exercise.slug == exercise.slug))
            or Exercise()
        )
        values = {
            "slug": exercise.slug,
            "title": exercise.title,
            "course_id": course.id,
            "position": exercise.position,
            "instructions_html": exercise.html,
            "spec": exercise.spec,
            "is_retired": False,
        }
        _upsert(report, "exercise", row, values)
    _retire(report, "exercise", existing.values())


def _sync_certifications(report: SyncReport, bundle: ContentBundle) -> None:
    existing = {c.slug: c for c in db.session.scalars(select(Certification))}
    for spec in bundle.certifications:
        row = existing.pop(spec.slug, None) or Certification()
        values = {
            "slug": spec.slug,
            "title": spec.title,
            "description": spec.description,
            "validity_months": spec.validity_months,
            "requires": spec.requires,
            "renewal": spec.renewal,
            "is_retired": False,
        }
        _upsert(report, "certification", row, values)
    _retire(report, "certification", existing.values())


PLURALS = {"quiz": "quizzes"}
STATES = ("created", "updated", "unchanged", "retired")


def report_table(report: SyncReport) -> dict[str, dict[str, int]]:
    """{"courses": {"created": 1, "unchanged": 5}, …}: what a sync did, kind by kind."""
    kinds = sorted({kind for kind, _ in report})
    return {
        PLURALS.get(kind, kind + "s"): {s: report[(kind, s)] for s in STATES if report[(kind, s)]}
        for kind in kinds
    }


def format_report(report: SyncReport) -> list[str]:
    return [
        f"{kinds:<16}" + ", ".join(f"{n} {state}" for state, n in counts.items())
        for kinds, counts in report_table(report).items()
    ]


@dataclass(frozen=True)
class SyncResult:
    """The outcome of one ``content sync``: what changed, or the problems that stopped it."""

    at: datetime
    source: str
    changes: dict[str, dict[str, int]]
    problems: list[str]

    @property
    def succeeded(self) -> bool:
        return not self.problems

    def to_json(self) -> bytes:
        return json.dumps(asdict(self) | {"at": self.at.isoformat()}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> SyncResult:
        fields = json.loads(data)
        return cls(**fields | {"at": datetime.fromisoformat(fields["at"])})


#: the storage key of the last result (a file under instance/files with the default storage)
LAST_SYNC_KEY = "content-sync/last.json"


def save_sync_result(
    source: Path, changes: dict[str, dict[str, int]], problems: list[str]
) -> SyncResult:
    result = SyncResult(now_utc(), str(source), changes, problems)
    get_storage().save(LAST_SYNC_KEY, result.to_json(), "application/json")
    return result


def last_sync_result() -> SyncResult | None:
    """The last sync's result, or None when content was never synced (or it was unreadable)."""
    store = get_storage()
    if not store.exists(LAST_SYNC_KEY):
        return None
    try:
        return SyncResult.from_json(store.load(LAST_SYNC_KEY))
    except (ValueError, TypeError, KeyError):
        return None


content = AppGroup("content", help="Load the curriculum from content/.")


@content.command("sync")
@click.option(
    "--path",
    "path",
    type=click.Path(path_type=Path),
    default=None,
    help="The content folder (default: content/ in the repository).",
)
def sync_command(path: Path | None) -> None:
    """Validate everything, then load or update it in one transaction; keep the outcome."""
    root = path or Path(current_app.config["CONTENT_PATH"])
    try:
        report = _validated_sync(root)
    except ContentInvalid as error:
        problems = [str(problem) for problem in error.problems]
        for problem in problems:
            click.echo(problem, err=True)
        save_sync_result(root, {}, problems)
        raise BadInput(
            f"content is invalid ({len(problems)} problem(s)); nothing was written"
        ) from None
    except BadInput as error:
        save_sync_result(root, {}, [error.format_message()])
        raise
    save_sync_result(root, report_table(report), [])  # after the commit: what was written
    click.echo(f"content synced from {root}:")
    for line in format_report(report):
        click.echo(f"  {line}")


@unit_of_work
def _validated_sync(root: Path) -> SyncReport:
    return sync_content(load_content(root))
