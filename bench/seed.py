"""Seed a large academy for the web benchmarks, through the services wherever that is feasible.

Usage: .venv/bin/python bench/seed.py [--database-url URL] [--reset] [--scale 1.0]

At --scale 1 (default): 10,000 trainees in 50 cohorts (one instructor each, plus a lead
instructor who teaches every cohort), 100,000 submitted and graded quiz attempts, 20,000
practice submissions, 8,000 certificates. Default database: PostgreSQL ``smp_bench`` on
127.0.0.1:5432 (created if missing; ``--reset`` drops and recreates it). SQLite works too
(``--database-url sqlite:////tmp/smp_bench.db --scale 0.1``). Without --reset a database that
is already seeded at this scale is left as it is.

What goes through the services, and what does not:
- accounts (auth.services.create_user), cohorts and members (courses.cohorts), the curriculum
  (admin.content_sync), practice submissions (practice.services.submit, one tiny placeholder JPEG
  each: the service validates, re-encodes and stores it and its thumbnail under fresh keys)
  and certificates (certificates.services.issue, then revoke for 1 %): one service call per row.
- bulk (COPY on PostgreSQL, executemany on SQLite), because the service path per row would
  take far too long and its cool-down (60 min between attempts) needs a clock over months:
  quiz attempts and their answers. Each attempt still draws its questions and layouts with
  quizzes.services._new_attempt and is graded with the question types' own ``score``; the
  lesson progress and enrolments implied by those attempts are bulk-inserted too.
- the review outcome of 65 % of the submissions (claimed, passed, needs work) and their
  grades: bulk UPDATE/INSERT, with points from grading.services.score, because
  grading.services.grade per row also renders notification e-mails and checks certificates.
Jobs queued by the services (photo analysis, PDF rendering, e-mail delivery) are discarded:
photos stay "pending", PDFs render on first download, e-mails stay queued in the outbox.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ADMIN_EMAIL,
    CLINIC_EMAIL,
    DEFAULT_DATABASE_URL,
    DOMAIN,
    LEAD_EMAIL,
    LOGIN_EMAIL,
    PASSWORD,
    RESERVED_TRAINEES,
    instructor_email,
    make_app,
    storage_dir,
    trainee_email,
)

FIRST = [
    "Amara",
    "Ben",
    "Chloe",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Silva",
    "Novak",
    "Haddad",
    "Kowalski",
    "Nguyen",
    "Fischer",
    "Rossi",
    "Mensah",
    "Park",
    "Duarte",
    "Jensen",
    "Ahmed",
    "Costa",
    "Byrne",
    "Ivanova",
    "Larsen",
    "Mehta",
    "Osei",
    "Petrov",
    "Quispe",
    "Reyes",
    "Santos",
]


# Share of practice submissions made through practice.services.submit (the rest: bulk rows).
# The service costs ~10-25 ms per submission here (7 round trips, 2 files): all 20,000 would
# take most of the 10-minute budget on this shared 2-core machine.
SERVICE_SUBMISSIONS = 0.25


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=8)
    return parser.parse_args()


TIMINGS: list[tuple[str, int, float]] = []


@contextmanager
def step(name: str, rows: int = 0) -> Iterator[None]:
    start = time.perf_counter()
    print(f"… {name}", flush=True)
    yield
    seconds = time.perf_counter() - start
    TIMINGS.append((name, rows, seconds))
    rate = f" ({rows / seconds:,.0f} rows/s)" if rows and seconds > 0 else ""
    print(f"  {name}: {seconds:.1f} s{rate}", flush=True)


# --------------------------------------------------------------------------- the database


def prepare_database(url: str, reset: bool) -> None:
    """Create (or with ``reset`` drop and recreate) the database named by ``url``."""
    parts = urlsplit(url)
    if url.startswith("sqlite"):
        path = Path(parts.path[1:])  # sqlite:////abs/path or sqlite:///relative/path
        if reset and path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin_url = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
    with psycopg.connect(admin_url + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reset:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seeded_trainees(db) -> int | None:
    """How many bench trainees the database holds (None: no schema yet)."""
    from sqlalchemy import func, inspect, select

    from smp_academy.auth.models import User

    if not inspect(db.engine).has_table("users"):
        return None
    return db.session.scalar(
        select(func.count(User.id)).where(User.email.like(f"trainee%@{DOMAIN}"))
    )


def bulk_insert(db, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows at once: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table = model.__table__
    if db.engine.dialect.name != "postgresql":
        db.session.execute(table.insert(), rows)
        return
    from sqlalchemy import JSON

    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
    raw = db.session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                    for c in columns
                ]
            )


def next_id(db, model: Any) -> int:
    from sqlalchemy import func, select

    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def fix_sequences(db, *models: Any) -> None:
    """After inserts with explicit ids, move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for model in models:
        table = model.__table__.name
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def checkpoint(db) -> None:
    """Commit without running the queued jobs, and forget every loaded object."""
    from smp_academy.core.jobs import discard_pending

    discard_pending()
    db.session.commit()
    db.session.expunge_all()


