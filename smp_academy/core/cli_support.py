"""Shared behaviour of CLI commands: one commit at the end, exit 2 with one line on bad input."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from smp_academy.core import jobs
from smp_academy.core.errors import DomainError
from smp_academy.extensions import write_intent


class BadInput(click.ClickException):
    """Bad input: exit status 2, one human line on stderr, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def unit_of_work(command: Callable) -> Callable:
    """Run a command as one transaction; a domain error becomes exit 2 and nothing is written."""

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = write_intent.set(True)
        try:
            result = command(*args, **kwargs)
            jobs.commit()
        except DomainError as error:
            jobs.rollback()
            raise BadInput(error.message) from None
        except BaseException:
            jobs.rollback()
            raise
        finally:
            write_intent.reset(token)
        return result

    return wrapped
