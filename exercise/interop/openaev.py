"""OpenAEV scenario archives: export a scenario to the zip OpenAEV imports, and back
(docs/interop.md lists what maps to what and what is left out).

The format, as OpenAEV writes and reads it (OpenAEV-Platform/openaev, release 1.18):
- the archive holds one JSON entry, named after the scenario, whose zip entry comment is
  "Scenario" (ScenarioService.exportScenario; ImportService.handleFileImport reads entries
  by that comment; attachments have the comment "Attachment");
- the JSON is ScenarioFileExport: `export_version` 1, `scenario_information`,
  `scenario_teams`, `scenario_objectives`, `scenario_injects`, `scenario_tags`,
  `scenario_lessons_categories`, `scenario_lessons_questions`, and empty lists for users,
  organizations, documents, channels, articles, challenges and variables; the keys of
  each object are those of export/Mixins.java;
- an inject's `inject_depends_duration` is seconds from the start of the scenario;
  `inject_depends_on` lists {dependency_relationship: {inject_parent_id,
  inject_children_id}, dependency_condition: {mode, conditions: [{key: "Execution",
  operator: "eq", value: true}]}} (V1_DataImporter.importInjects, InjectDependency);
- injects are sent with OpenAEV's built-in email contract (EmailContract.EMAIL_DEFAULT):
  `inject_content` {subject, body (HTML), expectations: [{expectation_type: "MANUAL",
  expectation_name, expectation_score, ...}]} (EmailContent, model/inject/form/Expectation).

The functions here are pure (model -> dict, dict -> TOML texts) but for `write_zip` and
`read_zip`, which treat every archive as hostile: bounded sizes and entry counts, names
never used as paths, JSON checked before it is read.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from pathlib import Path

import attrs

from exercise import model
from exercise.interop import InteropError, compact, pack_toml, save_via_temp, slug, toml_value

EXPORT_VERSION = 1
ENTRY_SCENARIO = "Scenario"  # ImportService.EXPORT_ENTRY_SCENARIO
EMAIL_CONTRACT = "138ad8f8-32f8-4a22-8114-aaa12322bd09"  # EmailContract.EMAIL_DEFAULT
MANUAL_CONTRACT = "d02e9132-b9d0-4daa-b3b1-4b9871f8472c"  # ManualContract.MANUAL_DEFAULT
TABLETOP_CONTRACTS = {EMAIL_CONTRACT: "email", MANUAL_CONTRACT: "manual",
                      "2790bd39-37d4-4e39-be7e-53f3ca783f86": "email"}  # EMAIL_GLOBAL
_NS = uuid.UUID("8f0b7c52-4d1c-4a8e-9a53-5f2a3c6e1d10")  # ids are uuid5(_NS, "kind:id"): stable exports
TURN_TAG = re.compile(r"^turn length: (\d+) min$")
TURNS_TAG = re.compile(r"^turns: (\d+)$")
# This format's own data (calendar, words, team funds, budget, phases) travels in one
# scenario variable: OpenAEV keeps a scenario's variables (V1_DataImporter.importVariables)
# and uses one only where an inject's content names it, which none does. Keys must match
# ^[a-z_]+$ (Variable.key); VariableWithValueMixin reads id, key, value and description.
CARRIED_KEY = "exercise_scenario"
CARRIED_FORMAT = 1
MAX_TURNS = 1_000  # a turns tag or carried calendar beyond this is not a scenario this format plays
DEFAULT_TURN_MINUTES = 60

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1_000
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_JSON_BYTES = 20 * 1024 * 1024


def _id(kind: str, ident: str) -> str:
    return str(uuid.uuid5(_NS, f"{kind}:{ident}"))


def turn_minutes(sc: model.Scenario) -> int:
    """A turn's length in minutes: the scenario's phases added up (60 when they say none)."""
    return sum(p.minutes for p in sc.phases) or DEFAULT_TURN_MINUTES


# -- export ---------------------------------------------------------------------------------


@attrs.define
class Export:
    document: dict
    name: str
    left_out: list[str]
    carried: list[str] = attrs.field(factory=list)  # what travels in the scenario variable, in words


def export_scenario(sc: model.Scenario, minutes: int | None = None) -> Export:
    """The scenario as OpenAEV's ScenarioFileExport document, and what it cannot carry."""
    minutes = minutes or turn_minutes(sc)
    tags: dict[str, dict] = {}

    def tag(name: str) -> str:
        if name not in tags:
            tags[name] = {"tag_id": _id("tag", name), "tag_name": name, "tag_color": "#01478d"}
        return tags[name]["tag_id"]

    injects = sc.all_injects()
    turns = _turns(injects)
    team_ids = {t.id: _id("team", t.id) for t in sc.teams}
    out_injects = []
    left: list[str] = []
    lost_keys: dict[str, int] = {}
    for inj in injects:
        seconds = max(0, (turns.get(inj.id, 1) - 1)) * minutes * 60
        to_teams = [team_ids[t] for t in inj.to if t in team_ids]
        body = "<br>\n".join(html.escape(line, quote=False) for line in inj.text.split("\n"))
        content = {
            "subject": inj.title,
            "body": body,
            "encrypted": False,
            "expectations": [
                {"expectation_type": "MANUAL", "expectation_name": e, "expectation_description": "",
                 "expectation_score": 100.0, "expectation_expectation_group": False,
                 "expectation_expiration_time": minutes * 60}
                for e in inj.expected
            ],
        }
        out_injects.append({
            "inject_id": _id("inject", inj.id),
            "inject_title": inj.title,
            "inject_description": inj.synopsis,
            "inject_country": None,
            "inject_city": None,
            "inject_enabled": not inj.reserve,
            "inject_content": content,
            "inject_injector_contract": {
                "injector_contract_id": EMAIL_CONTRACT,
                "injector_contract_labels": {"en": "Send individual mails", "fr": "Envoyer des mails individuels"},
                "injector_contract_manual": False,
                "injector_contract_payload": None,
                "injector_contract_injector_type": "openbas_email",
            },
            "inject_all_teams": list(inj.to) == ["all"],
            "inject_depends_on": [
                {"dependency_relationship": {"inject_parent_id": _id("inject", r),
                                             "inject_children_id": _id("inject", inj.id)},
                 "dependency_condition": {"mode": "and", "conditions": [
                     {"key": "Execution", "operator": "eq", "value": True}]}}
                for r in inj.requires
            ],
            "inject_depends_duration": seconds,
            "inject_tags": [tag(t) for t in inj.tags],
            "inject_documents": [],
            "inject_teams": to_teams,
        })
        for key in _lost_inject_keys(inj):
            lost_keys[key] = lost_keys.get(key, 0) + 1
    for key, n in sorted(lost_keys.items()):
        left.append(f"{n} inject(s): {key}")
    objectives = [{"objective_id": _id("objective", o.id), "objective_title": o.name,
                   "objective_description": o.description, "objective_priority": 0}
                  for o in sc.all_objectives()]
    category = _id("lessons", "objectives")
    questions = [{"lessonsquestion_id": _id("question", o.id), "lessons_question_category": category,
                  "lessons_question_content": f"How far did the teams meet this objective: {o.name}?",
                  "lessons_question_explanation": o.description, "lessons_question_order": i}
                 for i, o in enumerate(sc.all_objectives())]
    lessons = ([{"lessonscategory_id": category, "lessons_category_name": "Objectives",
                 "lessons_category_description": "One question per objective of the exercise.",
                 "lessons_category_order": 0, "lessons_category_questions": [q["lessonsquestion_id"] for q in questions],
                 "lessons_category_teams": []}] if questions else [])
    info = {
        "scenario_id": _id("scenario", sc.id),
        "scenario_name": sc.title,
        "scenario_description": sc.scenario.briefing,
        "scenario_subtitle": "",
        "scenario_category": "global-crisis",
        "scenario_main_focus": "incident-response",
        "scenario_severity": "medium",
        "scenario_message_header": "EXERCISE",
        "scenario_message_footer": "EXERCISE",
        "scenario_mail_from": "white-cell@exercise.invalid",
        "scenario_tags": [tag(f"turn length: {minutes} min"), tag(f"turns: {sc.calendar.turns}")],
        "scenario_documents": [],
    }
    doc = {
        "export_version": EXPORT_VERSION,
        "scenario_information": info,
        "scenario_teams": [{"team_id": team_ids[t.id], "team_name": t.name, "team_description": t.briefing,
                            "team_tags": []} for t in sc.teams],
        "scenario_objectives": objectives,
        "scenario_users": [],
        "scenario_organizations": [],
        "scenario_injects": out_injects,
        "scenario_tags": list(tags.values()),
        "scenario_documents": [],
        "scenario_channels": [],
        "scenario_articles": [],
        "scenario_challenges": [],
        "scenario_lessons_categories": lessons,
        "scenario_lessons_questions": questions,
        "scenario_variables": [carried_variable(sc)],
    }
    for what, n in (("allies", len(sc.allies)), ("commands", len(sc.commands)), ("tracks", len(sc.tracks)),
                    ("catalogue items", len(sc.items)), ("production expansions", len(sc.expansions)),
                    ("backlog orders", len(sc.backlog)), ("outcomes", len(sc.outcomes))):
        if n:
            left.append(f"{n} {what} (OpenAEV has no such thing)")
    if sc.budget.raise_effects or sc.budget.cut_effects:
        left.append("the budget's effects of raising and cutting spending (they act on tracks)")
    measured = sum(1 for o in sc.all_objectives()
                   if o.capability or o.team or o.measure or o.target is not None or o.better != "higher")
    if measured:
        left.append(f"{measured} objective(s): what they are measured by (capability, team, measure, target)")
    if sc.scorecard is not None:
        left.append("the scorecard")
    if sc.adversary is not None:
        left.append(f"the adversary {sc.adversary.name!r} and its {len(sc.adversary.actions)} action(s)")
    return Export(doc, sc.title, left, carried_words(sc))