# --------------------------------------------------------------------------- the steps


def person(index: int) -> str:
    return f"{FIRST[index % len(FIRST)]} {LAST[(index // len(FIRST)) % len(LAST)]} {index}"


def seed_accounts(app, db, trainees: int, cohorts: int) -> dict[str, Any]:
    from smp_academy.auth.services import create_user
    from smp_academy.config import DEFAULTS
    from smp_academy.core.roles import Role

    ids: dict[str, Any] = {}
    with step("staff, clinic and the real-Argon2 login account"):
        ids["admin"] = create_user(ADMIN_EMAIL, "Bench Admin", PASSWORD, Role.ADMIN).id
        ids["clinic"] = create_user(CLINIC_EMAIL, "Bench Clinic", PASSWORD, Role.CLINIC).id
        ids["lead"] = create_user(LEAD_EMAIL, "Lena Lead", PASSWORD, Role.INSTRUCTOR).id
        ids["instructors"] = [
            create_user(
                instructor_email(k), f"Instructor {person(k)}", PASSWORD, Role.INSTRUCTOR
            ).id
            for k in range(cohorts)
        ]
        cheap = app.config["PASSWORD_HASH"]
        app.config["PASSWORD_HASH"] = dict(DEFAULTS["PASSWORD_HASH"])
        ids["login"] = create_user(LOGIN_EMAIL, "Lou Login", PASSWORD, Role.TRAINEE).id
        app.config["PASSWORD_HASH"] = cheap
        checkpoint(db)
    with step("trainees (auth.services.create_user)", trainees):
        ids["trainees"] = []
        for i in range(trainees):
            ids["trainees"].append(create_user(trainee_email(i), person(i), PASSWORD).id)
            if i % 500 == 499:
                checkpoint(db)
        checkpoint(db)
    return ids


def seed_cohorts(db, ids: dict[str, Any], cohorts: int) -> dict[int, int]:
    """Cohorts through courses.cohorts; returns trainee id -> instructor id."""
    from sqlalchemy import select

    from smp_academy.auth.models import User
    from smp_academy.courses import cohorts as cohort_services

    teacher_of: dict[int, int] = {}
    trainees = ids["trainees"]
    with step("cohorts and members (courses.cohorts)", len(trainees) + 2 * cohorts):
        admin = db.session.get(User, ids["admin"])
        cohort_ids = [
            cohort_services.create_cohort(admin, f"Cohort {k:02d}", f"2026-{k % 12 + 1:02d}-01").id
            for k in range(cohorts)
        ]
        checkpoint(db)
        for k, cohort_id in enumerate(cohort_ids):
            cohort = db.session.get(cohort_services.Cohort, cohort_id)
            members = trainees[k::cohorts]
            users = db.session.scalars(select(User).where(User.id.in_(members))).all()
            for user in users:
                cohort_services.add_member(cohort, user, "trainee")
                teacher_of[user.id] = ids["instructors"][k]
            for teacher_id in (ids["instructors"][k], ids["lead"]):
                cohort_services.add_member(cohort, db.session.get(User, teacher_id), "instructor")
            checkpoint(db)
    return teacher_of


