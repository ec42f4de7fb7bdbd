"""`exercise balance`: is a scenario decided by skill or by dice? The report a trainer
reads before the live day (docs/balance.md explains each section)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from exercise.cli.common import DEFAULT_SCENARIO, Progress, fail, load_scenario

# Runs per configuration by default: the whole report of the default scenario (7-30
# configurations, ~12-16 ms a run with the planner) in well under 60 s on two cores.
DEFAULT_RUNS = 100


@click.command()
@click.argument("scenario", required=False, default=DEFAULT_SCENARIO)
@click.option("--runs", "-n", type=click.IntRange(1, 1_000_000), default=DEFAULT_RUNS, show_default=True,
              help="Runs of each configuration (policy, free-riding team, plan, reserve inject, red bot).")
@click.option("--seed", "-s", type=int, default=None, help="Seed (default: the scenario's seed).")
@click.option("--workers", "-w", type=click.IntRange(1, 256), default=None,
              help="Processes to use (default: one per CPU). The report does not depend on it.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text",
              show_default=True, help="How to print the report.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
def balance(scenario: str, runs: int, seed: int | None, workers: int | None, fmt: str, output: Path | None) -> None:
    """Is SCENARIO (default: deadline-2027) decided by skill or by dice? Plays it with bots
    in many configurations and reports: skill vs chance per policy, whether every team
    matters, dominant plans, the scorecard criteria that decide, the rolls that swing the
    outcome, injects never or always fired, the red bot; then the balance targets, met or not.

    The exit status is 0 even when targets are missed (they are in the report); 1 for a
    scenario that does not load or an output file that cannot be written.
    """
    from exercise.dryrun.balance import balance as run_balance
    from exercise.dryrun.balance_render import render

    opened = load_scenario(scenario)
    sc = opened.scenario
    import gc

    gc.freeze()  # as simulate: the collector no longer rescans the loaded scenario
    seed = sc.scenario.seed if seed is None else seed
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    progress = Progress(0, sys.stderr.isatty())
    try:
        report = run_balance(sc, runs, seed, workers, progress)
    finally:
        progress.close()
    text = render(report, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}")
    click.echo(f"wrote {output}", err=True)
