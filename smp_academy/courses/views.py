"""The home page and dashboard, the catalogue, course pages, the lesson reader and search."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, user_logged_in

from smp_academy.core.boundary import writes
from smp_academy.core.roles import Role, roles_required
from smp_academy.courses import access, intake, services
from smp_academy.courses.forms import ProgressForm

bp = Blueprint("courses", __name__)

#: the home pages of roles whose daily work is not the courses (registered by admin.views)
ROLE_HOMES: dict[Role, Callable[[], ResponseReturnValue]] = {}


@bp.record_once
def _place_trainees_on_sign_in(state: BlueprintSetupState) -> None:
    """A trainee whom no instructor teaches joins the open intake cohort when signing in."""
    user_logged_in.connect(intake.place_on_sign_in, sender=state.app)


# Figures are SVG: served as images, they must not run anything even if opened directly.
FIGURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.get("/")
def index():
    role_home = ROLE_HOMES.get(current_user.role) if current_user.is_authenticated else None
    if role_home is not None:
        return role_home()
    courses = services.published_courses()
    user = current_user if current_user.is_authenticated else None
    return render_template(
        "courses/index.html", courses=courses, progress=services.progress_by_course(user)
    )


@bp.get("/courses")
def catalogue():
    courses = services.published_courses()
    user = current_user if current_user.is_authenticated else None
    return render_template(
        "courses/catalogue.html", courses=courses, progress=services.progress_by_course(user)
    )


@bp.get("/courses/<slug>")
def show_course(slug: str):
    course = services.get_course(slug)
    lessons = services.course_lessons(course)
    context = {
        "course": course,
        "lessons": lessons,
        "done": set(),
        "resume": None,
        "missing": [],
        "lock": None,
        "lesson_locks": {},
        "form": ProgressForm(),
    }
    if current_user.is_authenticated:
        courses = services.published_courses()
        progress = services.progress_by_course(current_user)
        done = services.completed_lesson_ids(current_user, course)
        context.update(
            done=done,
            progress=progress.get(course.id),
            missing=services.missing_prerequisites(course, {c.slug: c for c in courses}, progress),
            resume=services.resume_lesson(current_user, course, lessons, done),
            lock=access.course_lock(current_user, course),
            lesson_locks=access.lesson_locks(current_user, course, lessons),
        )
    return render_template("courses/course.html", **context)


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
@writes
def show_lesson(slug: str, lesson_slug: str):
    course = services.get_course(slug)
    lessons = services.course_lessons(course)
    lesson = next((item for item in lessons if item.slug == lesson_slug), None)
    if lesson is None:
        abort(404)
    position = lessons.index(lesson)
    lock = access.lesson_lock(current_user, course, lesson, access.start_date(current_user, course))
    if lock is not None:
        return render_template(
            "courses/lesson_locked.html", course=course, lesson=lesson, lock=lock
        )
    if current_user.role == Role.TRAINEE:
        services.record_visit(current_user, course, lesson)
    done = services.completed_lesson_ids(current_user, course)
    return render_template(
        "courses/lesson.html",
        course=course,
        lesson=lesson,
        lessons=lessons,
        done=done,
        previous=lessons[position - 1] if position else None,
        next=lessons[position + 1] if position + 1 < len(lessons) else None,
        form=ProgressForm(),
    )


@bp.post("/courses/<slug>/lessons/<lesson_slug>/progress")
@roles_required(Role.TRAINEE)
def update_progress(slug: str, lesson_slug: str):
    course = services.get_course(slug)
    lesson = services.get_lesson(course, lesson_slug)
    form = ProgressForm()
    if not form.validate_on_submit():
        abort(400)
    access.ensure_lesson_open(current_user, course, lesson)
    if form.complete.data == "0":
        services.mark_incomplete(current_user, lesson)
    else:
        services.mark_complete(current_user, lesson)
    target = request.form.get("then")
    if target == "next":
        lessons = services.course_lessons(course)
        position = [item.id for item in lessons].index(lesson.id)
        if position + 1 < len(lessons):
            return redirect(
                url_for(".show_lesson", slug=slug, lesson_slug=lessons[position + 1].slug)
            )
        return redirect(url_for(".show_course", slug=slug))
    return redirect(url_for(".show_lesson", slug=slug, lesson_slug=lesson_slug))


@bp.get("/courses/<slug>/figures/<name>")
def show_figure(slug: str, name: str):
    figure = services.get_figure(slug, name)
    response = Response(figure.data, mimetype=figure.content_type)
    response.set_etag(figure.sha256)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["Content-Security-Policy"] = FIGURE_CSP
    return response.make_conditional(request)


@bp.get("/search")
def search():
    query = request.args.get("q", "")
    return render_template("courses/search.html", q=query, results=services.search_lessons(query))
