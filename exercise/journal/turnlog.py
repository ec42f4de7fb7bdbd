"""A readable Markdown log of one turn, for the debrief: what fired, who decided what,
what was ordered and delivered, adjudications with odds and rolls, the facilitator's
actions, budget splits and spending, each team's ledger (every change of its money and
capabilities, and why) and its capabilities at the start and end of the turn.

Built from the turn's journal records and the state at the end of the turn; pure text,
so it is easy to test and to print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from exercise import model
from exercise.controls import visible
from exercise.engine.commands import FACILITATOR
from exercise.engine.decision import number, roll_words
from exercise.engine.ledger import Change, for_team, signed, totals, units, value
from exercise.engine.red import act_words
from exercise.engine.view_types import LedgerEntry, LedgerTurn
from exercise.journal.records import CommandRecord
from exercise.narrate import OVER_VOTE, Narrator
from exercise.words import possessive


def _fmt(x) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def cell(s: object) -> str:
    """Text in a Markdown table cell: one line, no column break."""
    return " ".join(str(s).split()).replace("|", "\\|")


def ledger_table(entries: Sequence[LedgerEntry], esc: Callable[[object], str] = cell) -> list[str]:
    """A team's entries as a Markdown table (phase, what, before, after, change, why)."""
    lines = ["| phase | what | before | after | change | why |", "|---|---|---|---|---|---|"]
    for e in entries:
        lines.append(f"| {esc(e.phase)} | {esc(e.what)} | {value(e.before, e.places)} | {value(e.after, e.places)} | "
                     f"{esc(signed(e.delta, e.unit, e.places))} | {esc(e.cause)} |")
    return lines


def ledger_markdown(turns: Sequence[LedgerTurn], esc: Callable[[object], str] = cell, level: str = "###") -> list[str]:
    """A ledger by turn: each turn's net change, then its entries."""
    lines: list[str] = []
    for t in turns:
        label = f" ({esc(t.label)})" if t.label else ""
        lines += ["", f"{level} Turn {t.turn}{label}", ""]
        if t.totals:
            lines.append("Net change: " + "; ".join(
                esc(f"{x.what} {value(x.before, x.places)} → {number(x.after, x.places)} {x.unit} "
                    f"({signed(x.delta, x.unit, x.places)})")
                for x in t.totals))
            lines.append("")
        lines += ledger_table(t.entries, esc) if t.entries else ["Nothing changed."]
    return lines


