"""The data of a save as tables for analysts (`exercise data`): pure, a read-only save in,
rows out. docs/debrief.md, "Data for analysts", documents every table and column.

Each table has a fixed list of columns (`SCHEMA`); a row is a tuple of cells in that order.
A cell is None (no value), a str, an int, a bool, or a `Decimal` for every exact number
(money, tracks, rolls): the value the engine stored, written as the short decimal it stands
for (exercise.exact), never a float's binary noise. Times are the journal's record times
(`at`, ISO 8601, UTC, to the second). Ids sit beside names so tables join on ids and read
by names.

`anonymise` replaces team, author, participant and exercise names (and team ids) in every
table the same way (docs/debrief.md says what it cannot catch). The writers
(exercise.debrief.datafiles) only lay these tables out as jsonl, csv or xlsx.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from exercise import engine
from exercise.debrief.record import Record
from exercise.debrief.report import CATEGORY, RATING_NAMES, short
from exercise.engine.decision import number
from exercise.engine.feedback import MAX_ITEMS, QUESTIONS
from exercise.narrate import Narrator

Cell = str | int | bool | Decimal | None


@attrs.frozen
class Column:
    name: str
    doc: str  # what it holds, with its unit (docs/debrief.md is written from these)
    # how --anonymise treats it: "" (kept), "team" (a team id), "teams" (team ids, "; "),
    # "team_name", "author", "participant", "text" (free text: names inside are replaced),
    # "id" (an id that may hold a team's id, as order-east-1 does), "json" (a JSON text:
    # every string in it as "team", "id", "author", "participant" or "text")
    anon: str = ""


@attrs.frozen
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def head(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, doc: str, anon: str = "") -> Column:
    return Column(name, doc, anon)


TEAM = _c("team", "team id (empty: no team, or all teams)", "team")
TEAM_NAME = _c("team_name", "team name", "team_name")
TURN = _c("turn", "turn number (0: before the first turn)")
RECORD = _c("record", "number of the journal's command record (1 = the first command)")
AT = _c("at", "time the command was recorded, ISO 8601 UTC to the second")

# table -> (title, columns); the order of tables is the order of sheets and files
SCHEMA: dict[str, tuple[str, tuple[Column, ...]]] = {
    "about": ("The export: which save, scenario and units", (
        _c("field", "what the row says"),
        _c("value", "its value", "text"),
    )),
    "turns": ("One row per turn", (
        TURN,
        _c("label", "the turn in the scenario's calendar (e.g. 2026 Q1)"),
        _c("started_at", "time of the record that started the turn, ISO 8601 UTC"),
        _c("ended_at", "time of the turn's last record, ISO 8601 UTC"),
        _c("seconds", "ended_at - started_at, whole seconds"),
        _c("commands", "command records in the turn"),
        _c("events", "events in the turn"),
        _c("injects_fired", "injects fired in the turn"),
        _c("decisions", "decisions answered in the turn (by a team or by default)"),
        _c("orders_placed", "orders placed in the turn"),
        _c("notes", "notes and ratings written in the turn"),
    )),
    "events": ("Every event of the journal, in order", (
        RECORD, AT, TURN,
        _c("phase", "phase when the command was accepted (briefing, deliberation, ...; empty before the start)"),
        _c("seq", "position of the event in its record, from 1"),
        _c("kind", "event kind (docs/engine.md)"),
        _c("category", "what it is about, as the report's timeline groups it"),
        _c("command", "kind of the command that made it"),
        _c("actor", "who sent the command: facilitator or a team id", "team"),
        _c("actor_name", "who sent it, by name", "team_name"),
        TEAM, TEAM_NAME,
        _c("text", "the event in words, as the timeline says it (empty: bookkeeping)", "text"),
        _c("data", "the event's fields as JSON (numbers as stored: exact decimals)", "json"),
    )),
    "decisions": ("Each team's answer to a decision inject", (
        TURN,
        _c("inject", "inject id"),
        _c("inject_title", "inject title", "text"),
        TEAM, TEAM_NAME,
        _c("option", "option id"),
        _c("option_label", "option label", "text"),
        _c("default", "true: taken by default (the team did not answer before deliberation closed)"),
        _c("fired_at", "time the inject reached the team, ISO 8601 UTC"),
        _c("answered_at", "time of the answer, ISO 8601 UTC"),
        _c("seconds", "time taken: answered_at - fired_at, whole seconds"),
        RECORD,
    )),
    "orders": ("Every order, as it stands at the end of the save", (
        _c("order", "order id", "id"),
        TEAM, TEAM_NAME,
        _c("item", "item id"),
        _c("item_name", "item name"),
        _c("quantity", "units ordered"),
        _c("cost", "whole cost, in the money unit (about: money_unit), exact"),
        _c("placed_turn", "turn placed (0: the scenario's backlog)"),
        _c("placed_at", "time placed, ISO 8601 UTC (empty: backlog, or split off a slipped order)"),
        _c("due_turn", "turn due (after slips and deferrals)"),
        _c("status", "draft, ordered, delivered or cancelled"),
        _c("delivered_turn", "turn delivered (empty: not delivered)"),
        _c("slipped", "true: its slip roll made it late"),
        _c("expedited", "true: the team paid for priority"),
        _c("expedite_cost", "paid for priority, in the money unit, exact"),
        _c("refund", "paid back when cancelled, in the money unit, exact"),
        _c("penalty", "kept back when cancelled, in the money unit, exact"),
        _c("backlog", "true: on order before the exercise began"),
    )),
    "adjudications": ("Free actions the teams argued, and the facilitator's adjudication", (
        _c("action", "action id", "id"),
        TEAM, TEAM_NAME, TURN,
        _c("argued_at", "time argued, ISO 8601 UTC"),
        _c("action_text", "what the team would do", "text"),
        _c("intended_result", "the result it intended", "text"),
        _c("reasons", "why it should work", "text"),
        _c("likelihood", "odds the facilitator gave, percent (empty: not adjudicated)"),
        _c("roll", "the die, 0 to 1 (uniform); success when roll < likelihood / 100"),
        _c("success", "true: the action succeeded"),
        _c("rationale", "the facilitator's rationale", "text"),
        _c("adjudicated_at", "time adjudicated, ISO 8601 UTC"),
        _c("seconds", "adjudicated_at - argued_at, whole seconds"),
    )),
    "overrides": ("Values the facilitator set by hand", (
        RECORD, AT, TURN,
        _c("target", "track (world track), team_track, money (a team's money for orders) or spending (an ally's)"),
        _c("track", "track id (track, team_track)"),
        _c("track_name", "track name"),
        TEAM, TEAM_NAME,
        _c("ally", "ally id (spending)"),
        _c("ally_name", "ally name"),
        _c("previous", "value before, exact, in unit"),
        _c("value", "value set, exact, in unit"),
        _c("unit", "unit of previous and value (money unit, % GDP, or empty for a track's points)"),
        _c("rationale", "the facilitator's reason", "text"),
    )),
    "notes": ("Notes and P/S/M/U ratings, by the facilitator and evaluators", (
        RECORD, AT, TURN,
        _c("phase", "phase when written"),
        _c("author", "who wrote or rated it, as they signed (empty: the facilitator)", "author"),
        TEAM, TEAM_NAME,
        _c("objective", "objective id (empty: none)"),
        _c("objective_name", "objective name", "text"),
        _c("rating", "P, S, M or U (empty: a note without a rating)"),
        _c("rating_meaning", "the rating in words (HSEEP)"),
        _c("inject", "inject id the note is about (empty: none)"),
        _c("inject_title", "inject title", "text"),
        _c("tags", "tags, separated by '; '"),
        _c("text", "the note", "text"),
    )),
    "tracks": ("Every track at the end of each turn (turn 0: the start)", (
        TURN,
        _c("label", "the turn in the scenario's calendar"),
        _c("scope", "world (one value) or team (one value per team)"),
        _c("track", "track id"),
        _c("track_name", "track name"),
        TEAM, TEAM_NAME,
        _c("value", "value at the end of the turn, exact (the track's own decimals), in the track's points"),
        _c("min", "the track's lowest value"),
        _c("max", "the track's highest value"),
    )),
    "money": ("Each team's budget and money for orders at the end of each turn", (
        TURN,
        _c("label", "the turn in the scenario's calendar"),
        TEAM, TEAM_NAME,
        _c("budget", "the turn's budget, in the money unit, exact"),
        _c("money", "money available for orders at the end of the turn, in the money unit, exact"),
        _c("unit", "the money unit"),
    )),
    "red_actions": ("The adversary's actions (only when the scenario has an adversary)", (
        _c("id", "red action id"),
        TURN,
        _c("action", "action id in the adversary's menu"),
        _c("action_name", "action name"),
        _c("target", "team id, command id, or empty (a world action)", "team"),
        _c("target_name", "target by name (every team: a world action)", "team_name"),
        _c("cost", "points paid when planned, in the adversary's unit, exact"),
        _c("unit", "the adversary's unit"),
        _c("planned_at", "time planned, ISO 8601 UTC"),
        _c("status", "planned, withdrawn or resolved"),
        _c("refund", "points refunded when withdrawn, exact"),
        _c("teams_hit", "team ids it hit, separated by '; '", "teams"),
        _c("detect_roll", "detection die, 0 to 1; noticed when below the action's detection chance"),
        _c("detected", "true: the teams hit noticed it"),
        _c("attribute_roll", "attribution die, 0 to 1 (empty: not noticed)"),
        _c("attributed", "true: attributed to the adversary"),
        _c("resisted", "team ids whose spending spared them part of the harm, '; '", "teams"),
        _c("escalation", "escalation the action added, exact"),
        _c("headline", "what the teams that noticed it read", "text"),
    )),
    "feedback": ("Participant feedback forms, in the order given", (
        _c("form", "form number, from 1 in the order given"),
        AT, TEAM, TEAM_NAME,
        _c("participant", "the participant's name or role as typed (often empty)", "participant"),
        *(_c(f"strength_{i}", f"strength {i} (top {MAX_ITEMS})", "text") for i in range(1, MAX_ITEMS + 1)),
        *(_c(f"improvement_{i}", f"area for improvement {i}", "text") for i in range(1, MAX_ITEMS + 1)),
        _c("missed", "what the evaluators might have missed", "text"),
        *(_c(f"rating_{q}", f"'{text}' 1 (strongly disagree) to 5 (strongly agree); empty: not rated")
          for q, text in QUESTIONS),
    )),
}


def exact(x: float | int | None, places: int | None = None) -> Decimal | None:
    """A stored value as the decimal it stands for: to `places` decimals when known, else the
    shortest decimal that reads back as the same double (rolls)."""
    if x is None:
        return None
    if places is not None:
        return Decimal(number(float(x), places))
    return Decimal(repr(float(x))) if isinstance(x, float) else Decimal(int(x))


def _seconds(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    try:
        return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return None


def build(record: Record, anonymise: bool = False) -> tuple[Table, ...]:
    """Every table of the save (red_actions only with an adversary, feedback only when given)."""
    states = record.states_by_turn()
    final = states[max(states)]
    tables = _Builder(record, final, states).tables()
    if anonymise:
        tables = Anonymiser.of(record, final).tables(tables)
    return tables


class _Builder:
    def __init__(self, record: Record, final, states: dict[int, Any]):
        self.record, self.final, self.states = record, final, states
        sc = record.scenario
        self.sc = sc
        self.money_places = sc.budget.decimals
        self.unit = sc.budget.unit
        self.teams = {t.id: short(t.name) for t in sc.teams}
        self.tracks = {t.id: t for t in sc.tracks}
        self.items = {i.id: i.name for i in sc.items}
        self.allies = {a.id: a.name for a in sc.allies}
        self.objectives = {o.id: o.name for o in sc.all_objectives()}
        self.commands = {c.id: short(c.name) for c in sc.commands}
        self.label = lambda t: sc.calendar.label(t) if t else "before the start"

    def team_name(self, team: str | None) -> str:
        if not team:
            return ""
        return "facilitator" if team == engine.FACILITATOR else self.teams.get(team, team)

    def inject_title(self, iid: str | None) -> str:
        inj = self.final.inject(iid) if iid else None
        return inj.title if inj is not None else (iid or "")

    # -- the walk over the journal ------------------------------------------------------
    def tables(self) -> tuple[Table, ...]:
        rows: dict[str, list[tuple[Cell, ...]]] = {name: [] for name in SCHEMA}
        self._walk(rows)
        rows["about"] = self._about()
        rows["orders"] = self._orders()
        rows["adjudications"] = self._adjudications()
        rows["tracks"], rows["money"] = self._per_turn()
        rows["feedback"] = self._feedback()
        out = []
        for name, (title, columns) in SCHEMA.items():
            if name == "red_actions" and self.sc.adversary is None:
                continue
            if name == "feedback" and not rows[name]:
                continue
            rows_ = rows[name]
            assert all(len(r) == len(columns) for r in rows_), name
            out.append(Table(name, title, columns, tuple(rows_)))
        return tuple(out)

    def _walk(self, rows: dict[str, list]) -> None:
        narrator = Narrator(self.sc)
        turn, phase = 0, ""
        per_turn: dict[int, dict[str, Any]] = {0: _turn_counts()}
        fired_at: dict[tuple[str, str], str] = {}
        self.placed_at: dict[str, str] = {}
        self.argued_at: dict[str, str] = {}
        self.adjudicated_at: dict[str, str] = {}
        self.order_events: dict[str, dict[str, Any]] = {}
        self.form_at: list[str] = []
        red: dict[str, list[Cell]] = {}
        for r in self.record.records:
            command, actor = str(r.command.get("kind", "")), r.command.get("actor")
            actor = actor if isinstance(actor, str) else ""
            phase_then, turn_then = phase, turn
            for seq, e in enumerate(r.events, 1):
                kind = str(e.get("kind", ""))
                if kind == "turn_started":
                    turn = e["turn"]
                    per_turn[turn] = _turn_counts(r.at)
                elif kind == "phase_changed":
                    phase = e.get("phase", phase)
                counts = per_turn[turn]
                counts["events"] += 1
                team = e.get("team") if isinstance(e.get("team"), str) else ""
                text = "" if kind == "feedback_given" else (narrator.line(e) or "")
                data = json.dumps({k: v for k, v in e.items() if k != "kind"}, ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":"))
                rows["events"].append((r.n, r.at, turn_then if kind != "turn_started" else turn,
                                       phase_then, seq, kind, CATEGORY.get(kind, "other"), command, actor,
                                       self.team_name(actor), team, self.team_name(team), text, data))
                if kind == "inject_fired":
                    counts["injects_fired"] += 1
                    for t in e.get("to") or ():
                        fired_at[(e["inject"], t)] = r.at
                elif kind == "decision_answered":
                    counts["decisions"] += 1
                    iid, opt = e["inject"], e["option"]
                    inj = self.final.inject(iid)
                    label = next((o.label for o in inj.options if o.id == opt), opt) if inj is not None else opt
                    fired = fired_at.get((iid, e["team"]))
                    rows["decisions"].append((turn, iid, self.inject_title(iid), e["team"], self.team_name(e["team"]),
                                              opt, label, bool(e.get("default")), fired, r.at,
                                              _seconds(fired, r.at), r.n))
                elif kind == "order_placed":
                    counts["orders_placed"] += 1
                    self.placed_at[e["order"]] = r.at
                elif kind in ("order_expedited", "order_cancelled", "slip_rolled"):
                    self.order_events.setdefault(e["order"], {})[kind] = e
                elif kind == "action_argued":
                    self.argued_at[e["action_id"]] = r.at
                elif kind == "action_adjudicated":
                    self.adjudicated_at[e["action_id"]] = r.at
                elif kind == "overridden":
                    rows["overrides"].append(self._override(r, e))
                elif kind == "note_added":
                    counts["notes"] += 1
                    rows["notes"].append(self._note(r, e))
                elif kind == "feedback_given":
                    self.form_at.append(r.at)
                elif kind.startswith("red_action_"):
                    self._red(red, r.at, e)
            per_turn[turn]["commands"] += 1
            per_turn[turn]["ended_at"] = r.at
        rows["turns"] = [(t, self.label(t), c["started_at"], c["ended_at"], _seconds(c["started_at"], c["ended_at"]),
                          c["commands"], c["events"], c["injects_fired"], c["decisions"], c["orders_placed"], c["notes"])
                         for t, c in sorted(per_turn.items()) if t or c["commands"]]
        rows["red_actions"] = [tuple(v) for v in red.values()]

    def _override(self, r, e: dict) -> tuple[Cell, ...]:
        target, track = e.get("target"), e.get("track")
        places: int | None
        if target == "money":
            unit, places = self.unit, self.money_places
        elif target == "spending":
            unit, places = "% GDP", 1
        else:
            t = self.tracks.get(track or "")
            unit, places = "", (t.decimals if t is not None else None)
        tr = self.tracks.get(track or "")
        team = e.get("team") or ""
        return (r.n, r.at, e.get("turn"), target, track or "", tr.name if tr else "", team, self.team_name(team),
                e.get("ally") or "", self.allies.get(e.get("ally") or "", ""), exact(e.get("previous"), places),
                exact(e.get("value"), places), unit, e.get("rationale", ""))

    def _note(self, r, e: dict) -> tuple[Cell, ...]:
        team, obj, rating, iid = e.get("team") or "", e.get("objective") or "", e.get("rating") or "", e.get("inject") or ""
        return (r.n, r.at, e.get("turn"), e.get("phase", ""), e.get("author", ""), team, self.team_name(team), obj,
                self.objectives.get(obj, obj), rating, RATING_NAMES.get(rating, ""), iid,
                self.inject_title(iid) if iid else "", "; ".join(e.get("tags") or ()), e.get("text", ""))

    def _red(self, red: dict[str, list[Cell]], at: str, e: dict) -> None:
        adv = self.sc.adversary
        if adv is None:
            return
        kind, mid = e["kind"], str(e.get("id", ""))
        places = self.money_places
        if kind == "red_action_planned":
            menu = {a.id: a.name for a in adv.actions}
            target = e.get("target") or ""
            name = self.teams.get(target) or self.commands.get(target) or target if target else "every team"
            action = str(e.get("action", ""))
            red[mid] = [mid, e.get("turn"), action, menu.get(action, action), target, name,
                        exact(e.get("cost"), places), adv.unit, at, "planned", None, "", None, None, None, None, "",
                        None, ""]
        elif mid in red and kind == "red_action_withdrawn":
            red[mid][9], red[mid][10] = "withdrawn", exact(e.get("refund"), places)
        elif mid in red and kind == "red_action_resolved":
            row = red[mid]
            row[9] = "resolved"
            row[11] = "; ".join(e.get("teams") or ())
            row[12], row[13] = exact(e.get("detect_roll")), bool(e.get("detected"))
            row[14], row[15] = exact(e.get("attribute_roll")), bool(e.get("attributed"))
            row[16], row[17], row[18] = "; ".join(e.get("resisted") or ()), exact(e.get("escalation")), e.get("headline", "")

    # -- tables from the final state ----------------------------------------------------
    def _about(self) -> list[tuple[Cell, ...]]:
        rec, sc, final = self.record, self.sc, self.final
        return [
            ("exercise", rec.id), ("title", rec.title), ("scenario", sc.id), ("scenario_title", sc.title),
            ("seed", rec.seed), ("simulated", "yes" if rec.simulated else "no"),
            ("status", final.status), ("turn", final.turn), ("turns", sc.calendar.turns),
            ("started_at", rec.header.at), ("money_unit", self.unit),
            ("money_decimals", self.money_places),
            ("adversary", sc.adversary.name if sc.adversary is not None else ""),
            ("anonymised", "no"),
        ]

    def _orders(self) -> list[tuple[Cell, ...]]:
        out: list[tuple[Cell, ...]] = []
        places = self.money_places
        for o in self.final.orders.values():
            ev = self.order_events.get(o.id, {})
            exp, cancel, slip = ev.get("order_expedited"), ev.get("order_cancelled"), ev.get("slip_rolled")
            out.append((o.id, o.team, self.team_name(o.team), o.item, self.items.get(o.item, o.item), o.quantity,
                        exact(o.cost, places), o.placed, self.placed_at.get(o.id), o.due, o.status, o.delivered,
                        bool(slip and slip.get("slipped")), o.expedited,
                        exact(exp.get("cost"), places) if exp else None,
                        exact(cancel.get("refund"), places) if cancel else None,
                        exact(cancel.get("penalty"), places) if cancel else None, o.backlog))
        return out

    def _adjudications(self) -> list[tuple[Cell, ...]]:
        out: list[tuple[Cell, ...]] = []
        for a in self.final.actions.values():
            argued, judged = self.argued_at.get(a.id), self.adjudicated_at.get(a.id)
            out.append((a.id, a.team, self.team_name(a.team), a.turn, argued, a.action, a.result, a.reasons,
                        a.likelihood, exact(a.roll), a.success, a.rationale, judged, _seconds(argued, judged)))
        return out

    def _per_turn(self) -> tuple[list, list]:
        tracks, money = [], []
        teams = [t.id for t in self.sc.teams]
        for turn, s in sorted(self.states.items()):
            label = self.label(turn)
            for t in self.sc.tracks:
                lo, hi = exact(t.min, t.decimals), exact(t.max, t.decimals)
                if t.scope == "world":
                    tracks.append((turn, label, "world", t.id, t.name, "", "", exact(s.tracks.get(t.id), t.decimals),
                                   lo, hi))
                else:
                    for team in teams:
                        tracks.append((turn, label, "team", t.id, t.name, team, self.team_name(team),
                                       exact(s.team_tracks.get((team, t.id)), t.decimals), lo, hi))
            for team in teams:
                budget = s.budget.get(team)
                money.append((turn, label, team, self.team_name(team),
                              exact(budget[0], self.money_places) if budget else None,
                              exact(s.cash.get(team, 0.0), self.money_places), self.unit))
        return tracks, money

    def _feedback(self) -> list[tuple[Cell, ...]]:
        out = []
        forms = getattr(self.final, "feedback", ())
        for n, f in enumerate(forms, 1):
            pad = lambda xs: list(xs)[:MAX_ITEMS] + [""] * (MAX_ITEMS - len(xs))
            at = self.form_at[n - 1] if n <= len(self.form_at) else None
            out.append((n, at, f.team, self.team_name(f.team), f.participant, *pad(f.strengths),
                        *pad(f.improvements), f.missed, *(f.ratings.get(q) for q, _ in QUESTIONS)))
        return out


def _turn_counts(at: str | None = None) -> dict[str, Any]:
    return {"started_at": at, "ended_at": at, "commands": 0, "events": 0, "injects_fired": 0, "decisions": 0,
            "orders_placed": 0, "notes": 0}


# -- anonymising ------------------------------------------------------------------------------
def letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet columns' way)."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")  # an id (no spaces): team ids inside it are replaced


@attrs.frozen
class Anonymiser:
    """One consistent replacement of names: the same team is "Team A" (id "team-a") in every
    table and every text; authors "Author 1", participants "Participant 1" in order of first
    appearance; the exercise "Exercise" (id "exercise")."""

    team_ids: dict[str, str]  # team id -> pseudonymous id
    id_parts: re.Pattern[str] | None  # a team id inside another id (order-east-1)
    exact_names: dict[str, str]  # a cell that is exactly a name -> its pseudonym (author, participant)
    pattern: re.Pattern[str] | None  # any name inside a text
    replace_with: dict[str, str]  # casefolded name -> pseudonym

    @classmethod
    def of(cls, record: Record, final) -> Anonymiser:
        sc = record.scenario
        team_ids: dict[str, str] = {}
        words: dict[str, str] = {}
        for i, t in enumerate(sc.teams):
            pseudo = f"Team {letters(i)}"
            team_ids[t.id] = f"team-{letters(i).lower()}"
            for name in (t.name, short(t.name)):  # not its id: 'us' is also a word
                words.setdefault(name, pseudo)
        people: dict[str, str] = {}
        authors = [n.author for n in final.notes if n.author]
        participants = [f.participant for f in getattr(final, "feedback", ()) if f.participant]
        for kind, names in (("Author", authors), ("Participant", participants)):
            seen: dict[str, str] = {}
            for name in names:
                seen.setdefault(name, f"{kind} {len(seen) + 1}")
            people.update({k: v for k, v in seen.items() if k not in people})
        words.update({k: v for k, v in people.items() if k not in words})
        for name in (record.title, record.id, record.header.exercise, record.meta.title if record.meta else ""):
            if name:
                words.setdefault(name, "Exercise")
        usable = sorted((w for w in words if len(w.strip()) >= 2), key=lambda w: (-len(w), w))
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in usable), re.IGNORECASE) if usable else None
        replace_with = {w.casefold(): words[w] for w in sorted(words, key=len)}
        ids = sorted(team_ids, key=lambda w: (-len(w), w))
        id_parts = re.compile("|".join(rf"(?<![A-Za-z0-9]){re.escape(w)}(?![A-Za-z0-9])" for w in ids)) if ids else None
        return cls(team_ids, id_parts, people, pattern, replace_with)

    def text(self, s: str) -> str:
        if not s or self.pattern is None:
            return s
        return self.pattern.sub(lambda m: self.replace_with.get(m.group(0).casefold(), "[name]"), s)

    def team(self, s: str) -> str:
        return self.team_ids.get(s, s)

    def id(self, s: str) -> str:
        """An id with a team's id inside it (order-east-1 -> order-team-a-1)."""
        if s in self.team_ids:
            return self.team_ids[s]
        if self.id_parts is None or not _ID.match(s):
            return s
        return self.id_parts.sub(lambda m: self.team_ids[m.group(0)], s)

    def person(self, s: str) -> str:
        return self.exact_names.get(s, self.text(s)) if s else s

    def json_value(self, v: Any) -> Any:
        if isinstance(v, str):
            if v in self.team_ids or _ID.match(v):
                return self.id(v)
            return self.person(v)
        if isinstance(v, list):
            return [self.json_value(x) for x in v]
        if isinstance(v, dict):
            return {self.json_value(k): self.json_value(x) for k, x in v.items()}
        return v

    def cell(self, how: str, v: Cell) -> Cell:
        if not isinstance(v, str) or not how:
            return v
        if how == "team":
            return self.team(v)
        if how == "id":
            return self.id(v)
        if how == "teams":
            return "; ".join(self.team(x) for x in v.split("; ")) if v else v
        if how in ("team_name", "text", "author", "participant"):
            return self.person(v) if how in ("author", "participant") else self.text(v)
        if how == "json":
            return json.dumps(self.json_value(json.loads(v)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        raise AssertionError(f"unknown anonymisation {how!r}")

    def tables(self, tables: Iterable[Table]) -> tuple[Table, ...]:
        out = []
        for t in tables:
            hows = [c.anon for c in t.columns]
            rows = tuple(tuple(self.cell(h, v) for h, v in zip(hows, row)) for row in t.rows)
            if t.name == "about":
                rows = tuple(("anonymised", "yes") if r[0] == "anonymised" else r for r in rows)
            out.append(attrs.evolve(t, rows=rows))
        return tuple(out)


def columns_doc() -> list[str]:
    """The Markdown of every table's columns (docs/debrief.md holds it; a test keeps them in step)."""
    lines = []
    for name, (title, columns) in SCHEMA.items():
        lines += [f"#### `{name}`: {title}", "", "| Column | What it holds |", "|---|---|"]
        lines += [f"| `{c.name}` | {c.doc} |" for c in columns]
        lines.append("")
    return lines
