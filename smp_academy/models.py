"""Every model, imported in one place so Alembic and the app see the whole schema."""

from smp_academy.auth.models import User, UserSession
from smp_academy.certificates.models import Certification
from smp_academy.core.models import AuditEvent, OutboxMessage
from smp_academy.courses.models import (
    Cohort,
    CohortMember,
    Course,
    Enrolment,
    Figure,
    Lesson,
    LessonProgress,
)
from smp_academy.practice.models import Exercise
from smp_academy.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptAnswer,
    Question,
    QuestionVersion,
    Quiz,
)

__all__ = [
    "Accommodation", "Attempt", "AttemptAnswer", "AuditEvent", "Certification", "Cohort",
    "CohortMember", "Course", "Enrolment", "Exercise", "Figure", "Lesson", "LessonProgress",
    "OutboxMessage", "Question", "QuestionVersion", "Quiz", "User", "UserSession",
]  # fmt: skip
