"""A readable Markdown log of one turn, for the debrief: what fired, who decided what,
what was ordered and delivered, adjudications with odds and rolls, overrides and notes.

Built from the turn's journal records and the state at the end of the turn; pure text,
so it is easy to test and to print.
"""

from __future__ import annotations

from exercise import model
from exercise.journal.records import CommandRecord
from exercise.narrate import Narrator


def _fmt(x) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def render_turn(scenario: model.Scenario, state, turn: int, records: list[CommandRecord], title: str) -> str:
    from exercise.engine import facilitator_view

    injects = {i.id: i for i in scenario.all_injects()}
    teams: dict[str | None, str] = {t.id: t.name for t in scenario.teams}  # read with ids from JSON, maybe None
    label = scenario.calendar.label(turn)
    events = [e for r in records for e in r.events]

    def inject_title(iid):
        i = injects.get(iid)
        if i is not None:
            return i.title
        adhoc = next((e for e in events if e.get("kind") == "adhoc_inject" and e.get("inject") == iid), None)
        return adhoc["title"] if adhoc else iid

    def option_label(iid, oid):
        i = injects.get(iid)
        return next((o.label for o in i.options if o.id == oid), oid) if i else oid

    lines = [f"# {title}: turn {turn} of {scenario.calendar.turns} ({label})", ""]
    fired = [e for e in events if e.get("kind") == "inject_fired"]
    lines += ["## Injects", ""]
    if fired:
        for e in fired:
            to = ", ".join(teams.get(t, t) for t in e["to"])
            how = "" if e.get("by") == "schedule" else f" (fired by {e.get('by')})"
            lines.append(f"- **{inject_title(e['inject'])}** to {to}{how}")
    else:
        lines.append("- none")
    answers = [e for e in events if e.get("kind") == "decision_answered"]
    if answers:
        lines += ["", "## Decisions", "", "| team | inject | decision |", "|---|---|---|"]
        for e in answers:
            default = " (default, unanswered)" if e.get("default") else ""
            lines.append(f"| {teams.get(e['team'], e['team'])} | {inject_title(e['inject'])} | "
                         f"{option_label(e['inject'], e['option'])}{default} |")
    narrator = Narrator(scenario)
    for e in events:
        if e.get("kind") == "adhoc_inject":
            narrator.line(e)  # teaches the narrator the ad-hoc title

    def section(title: str, kinds: tuple[str, ...]) -> None:
        said = [narrator.line(e) for e in events if e.get("kind") in kinds]
        said = [x for x in said if x]
        if said:
            lines.extend(["", f"## {title}", ""] + [f"- {x}" for x in said])

    section("Procurement", ("order_placed", "order_cancelled", "order_delivered", "slip_rolled"))
    section("Command structure", ("lead_taken", "lead_handed_back", "ally_moved", "force_assigned"))
    argued = {e["action_id"]: e for e in events if e.get("kind") == "action_argued"}
    adjudicated = [e for e in events if e.get("kind") == "action_adjudicated"]
    if argued or adjudicated:
        lines += ["", "## Adjudication", ""]
        for e in adjudicated:
            a = argued.get(e["action_id"], {})
            verdict = "succeeded" if e["success"] else "failed"
            lines.append(f"- {teams.get(a.get('team'), a.get('team', '?'))}: \"{a.get('action', e['action_id'])}\" "
                         f"at {e['likelihood']} %: roll {round(e['roll'] * 100)} -> {verdict}. "
                         f"Rationale: {e['rationale']}")
        for aid, a in argued.items():
            if not any(x["action_id"] == aid for x in adjudicated):
                lines.append(f"- {teams.get(a['team'], a['team'])} argued \"{a['action']}\" (not adjudicated this turn)")
    section("Overrides", ("overridden",))
    section("Notes and observations", ("note_added",))
    view = facilitator_view(state)
    lines += ["", "## World at the end of the turn", "", "| track | value |", "|---|---|"]
    for t in view.tracks:
        lines.append(f"| {t.name} | {_fmt(t.value)} {t.band} |".replace("  |", " |"))
    ended = next((e for e in events if e.get("kind") == "exercise_ended"), None)
    if ended:
        lines += ["", "## Outcome", "", f"**{ended['name']}**: {ended['reason']}"]
    return "\n".join(lines) + "\n"
