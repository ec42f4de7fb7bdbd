"""What the command line and the screens both do with scenarios and saves, written once.

    open_scenario(name)                  a scenario by id or path, checked, ready to play
    create_save(opened, saves_root, ...) a new exercise of it
    find_save(name, saves_root)          a save folder by id or path
    open_save(folder)                    resume it, told whether the scenario files changed
    verify_save(folder, cut_at_damage)   replay its journal and report
    list_saves(saves_root)               the saves of a folder
    check_save(info)                     a listed save, its whole journal scanned

Each returns a result with its problems and warnings as data, never printed: the CLI
echoes them, the screens notify them. No Textual and no click here, and the heavy parts
(the engine, the journal replay) are imported only by the function that needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from exercise import model
    from exercise.journal.saves import SaveInfo
    from exercise.packs.loader import Loaded
    from exercise.packs.problems import Problems
    from exercise.session import Session
    from exercise.verify import Verdict


@attrs.frozen
class OpenedScenario:
    """A scenario looked up by id or path. `scenario` is None when it cannot be played;
    then `reason` says why in one line (when there is more than the problems to say)."""

    name: str
    path: Path | None
    loaded: Loaded | None
    problems: Problems
    reason: str | None = None
    # set when `name` is an id that a local scenario takes from a bundled one (local wins)
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.loaded is not None and self.loaded.scenario is not None and not self.problems.errors \
            and self.reason is None

    @property
    def scenario(self) -> model.Scenario | None:
        return self.loaded.scenario if self.ok and self.loaded is not None else None

    @property
    def sources(self) -> dict[str, str]:
        return self.loaded.texts if self.loaded is not None else {}

    @property
    def title(self) -> str | None:
        return self.loaded.scenario.title if self.loaded is not None and self.loaded.scenario is not None else None


def scenario_ids() -> list[str]:
    """The scenarios found by id: bundled, and in ./scenarios."""
    from exercise.packs import loader

    return loader.scenario_ids()


def find_scenario(name: str) -> Path | None:
    """A scenario file by id or path (an existing path only when given one)."""
    from exercise.packs import loader

    return loader.find_scenario(name)


def open_scenario(name: str, *, compile: bool = True) -> OpenedScenario:
    """Load and check a scenario and its packs. With `compile`, also build its rules (the
    engine is imported), so a scenario that would fail at its first command fails here."""
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.packs.validate import check_scenario

    problems = Problems()
    path = loader.find_scenario(name)
    if path is None:
        known = ", ".join(loader.scenario_ids()) or "none found"
        return OpenedScenario(name, None, None, problems,
                              f"no scenario {name!r} (known: {known}); give an id or a path to a .toml file")
    note = loader.shadow_note(name, path)
    loaded = loader.load_scenario(path, problems)
    if loaded.scenario is not None:
        check_scenario(loaded, problems)
    if problems.errors or loaded.scenario is None or not compile:
        return OpenedScenario(name, path, loaded, problems, note=note)
    from exercise.engine.scenario_rules import ScenarioError, rules_for

    try:
        rules_for(loaded.scenario)
    except ScenarioError as e:
        return OpenedScenario(name, path, loaded, problems, f"{path}: {e}", note=note)
    return OpenedScenario(name, path, loaded, problems, note=note)


def current_sources(scenario_id: str) -> dict[str, str] | None:
    """The scenario's files as they are now (to compare with a save's copy), or None when
    it is gone or no longer loads."""
    from exercise.packs import loader
    from exercise.packs.problems import Problems

    path = loader.find_scenario(scenario_id)
    if path is None or not path.exists():
        return None
    loaded = loader.load_scenario(path, Problems())
    return loaded.texts if loaded.scenario is not None else None


@attrs.frozen
class SaveResult:
    """An open save (new or resumed), or why there is none. `warnings` are what opening it
    had to say (a recovered crash, scenario files changed since it started)."""

    folder: Path | None
    session: Session | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.session is not None


def saves_dir(saves_root: Path | str | None) -> Path:
    """The saves folder: the option, else $EXERCISE_SAVES, else ./saves."""
    from exercise.journal import saves

    return saves.saves_dir(saves_root)


def create_save(opened: OpenedScenario, saves_root: Path | str | None, name: str | None = None,
                seed: int | None = None) -> SaveResult:
    """A new exercise of a playable scenario; nothing is left behind when it fails."""
    from exercise.journal import saves
    from exercise.session import Session

    if opened.scenario is None:
        return SaveResult(None, error=opened.reason or f"{opened.name} has errors; "
                                                       "run `exercise validate` to see them.")
    from exercise.engine.scenario_rules import ScenarioError, rules_for

    try:  # checked but not yet compiled (the start screen's list): fail here, not at the first command
        rules_for(opened.scenario)
    except ScenarioError as e:
        return SaveResult(None, error=f"{opened.path}: {e}")
    try:
        session = Session.create(opened.scenario, opened.sources, saves.saves_dir(saves_root), name=name, seed=seed)
    except saves.SaveError as e:
        return SaveResult(None, error=str(e))
    return SaveResult(session.folder, session)


def find_save(name: str, saves_root: Path | str | None) -> Path:
    """A save folder by id or path; raises journal.saves.SaveError naming what is there."""
    from exercise.journal import saves

    return saves.find_save(name, saves.saves_dir(saves_root))


def open_save(folder: Path) -> SaveResult:
    """Resume a save: recover a torn tail, replay, and warn when the scenario files changed
    since it started (it goes on with its own copy)."""
    from exercise.journal import saves

    try:
        session = open_session(folder)
    except saves.SaveError as e:
        return SaveResult(folder, error=str(e))
    return SaveResult(folder, session, warnings=tuple(session.notices))


def open_session(folder: Path) -> Session:
    """open_save for callers that handle journal.saves.SaveError themselves (the console's
    loading screen opens it in a thread and ends with the reason)."""
    from exercise.journal import saves
    from exercise.session import Session

    try:
        meta = saves.Meta.read(folder)
    except OSError:  # not a regular file: Session.open says so
        meta = None
    return Session.open(folder, current_sources(meta.scenario) if meta else None)


def verify_save(folder: Path, cut_at_damage: bool = False) -> Verdict:
    """Replay a save's journal; the verdict's lines say what was found (and cut)."""
    from exercise.verify import verify

    return verify(folder, cut_at_damage)


@attrs.frozen
class SaveList:
    root: Path
    saves: tuple[SaveInfo, ...] = ()
    error: str | None = None  # the folder itself cannot be listed


def list_saves(saves_root: Path | str | None, deep: bool = True) -> SaveList:
    """The saves of a folder, from their meta.json and their journals' ends; a save that
    does not open is a row with the reason. `deep=False` leaves out counting the journals'
    lines (a listing then costs the same whatever their sizes): `check_save` each row after."""
    from exercise.journal import saves

    root = saves.saves_dir(saves_root)
    try:
        return SaveList(root, tuple(saves.list_saves(root, deep)))
    except saves.SaveError as e:
        return SaveList(root, error=str(e))


def check_save(info: SaveInfo, stop: Callable[[], bool] | None = None) -> SaveInfo | None:
    """A listed save after a full scan of its journal (memory flat): damage anywhere in it.
    None when `stop()` said to give up (asked between chunks of the journal)."""
    from exercise.journal import log, saves

    try:
        return saves.check(info, stop)
    except log.ScanStopped:
        return None
