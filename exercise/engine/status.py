"""The status words of the engine, in one place, as Literal types.

They are plain strings in the state, the events, the views and the journal (so JSON on
disk and on the wire is what it always was); the annotations let a type checker catch a
typo such as `o.replace(status="canceled")`.
"""

from __future__ import annotations

from typing import Literal

from exercise.model import PhaseId

ExerciseStatus = Literal["ready", "running", "ended"]
# draft: placed this turn, not yet submitted (cancelled for a full refund)
OrderStatus = Literal["draft", "ordered", "delivered", "cancelled"]
# What the facilitator did to an inject that had not fired (State.inject_status).
InjectStatus = Literal["held", "skipped", "cancelled", "enabled"]
# InjectControlled.action: what the facilitator (or an effect) did to an inject.
InjectAction = Literal["hold", "release", "skip", "cancel", "enable", "delay", "queue"]
# The phase of the turn under way; "" before the start.
StatePhase = Literal[""] | PhaseId

__all__ = ["ExerciseStatus", "InjectAction", "InjectStatus", "OrderStatus", "PhaseId", "StatePhase"]