def carried(sc: model.Scenario) -> dict:
    """This format's own data that OpenAEV has no field for, kept for `import` (see
    CARRIED_KEY): the calendar, words, budget (its unit and categories; not its effects,
    which act on tracks), phases, seed, the roles the white cell plays, and per team (by
    name) its funds, staff, the names of its objectives and how many allies it plays."""
    objective_names = {o.id: o.name for o in sc.all_objectives()}
    budget = {k: v for k, v in compact(sc.budget).items() if k not in ("raise_effects", "cut_effects")}
    return {
        "format": CARRIED_FORMAT,
        "calendar": {**compact(sc.calendar), "turns": sc.calendar.turns},
        "words": compact(sc.words),
        "budget": budget,
        "phases": [compact(p) for p in sc.phases],
        "seed": sc.scenario.seed,
        "facilitator_plays": list(sc.scenario.facilitator_plays),
        "teams": [{"name": t.name, "funds": t.funds, "staff": t.staff, "allies": len(t.allies),
                   "objectives": [objective_names.get(o, o) for o in t.objectives]} for t in sc.teams],
    }


def carried_variable(sc: model.Scenario) -> dict:
    """The scenario variable that carries `carried(sc)` as JSON text."""
    return {
        "variable_id": _id("variable", CARRIED_KEY),
        "variable_key": CARRIED_KEY,
        "variable_value": json.dumps(carried(sc), ensure_ascii=False),
        "variable_description": "Kept by `exercise openaev export` for `exercise openaev import`: the scenario's "
                                "calendar, words, budget, phases and team funds. No inject uses it; leave it as it is.",
    }


