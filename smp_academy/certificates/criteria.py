"""What a certification asks, in words anyone can read: the public criteria page, and the
criteria and alignments of the achievement in its Open Badges credentials (which link to that
page, so it must exist for as long as a credential does — retired certifications included).
"""

from __future__ import annotations

from sqlalchemy import select

from smp_academy.certificates.content import requirement_list
from smp_academy.certificates.models import Certification
from smp_academy.certificates.openbadges.credential import Alignment
from smp_academy.certificates.requirements import (
    Achievements,
    Result,
    check,
    requirement_names,
)
from smp_academy.clinical.record import PracticalRecord
from smp_academy.core.errors import NotFound
from smp_academy.extensions import db

#: nothing done yet: checking against it gives every requirement's title and required count
NOTHING_YET = Achievements(
    content={"course": {}, "quiz": {}, "exercise": {}},
    practical=PracticalRecord((), (), (), (), (), ()),
)
#: how a requirement on a piece of content reads; counts read "<title>: at least <n>"
CONTENT_PHRASES = {
    "course": "Complete every lesson of {}",
    "quiz": "Pass the quiz {}",
    "exercise": "Pass the practice exercise {}",
}


def certification_by_slug(slug: str) -> Certification:
    certification = db.session.scalar(select(Certification).where(Certification.slug == slug))
    if certification is None:
        raise NotFound("No certification has this name.")
    return certification


def criteria_of(certification: Certification) -> list[Result]:
    """The certification's requirements in order, each with its title and required count."""
    return check(certification.requires, NOTHING_YET, requirement_names())


def criterion_text(result: Result) -> str:
    """``Pass the quiz Hygiene quiz`` or ``Supervised client cases: at least 10``."""
    if result.kind in CONTENT_PHRASES:
        return CONTENT_PHRASES[result.kind].format(result.title)
    return f"{result.title}: at least {result.required:g}"


def criteria_narrative(results: list[Result]) -> str:
    """The achievement's ``criteria.narrative`` (Markdown, as Open Badges 3.0 allows)."""
    lines = [f"- {criterion_text(result)}" for result in results]
    return "\n".join(["To earn this certification:", "", *lines])


def criteria_url(base_url: str, certification: Certification) -> str:
    return f"{base_url}/certifications/{certification.slug}"


def alignments(
    base_url: str, certification: Certification, results: list[Result]
) -> tuple[Alignment, ...]:
    """One alignment per requirement: a course links to its public page, anything else to the
    criteria page; content carries its slug as the target code."""
    requirements = requirement_list(certification.requires)
    return tuple(
        Alignment(
            title=result.title,
            url=f"{base_url}{result.path}" if result.kind == "course" else None,
            code=requirement.get("slug"),
        )
        for requirement, result in zip(requirements, results, strict=True)
    )