def render_turn(scenario: model.Scenario, state, turn: int, records: list[CommandRecord], title: str,
                ledger: Sequence[Change] | None = None) -> str:
    """The turn's log; `ledger` (the ledger changes `records` made) adds each team's ledger and
    the capability table with the values at the start of the turn."""
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
    narrator.learn_orders(state.orders.values())
    for e in events:
        if e.get("kind") == "adhoc_inject":
            narrator.line(e)  # teaches the narrator the ad-hoc title

    def section(title: str, kinds: tuple[str, ...]) -> None:
        said = [narrator.line(e) for e in events if e.get("kind") in kinds]
        said = [x for x in said if x]
        if said:
            lines.extend(["", f"## {title}", ""] + [f"- {x}" for x in said])

    # a draft withdrawn this turn was never an order placed: only its withdrawal is told
    drafts = {e.get("order") for e in events
              if e.get("kind") == "order_cancelled" and str(e.get("reason") or "").startswith("withdrawn")}
    said = []
    for e in events:
        if e.get("kind") in ("order_placed", "order_cancelled", "order_delivered", "slip_rolled"):
            line = narrator.line(e)  # (an order placed teaches the narrator what it is)
            if line and not (e.get("kind") == "order_placed" and e.get("order") in drafts):
                said.append(line)
    if said:
        lines.extend(["", f"## {scenario.words.cap('procurement')}", ""] + [f"- {x}" for x in said])
    # money moved by the rules rather than a split: a budget year's lapse (made as this turn
    # started, so the previous turn's log, written when it ended, could not tell it),
    # instalments paid or put off, priority and production capacity bought
    section("Money", ("money_lapsed", "instalment_paid", "instalment_deferred", "order_expedited",
                      "expansion_bought"))
    section(f"{scenario.words.cap('command')} structure", ("lead_requested", "lead_voted", "lead_decided", "lead_taken", "lead_handed_back",
                                  "ally_moved", "force_assigned"))
    argued = {e["action_id"]: e for e in events if e.get("kind") == "action_argued"}
    red = scenario.adversary is not None  # a red cell sees (and counter-argues) open actions
    adjudicated = [e for e in events if e.get("kind") == "action_adjudicated"]
    countered: dict[str, list[dict]] = {}  # an open action's counter-arguments, told before its adjudication
    for e in events:
        if e.get("kind") == "action_countered":
            countered.setdefault(e["action_id"], []).append(e)
    if argued or adjudicated:
        lines += ["", "## Adjudication", ""]
        for e in adjudicated:
            a = argued.get(e["action_id"], {})
            verdict = "succeeded" if e["success"] else "failed"
            head = f"- {teams.get(a.get('team'), a.get('team', '?'))}: \"{a.get('action', e['action_id'])}\""
            judged = f"{roll_words(e['roll'], e['likelihood'])} -> {verdict}. Rationale: {e['rationale']}"
            against = _counters(countered.get(e["action_id"], ()))
            if a.get("open") or against:  # all sides first, then what the adjudicator made of them
                lines += [head + _openly(a, red), *against, f"  - adjudicated: {judged}"]
            else:
                lines.append(f"{head} {judged}")
        for aid, a in argued.items():
            if not any(x["action_id"] == aid for x in adjudicated):
                lines.append(f"- {teams.get(a['team'], a['team'])} argued \"{a['action']}\"{_openly(a, red)} "
                             "(not adjudicated this turn)")
                lines += _counters(countered.get(aid, ()))
    section("Overrides", ("overridden",))
    lines += _facilitator_actions(scenario, records, argued, inject_title, teams)
    lines += _red_cell(scenario, records, teams)
    lines += _splits(scenario, events, teams, ledger, turn)
    section("Notes and observations", ("note_added",))
    view = facilitator_view(state)
    lines += ["", "## World at the end of the turn", "", "| track | value |", "|---|---|"]
    for t in view.tracks:
        lines.append(f"| {t.name} | {_fmt(t.value)} {t.band} |".replace("  |", " |"))
    # every change this turn's commands made; one filed under the turn before (the end of a
    # budget year, told as this turn starts) says so in its phase
    entries = {tm.id: [e if e.turn == turn else attrs.evolve(e, phase=f"end of turn {e.turn}")
                       for e in for_team(ledger, tm.id, facilitator=True)] if ledger else []
               for tm in scenario.teams}
    lines += _capabilities(scenario, view, entries, ledger is not None)
    if ledger is not None:
        lines += ["", "## Ledger: what changed for each team, and why"]
        for tm in scenario.teams:
            lines += ["", f"### {cell(tm.name)}", ""]
            mine = entries[tm.id]
            if mine:
                lines.append("Net change: " + "; ".join(
                    cell(f"{s.what} {value(s.before, s.places)} → {number(s.after, s.places)} {s.unit} "
                         f"({signed(s.delta, s.unit, s.places)})")
                    for s in totals(mine)))
                lines += [""] + ledger_table(mine)
            else:
                lines.append("Nothing changed.")
    ended = next((e for e in events if e.get("kind") == "exercise_ended"), None)
    if ended:
        lines += ["", "## Outcome", "", f"**{ended['name']}**: {ended['reason']}"]
    return visible("\n".join(lines) + "\n")


def _openly(argued: dict, red: bool = True) -> str:
    """How an action was argued, as the log says it: open ones say so (to the red cell too where
    the scenario has one, `red`); secret ones (and actions argued in an earlier turn, whose event
    is not in this turn's) say nothing."""
    if not argued.get("open"):
        return ""
    return " (argued open to the other teams and the red cell)" if red else " (argued open to the other teams)"


def _counters(counters) -> list[str]:
    """An open action's counter-arguments: who, and why."""
    return [f"  - counter-argued by {c['by_name']}: {c['reasons']}" for c in counters]


