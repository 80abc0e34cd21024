"""Signals that let a lower domain announce something a higher one reacts to, in the same
transaction, without importing it (quizzes and grading announce; certificates listen)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sent with ``user_id`` when a quiz is passed or an exercise is graded "passed"
requirement_met = _signals.signal("requirement-met")