def carried_words(sc: model.Scenario) -> list[str]:
    """What the variable carries, in words, for the export's report."""
    cal = sc.calendar
    out = [f"the calendar: {cal.turns} turns of {cal.span()}, from {cal.label(1)!r}"]
    if compact(sc.words):
        out.append(f"the scenario's own words ({len(compact(sc.words))} of {len(attrs.fields(model.Words))})")
    funded = [t for t in sc.teams if t.funds]
    if funded:
        out.append(f"{len(funded)} team(s)' funds per turn ({', '.join(f'{t.name}: {t.funds:g} {sc.budget.unit}' for t in funded)})")
    out.append(f"the budget: unit {sc.budget.unit!r}, {len(sc.budget.categories)} categories")
    out.append(f"the {len(sc.phases)} phases of a turn, the seed and the roles the white cell plays")
    if any(t.objectives for t in sc.teams):
        out.append("which objectives each team is evaluated on")
    return out


def _turns(injects) -> dict[str, int]:
    """The turn each inject is sent at: its turn, its window's first, or (following
    others) the latest of theirs plus `after`; reserve and conditional ones at turn 1."""
    by_id = {i.id: i for i in injects}
    memo: dict[str, int] = {}

    def turn(i: model.Inject, seen: frozenset) -> int:
        if i.id in memo:
            return memo[i.id]
        if i.turn is not None:
            t = i.turn
        elif i.window is not None:
            t = i.window[0]
        elif i.requires:
            parents = [turn(by_id[r], seen | {i.id}) for r in i.requires if r in by_id and r not in seen]
            t = (max(parents) if parents else 1) + i.after
        else:
            t = 1
        memo[i.id] = t
        return t

    return {i.id: turn(i, frozenset()) for i in injects}


def _lost_inject_keys(inj: model.Inject) -> list[str]:
    lost = []
    checks = (("options (decisions)", bool(inj.options)), ("effects", bool(inj.effects)),
              ("a condition", inj.condition is not None), ("a window and chance", inj.window is not None),
              ("a chance below 1", inj.chance != 1.0 and inj.window is None), ("odds", bool(inj.odds)),
              ("a sender ('from')", inj.sender != "White cell"), ("a channel", inj.channel != "brief"),
              ("notes", bool(inj.notes)), ("a source", bool(inj.source)), ("an attribution", bool(inj.attribution)),
              ("objectives it exercises", bool(inj.objectives)), ("a severity", inj.severity != "medium"),
              ("'fixed'", inj.fixed), ("white-cell-only recipients", "facilitator" in inj.to))
    for what, present in checks:
        if present:
            lost.append(what)
    return lost


def write_zip(path: Path, export: Export) -> None:
    import zipfile

    data = json.dumps(export.document, indent=2, ensure_ascii=False).encode("utf-8")
    name = re.sub(r"[^\w .()-]+", "_", export.name).strip() or "scenario"

    def save(tmp: str) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            info = zipfile.ZipInfo(f"{name}.json", date_time=(2026, 1, 1, 0, 0, 0))
            info.comment = ENTRY_SCENARIO.encode("ascii")
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

    save_via_temp(path, save)


# -- import: reading the archive -------------------------------------------------------------


