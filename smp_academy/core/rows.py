"""Get-or-create settled by the database: the unique constraint, not a check in Python,
decides between a double click, two tabs or two workers."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Executable, select
from sqlalchemy.exc import IntegrityError

from smp_academy.core.errors import Conflict
from smp_academy.extensions import db

M = TypeVar("M")


def get_or_create(model: type[M], **keys: Any) -> M:
    """The row with these (uniquely constrained) keys, inserted in a savepoint if missing."""
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = model(**keys)
            db.session.add(row)
        return row
    except IntegrityError:
        row = db.session.scalar(select(model).filter_by(**keys))
    if row is None:
        raise Conflict("This could not be saved because of a concurrent change; try again.")
    return row


def lock(row: Any) -> None:
    """Lock ``row`` until the end of the transaction (FOR UPDATE; on SQLite the writer's lock
    is held already) and read it afresh, so a check on it holds until the commit."""
    model = type(row)
    db.session.execute(select(model.id).where(model.id == row.id).with_for_update())
    db.session.refresh(row)


def execute_changes(statement: Executable) -> int:
    """Run an UPDATE or DELETE; the number of rows it changed (a conditional UPDATE that
    changed none lost a race, or found its row in another state)."""
    result = db.session.execute(statement)
    return cast("CursorResult[Any]", result).rowcount
