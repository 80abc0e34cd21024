"""Reusable comments: an instructor's own snippets of feedback, inserted with one click on the
grading page, and edited or deleted on their own page."""

from __future__ import annotations

from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.core.errors import NotFound, ValidationFailed
from smp_academy.extensions import db
from smp_academy.grading.models import ReusableComment


def comments_of(user: User) -> list[ReusableComment]:
    return list(
        db.session.scalars(
            select(ReusableComment)
            .where(ReusableComment.instructor_id == user.id)
            .order_by(ReusableComment.text)
        )
    )


def _comment_text(text: str) -> str:
    text = text.strip()
    if not 1 <= len(text) <= 500:
        raise ValidationFailed("A reusable comment has 1 to 500 characters.", field="text")
    return text


def save_comment(user: User, text: str) -> ReusableComment:
    comment = ReusableComment(instructor_id=user.id, text=_comment_text(text))
    db.session.add(comment)
    return comment


def own_comment(user: User, comment_id: int) -> ReusableComment:
    """One of the user's reusable comments; another's is not found."""
    comment = db.session.get(ReusableComment, comment_id)
    if comment is None or comment.instructor_id != user.id:
        raise NotFound("No such comment.")
    return comment


def edit_comment(user: User, comment: ReusableComment, text: str) -> None:
    if comment.instructor_id != user.id:
        raise NotFound("No such comment.")
    comment.text = _comment_text(text)


def delete_comment(user: User, comment: ReusableComment) -> None:
    if comment.instructor_id != user.id:
        raise NotFound("No such comment.")
    db.session.delete(comment)
