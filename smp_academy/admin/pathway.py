"""Continue where you left off: the next lesson of the learner's last course, and once that
course is done the next step of their certification pathway (certificates.overview). It joins
courses and certificates, so it lives here, above both; pages ask for it through the template
helpers ``continue_step`` and ``pathway_step``, and ``/continue`` follows it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from smp_academy.auth.models import User
from smp_academy.certificates.overview import certification_overview
from smp_academy.core.roles import Role, roles_required
from smp_academy.courses import services

bp = Blueprint("pathway", __name__)


@dataclass(frozen=True)
class NextStep:
    """Where "continue where you left off" leads, and the words on its button."""

    label: str
    path: str


def continue_step(user: User, overview: list | None = None) -> NextStep | None:
    """The next lesson of the learner's last course; once that course is done, the next step
    of their certification pathway; else the finished course to review. ``overview``: the
    learner's certification overview when the page has it already."""
    point = services.resume_point(user)
    if point is not None and point.lesson is not None:
        return NextStep(
            f"Continue {point.course.title}: {point.lesson.title}",
            url_for("courses.show_lesson", slug=point.course.slug, lesson_slug=point.lesson.slug),
        )
    step = pathway_step(user, overview)
    if step is None and point is not None:
        return NextStep(
            f"Review {point.course.title}", url_for("courses.show_course", slug=point.course.slug)
        )
    return step


def pathway_step(user: User, overview: list | None = None) -> NextStep | None:
    """The first requirement not yet met of a certification the learner does not hold,
    certifications already under way first."""
    overview = certification_overview(user) if overview is None else overview
    pathways = sorted(overview, key=lambda pathway: pathway.done == 0)
    for pathway in pathways:
        step = pathway.next
        if pathway.certificate is None and step is not None:
            return NextStep(
                f"Next for {pathway.certification.title}: {step.title}",
                step.path or url_for("certificates.my_certificates"),
            )
    return None


@bp.get("/continue")
@roles_required(Role.TRAINEE)
def continue_learning():
    """A link that stays right as the learner moves on."""
    step = continue_step(current_user)
    return redirect(step.path if step else url_for("courses.catalogue"))


@bp.app_context_processor
def pathway_helpers():
    return {"continue_step": continue_step, "pathway_step": pathway_step}