def answer_bank(pool: list[Any]) -> dict[int, tuple[Any, float, Any, float]]:
    """Per question version: the correct answer and a wrong one, each with its score as the
    question type grades it."""
    from smp_academy.quizzes.question_types import get_question_type

    bank = {}
    for version in pool:
        qtype = get_question_type(version.spec)
        correct = qtype.correct_answer(version.spec)
        wrong, wrong_score = None, 0.0
        for other in pool:
            if other.id == version.id or other.spec.get("type") != version.spec.get("type"):
                continue
            candidate = get_question_type(other.spec).correct_answer(other.spec)
            try:
                points = qtype.score(version.spec, candidate)
            except Exception:
                continue
            if points < 1:
                wrong, wrong_score = candidate, points
                break
        bank[version.id] = (correct, qtype.score(version.spec, correct), wrong, wrong_score)
    return bank


def attempt_plan(trainees: list[int], quizzes: int, target: int) -> list[tuple[int, int, int]]:
    """(trainee, quiz index, attempts) with 1–3 attempts per pair adding up to ``target``."""
    pairs = [(t, q) for t in trainees for q in range(quizzes)]
    counts = [1 + i % 3 for i in range(len(pairs))]
    total = sum(counts)
    i = 0
    while total != target and i < 10 * len(pairs):
        j = i % len(pairs)
        if total < target and counts[j] < 3:
            counts[j] += 1
            total += 1
        elif total > target and counts[j] > 0:
            counts[j] -= 1
            total -= 1
        i += 1
    return [(t, q, n) for (t, q), n in zip(pairs, counts, strict=True) if n]


def seed_attempts(db, ids: dict[str, Any], target: int, rng: random.Random) -> None:
    from sqlalchemy import select

    from smp_academy.core.clock import now_utc
    from smp_academy.courses.models import Enrolment, Lesson, LessonProgress
    from smp_academy.quizzes import services as quiz_services
    from smp_academy.quizzes.models import Attempt, AttemptAnswer, Quiz

    quizzes = db.session.scalars(select(Quiz).where(~Quiz.is_retired).order_by(Quiz.id)).all()
    pools = {quiz.id: quiz_services.current_versions(quiz) for quiz in quizzes}
    banks = {quiz.id: answer_bank(pools[quiz.id]) for quiz in quizzes}
    lessons = {
        quiz.course_id: db.session.scalars(
            select(Lesson.id).where(Lesson.course_id == quiz.course_id, ~Lesson.is_retired)
        ).all()
        for quiz in quizzes
    }
    plan = attempt_plan(ids["trainees"][RESERVED_TRAINEES:], len(quizzes), target)
    now = now_utc()
    attempt_id, answer_id = next_id(db, Attempt), next_id(db, AttemptAnswer)
    progress_id, enrolment_id = next_id(db, LessonProgress), next_id(db, Enrolment)
    skill: dict[int, float] = {}
    attempts, answers, progress, enrolments = [], [], [], []

    def flush() -> None:
        for model, rows in (
            (Attempt, attempts),
            (AttemptAnswer, answers),
            (Enrolment, enrolments),
            (LessonProgress, progress),
        ):
            bulk_insert(db, model, rows)
            rows.clear()
        db.session.commit()

    with (
        step(
            "quiz attempts + answers, lesson progress (bulk; drawn and graded by the services)",
            target,
        ),
        mock.patch.object(quiz_services, "current_versions", lambda quiz: pools[quiz.id]),
    ):
        for user_id, q, count in plan:
            quiz = quizzes[q]
            ability = skill.setdefault(user_id, 0.55 + 0.43 * rng.random())
            started = now - timedelta(days=330 - 60 * q - rng.random() * 20)
            for number in range(1, count + 1):
                drawn = quiz_services._new_attempt(SimpleNamespace(id=user_id), quiz, number, 0)
                total = 0.0
                for slot, item in enumerate(drawn.slots):
                    correct, full, wrong, partial = banks[quiz.id][item["version_id"]]
                    right = rng.random() < ability + 0.08 * (number - 1)
                    answer, points = (correct, full) if right else (wrong, partial)
                    saved = started + timedelta(minutes=1 + slot)
                    answers.append(
                        {
                            "id": answer_id,
                            "attempt_id": attempt_id,
                            "slot": slot,
                            "answer": answer,
                            "saved_at": saved,
                            "score": points,
                        }
                    )
                    answer_id += 1
                    total += points
                score = total / len(drawn.slots) if drawn.slots else 0.0
                attempts.append(
                    {
                        "id": attempt_id,
                        "quiz_id": quiz.id,
                        "user_id": user_id,
                        "number": number,
                        "status": "submitted",
                        "started_at": started,
                        "deadline_at": started + timedelta(minutes=30),
                        "submitted_at": started + timedelta(minutes=len(drawn.slots) + 2),
                        "submit_reason": "trainee",
                        "slots": drawn.slots,
                        "score": score,
                        "passed": score * 100 >= quiz.config.pass_mark - 1e-9,
                    }
                )
                attempt_id += 1
                started += timedelta(days=2 + rng.random() * 5)
            course_lessons = lessons[quiz.course_id]
            first = started - timedelta(days=20 * count)
            enrolments.append(
                {
                    "id": enrolment_id,
                    "user_id": user_id,
                    "course_id": quiz.course_id,
                    "enrolled_at": first,
                    "last_lesson_id": course_lessons[-1] if course_lessons else None,
                    "last_activity_at": started,
                }
            )
            enrolment_id += 1
            for k, lesson_id in enumerate(course_lessons):
                viewed = first + timedelta(hours=6 * k)
                progress.append(
                    {
                        "id": progress_id,
                        "user_id": user_id,
                        "lesson_id": lesson_id,
                        "first_viewed_at": viewed,
                        "completed_at": viewed + timedelta(minutes=25),
                    }
                )
                progress_id += 1
            if len(attempts) >= 10_000:
                flush()
        flush()
        fix_sequences(db, Attempt, AttemptAnswer, Enrolment, LessonProgress)
        db.session.commit()


