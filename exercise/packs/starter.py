"""`exercise new pack NAME`: a commented starter pack that validates as written."""

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
