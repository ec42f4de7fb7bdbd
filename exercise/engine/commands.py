"""Commands: what a team or the facilitator asks the engine to do.

Every command carries an `actor`: "facilitator" or a team id. A team command names its
`team` too, and is rejected when the two differ. Commands are attrs classes of plain
fields (str, int, float, bool, tuples and dicts of those) with a stable `kind`, so the
network layer can send them as JSON (`to_dict` / `from_dict` in `events`).

`decide` answers a command it will not carry out with `Rejected(reason)`, worded so the
person can act on it; a rejected command changes nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar, dataclass_transform

import attrs

FACILITATOR = "facilitator"

# -- limits: what one command may hold (docs/protocol.md, "Limits") ------------------------
# All in one place; `check_limits` applies them to every command before its rule runs, so
# one team cannot grow the state (and every view built from it) without bound.
MAX_NAME = 200  # characters in an id or a title (inject, item, order, ally, tag, title...)
MAX_TEXT = 4_000  # characters in free text (an argued action, a note, a rationale...)
MAX_ENTRIES = 50  # entries in a list or dict field (to, tags, effects, options, shares)
MAX_OPEN_ACTIONS = 20  # argued actions of one team waiting for the facilitator
MAX_VIEW_CANCELLED = 20  # cancelled orders a team's view lists (the newest; the rest are counted)
MAX_ORDERS_PER_TURN = 200  # orders one team may place in one turn (withdrawn ones count)


class Rejected(Exception):
    """A command the rules refuse; `reason` says why and what would work."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass_transform(frozen_default=True)  # so a type checker knows each command's fields
def _cmd(kind: str):
    def wrap(cls):
        cls = attrs.frozen(cls)
        cls.kind = kind
        COMMANDS[kind] = cls
        return cls

    return wrap


COMMANDS: dict[str, type] = {}


# -- facilitator ------------------------------------------------------------------------
@_cmd("start")
class Start:
    """Start the exercise: turn 1, briefing."""

    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("advance")
class Advance:
    """Go to the next phase (after the summary: the next turn, or the end).

    Leaving deliberation needs every team to have submitted, or force=True.
    """

    actor: str = FACILITATOR
    force: bool = False
    kind: ClassVar[str]


@_cmd("fire_inject")
class FireInject:
    """Fire a scenario inject now, whatever its schedule (reserve ones included)."""

    inject: str
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("fire_adhoc")
class FireAdHoc:
    """Fire an inject typed on the spot. effects/options are TOML-like dicts."""

    title: str
    text: str = ""
    to: tuple[str, ...] = ("all",)
    effects: tuple[dict[str, Any], ...] = ()
    options: tuple[dict[str, Any], ...] = ()
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("hold_inject")
class HoldInject:
    """Keep an inject from firing until released."""

    inject: str
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("release_inject")
class ReleaseInject:
    """Let a held inject follow its schedule again (queued for the next injects phase if
    its turn has passed while it was held)."""

    inject: str
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("skip_inject")
class SkipInject:
    """Drop an inject from this exercise."""

    inject: str
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("unskip_inject")
class UnskipInject:
    """Bring a skipped inject back to its schedule (queued for the next injects phase if
    its turn has passed meanwhile)."""

    inject: str
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("delay_inject")
class DelayInject:
    """Push an inject's schedule back by `turns` turns."""

    inject: str
    turns: int = 1
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("override")
class Override:
    """Set a value by hand, with the reason recorded.

    target: "track" (world track), "team_track" (track + team), "money" (team: the money
    available for orders), "spending" (ally, % GDP).
    """

    target: str
    value: float
    rationale: str
    track: str | None = None
    team: str | None = None
    ally: str | None = None
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("note")
class AddNote:
    """An observation for the debrief, optionally about an inject and rating an objective."""

    text: str
    tags: tuple[str, ...] = ()
    inject: str | None = None
    objective: str | None = None
    rating: str | None = None
    actor: str = FACILITATOR
    team: str | None = None  # the team observed or rated; None: all teams
    author: str = ""  # who rated, as they sign; "": the facilitator
    kind: ClassVar[str]


