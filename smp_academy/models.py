"""Every model, imported in one place so Alembic and the app see the whole schema."""

from smp_academy.auth.models import User, UserSession
from smp_academy.certificates.models import (
    Certificate,
    Certification,
    ClinicToken,
    RosterEntry,
    VerificationLookup,
)
from smp_academy.core.models import AuditEvent, Notification, OutboxMessage
from smp_academy.courses.models import (
    Cohort,
    CohortMember,
    Course,
    Enrolment,
    Figure,
    Lesson,
    LessonProgress,
)
from smp_academy.grading.models import Grade, Pin, ReusableComment
from smp_academy.practice.models import Exercise, Photo, Submission
from smp_academy.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptAnswer,
    Question,
    QuestionVersion,
    Quiz,
)

__all__ = [
    "Accommodation", "Attempt", "AttemptAnswer", "AuditEvent", "Certificate", "Certification",
    "ClinicToken", "Cohort", "CohortMember", "Course", "Enrolment", "Exercise", "Figure", "Grade",
    "Lesson", "LessonProgress", "Notification", "OutboxMessage", "Photo", "Pin", "Question",
    "QuestionVersion", "Quiz", "ReusableComment", "RosterEntry", "Submission", "User",
    "UserSession", "VerificationLookup",
]  # fmt: skip
