"""Catalogue, enrolment and progress. Page queries are constant in number, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from markupsafe import Markup
from sqlalchemy import Select, and_, case, func, select, text

from smp_academy.auth.models import User
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import NotFound
from smp_academy.core.events import requirement_met
from smp_academy.core.rows import get_or_create
from smp_academy.courses import search
from smp_academy.courses.models import Course, Enrolment, Figure, Lesson, LessonProgress
from smp_academy.extensions import db

# "Last activity" is kept to this resolution, so reading does not write on every page view.
ACTIVITY_RESOLUTION = timedelta(minutes=10)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


def published_courses() -> list[Course]:
    return list(
        db.session.scalars(
            select(Course).where(Course.is_published).order_by(Course.position, Course.title)
        )
    )


def get_course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug, Course.is_published))
    if course is None:
        raise NotFound("No such course.")
    return course


def course_lessons(course: Course) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, ~Lesson.is_retired)
            .order_by(Lesson.position)
        )
    )


def get_lesson(course: Course, slug: str) -> Lesson:
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug, ~Lesson.is_retired)
    )
    if lesson is None:
        raise NotFound("No such lesson.")
    return lesson


def get_figure(course_slug: str, name: str) -> Figure:
    figure = db.session.scalar(
        select(Figure).join(Course).where(Course.slug == course_slug, Figure.name == name)
    )
    if figure is None:
        raise NotFound("No such figure.")
    return figure


def progress_by_course(user: User | None) -> dict[int, Progress]:
    """Lessons done and total for every course, in one query."""
    done = func.count(LessonProgress.id) if user is not None else func.sum(0)
    stmt = (
        select(Lesson.course_id, func.count(Lesson.id.distinct()), done)
        .where(~Lesson.is_retired)
        .group_by(Lesson.course_id)
    )
    if user is not None:
        stmt = stmt.outerjoin(
            LessonProgress,
            and_(
                LessonProgress.lesson_id == Lesson.id,
                LessonProgress.user_id == user.id,
                LessonProgress.completed_at.is_not(None),
            ),
        )
    return {
        course_id: Progress(int(d or 0), total) for course_id, total, d in db.session.execute(stmt)
    }


def completed_lesson_ids(user: User, course: Course) -> set[int]:
    return set(
        db.session.scalars(
            select(LessonProgress.lesson_id)
            .join(Lesson)
            .where(
                LessonProgress.user_id == user.id,
                Lesson.course_id == course.id,
                LessonProgress.completed_at.is_not(None),
            )
        )
    )


def missing_prerequisites(
    course: Course, courses_by_slug: dict[str, Course], progress: dict[int, Progress]
) -> list[Course]:
    """Prerequisite courses not yet completed (every lesson done)."""
    missing = []
    for slug in course.prerequisite_slugs:
        prerequisite = courses_by_slug.get(slug)
        if prerequisite and not progress.get(prerequisite.id, Progress(0, 0)).is_complete:
            missing.append(prerequisite)
    return missing


def enrolment_for(user: User, course: Course) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).filter_by(user_id=user.id, course_id=course.id))


def enrol(user: User, course: Course) -> Enrolment:
    """Open enrolment; idempotent (the unique constraint settles a double click)."""
    return get_or_create(Enrolment, user_id=user.id, course_id=course.id)


def record_visit(user: User, course: Course, lesson: Lesson) -> bool:
    """Remember the lesson for "continue where you left off" and that it was opened; writes
    only when something changed (re-reading a lesson is a read). True when it wrote."""
    enrolment = enrolment_for(user, course)
    progress = db.session.scalar(
        select(LessonProgress).filter_by(user_id=user.id, lesson_id=lesson.id)
    )
    now = now_utc()
    fresh = enrolment is not None and now - enrolment.last_activity_at < ACTIVITY_RESOLUTION
    if progress is not None and fresh and enrolment.last_lesson_id == lesson.id:
        return False
    enrolment = enrolment or enrol(user, course)
    enrolment.last_lesson_id = lesson.id
    enrolment.last_activity_at = now
    _progress_row(user, lesson)
    return True


def mark_complete(user: User, lesson: Lesson) -> LessonProgress:
    row = _progress_row(user, lesson)
    if row.completed_at is None:
        row.completed_at = now_utc()
        requirement_met.send(lesson, user_id=user.id)
    return row


def mark_incomplete(user: User, lesson: Lesson) -> None:
    row = _progress_row(user, lesson)
    row.completed_at = None


def _progress_row(user: User, lesson: Lesson) -> LessonProgress:
    return get_or_create(LessonProgress, user_id=user.id, lesson_id=lesson.id)


def resume_lesson(
    user: User, course: Course, lessons: list[Lesson], done: set[int]
) -> Lesson | None:
    """Where to continue: the first unfinished lesson from the last one opened, else the first."""
    if not lessons:
        return None
    enrolment = enrolment_for(user, course)
    start = next(
        (
            i
            for i, lesson in enumerate(lessons)
            if enrolment and lesson.id == enrolment.last_lesson_id
        ),
        0,
    )
    for lesson in lessons[start:] + lessons[:start]:
        if lesson.id not in done:
            return lesson
    return lessons[0]


@dataclass(frozen=True)
class ResumePoint:
    """Where the learner was last: the course, and its first unfinished lesson (None: done)."""

    course: Course
    lesson: Lesson | None


def resume_point(user: User) -> ResumePoint | None:
    """The course of the learner's last activity and where to continue it."""
    enrolment = last_activity(user)
    course = db.session.get(Course, enrolment.course_id) if enrolment else None
    if course is None or not course.is_published:
        return None
    lessons = course_lessons(course)
    done = completed_lesson_ids(user, course)
    unfinished = [lesson for lesson in lessons if lesson.id not in done]
    return ResumePoint(course, resume_lesson(user, course, lessons, done) if unfinished else None)


