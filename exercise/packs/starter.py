"""`exercise new pack NAME` and `exercise new scenario NAME`: commented starter files that
validate as written (a scenario may also start as a copy of another, `--like ID`)."""

from __future__ import annotations

import re
from pathlib import Path

from exercise.fsutil import atomic_write

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

TEMPLATE = '''#:schema ../docs/schema/pack.schema.json
# Inject pack "{id}". Every key is explained in docs/authoring.md.
# Check it with:  exercise validate injects/{id}.toml
# Use it by adding "{id}" to the packs list of a scenario's [scenario] table.

[pack]
id = "{id}"              # must match the file name
title = "{title}"
description = "What this pack exercises, in one or two sentences."
author = ""

# An inject is one event the white cell sends to the teams (an MSEL row).
[[inject]]
id = "{id}-opening"
title = "A first report arrives"
from = "National crisis centre"   # the persona it comes from
to = ["all"]                      # team ids, ["all"], or ["facilitator"]
channel = "intel brief"
synopsis = "One line the facilitator sees in the list."
text = """
The full text the players read. Describe what happened, who reports it and
what is still unknown.
"""
turn = 1                          # or: window = [2, 4] with chance = 0.5
severity = "medium"               # low, medium, high, critical
tags = ["starter"]
expected = ["Teams share what they know", "Teams agree a public line"]
notes = "Facilitator-only notes: what to watch for."
effects = [{{ track = "european_cohesion", add = -0.5 }}]

# Each team it targets answers with one option; the default is taken if it does not.
[[inject.option]]
id = "coordinate"
label = "Coordinate a joint response"
effects = [{{ track = "european_cohesion", add = 1 }}]

[[inject.option]]
id = "wait"
label = "Wait for more information"
default = true
effects = []                      # choosing it changes nothing

# A follow-up that fires one turn after the opening, only if cohesion is low.
[[inject]]
id = "{id}-follow-up"
title = "The story spreads"
requires = ["{id}-opening"]
after = 1
condition = "track.european_cohesion < 6"
to = ["all"]
text = "Media across Europe pick up the story."
effects = [{{ track = "european_cohesion", add = -0.5 }}]

# A reserve inject: kept off the schedule, fired by the facilitator at will.
[[inject]]
id = "{id}-reserve"
title = "A rumour to play if the room is too calm"
reserve = true
to = ["all"]
text = "Unverified reports suggest the incident was staged."
'''


def write_starter(name: str, folder: Path, force: bool = False) -> Path:
    if not _ID.match(name):
        raise ValueError(f"pack name {name!r}: use lowercase letters, digits and dashes, e.g. 'baltic-cables'")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; choose another name or pass --force")
    title = name.replace("-", " ").capitalize()
    atomic_write(path, TEMPLATE.format(id=name, title=title))
    return path


# -- `exercise new scenario NAME [--like ID | --blank]` -----------------------------------
SCENARIO_TEMPLATE = '''#:schema ../docs/schema/scenario.schema.json
# Scenario "{id}". Every key is explained in docs/authoring.md ("A scenario outside defence"
# walks through this file). Check it with:  exercise validate scenarios/{id}.toml
# Try it with bots:  exercise simulate {id}     Play it:  exercise run {id}

[scenario]
id = "{id}"              # must match the file name
title = "{title}"
seed = 1
packs = []               # ids of inject packs in injects/ (exercise new pack NAME writes one)
facilitator_plays = ["Everyone outside the room"]
briefing = """
What happened, where, and what the teams are asked to do. Read to everyone at the start.
"""

# How long a turn is: unit = "quarter", "month", "week", "day" or "hour"; every = units per turn.
# These labels read "Day 1 08:00", "Day 1 12:00", ...
[calendar]
unit = "hour"
every = 4
start_hour = 8
turns = 6

# The scenario's own words for what the defence scenario calls allies, commands, staff...
# Screens, the turn log and the reports use them. Leave a word out to keep the default.
[words]
ally = "partner"
allies = "partners"
spending = "funding"
command = "cell"
commands = "cells"
staff = "coordinators"
forces = "people"
procurement = "purchases"
capabilities = "services"
verdict_by = "the facilitator"

# Money: each team receives its `funds` every turn (see [[team]]), in this unit.
[budget]
unit = "k EUR"

[[budget.category]]
id = "operations"
name = "Operations"
description = "Keeps the team's services running; under its floor they decay."
min_share = 0.1
default_share = 0.6

[[budget.category]]
id = "purchases"
name = "Purchases"
description = "Pays for what the team buys from the catalogue ([[item]])."
procurement = true
default_share = 0.4

[[team]]
id = "operations"
name = "Operations"
funds = 100                 # money per turn, in the budget unit
briefing = "Private briefing for this team."

[[team]]
id = "leadership"
name = "Leadership and communications"
funds = 60

[[track]]
id = "service"
name = "Service level"
initial = 6
description = "How well the organisation serves the people who depend on it (0-10)."

[[track.threshold]]
at = 0
label = "Failing"

[[track.threshold]]
at = 5
label = "Holding"

[[track]]
id = "readiness"
name = "Readiness"
scope = "team"
initial = 5
decay = 0.5
funded_by = "operations"
funding_floor = 0.3
description = "How ready the team is; decays when Operations gets under 30 % of its budget."

[[item]]
id = "surge-support"
name = "Surge support (one turn)"
cost = 40
lead_time = 1
origin = "Contractor"
effects = [{{ track = "readiness", team = "self", add = 1 }}]
description = "Extra hands for a turn."

[[inject]]
id = "{id}-first-report"
title = "A first report arrives"
from = "Duty officer"
to = ["all"]
channel = "phone call"
turn = 1
text = "What happened, who reports it, and what is still unknown."

[[inject.option]]
id = "act"
label = "Act at once"
effects = [{{ track = "service", add = 1 }}]

[[inject.option]]
id = "wait"
label = "Wait for more information"
default = true
effects = [{{ track = "service", add = -1 }}]

[[outcome]]
id = "held"
name = "Service held"
condition = "track.service >= 5"
text = "The organisation kept serving the people who depend on it."

[[outcome]]
id = "failed"
name = "Service failed"
text = "The organisation could not keep its services going."
'''

_SCENARIO_ID = re.compile(r'(?m)^(\[scenario\][^\[]*?^id\s*=\s*)"[^"]*"')
_SCENARIO_TITLE = re.compile(r'(?m)^(\[scenario\][^\[]*?^title\s*=\s*)"([^"]*)"')


def scenario_text(name: str, like: Path | None = None) -> str:
    """The text of a new scenario NAME: a copy of the scenario file `like` with its id and
    title changed, or (None) the commented blank scenario outside defence."""
    if not _ID.match(name):
        raise ValueError(f"scenario name {name!r}: use lowercase letters, digits and dashes, e.g. 'flood-response'")
    title = name.replace("-", " ").capitalize()
    if like is None:
        return SCENARIO_TEMPLATE.format(id=name, title=title)
    text = like.read_text("utf-8")
    new, n = _SCENARIO_ID.subn(lambda m: f'{m.group(1)}"{name}"', text, count=1)
    if not n:
        raise ValueError(f"{like}: no id in its [scenario] table to change; is it a scenario file?")
    return _SCENARIO_TITLE.sub(lambda m: f'{m.group(1)}"{title} (from {m.group(2)})"', new, count=1)


def write_scenario(name: str, folder: Path, like: Path | None = None, force: bool = False) -> Path:
    text = scenario_text(name, like)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; choose another name or pass --force")
    atomic_write(path, text)
    return path
