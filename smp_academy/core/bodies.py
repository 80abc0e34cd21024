"""JSON request bodies checked against a declared shape (pydantic), with one plain sentence
for the caller when they do not fit."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from smp_academy.core.errors import ValidationFailed

Body = TypeVar("Body", bound=BaseModel)


def parse_body(model: type[Body], data: Any, expected: str) -> Body:
    """``data`` as ``model``; ValidationFailed naming the first problem and the expected shape."""
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the body"
        raise ValidationFailed(f"{where}: {first['msg'].lower()}; send {expected}") from None
