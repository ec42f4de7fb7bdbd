"""`exercise simulate`: dry-run a scenario many times with automatic players."""

from __future__ import annotations

import json
import os
import sys

import click

from exercise.cli.common import DEFAULT_SCENARIO, Progress, load_scenario

MIXED = "mixed"


class PolicyChoice(click.Choice):
    """--policy: "mixed" or a policy of the bots module, looked up when the option is
    parsed or its help shown, so that `exercise --help` does not import the engine."""

    def __init__(self) -> None:  # no list of names to keep in step: `choices` asks the bots
        self.case_sensitive = True

    # click.Choice stores `choices`; a property looks the policies up late
    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from exercise.bots import POLICIES

        return (MIXED, *POLICIES)


def _save_runs(sc, sources: dict, runs: int, seed: int, policy: str, root) -> list[str]:
    """Play each run again, recording it (runs are deterministic), and save it as an exercise."""
    from exercise.dryrun.simulate import play
    from exercise.engine.rolls import derive_seed
    from exercise.journal import saves
    from exercise.journal.records import CommandRecord, command_record
    from exercise.session import Session

    folders = []
    for i in range(runs):
        records: list[CommandRecord] = []

        def record(command, events, records=records):
            records.append(command_record(len(records) + 1, command, events))

        run_seed = derive_seed(seed, i)
        play(sc, run_seed, policy, record)
        try:
            session = Session.create(sc, sources, saves.saves_dir(root), name=f"sim-{sc.id}-{seed}-{i + 1}",
                                     seed=run_seed, simulated=True, history=records)
        except saves.SaveError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
        folders.append(str(session.folder))
        session.close()
    return folders


@click.command()
@click.argument("scenario", required=False, default=DEFAULT_SCENARIO)
@click.option("--runs", "-n", type=click.IntRange(1, 10_000_000), default=500, show_default=True,
              help="Whole exercises to play.")
@click.option("--seed", "-s", type=int, default=None, help="Seed of the dry run (default: the scenario's seed).")
@click.option("--policy", "-p", type=PolicyChoice(), default=MIXED, show_default=True,
              help="How the bots play: mixed gives each team a random policy in each run.")
@click.option("--workers", "-w", type=click.IntRange(1, 256), default=None,
              help="Processes to use (default: one per CPU for long runs). The report does not depend on it.")
@click.option("--pack", "pack", metavar="PACK", default=None,
              help="Report the injects of this included pack only (its file name or id); "
                   "outcomes and tracks stay the whole runs'.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document.")
@click.option("--save", is_flag=True, help="Also write each run as a saved exercise, to open, verify and debrief.")
@click.option("--saves", "saves_root", type=click.Path(path_type=__import__("pathlib").Path), default=None,
              help="Folder for --save (default: $EXERCISE_SAVES or ./saves).")
def simulate(scenario: str, runs: int, seed: int | None, policy: str, workers: int | None, pack: str | None,
             as_json: bool, save: bool, saves_root) -> None:
    """Play SCENARIO (default: deadline-2027) many times with bots and report.

    Shows the spread of outcomes (and, under --policy mixed, by policy), how often each
    inject fired (and which never did), in which turn the injects with a window or a
    condition fired, the decisions taken (in all and by team), the final tracks and when
    deliveries landed. Bots play every team, the facilitator advances and forces each
    turn; reserve injects are not fired. "Rejected bot commands" counts the commands the
    bots sent that the rules refused (nothing happened; the run went on).
    """
    from exercise.dryrun.simulate import iter_runs, pack_injects, render, summarise

    opened = load_scenario(scenario)
    sc, sources = opened.scenario, opened.sources
    if pack is not None:
        try:
            pack_injects(sc, pack)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--pack") from None
    import gc

    gc.freeze()  # ~15 % faster: the collector no longer rescans the loaded scenario
    seed = sc.scenario.seed if seed is None else seed
    if workers is None:
        workers = 1 if runs < 400 else min(os.cpu_count() or 1, 8)
    progress = Progress(runs, sys.stderr.isatty() and runs >= 200)
    try:  # each run is folded into the report's tally as it arrives: memory does not grow with --runs
        report = summarise(sc, iter_runs(sc, runs, seed, policy, workers, progress), seed, policy, pack)
    finally:
        progress.close()
    if save:
        report["saved"] = _save_runs(sc, sources, runs, seed, policy, saves_root)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        for line in render(report):
            click.echo(line)