@_cmd("adjudicate")
class Adjudicate:
    """Set the likelihood of an argued action; the engine rolls and applies the effects."""

    action: str
    likelihood: int
    rationale: str
    effects: tuple[dict[str, Any], ...] = ()
    failure_effects: tuple[dict[str, Any], ...] = ()
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("reopen")
class Reopen:
    """Let a team that has submitted act again this turn (deliberation only): the orders
    its submission made binding go back to its basket as drafts."""

    team: str
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("pause")
class Pause:
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("resume")
class Resume:
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("end")
class End:
    """End the exercise now; the outcome is judged on the state as it is."""

    reason: str = ""
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("judge")
class Judge:
    """Confirm the outcome the scorecard proposed (outcome None or the same) or override it
    with another outcome; an override needs a rationale. Only after a proposal."""

    outcome: str | None = None
    rationale: str = ""
    actor: str = FACILITATOR
    kind: ClassVar[str]


# -- teams (during deliberation) ---------------------------------------------------------
@_cmd("allocate")
class Allocate:
    """Split the team's budget: {category id: share 0-1}, every category, summing to 1."""

    actor: str
    team: str
    shares: dict[str, float]
    kind: ClassVar[str]


@_cmd("set_spending")
class SetSpending:
    """Change one of the team's allies' defence spending (% GDP), in steps of 0.1."""

    actor: str
    team: str
    ally: str
    spending: float
    kind: ClassVar[str]


@_cmd("order")
class PlaceOrder:
    actor: str
    team: str
    item: str
    quantity: int = 1
    kind: ClassVar[str]


@_cmd("buy_expansion")
class BuyExpansion:
    actor: str
    team: str
    expansion: str
    kind: ClassVar[str]


@_cmd("cancel_order")
class CancelOrder:
    actor: str
    team: str
    order: str
    kind: ClassVar[str]


@_cmd("expedite_order")
class ExpediteOrder:
    """Pay the item's expedite_cost (a share of the order's cost) for a lower slip chance."""

    actor: str
    team: str
    order: str
    kind: ClassVar[str]


@_cmd("assign")
class Assign:
    """Assign `amount` points of a capability (a team track) to a command (0 withdraws)."""

    actor: str
    team: str
    command: str
    capability: str
    amount: float
    kind: ClassVar[str]


@_cmd("take_lead")
class TakeLead:
    actor: str
    team: str
    command: str
    ally: str
    kind: ClassVar[str]


@_cmd("decide_lead")
class DecideLead:
    """Approve or refuse a lead request: the facilitator (SACEUR / the NAC) or, where the
    command's approval is 'members', a member team (actor and team both that team)."""

    request: str
    approve: bool
    reason: str = ""
    actor: str = FACILITATOR
    team: str | None = None
    kind: ClassVar[str]


@_cmd("hand_back")
class HandBack:
    actor: str
    team: str
    command: str
    kind: ClassVar[str]


@_cmd("answer")
class Answer:
    actor: str
    team: str
    inject: str
    option: str
    kind: ClassVar[str]


@_cmd("argue")
class Argue:
    """A free action for the facilitator to adjudicate: what, the intended result, why.
    `open`: the other teams and the red cell see it and may counter-argue it (CounterArgue)
    until it is adjudicated; secret (the default): only the team and the facilitator see it."""

    actor: str
    team: str
    action: str
    result: str = ""
    reasons: str = ""
    open: bool = False
    kind: ClassVar[str]
    omit_default: ClassVar[frozenset[str]] = frozenset({"open"})  # journals without it stay byte for byte


@_cmd("counter_argue")
class CounterArgue:
    """A counter-argument to another team's OPEN argued action: why it should not work (or
    work less well), for the adjudicator to weigh. From a team other than the arguer (actor
    and team both that team), or from the red cell (actor the adversary's id, or the
    facilitator playing it; team None). During the deliberation of the turn it was argued,
    before it is adjudicated; one counter-argument per party and action."""

    actor: str
    action: str
    reasons: str
    team: str | None = None
    kind: ClassVar[str]


