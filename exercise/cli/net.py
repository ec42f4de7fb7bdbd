"""`exercise serve` and `exercise join`: the exercise over the room's network.

Imports stay light until a command runs (the CLI starts fast, and `serve --headless`
never imports Textual).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exercise.cli.common import (
    DEFAULT_SCENARIO,
    SAVES_OPTION,
    check_red_bot,
    give_roles,
    new_session,
    open_session,
    roles_options,
)

DEFAULT_PORT = 8765


def _lan_address() -> str:
    """This machine's address on the LAN, for the join commands (no packet is sent)."""
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))  # routing only: picks the interface a LAN peer would reach
        return s.getsockname()[0]
    except OSError:
        return socket.gethostname()
    finally:
        s.close()


def public_url(host: str, port: int, tls: bool) -> str:
    shown = _lan_address() if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"{'wss' if tls else 'ws'}://{shown}:{port}"


def seat_lines(server) -> list[str]:
    """One entry per seat that may join: its name (and role) and the command its person runs."""
    from exercise.net.tokens import describe

    out = []
    teams = server.team_names()
    for seat, line in server.join_commands():
        who = seat.name if seat.role == "team" else describe(seat, teams)
        out.append(f"{visible(who)}:\n    {line}")
    return out


def visible(text: str) -> str:
    from exercise.controls import visible as shown

    return shown(text)


def _controller(spec: str) -> tuple[str, tuple[str, ...]]:
    """ "NAME[:TEAM,TEAM]" -> (name, scope)."""
    name, colon, teams = spec.rpartition(":")
    if not colon:
        return spec, ()
    return name, tuple(t.strip() for t in teams.split(",") if t.strip())


def _add_seats(server, wanted: list[tuple[str, str, tuple[str, ...]]], red_seat: bool) -> None:
    """The seats asked for on the command line; one already there with that name is kept."""
    from exercise.engine.seats import red_seat as red_of
    from exercise.net.tokens import SeatError, check_name, check_scope

    live = {(e.seat.role, e.seat.name.casefold()) for e in server.tokens.live()}
    if red_seat and not any(role == "red" for role, _ in live):
        if server.session.scenario.adversary is None:
            raise click.UsageError("--red-seat: this scenario has no adversary: there is no red cell to seat")
        wanted = [("red", red_of(server.session.state).name, ()), *wanted]
    for role, name, scope in wanted:  # all checked before any is added
        try:
            check_name(name)
            if scope:
                check_scope(scope, server.team_names())
        except SeatError as e:
            raise click.UsageError(f"--{role} {name}: {e}") from None
    for role, name, scope in wanted:
        if (role, name.strip().casefold()) in live:
            continue
        try:
            server.add_seat(role, name, scope)
        except SeatError as e:
            flag = "--red-seat" if role == "red" else f"--{role} {name}"
            raise click.UsageError(f"{flag}: {e}") from None
        live.add((role, name.strip().casefold()))


def _ssl_server(certfile: Path | None, keyfile: Path | None):
    if certfile is None:
        return None
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        ctx.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as e:
        raise click.UsageError(f"--certfile {certfile}: cannot load the certificate and key ({e})") from None
    return ctx


@click.command()
@click.argument("scenario", required=False)
@click.option("--resume", "resume_save", metavar="SAVE", help="Serve a saved exercise (after a restart, say).")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="Address to listen on; 127.0.0.1 keeps it to this machine (SSH access).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")
@click.option("--headless", is_flag=True, help="No screen: the facilitator acts through the protocol with the facilitator token.")
@click.option("--url", "shown_url", metavar="URL",
              help="The address teams should use, if not this machine's (a proxy or a tunnel).")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Serve wss:// with this certificate (PEM; see docs/room.md).")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The certificate's private key, if not in --certfile.")
@click.option("--name", help="Name of a new exercise (default: the scenario's title).")
@click.option("--seed", type=int, default=None, help="Seed of the random rolls of a new exercise.")
@click.option("--controller", "controllers", multiple=True, metavar="NAME[:TEAM,TEAM]",
              help="A controller's seat (white cell), limited to those team ids (default: every team). Repeatable.")