def placeholder_jpeg() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (96, 72), "white")
    draw = ImageDraw.Draw(image)
    for x in range(8, 96, 8):
        for y in range(8, 72, 8):
            draw.ellipse((x - 1, y - 1, x + 1, y + 1), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def seed_submissions(
    db, ids: dict[str, Any], teacher_of: dict[int, int], target: int, rng: random.Random
) -> None:
    from sqlalchemy import bindparam, select, update

    from smp_academy.auth.models import User
    from smp_academy.core.clock import now_utc
    from smp_academy.grading import services as grading_services
    from smp_academy.grading.models import Grade
    from smp_academy.practice import services as practice_services
    from smp_academy.practice.models import Exercise, Submission

    exercises = db.session.scalars(
        select(Exercise).where(~Exercise.is_retired).order_by(Exercise.id)
    ).all()
    exercise_ids = [e.id for e in exercises]
    trainees = ids["trainees"][RESERVED_TRAINEES:]
    photo = placeholder_jpeg()
    made: list[tuple[int, int, int]] = []  # (submission, trainee, exercise)
    through_service = min(target, max(1, round(target * SERVICE_SUBMISSIONS)))
    pairs = [
        (trainees[k % len(trainees)], exercise_ids[(k // len(trainees)) % len(exercise_ids)])
        for k in range(target)
    ]
    with (
        step("practice submissions (practice.services.submit, 1 tiny JPEG each)", through_service),
        mock.patch("os.fsync", lambda fd: None),  # the seed needs no durability
    ):
        for start in range(0, through_service, 250):
            chunk = pairs[start : min(start + 250, through_service)]
            wanted = [trainee_id for trainee_id, _ in chunk]
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}
            by_id = {e.id: e for e in db.session.scalars(select(Exercise))}
            for k, (trainee_id, exercise_id) in enumerate(chunk, start=start):
                submission = practice_services.submit(
                    users[trainee_id],
                    by_id[exercise_id],
                    [practice_services.Upload("practice.jpg", photo)],
                    note=f"Bench practice {k}",
                )
                made.append((submission.id, trainee_id, exercise_id))
            checkpoint(db)
    rest = pairs[through_service:]
    with step("practice submissions (bulk rows, hard links to a stored photo)", len(rest)):
        made += bulk_submissions(db, rest)
    now = now_utc()
    exercises = {e.id: e for e in db.session.scalars(select(Exercise))}
    updates, grades = [], []
    grade_id = next_id(db, Grade)
    with step("review outcomes and grades (bulk; points by grading.services.score)", len(made)):
        for submission_id, trainee_id, exercise_id in made:
            submitted = now - timedelta(days=rng.random() * 120, minutes=rng.random() * 600)
            roll = rng.random()
            row = {
                "b_id": submission_id,
                "state": "submitted",
                "submitted_at": submitted,
                "claimed_by_id": None,
                "claimed_at": None,
                "decided_at": None,
            }
            if roll < 0.05:
                row.update(
                    state="in_review",
                    claimed_by_id=teacher_of[trainee_id],
                    claimed_at=submitted + timedelta(hours=2),
                )
            elif roll < 0.65:
                exercise = exercises[exercise_id]
                levels = {
                    c["key"]: rng.choice([level["points"] for level in c["levels"]])
                    for c in exercise.rubric
                }
                chosen, total, passed = grading_services.score(exercise, levels)
                decided = min(submitted + timedelta(days=1 + rng.random() * 3), now)
                row.update(state="passed" if passed else "needs_work", decided_at=decided)
                grades.append(
                    {
                        "id": grade_id,
                        "submission_id": submission_id,
                        "grader_id": teacher_of[trainee_id],
                        "levels": chosen,
                        "total": total,
                        "max_total": exercise.max_points,
                        "passed": passed,
                        "feedback": "Even spacing; watch the depth at the edges.",
                        "is_regrade": False,
                        "created_at": decided,
                    }
                )
                grade_id += 1
            updates.append(row)
        table = Submission.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                state=bindparam("state"),
                submitted_at=bindparam("submitted_at"),
                claimed_by_id=bindparam("claimed_by_id"),
                claimed_at=bindparam("claimed_at"),
                decided_at=bindparam("decided_at"),
            ),
            updates,
            execution_options={"synchronize_session": False},
        )
        bulk_insert(db, Grade, grades)
        fix_sequences(db, Grade)
        db.session.commit()


def bulk_submissions(db, pairs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Submission and photo rows like the service writes, each photo a hard link to the files
    of one the service stored (unique keys, real files, no re-encoding)."""
    from flask import current_app
    from sqlalchemy import select

    from smp_academy.core.clock import now_utc
    from smp_academy.core.storage import new_key
    from smp_academy.practice.models import Photo, Submission
    from smp_academy.practice.services import PHOTO_PREFIX

    if not pairs:
        return []
    model = db.session.scalars(select(Photo).order_by(Photo.id).limit(1)).one()
    root = Path(current_app.config["STORAGE_URL"].removeprefix("file://"))
    source, thumb_source = root / model.storage_key, root / model.thumb_key
    submission_id, photo_id = next_id(db, Submission), next_id(db, Photo)
    submissions, photos, made = [], [], []
    for k, (trainee_id, exercise_id) in enumerate(pairs):
        key, thumb_key = new_key(PHOTO_PREFIX, ".jpg"), new_key(PHOTO_PREFIX, ".thumb.jpg")
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        os.link(source, root / key)
        os.link(thumb_source, root / thumb_key)
        submissions.append(
            {
                "id": submission_id,
                "exercise_id": exercise_id,
                "trainee_id": trainee_id,
                "version": 1,
                "state": "submitted",
                "note": f"Bench practice (bulk) {k}",
                "submitted_at": now_utc(),
            }
        )
        photos.append(
            {
                "id": photo_id,
                "submission_id": submission_id,
                "position": 0,
                "storage_key": key,
                "thumb_key": thumb_key,
                "content_type": model.content_type,
                "width": model.width,
                "height": model.height,
                "size": model.size,
                "sha256": model.sha256,
                "original_name": "practice.jpg",
                "analysis_status": "pending",
            }
        )
        made.append((submission_id, trainee_id, exercise_id))
        submission_id += 1
        photo_id += 1
    bulk_insert(db, Submission, submissions)
    bulk_insert(db, Photo, photos)
    fix_sequences(db, Submission, Photo)
    db.session.commit()
    return made


def seed_certificates(db, ids: dict[str, Any], target: int) -> None:
    from sqlalchemy import select

    from smp_academy.auth.models import User
    from smp_academy.certificates import services as certificates
    from smp_academy.certificates.models import Certificate, Certification

    slugs = {c.slug: c.id for c in db.session.scalars(select(Certification))}
    trainees = ids["trainees"][RESERVED_TRAINEES:]
    split = int(target * 0.75)  # hygiene for most, the practitioner certificate for the rest
    with step("certificates (certificates.services.issue)", target):
        for start in range(0, target, 250):
            chunk = range(start, min(start + 250, target))
            holders = [trainees[(k if k < split else k - split) % len(trainees)] for k in chunk]
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(holders)))}
            for k, holder_id in zip(chunk, holders, strict=True):
                slug = "hygiene-bbp" if k < split else "smp-practitioner"
                certification = db.session.get(Certification, slugs[slug])
                certificates.issue(users[holder_id], certification, cycle=1)
            checkpoint(db)
    with step("revoke 1 % (certificates.services.revoke)", target // 100):
        admin = db.session.get(User, ids["admin"])
        for cert in db.session.scalars(
            select(Certificate).order_by(Certificate.id).limit(target // 100)
        ).all():
            certificates.revoke(admin, cert, "Bench: revoked sample")
        checkpoint(db)


def main() -> None:
    args = parse_args()
    scale = args.scale
    trainees = max(RESERVED_TRAINEES + 10, round(10_000 * scale))
    cohorts = max(2, round(50 * scale))
    rng = random.Random(args.seed)
    started = time.perf_counter()
    prepare_database(args.database_url, args.reset)
    app = make_app(args.database_url)
    from flask_migrate import upgrade

    from smp_academy.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import event

            @event.listens_for(db.engine, "connect")
            def no_sync_commit(connection, record) -> None:  # this process only: a seed
                with connection.cursor() as cursor:  # needs no durability
                    cursor.execute("SET synchronous_commit TO off")

            db.engine.dispose()
        have = seeded_trainees(db)
        if have and have >= trainees and not args.reset:
            print(f"{args.database_url}: already seeded ({have:,} trainees); --reset rebuilds")
            return
        if have:
            sys.exit(f"{args.database_url} holds a partial or smaller seed: use --reset")
        files = storage_dir(args.database_url)
        if files.exists():
            shutil.rmtree(files)
        files.mkdir(parents=True)
        with step("schema (flask db upgrade) and curriculum (admin.content_sync)"):
            upgrade()
            from smp_academy.admin.content import load_content
            from smp_academy.admin.content_sync import sync_content

            sync_content(load_content(Path(app.config["CONTENT_PATH"])))
            checkpoint(db)
        ids = seed_accounts(app, db, trainees, cohorts)
        teacher_of = seed_cohorts(db, ids, cohorts)
        seed_attempts(db, ids, round(100_000 * scale), rng)
        seed_submissions(db, ids, teacher_of, round(20_000 * scale), rng)
        seed_certificates(db, ids, round(8_000 * scale))
        if db.engine.dialect.name == "postgresql":
            with step("VACUUM ANALYZE"):
                db.session.close()
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
        print_counts(db)
    total = time.perf_counter() - started
    print(f"\nseeded {args.database_url} at scale {scale} in {total:.0f} s")


def print_counts(db) -> None:
    from sqlalchemy import func, select

    print("\n| step | rows | seconds |\n|---|---:|---:|")
    for name, rows, seconds in TIMINGS:
        print(f"| {name} | {rows:,} | {seconds:.1f} |")
    print("\n| table | rows |\n|---|---:|")
    for table in (
        "users", "cohort_members", "quiz_attempts", "quiz_answers", "lesson_progress",
        "submissions", "photos", "grades", "certificates", "outbox_messages", "audit_events",
    ):  # fmt: skip
        count = db.session.scalar(select(func.count()).select_from(db.metadata.tables[table]))
        print(f"| {table} | {count:,} |")


if __name__ == "__main__":
    main()