def _facilitator_actions(scenario: model.Scenario, records: list[CommandRecord], argued: dict, inject_title,
                         teams) -> list[str]:
    """What the facilitator did this turn, one line per command: the start, phases moved on,
    inject controls (and bring-backs), fired and ad-hoc injects, overrides with their
    rationale, adjudications with odds, roll and rationale, notes, forced advances,
    reopened turns and decisions, pauses and the end."""
    tracks = {t.id: t.name for t in scenario.tracks}
    allies = {a.id: a.name for a in scenario.allies}
    commands = {c.id: c.name for c in scenario.commands}
    voted = {c.id for c in scenario.commands if c.approval == "members"}
    phases: dict[str, str] = {p.id: p.name or p.id.capitalize() for p in scenario.phases}
    verbs = {"hold": "held", "release": "released", "skip": "skipped", "cancel": "cancelled", "enable": "enabled",
             "delay": "delayed", "queue": "queued"}
    out: list[str] = []
    for r in records:
        if r.command.get("actor", FACILITATOR) != FACILITATOR:
            continue  # a team's (or the adversary's seat's) command: told in its own section
        command = r.command.get("kind")
        done = len(out)
        for e in r.events:
            k = str(e.get("kind"))
            if k.startswith("red_"):
                continue  # the adversary's moves have their own section (_red_cell)
            if k == "exercise_started":
                out.append("started the exercise")
            elif k == "phase_changed" and command in ("advance", "start"):
                phase = str(e.get("phase"))
                out.append(f"moved on to the {phases.get(phase, phase.capitalize())} phase")
            elif k == "note_added" and command == "note":
                out.append(f"wrote a note: “{cell(e.get('text', ''))}”")
            elif k == "inject_unskipped":
                again = " (held again, as before its skip)" if e.get("status") == "held" else ""
                out.append(f"brought back the skipped inject “{inject_title(e['inject'])}”{again}")
            elif k == "decision_reopened":
                n = len(e.get("orders") or ())
                back = f"; {n} order(s) back to drafts" if n else ""
                out.append(f"reopened the turn of {teams.get(e['team'], e['team'])} to answer "
                           f"“{inject_title(e['inject'])}” (fired after it had submitted){back}")
            else:
                line = _action_line(e, argued, inject_title, teams, tracks, allies, verbs, commands, voted)
                if line:
                    out.append(line)
        if r.seat:  # a controller (or an evaluator) of the white cell, not the lead facilitator
            out[done:] = [x if r.seat in x else f"{x} (by {cell(r.seat)})" for x in out[done:]]
    return ["", "## Facilitator's actions", ""] + ([f"- {x}" for x in out] or ["- none"])


def _red_cell(scenario: model.Scenario, records: list[CommandRecord], teams) -> list[str]:
    """The adversary's turn: its acts planned and withdrawn, by whom (the facilitator, or its
    own seat: the red bot in a live session), and each resolution (noticed, attributed, the
    teams hit and those whose spending resisted it). Nothing without an adversary."""
    adv = scenario.adversary
    if adv is None:
        return []
    menu = {a.id: a.name for a in adv.actions}
    commands = {c.id: c.name for c in scenario.commands}
    names = lambda ids: ", ".join(cell(teams.get(t, t)) for t in ids) or "none"

    def on(target) -> str:
        return cell(teams.get(target) or commands.get(target) or target) if target else "every team"

    out = []
    for r in records:
        actor = r.command.get("actor", FACILITATOR)
        who = ("the facilitator" if actor == FACILITATOR else cell(r.seat) if r.seat
               else f"{cell(adv.name)} (bot)" if actor == adv.id else cell(actor))
        for e in r.events:
            k = e.get("kind")
            action = str(e.get("action", ""))
            what = cell(menu.get(action, action))
            if k == "red_action_planned":
                out.append(f"{who} planned “{what}” against {on(e.get('target'))} ({act_words(e['id'])}, "
                           f"{_fmt(e['cost'])} {units(float(e['cost']), adv.unit)})")
            elif k == "red_action_withdrawn":
                out.append(f"{who} withdrew “{what}” ({act_words(e['id'])}, {_fmt(e['refund'])} {units(float(e['refund']), adv.unit)} back)")
            elif k == "red_action_resolved":
                seen = ((f"noticed, attributed to {adv.name}" if e.get("attributed") else "noticed, unattributed")
                        if e.get("detected") else "unnoticed")
                out.append(f"{act_words(e['id']).capitalize()} “{what}” against {on(e.get('target'))}: {seen}; "
                           f"hit {names(e.get('teams') or ())}; resisted by {names(e.get('resisted') or ())}")
    return ["", f"## The red cell: {cell(adv.name)}", ""] + ([f"- {x}" for x in out] or ["- no act"])