@click.option("--evaluator", "evaluators", multiple=True, metavar="NAME", help="An evaluator's seat. Repeatable.")
@click.option("--wall", "walls", multiple=True, metavar="NAME", help="A wall display's seat (a projector). Repeatable.")
@click.option("--red-seat", is_flag=True, help="A seat for the red cell (the adversary played from its own terminal).")
@roles_options
@SAVES_OPTION
def serve(scenario: str | None, resume_save: str | None, host: str, port: int, headless: bool,
          shown_url: str | None, certfile: Path | None, keyfile: Path | None, name: str | None,
          seed: int | None, controllers: tuple[str, ...], evaluators: tuple[str, ...], walls: tuple[str, ...],
          red_seat: bool, red: str, us_desk: str, saves_root: Path | None) -> None:
    """Run an exercise that teams join from their own terminals.

    Starts SCENARIO (default: deadline-2027), or with --resume a saved exercise, and
    serves it to team consoles (`exercise join`) over WebSockets while you run it in the
    facilitator console. Prints each seat's join command (teams, and the seats asked for
    with --controller, --evaluator, --wall, --red-seat; more with `exercise seat add`);
    the tokens are kept in the save folder, so after a restart with --resume the same
    commands work again.
    """
    from exercise.net.server import ExerciseServer
    from exercise.net.tokens import TokenError, load_or_create

    if scenario and resume_save:
        raise click.UsageError("give a SCENARIO to start or --resume SAVE, not both")
    if not headless and (not sys.stdout.isatty() or not sys.stdin.isatty()):
        raise click.UsageError("the facilitator console needs a terminal; use --headless to serve without one")
    ssl_ctx = _ssl_server(certfile, keyfile)
    check_red_bot(red)
    if red_seat and red == "bot":
        raise click.UsageError("--red-seat and --red bot: the red cell is played by its seat or by the bot, not both")
    wanted = [("controller", *_controller(c)) for c in controllers]
    wanted += [("evaluator", n, ()) for n in evaluators] + [("wall", n, ()) for n in walls]
    if resume_save:
        session = open_session(resume_save, saves_root)
    else:
        session = new_session(scenario or DEFAULT_SCENARIO, name, seed, saves_root)
    give_roles(session, red, us_desk)
    import gc

    gc.collect()
    gc.freeze()  # as simulate: the collector no longer walks the loaded scenario and state (p99)
    try:
        try:
            tokens = load_or_create(session.folder, [t.id for t in session.scenario.teams])
        except TokenError as e:
            raise click.ClickException(str(e)) from None
        log = _logger(headless)
        server = ExerciseServer(session, tokens, host, port, log=log, ssl=ssl_ctx)
        try:
            server.bind()
        except OSError as e:
            raise click.ClickException(f"cannot listen on {host}:{port} ({e.strerror or e}); "
                                       "is another server running? choose another --port") from None
        url = shown_url or public_url(host, server.port, ssl_ctx is not None)
        server.url = url
        _add_seats(server, wanted, red_seat)
        info = [f"exercise {session.meta.title!r}, save {session.folder}",
                f"serving on {url} (listening on {host}:{server.port})", "", "Join commands, one per seat:",
                *seat_lines(server), ""]
        if headless:
            info += [f"facilitator token: {tokens.facilitator}", "(all tokens are in "
                     f"{session.folder / 'tokens.json'}; stop with Ctrl+C, then --resume {session.folder.name})"]
            for line in session.notices:
                info.insert(1, f"note: {line}")
            click.echo("\n".join(info))
            sys.stdout.flush()
            _run_headless(server)
        else:
            from exercise.tui.app import make_app

            make_app(session=session, saves_root=saves_root, server=server).run()
            # still there after the screen closes: the seats as they are now (added, revoked since)
            info[4:-1] = seat_lines(server)
            click.echo("\n".join(info))
    finally:
        session.close()


def _logger(headless: bool):
    if not headless:
        return None  # the console shows connections itself

    from datetime import datetime

    def log(msg: str) -> None:
        print(f"{datetime.now().strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    return log


def _run_headless(server) -> None:
    import asyncio
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C arrives as KeyboardInterrupt
                pass
        await server.start()
        await stop.wait()
        server.log("stopping: clients are told to reconnect later")
        await server.stop()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


@click.command()
@click.argument("url")
@click.option("--team", help="Your team's id (the join command names it).")
@click.option("--seat", "seat_id", metavar="ID",
              help="Your seat's id, for a seat other than a team's (red cell, controller, evaluator, wall).")
@click.option("--token", envvar="EXERCISE_TOKEN", help="Your seat's token (or $EXERCISE_TOKEN, or --token-file).")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the token from this file (keeps it out of the process list).")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Trust this certificate for wss:// (a room's self-signed certificate).")
def join(url: str, team: str | None, seat_id: str | None, token: str | None, token_file: Path | None,
         cafile: Path | None) -> None:
    """Open your team's (or your seat's) console on an exercise served by `exercise serve`.

    URL is ws://HOST:PORT (or wss://). The console reconnects by itself if the network
    or the server drops, and always shows whether it is connected.
    """
    if (team is None) == (seat_id is None):
        raise click.UsageError("give --team ID (a player team) or --seat ID (any other seat), as your join "
                               "command says: exactly one of them")
    if token_file is not None:
        from exercise.fsutil import read_regular

        try:  # read_regular: a FIFO given as the file is refused, not waited on
            token = read_regular(token_file).decode("utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            raise click.UsageError(f"--token-file {token_file}: cannot read the token ({e})") from None
    if not token:
        raise click.UsageError("a token is needed: --token, --token-file or $EXERCISE_TOKEN "
                               "(the facilitator's `exercise serve` prints each seat's)")
    if not url.startswith(("ws://", "wss://")):
        raise click.UsageError(f"{url}: the address starts with ws:// or wss://, e.g. ws://192.168.1.20:{DEFAULT_PORT}")
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise click.UsageError(f"the {'team' if team is not None else 'seat'}'s console needs a terminal")
    ssl_ctx = None
    if url.startswith("wss://"):
        import ssl

        ssl_ctx = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    from exercise.net.client import Client
    from exercise.tui.join import JoinApp

    who = seat_id if seat_id is not None else team
    assert who is not None
    app = JoinApp(Client(url, token, name="exercise-join", ssl=ssl_ctx), who)  # a team's seat id is the team's
    app.run()
    if app.return_code:
        sys.exit(app.return_code)

