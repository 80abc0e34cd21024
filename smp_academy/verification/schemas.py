"""The shapes of the verification API's request bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 100


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codes: list[str] = Field(min_length=1, max_length=MAX_BATCH)


BATCH_SHAPE = f'a JSON object {{"codes": [...]}} with 1 to {MAX_BATCH} codes as strings'