def _action_line(e: dict, argued: dict, inject_title, teams, tracks, allies, verbs, commands: dict,
                 voted: set) -> str | None:
    """The facilitator's action an event records, or None (`voted`: the commands whose lead
    requests the member teams decide, so a facilitator's answer overrides their vote)."""
    k = e.get("kind")
    if k == "inject_controlled" and e.get("cause") == "facilitator":
        more = f" by {e.get('turns')} turn(s)" if e.get("action") == "delay" else ""
        action = str(e.get("action"))
        return f"{verbs.get(action, action)} the inject “{inject_title(e['inject'])}”{more}"
    if k == "inject_fired" and e.get("by") == "facilitator":
        return f"fired the inject “{inject_title(e['inject'])}” now"
    if k == "adhoc_inject":
        to = ", ".join(teams.get(t, t) for t in e.get("to", ())) or "the facilitator only"
        return f"wrote the ad-hoc inject “{e.get('title')}” to {to}"
    if k == "overridden":
        target = e.get("target")
        what = (tracks.get(str(e.get("track")), "a track") if target in ("track", "team_track")
                else "money for orders" if target == "money"
                else f"{allies.get(str(e.get('ally')), 'an ally')}'s defence spending")
        who = f" of {teams.get(e.get('team'), e.get('team'))}" if e.get("team") else ""
        return (f"overrode {what}{who}: {_fmt(e['previous'])} → {_fmt(e['value'])}; "
                f"rationale: {cell(e.get('rationale', ''))}")
    if k == "action_adjudicated":
        a = argued.get(e["action_id"], {})
        verdict = "success" if e.get("success") else "failure"
        return (f"adjudicated {possessive(teams.get(a.get('team'), 'a team'))} action “{cell(a.get('action', ''))}”: "
                f"{roll_words(e['roll'], e['likelihood'])}, {verdict}; rationale: {cell(e.get('rationale', ''))}")
    if k == "lead_decided":
        what = (f"{possessive(teams.get(e.get('team'), 'a team'))} request that {allies.get(str(e.get('ally')), 'an ally')} "
                f"lead {commands.get(str(e.get('command')), 'a command')}")
        if e.get("command") in voted:
            what += OVER_VOTE
        if e.get("approved"):
            return f"approved {what}"
        return f"refused {what}: {cell(e.get('reason', ''))}"
    if k == "submitted" and e.get("forced"):
        return f"closed deliberation without {possessive(teams.get(e['team'], e['team']))} submission (forced)"
    if k == "reopened":
        n = len(e.get("orders") or ())
        back = f"; {n} order(s) back to drafts" if n else ""
        return f"reopened the turn of {teams.get(e['team'], e['team'])}{back}"
    if k in ("paused", "resumed"):
        return f"{k} the exercise"
    if k == "exercise_ended" and e.get("proposed") is not None:
        how = "overrode the proposed verdict with" if e.get("overridden") else "confirmed the verdict"
        return f"{how} {cell(e.get('name', ''))}" + (f": {cell(e['rationale'])}" if e.get("rationale") else "")
    if k == "verdict_proposed":
        return f"ended the exercise{' early' if e.get('early') else ''}: {cell(e.get('note') or 'the scorecard proposes ' + e.get('name', ''))}"
    if k == "exercise_ended":
        return f"ended the exercise{' early' if e.get('early') else ''}: {cell(e.get('note') or e.get('name', ''))}"
    return None


def _splits(scenario: model.Scenario, events: list[dict], teams, ledger, turn: int) -> list[str]:
    """Budget splits (the shares as set) and allies' spending changes (from, to), in the scenario's words."""
    cats = {c.id: c.name for c in scenario.budget.categories}
    allies = {a.id: a.name for a in scenario.allies}
    out = []
    for e in events:
        k = e.get("kind")
        if k == "allocation_set":
            shares = ", ".join(f"{cats.get(c, c)} {_fmt(round(v * 100, 2))}%" for c, v in e["shares"].items())
            out.append(f"{teams.get(e['team'], e['team'])} split its budget: {shares}")
        elif k == "spending_set":
            new = e["spending"]
            w = scenario.words
            out.append(f"{teams.get(e['team'], e['team'])} set {allies.get(e['ally'], 'an ally')}'s "
                       f"{w.spending} to {_fmt(new)} % of GDP ({e['steps']} step(s) of 0.1)")
    heading = (f"Budget splits and {scenario.words.spending}" if any(t.allies for t in scenario.teams)
               else "Budget splits")  # teams with funds only set no spending
    return ["", f"## {heading}", ""] + ([f"- {x}" for x in out] or ["- no change"])


def _capabilities(scenario: model.Scenario, view, entries: dict[str, list[LedgerEntry]], known: bool) -> list[str]:
    """Each team's capabilities at the start and the end of the turn (start: before the turn's
    first change, read from its ledger)."""
    names = [t for t in view.team_tracks]
    if not names:
        return []
    head = "| team | " + " | ".join(cell(t.name) for t in names) + " |"
    out = ["", f"## {scenario.words.cap('capabilities')} at the start and end of the turn", "", head,
           "|---|" + "---|" * len(names)]
    for team in scenario.teams:
        row = []
        for t in names:
            end = t.values.get(team.id, 0.0)
            first = next((e for e in entries[team.id] if e.kind == "capability" and e.what == t.name), None)
            start = first.before if first is not None else end
            if not known:
                row.append(_fmt(end))
            elif start == end:
                row.append(f"{_fmt(end)} (no change)")
            else:
                row.append(f"{_fmt(start)} → {_fmt(end)}")
        out.append(f"| {cell(team.name)} | " + " | ".join(row) + " |")
    return out
