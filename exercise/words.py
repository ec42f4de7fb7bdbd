"""What a scenario calls things ([words]): its own module, so the key help and the footer of the
start screen word their keys without loading the model (the first frame stays light, issue 18).
exercise.model re-exports Words."""

from __future__ import annotations

import attrs

from exercise.documented import doc


@attrs.frozen
class Words:
    """What the scenario calls the things the defence scenario calls allies, spending, commands,
    staff and procurement: screens, the turn log and the reports say these words. The defaults
    are the defence words; a scenario outside defence writes its own in a `[words]` table (and
    its currency in [budget] unit)."""

    ally: str = doc("One of the parties a team plays (ids in [[ally]]), e.g. 'ally', 'member state'.", "ally")
    allies: str = doc("The plural of `ally`.", "allies")
    spending: str = doc("What an ally's money is, in % of its GDP, e.g. 'defence spending'.", "defence spending")
    command: str = doc("One of the structures a team may lead ([[command]]), e.g. 'command', 'cell'.", "command")
    commands: str = doc("The plural of `command`; also the name of the team console's tab.", "commands")
    staff: str = doc("The people a lead ties up ([[team]] staff), e.g. 'staff officers', 'liaison staff'.",
                     "staff officers")
    forces: str = doc("What a team assigns to a command, e.g. 'forces', 'people'.", "forces")
    procurement: str = doc(
        "Buying from the catalogue ([[item]]): the team console's tab and the log's section, e.g. 'purchases'.",
        "procurement",
    )
    capabilities: str = doc("What the team tracks measure, e.g. 'capabilities', 'services'.", "capabilities")
    verdict_by: str = doc("Who gives the verdict at the end, e.g. 'the US desk', 'the review board'.", "the US desk")

    def cap(self, key: str) -> str:
        """The word with a capital first letter ('Defence spending')."""
        w: str = getattr(self, key)
        return w[:1].upper() + w[1:]


def short(name: str) -> str:
    """A team's name without its bracket: 'Brunssum East (Poland and the Baltic states)' ->
    'Brunssum East'; a name with no bracket stays whole ('Communications and leadership')."""
    return name.split(" (")[0]


def possessive(name: str) -> str:
    """A name that owns something: "East" -> "East's"; a plural name ending in a lowercase s
    takes the apostrophe alone ("Clinical operations" -> "Clinical operations'"; "NHS's" stays)."""
    return name + ("'" if name.endswith("s") else "'s")


# What the help says before any scenario is known (the loading screen's `?`): words that fit
# every scenario, the defence one included.
NEUTRAL = Words(ally="party", allies="parties", spending="spending", command="structure", commands="structures",
                staff="staff", forces="resources", procurement="purchases", capabilities="team tracks",
                verdict_by="the judge")
