"""Effects typed by the facilitator (ad-hoc injects, adjudications) as TOML-like dicts.

They are structured with the pack converter and checked with the pack validator's own
effect rules, so an effect typed live obeys exactly what a pack file would.
"""

from __future__ import annotations

import math
from exercise import model
from exercise.engine.commands import Rejected
from exercise.packs import convert


def structure_effects(dicts) -> tuple[model.Effect, ...]:
    """Effects from dicts already checked (by `parse_effects`)."""
    return tuple(convert.converter().structure(dict(d), model.Effect) for d in dicts)


def structure_options(dicts) -> tuple[model.Option, ...]:
    return tuple(convert.converter().structure(dict(d), model.Option) for d in dicts)


def _structure(d, cls, label: str):
    if not isinstance(d, dict):
        raise Rejected(f"{label}: expected a table of keys, found {type(d).__name__}")
    obj, errs = convert.structure(dict(d), cls)
    if obj is None:
        msgs = "; ".join(f"{'.'.join(map(str, path)) or 'it'}: {msg}{hint}" for path, msg, hint in errs)
        raise Rejected(f"{label}: {msgs}")
    return obj


def check_effects(effects, scenario: model.Scenario, label: str = "effect") -> None:
    """Rejected listing every problem of the effects (unknown ids, missing add/set, ...)."""
    from exercise.packs.validate import effect_problems  # the pack rules for effects, not a copy

    if not effects:
        return
    for k, e in enumerate(effects, 1):
        if any(v is not None and not math.isfinite(v) for v in (e.add, e.set)):
            raise Rejected(f"{label} {k}: add and set must be ordinary numbers")
    errors = effect_problems(scenario, effects, label)
    if errors:
        raise Rejected("; ".join(errors))


def parse_effects(dicts, scenario: model.Scenario, label: str = "effect") -> tuple[model.Effect, ...]:
    """Structure and check effect dicts; Rejected lists every problem found."""
    effects = tuple(_structure(d, model.Effect, f"{label} {k}") for k, d in enumerate(dicts, 1))
    check_effects(effects, scenario, label)
    return effects


def parse_options(dicts, scenario: model.Scenario) -> tuple[model.Option, ...]:
    options = tuple(_structure(d, model.Option, f"option {k}") for k, d in enumerate(dicts, 1))
    ids = [o.id for o in options]
    if len(set(ids)) != len(ids):
        raise Rejected("option ids must differ")
    if sum(o.default for o in options) > 1:
        raise Rejected("at most one option can be the default")
    for o in options:
        check_effects(o.effects, scenario, f"effect of option {o.id!r}")
    return options