def last_activity(user: User) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.last_activity_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class SearchHit:
    lesson: Lesson
    course: Course
    snippet: Markup  # a passage of the lesson, the matching words highlighted


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    corrections: dict[str, str]  # word typed -> the similar word searched instead


def search_lessons(query: str, limit: int = 30) -> SearchResults:
    """Full-text search on PostgreSQL, word matching on SQLite. When nothing matches, every
    word the lessons do not contain is replaced by the closest one they do (trigram
    similarity: pg_trgm on PostgreSQL, the same measure in Python on SQLite)."""
    words = search.terms(query[:200])
    if not words:
        return SearchResults([], {})
    rows = _matching_lessons(words, limit)
    corrections: dict[str, str] = {}
    if not rows:
        corrections = _corrections(words)
        if corrections:
            words = [corrections.get(word, word) for word in words]
            rows = _matching_lessons(words, limit)
    hits = [
        SearchHit(lesson, course, search.snippet(lesson.search_text, words))
        for lesson, course in rows
    ]
    return SearchResults(hits, corrections)


def _searchable() -> Select:
    return select(Lesson, Course).join(Course).where(~Lesson.is_retired, Course.is_published)


def _matching_lessons(words: list[str], limit: int) -> list[tuple[Lesson, Course]]:
    base = _searchable().limit(limit)
    if db.engine.dialect.name == "postgresql":
        vector = func.to_tsvector("english", Lesson.search_text)
        tsquery = func.plainto_tsquery("english", " ".join(words))
        stmt = base.where(vector.op("@@")(tsquery)).order_by(func.ts_rank(vector, tsquery).desc())
    else:
        matches = [func.lower(Lesson.search_text).contains(w) for w in words]
        title_hits = sum(case((func.lower(Lesson.title).contains(w), 1), else_=0) for w in words)
        stmt = base.where(and_(*matches)).order_by(
            title_hits.desc(), Course.position, Lesson.position
        )
    return [(lesson, course) for lesson, course in db.session.execute(stmt)]


def _corrections(words: list[str]) -> dict[str, str]:
    """Each word the lessons lack, mapped to the most similar word they contain."""
    if db.engine.dialect.name == "postgresql":
        closest = {word: _closest_in_postgresql(word) for word in words}
    else:
        known = search.vocabulary(
            db.session.scalars(_searchable().with_only_columns(Lesson.search_text))
        )
        closest = {word: search.closest(word, known) for word in words}
    return {word: best for word, best in closest.items() if best and best != word}


# Every distinct word of the published lessons, as PostgreSQL's text search sees it unstemmed.
_LESSON_WORDS = (
    "SELECT to_tsvector('simple', lessons.search_text) FROM lessons "
    "JOIN courses ON courses.id = lessons.course_id "
    "WHERE NOT lessons.is_retired AND courses.is_published"
)


def _closest_in_postgresql(word: str) -> str | None:
    """pg_trgm: the lesson word most similar to ``word``, if similar enough."""
    return db.session.scalar(
        text(
            "SELECT word FROM ts_stat(:lesson_words) "
            "WHERE similarity(word, :word) >= :threshold "
            "AND abs(length(word) - length(:word)) <= :gap "
            "ORDER BY similarity(word, :word) DESC, word LIMIT 1"
        ),
        {
            "lesson_words": _LESSON_WORDS,
            "word": word,
            "threshold": search.SIMILARITY_THRESHOLD,
            "gap": search.MAX_LENGTH_GAP,
        },
    )