def read_zip(path: Path) -> tuple[dict, list[str]]:
    """The scenario document in an OpenAEV archive, and notes on what was skipped.
    InteropError (one line, for a person) when the archive cannot be used."""
    import zipfile

    from exercise.fsutil import not_regular

    path = Path(path)
    problem = not_regular(path, follow=True)
    if problem:
        raise InteropError(f"{path}: {problem}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InteropError(f"{path}: file not found; check the path") from None
    if size > MAX_ZIP_BYTES:
        raise InteropError(f"{path}: {size:,} bytes, more than an archive may be here ({MAX_ZIP_BYTES:,})")
    notes: list[str] = []
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > MAX_ENTRIES:
                raise InteropError(f"{path}: {len(infos):,} entries, more than {MAX_ENTRIES:,}; not a scenario "
                                   "export")
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise InteropError(f"{path}: expands to more than {MAX_UNZIPPED:,} bytes (a zip bomb?); not read")
            candidates = []
            for i in infos:
                if i.is_dir():
                    continue
                if _unsafe(i.filename):
                    notes.append(f"entry {i.filename!r} has an unsafe name (absolute or '..'): skipped")
                    continue
                comment = i.comment.decode("utf-8", "replace")
                if comment in (ENTRY_SCENARIO, "Exercise"):
                    candidates.append(i)
                elif comment == "Attachment" or not i.filename.lower().endswith(".json"):
                    notes.append(f"attachment {i.filename!r}: documents are not imported")
                else:
                    candidates.append(i)
            if not candidates:
                skipped = "".join(f"; {n}" for n in notes if "unsafe name" in n)
                raise InteropError(f"{path}: no scenario in the archive (an entry commented 'Scenario' or a .json "
                                   f"file){skipped}; is it an OpenAEV scenario export?")
            if len(candidates) > 1:
                marked = [c for c in candidates if c.comment == ENTRY_SCENARIO.encode()]
                if len(marked) != 1:
                    raise InteropError(f"{path}: {len(candidates)} JSON documents "
                                       f"({', '.join(repr(c.filename) for c in candidates[:5])}); expected one")
                candidates = marked
            entry = candidates[0]
            if entry.file_size > MAX_JSON_BYTES:
                raise InteropError(f"{path}: {entry.filename!r} is {entry.file_size:,} bytes, more than "
                                   f"{MAX_JSON_BYTES:,}")
            with z.open(entry) as f:
                raw = f.read(MAX_JSON_BYTES + 1)  # the header's size may lie: never read past the limit
            if len(raw) > MAX_JSON_BYTES:
                raise InteropError(f"{path}: {entry.filename!r} expands past {MAX_JSON_BYTES:,} bytes; not read")
    except InteropError:
        raise
    except RuntimeError as e:  # an encrypted entry
        raise InteropError(f"{path}: cannot read the archive ({e}); export it again without a password") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise InteropError(f"{path}: not a readable zip archive ({e})") from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InteropError(f"{path}: {entry.filename!r} is not UTF-8 text; not a scenario export") from None
    except json.JSONDecodeError as e:
        raise InteropError(f"{path}: {entry.filename!r} is not JSON (line {e.lineno}, column {e.colno}: "
                           f"{e.msg})") from None
    except RecursionError:
        raise InteropError(f"{path}: {entry.filename!r} is nested too deeply to read") from None
    if not isinstance(doc, dict):
        raise InteropError(f"{path}: {entry.filename!r} is not a JSON object; not a scenario export")
    return doc, notes


def _unsafe(name: str) -> bool:
    n = name.replace("\\", "/")
    return n.startswith("/") or re.match(r"^[A-Za-z]:", n) is not None or ".." in n.split("/") or "\x00" in n


# -- import: document -> scenario and pack ---------------------------------------------------


@attrs.define
class Imported:
    scenario_text: str
    pack_text: str
    injects: int
    teams: int
    left_out: list[str]
    made_up: list[str] = attrs.field(factory=list)  # what the archive does not say and import filled in


class _Doc:
    """Typed access to the JSON with a clear message on the first wrong shape."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, where: str, what: str):
        raise InteropError(f"{self.file}: {where}: {what}; not an OpenAEV scenario export this can read")

    def obj(self, node, where: str) -> dict:
        if not isinstance(node, dict):
            self.fail(where, f"expected an object, found {_kind(node)}")
        return node

    def objs(self, node, where: str) -> list[dict]:
        if node is None:
            return []
        if not isinstance(node, list):
            self.fail(where, f"expected a list, found {_kind(node)}")
        return [self.obj(x, f"{where}[{i}]") for i, x in enumerate(node)]

    def text(self, node: dict, key: str, where: str, default: str = "") -> str:
        v = node.get(key)
        if v is None:
            return default
        if not isinstance(v, str):
            self.fail(f"{where}.{key}", f"expected text, found {_kind(v)}")
        return v

    def ids(self, node: dict, key: str, where: str) -> list[str]:
        v = node.get(key)
        if v is None:
            return []
        if not isinstance(v, list):
            self.fail(f"{where}.{key}", f"expected a list of ids, found {_kind(v)}")
        out = []
        for i, x in enumerate(v):
            if isinstance(x, dict):  # some versions write the objects, not their ids
                x = next((x[k] for k in x if k.endswith("_id") and isinstance(x[k], str)), None)
            if not isinstance(x, str):
                self.fail(f"{where}.{key}[{i}]", f"expected an id, found {_kind(x)}")
            out.append(x)
        return out


def _kind(v) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(
        type(v), "a number" if isinstance(v, (int, float)) else type(v).__name__)


_TAG = re.compile(r"<[^>]*>")


def html_text(body: str) -> str:
    """Text of an HTML body: <br> and paragraph ends as new lines, other tags dropped."""
    t = re.sub(r"<br\s*/?>\n?", "\n", body, flags=re.I)
    t = re.sub(r"</p>\s*", "\n\n", t, flags=re.I)
    return html.unescape(_TAG.sub("", t))


def import_document(doc: dict, name: str, file: str, minutes: int | None = None) -> Imported:
    """A scenario and its pack (TOML texts) from an OpenAEV scenario export, as far as the
    two models meet, with the list of what was left out."""
    d = _Doc(file)
    if "exercise_information" in doc and "scenario_information" not in doc:
        raise InteropError(f"{file}: this is an OpenAEV simulation (exercise) export, not a scenario; "
                           "export its scenario from OpenAEV instead")
    version = doc.get("export_version")
    if version != EXPORT_VERSION:
        d.fail("export_version", f"version {version!r}; only version {EXPORT_VERSION} is known")
    info = d.obj(doc.get("scenario_information"), "scenario_information")
    left: list[str] = []
    tags = {}
    for i, t in enumerate(d.objs(doc.get("scenario_tags"), "scenario_tags")):
        tid = d.text(t, "tag_id", f"scenario_tags[{i}]")
        tags[tid] = d.text(t, "tag_name", f"scenario_tags[{i}]")
    tagged_turns = None
    for tid in d.ids(info, "scenario_tags", "scenario_information"):
        m = TURN_TAG.match(tags.get(tid, ""))
        if minutes is None and m and int(m.group(1)) > 0:
            minutes = int(m.group(1))
        m = TURNS_TAG.match(tags.get(tid, ""))
        if m and 0 < int(m.group(1)) <= MAX_TURNS:
            tagged_turns = int(m.group(1))
    minutes = minutes or DEFAULT_TURN_MINUTES
    seconds_per_turn = minutes * 60
    made_up: list[str] = []
    own = _read_carried(d, doc, left)
    own_teams = {t["name"]: t for t in own.get("teams", [])}

    taken: set[str] = set()
    teams = {}
    team_rows = []
    for i, t in enumerate(d.objs(doc.get("scenario_teams"), "scenario_teams")):
        where = f"scenario_teams[{i}]"
        tid = d.text(t, "team_id", where)
        tname = d.text(t, "team_name", where) or f"Team {i + 1}"
        if tid in teams:
            continue
        teams[tid] = slug(tname, taken, "team")
        row: dict = {"id": teams[tid], "name": tname}
        mine = own_teams.get(tname)
        if mine is None:
            row["allies"] = [teams[tid].upper()]
            made_up.append(f"team {tname!r}: one placeholder ally (GDP 1, spending 1 %) for its money"
                           + ("" if own else " (the archive does not say what money the team has)"))
        else:
            if mine["funds"]:
                row["funds"] = mine["funds"]
            elif mine["allies"]:
                row["allies"] = [teams[tid].upper()]
                made_up.append(f"team {tname!r}: one placeholder ally (GDP 1, spending 1 %) stands in for its "
                               f"{mine['allies']} ally(ies), which the export left out")
            if mine["allies"] and mine["funds"]:
                left.append(f"team {tname!r}: its {mine['allies']} ally(ies) (the export left them out; its funds "
                            "are kept)")
            if mine["staff"] != 10:
                row["staff"] = mine["staff"]
        if d.text(t, "team_description", where):
            row["briefing"] = d.text(t, "team_description", where)
        team_rows.append(row)
    obj_taken: set[str] = set()
    objectives = []
    for i, o in enumerate(d.objs(doc.get("scenario_objectives"), "scenario_objectives")):
        where = f"scenario_objectives[{i}]"
        title = d.text(o, "objective_title", where) or f"Objective {i + 1}"
        row = {"id": slug(title, obj_taken, "objective"), "name": title}
        if d.text(o, "objective_description", where):
            row["description"] = d.text(o, "objective_description", where)
        objectives.append(row)
    objective_ids: dict[str, str] = {}
    for o in objectives:
        objective_ids.setdefault(o["name"], o["id"])
    for row in team_rows:
        names = own_teams.get(row["name"], {}).get("objectives", [])
        ids = [objective_ids[n] for n in names if n in objective_ids]
        if ids:
            row["objectives"] = ids
        if len(ids) < len(names):
            left.append(f"team {row['name']!r}: {len(names) - len(ids)} objective(s) not in the archive")

    raw = d.objs(doc.get("scenario_injects"), "scenario_injects")
    inject_ids: dict[str, str] = {}
    inj_taken: set[str] = set()
    for i, r in enumerate(raw):
        oid = d.text(r, "inject_id", f"scenario_injects[{i}]") or f"#{i}"
        inject_ids[oid] = slug(d.text(r, "inject_title", f"scenario_injects[{i}]") or f"inject {i + 1}",
                               inj_taken, "inject")
    turn_of: dict[str, int] = {}
    injects = []
    lost_contracts: dict[str, int] = {}
    other_conditions = 0
    for i, r in enumerate(raw):
        where = f"scenario_injects[{i}]"
        oid = d.text(r, "inject_id", where) or f"#{i}"
        duration = r.get("inject_depends_duration") or 0
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
            d.fail(f"{where}.inject_depends_duration", f"expected seconds (0 or more), found {duration!r}")
        turn_of[oid] = int(duration // seconds_per_turn) + 1
        contract = r.get("inject_injector_contract")
        contract_id = contract.get("injector_contract_id") if isinstance(contract, dict) else None
        kind = TABLETOP_CONTRACTS.get(contract_id) if isinstance(contract_id, str) else None
        label = None
        raw_content = r.get("inject_content")
        content: dict = raw_content if isinstance(raw_content, dict) else {}
        title = d.text(r, "inject_title", where) or f"Inject {i + 1}"
        description = d.text(r, "inject_description", where)
        out: dict = {"id": inject_ids[oid], "title": title}
        if kind == "email":
            body = content.get("body")
            text = html_text(body) if isinstance(body, str) else ""
            channel = "email"
        else:
            text = ""
            channel = "brief"
            if isinstance(contract, dict):
                labels = contract.get("injector_contract_labels")
                label = labels.get("en") if isinstance(labels, dict) else None
            if kind is None:
                name_ = label if isinstance(label, str) else str(contract_id)
                lost_contracts[name_] = lost_contracts.get(name_, 0) + 1
        teams_to = [teams[t] for t in d.ids(r, "inject_teams", where) if t in teams]
        if r.get("inject_all_teams") is True:
            to = ["all"]
        elif teams_to:
            to = teams_to
        else:
            to = ["facilitator"]
        if to != ["all"]:
            out["to"] = to
        if channel != "brief":
            out["channel"] = channel
        if description:
            out["synopsis"] = description
        if text:
            out["text"] = text
        parents = []
        for dep in d.objs(r.get("inject_depends_on"), f"{where}.inject_depends_on"):
            rel = dep.get("dependency_relationship")
            parent = rel.get("inject_parent_id") if isinstance(rel, dict) else None
            if isinstance(parent, str) and parent in inject_ids:
                parents.append(parent)
            cond = dep.get("dependency_condition")
            if not _executed(cond):
                other_conditions += 1
        out["_parents"] = parents
        out["_turn"] = turn_of[oid]
        if r.get("inject_enabled") is False:
            out["reserve"] = True
        expected = [e.get("expectation_name") for e in content.get("expectations", []) if isinstance(e, dict)
                    and isinstance(e.get("expectation_name"), str)] if isinstance(content.get("expectations"),
                                                                                   list) else []
        if expected:
            out["expected"] = expected
        tag_names = [tags[t] for t in d.ids(r, "inject_tags", where) if t in tags]
        if tag_names:
            out["tags"] = tag_names
        if kind is None and contract_id is not None:
            out["notes"] = f"OpenAEV contract: {label or contract_id} (not played by exercise; imported as a message)"
        injects.append(out)
    last_turn = 1
    final = []
    for out in injects:
        parents = out.pop("_parents")
        turn = out.pop("_turn")
        last_turn = max(last_turn, turn)
        item: dict = {k: out[k] for k in ("id", "title") if k in out}
        item.update({k: v for k, v in out.items() if k in ("to", "channel", "synopsis", "text")})
        if out.get("reserve"):
            item["reserve"] = True
        elif parents:
            item["requires"] = [inject_ids[p] for p in parents]
            item["after"] = max(0, turn - max(turn_of[p] for p in parents))
        else:
            item["turn"] = turn
        item.update({k: v for k, v in out.items() if k in ("expected", "tags", "notes")})
        final.append(item)

    for key, what in (("scenario_users", "players"), ("scenario_organizations", "organizations"),
                      ("scenario_documents", "documents"), ("scenario_channels", "media channels"),
                      ("scenario_articles", "articles"), ("scenario_challenges", "challenges"),
                      ("scenario_variables", "variables"), ("scenario_lessons_questions", "lessons-learned questions")):
        n = len(doc.get(key) or []) if isinstance(doc.get(key), list) else 0
        if key == "scenario_variables":
            n -= sum(1 for v in doc.get(key) or [] if isinstance(v, dict) and v.get("variable_key") == CARRIED_KEY)
        if n:
            left.append(f"{n} {what}")
    for label, n in sorted(lost_contracts.items()):
        left.append(f"{n} inject(s) of the OpenAEV contract {label!r}: imported as messages (payloads, targets "
                    "and their settings are not played here)")
    if other_conditions:
        left.append(f"{other_conditions} dependency condition(s) other than 'parent executed'")
    sc_title = d.text(info, "scenario_name", "scenario_information") or name
    briefing = d.text(info, "scenario_description", "scenario_information")
    turns = max(last_turn, own.get("calendar", {}).get("turns", 0), tagged_turns or 0)
    if not own.get("calendar") and tagged_turns is None:
        made_up.append(f"the number of turns: {turns}, the last inject's turn (the archive does not say how "
                       "many turns the exercise has)")
    elif turns > max(own.get("calendar", {}).get("turns", 0), tagged_turns or 0):
        made_up.append(f"the number of turns: {turns}, the last inject's turn (more than the archive's "
                       f"{max(own.get('calendar', {}).get('turns', 0), tagged_turns or 0)})")
    scenario_text = _scenario_toml(name, sc_title, briefing, team_rows, objectives, turns, minutes, file, own)
    pack_info = {"id": name, "title": f"{sc_title} (injects)",
                 "description": f"Injects of the OpenAEV scenario {sc_title!r}, imported by `exercise openaev import`."}
    header = [f"Imported from the OpenAEV scenario export {Path(file).name} by `exercise openaev import`.",
              f"One turn = {minutes} minutes of OpenAEV's timeline (inject_depends_duration)."]
    if left:
        header.append("Left out (OpenAEV keeps them, exercise has no place for them):")
        header += [f"  - {line}" for line in left]
    if made_up:
        header.append("Made up (the archive does not say; edit the scenario before playing):")
        header += [f"  - {line}" for line in made_up]
    pack_text = pack_toml(pack_info, final, None, header)
    return Imported(scenario_text, pack_text, len(final), len(team_rows), left, made_up)


def _read_carried(d: _Doc, doc: dict, left: list[str]) -> dict:
    """This format's own data from the scenario variable CARRIED_KEY, each part checked
    against the model; a part that does not fit is left out and said so. {} without it."""
    from exercise.convert import structure

    found = [v for v in d.objs(doc.get("scenario_variables"), "scenario_variables")
             if v.get("variable_key") == CARRIED_KEY]
    if not found:
        return {}
    value = found[0].get("variable_value")
    what = f"the scenario variable {CARRIED_KEY!r}"
    if not isinstance(value, str) or not value.strip():
        left.append(f"{what} has no value (OpenAEV exported the scenario without variable values): the calendar, "
                    "words, budget and team funds it would carry are not restored; export from OpenAEV with "
                    "variable values to keep them")
        return {}
    try:
        data = json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        data = None
    if not isinstance(data, dict) or data.get("format") != CARRIED_FORMAT:
        left.append(f"{what} is not JSON of format {CARRIED_FORMAT} as `exercise openaev export` writes it: not read")
        return {}
    out: dict = {}
    for key, cls in (("calendar", model.Calendar), ("words", model.Words), ("budget", model.Budget)):
        part = data.get(key)
        if part is None:
            continue
        obj, errs = structure(part, cls)
        if obj is None or (key == "calendar" and not 0 < obj.turns <= MAX_TURNS):
            left.append(f"{what}: its {key} table does not fit this format ({_first(errs)}): not read")
            continue
        out[key] = {**part, "turns": obj.turns} if key == "calendar" else part
    phases = data.get("phases")
    if phases is not None:
        errs = [e for p in (phases if isinstance(phases, list) else [None]) for e in structure(p, model.Phase)[1]]
        if errs or not phases:
            left.append(f"{what}: its phases do not fit this format ({_first(errs)}): not read")
        else:
            out["phases"] = phases
    if isinstance(data.get("seed"), int) and not isinstance(data.get("seed"), bool):
        out["seed"] = data["seed"]
    plays = data.get("facilitator_plays")
    if isinstance(plays, list) and all(isinstance(x, str) for x in plays):
        out["facilitator_plays"] = plays
    teams = []
    raw_teams = data.get("teams")
    for t in raw_teams if isinstance(raw_teams, list) else []:
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            continue
        funds, staff, allies = t.get("funds", 0), t.get("staff", 10), t.get("allies", 0)
        objectives = t.get("objectives", [])
        if (not _number(funds) or funds < 0 or not isinstance(staff, int) or isinstance(staff, bool)
                or not isinstance(allies, int) or isinstance(allies, bool)
                or not (isinstance(objectives, list) and all(isinstance(o, str) for o in objectives))):
            left.append(f"{what}: team {t['name']!r} does not fit this format: its funds are not read")
            continue
        teams.append({"name": t["name"], "funds": funds, "staff": staff, "allies": allies, "objectives": objectives})
    out["teams"] = teams
    return out


def _number(v) -> bool:
    import math

    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _first(errs) -> str:
    if not errs:
        return "not a table"
    path, message, hint = errs[0]
    return ".".join(map(str, path)) + (": " if path else "") + message + hint


def _executed(cond) -> bool:
    """Whether a dependency condition is the plain 'the parent was executed'."""
    if cond is None:
        return True
    if not isinstance(cond, dict):
        return False
    conds = cond.get("conditions")
    if not isinstance(conds, list) or len(conds) != 1 or not isinstance(conds[0], dict):
        return False
    c = conds[0]
    return c.get("key") == "Execution" and c.get("value") is True and c.get("operator", "eq") == "eq"


def _scenario_toml(name: str, title: str, briefing: str, teams: list[dict], objectives: list[dict],
                   turns: int, minutes: int, file: str, own: dict | None = None) -> str:
    import tomli_w

    own = own or {}
    placeholders = [t for t in teams if t.get("allies")]
    lines = [
        "#:schema ../docs/schema/scenario.schema.json",
        f"# Imported from the OpenAEV scenario export {Path(file).name} by `exercise openaev import`.",
        f"# One turn = {minutes} minutes of OpenAEV's timeline; the injects are in injects/{name}.toml.",
    ]
    if own:
        lines.append(f"# The calendar, words, budget and team funds come from the archive's variable {CARRIED_KEY}.")
    if placeholders:
        lines += [
            f"# {len(placeholders)} team(s) play one placeholder ally each (GDP 1, spending 1 %) so that the",
            "# scenario loads (the archive does not say their money); give them a real budget before you play.",
        ]
    lines.append("")
    if "calendar" in own:
        calendar = {**own["calendar"], "turns": turns}
        if calendar.get("labels") and len(calendar["labels"]) < turns:
            calendar.pop("labels")  # labels for fewer turns than it now has: the unit's labels instead
    else:
        calendar = {"start_year": 2026, "turns": turns,
                    "labels": [f"T+{(t * minutes) // 60}:{(t * minutes) % 60:02d}" for t in range(turns)]}
    budget = own.get("budget") or {
        "category": [{"id": "general", "name": "General", "default_share": 1.0, "procurement": True}]}
    phases = own.get("phases") or [{"id": "briefing"}, {"id": "injects"}, {"id": "deliberation", "minutes": minutes},
                                   {"id": "adjudication"}, {"id": "summary"}]
    info = {"id": name, "title": title, **({"briefing": briefing} if briefing else {}), "packs": [name]}
    if "seed" in own:
        info["seed"] = own["seed"]
    if own.get("facilitator_plays"):
        info["facilitator_plays"] = own["facilitator_plays"]
    doc = {
        "scenario": info,
        "calendar": calendar,
        **({"words": own["words"]} if own.get("words") else {}),
        "budget": budget,
        "phase": phases,
        "team": teams,
        "ally": [{"id": t["allies"][0], "name": t["name"], "gdp": 1.0, "spending": 1.0} for t in placeholders],
        "objective": objectives,
        "outcome": [{"id": "end", "name": "End of the exercise",
                     "text": "The exercise is over; see the debrief."}],
    }
    doc = {k: v for k, v in doc.items() if v != []}
    return "\n".join(lines) + tomli_w.dumps(doc, multiline_strings=True)


# -- what survives a round trip ---------------------------------------------------------------


def survivors(sc: model.Scenario) -> dict:
    """What an export keeps of a scenario, keyed by names (ids are OpenAEV's UUIDs on the
    way and made again from names on the way back): for comparing before and after."""
    team_names = {t.id: t.name for t in sc.teams}
    titles = {i.id: i.title for i in sc.all_injects()}
    turns = _turns(sc.all_injects())
    injects = []
    for i in sc.all_injects():
        if list(i.to) == ["all"]:
            to: tuple = ("all",)
        else:
            to = tuple(sorted(team_names[t] for t in i.to if t in team_names)) or ("facilitator",)
        injects.append((i.title, i.synopsis, i.text, to, i.reserve, None if i.reserve else turns[i.id],
                        tuple(i.expected), tuple(i.tags),
                        () if i.reserve else tuple(sorted(titles.get(r, r) for r in i.requires))))
    objective_names = {o.id: o.name for o in sc.all_objectives()}
    return {
        "title": sc.title,
        "briefing": sc.scenario.briefing,
        "seed": sc.scenario.seed,
        "facilitator_plays": sc.scenario.facilitator_plays,
        "teams": sorted((t.name, t.briefing, t.funds, t.staff, tuple(objective_names[o] for o in t.objectives))
                        for t in sc.teams),
        "objectives": sorted((o.name, o.description) for o in sc.all_objectives()),
        "injects": sorted(injects, key=repr),
        # this format's own, carried in the scenario variable
        "calendar": sc.calendar,
        "words": sc.words,
        "budget": attrs.evolve(sc.budget, raise_effects=(), cut_effects=()),
        "phases": sc.phases,
    }


__all__ = ["Export", "Imported", "export_scenario", "import_document", "read_zip", "survivors", "toml_value",
           "write_zip"]


def check_import(imported: Imported, name: str) -> list[str]:
    """Errors of the imported scenario and pack, validated together in a scratch folder."""
    import tempfile

    from exercise.packs.check import validate

    with tempfile.TemporaryDirectory(prefix="exercise-openaev-") as tmp:
        root = Path(tmp)
        (root / "scenarios").mkdir()
        (root / "injects").mkdir()
        (root / "scenarios" / f"{name}.toml").write_text(imported.scenario_text, encoding="utf-8")
        (root / "injects" / f"{name}.toml").write_text(imported.pack_text, encoding="utf-8")
        report = validate([root / "scenarios" / f"{name}.toml"])
        return [str(p).replace(str(root) + "/", "") for p in report.problems.sorted(limit=None)
                if p.severity == "error"]
