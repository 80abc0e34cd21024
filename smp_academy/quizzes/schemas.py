"""The shape of the quiz autosave's JSON body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AutosaveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: int = Field(ge=0)
    answer: Any = None


AUTOSAVE_SHAPE = 'a JSON object {"slot": <whole number>, "answer": ...}'