@_cmd("submit")
class Submit:
    """The team is done for this turn; its orders become binding."""

    actor: str
    team: str
    kind: ClassVar[str]


# -- after the end ----------------------------------------------------------------------------
@_cmd("give_feedback")
class GiveFeedback:
    """A participant's feedback form (HSEEP's Participant Feedback Form), from a team's seat
    once the exercise has ended; one per participant, so a team may send several.
    `ratings`: {question id (engine/feedback.py QUESTIONS): 1-5}; `participant`: optional
    (the after-action report leaves names out unless asked)."""

    actor: str
    team: str
    strengths: tuple[str, ...] = ()
    improvements: tuple[str, ...] = ()
    missed: str = ""
    ratings: dict[str, int] = attrs.field(factory=dict)
    participant: str = ""
    kind: ClassVar[str]


# -- the adversary (red cell), played by the facilitator (or its own seat, later) -------------
@_cmd("red_act")
class RedAct:
    """Plan one of the adversary's actions for this turn (deliberation only), paying its cost
    now; it resolves when the turn is adjudicated. `target`: a team id for a 'team' action,
    a command id for a 'command' action, none for a 'world' action."""

    action: str
    target: str | None = None
    actor: str = FACILITATOR
    kind: ClassVar[str]


@_cmd("red_withdraw")
class RedWithdraw:
    """Call off an adversary action planned this turn: its cost is refunded."""

    id: str
    actor: str = FACILITATOR
    kind: ClassVar[str]


# -- checking the limits -------------------------------------------------------------------
TEXT_FIELDS = {  # free text; every other string field is a name or an id (MAX_NAME)
    ("argue", "action"): "the action", ("argue", "result"): "the intended result",
    ("argue", "reasons"): "the reasons", ("note", "text"): "the note",
    ("fire_adhoc", "text"): "the inject's text", ("override", "rationale"): "the rationale",
    ("adjudicate", "rationale"): "the rationale", ("end", "reason"): "the reason",
    ("decide_lead", "reason"): "the reason", ("counter_argue", "reasons"): "the counter-argument",
    ("give_feedback", "missed"): "what the evaluators might have missed",
}


def _limits_of(cls) -> tuple[tuple[str, str, int], ...]:
    """(field, kind of check, limit) for each field of a command class that can be long."""
    out = []
    for a in attrs.fields(cls):
        tp = str(a.type)
        if tp.startswith("str"):
            out.append((a.name, "str", MAX_TEXT if (cls.kind, a.name) in TEXT_FIELDS else MAX_NAME))
        elif tp.startswith(("tuple", "dict")):
            out.append((a.name, "many", MAX_ENTRIES))
    return tuple(out)


TEXT_LIMITS = {(kind, name): n for kind, cls in COMMANDS.items()
               for name, what, n in _limits_of(cls) if what == "str"}
_CHECKS = {cls: _limits_of(cls) for cls in COMMANDS.values()}


def _too_long(label: str, n: int, limit: int) -> Rejected:
    return Rejected(f"{label} is too long: {n:,} characters, at most {limit:,}; shorten it")


def _nested(value, field: str, depth: int = 0) -> None:
    """Strings and lists inside effects and options (plain JSON) are bounded too."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _too_long(f"a text in {field}", len(value), MAX_TEXT)
    elif isinstance(value, (list, tuple, dict)):
        if len(value) > MAX_ENTRIES:
            raise Rejected(f"{field} has {len(value):,} entries, at most {MAX_ENTRIES}")
        if depth > 8:
            raise Rejected(f"{field} is nested too deep")
        if isinstance(value, dict):
            for k, v in value.items():
                _nested(k, field, depth + 1)
                _nested(v, field, depth + 1)
        else:
            for v in value:
                _nested(v, field, depth + 1)


def check_limits(command) -> None:
    """Raise Rejected if a field of `command` is longer than its documented limit."""
    for name, what, limit in _CHECKS.get(type(command), ()):
        value = getattr(command, name)
        if what == "str":
            if isinstance(value, str) and len(value) > limit:
                raise _too_long(TEXT_FIELDS.get((command.kind, name), name), len(value), limit)
        elif value:
            _nested(value, name)
