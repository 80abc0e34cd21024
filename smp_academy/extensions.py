"""Unbound extension objects, bound to the app in ``create_app``."""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar
from typing import TYPE_CHECKING

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _client_address() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:  # db.Model is made at run time; to a type checker it is the declarative base
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=_client_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """On SQLite: enforce foreign keys, and let readers work while one writer commits.

    pysqlite's own transaction handling defers BEGIN and breaks savepoints; turning it off and
    emitting BEGIN ourselves (``_sqlite_begin``) gives real transactions.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


#: True in a unit of work that will write (a POST, a command, a job). On SQLite its transaction
#: starts with BEGIN IMMEDIATE: it waits (busy_timeout) for the one writer up front, instead of
#: failing with "database is locked" when its read later turns into a write.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
