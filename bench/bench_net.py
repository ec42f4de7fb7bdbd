"""Network: from the facilitator firing an inject to all of 32 team terminals having it.

`exercise serve --headless` runs in a child process with the default scenario (4 teams);
32 WebSocket clients (8 per team) and a facilitator connect over loopback from this
process. Each round the facilitator fires an ad-hoc inject to all teams; the latency of a
round is the time from sending the command to the last of the 32 clients receiving the
update whose player view holds it (decided, journaled with fsync, 4 player views built,
32 frames sent). Reported: p50 and p99 of that, and of each client's own latency.

Baseline, same run, same clients: a bare websockets server in a child process that, on a
"go" frame, broadcasts a frame of the same size to every client (no engine, no journal).

Big case (`--big`): the same on a scenario 16x the default (bench/bigscenario.py: 12
teams, 24 turns, 1,012 injects), played to the deliberation of turn 4 before the rounds
(injects fired, views grown); 32 clients spread over the 12 teams. Also reported: the
size of each kind of seat's snapshot (facilitator, team, controller, evaluator, wall, red)
and its largest frame, and the server's resident memory against the bare server's.

`--in-process` times the server's own part of a round (the command, its journal and every
connected kind's view built, patched and encoded) in this process, without the network,
against the same command with no one connected.

Run: python bench/bench_net.py [ROUNDS] [--big] [--in-process]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from served import free_port, headless_server, pct

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from exercise.net.protocol import VERSION  # the bench speaks the server's protocol

CLIENTS = 32
BIG_TURN = 4  # the big case's rounds are played in the deliberation of this turn
BIG_SEATS = ("--controller", "Carla", "--evaluator", "Eve", "--wall", "Wall", "--red-seat")

BARE_SERVER = textwrap.dedent("""
    import asyncio, sys
    from websockets.asyncio.server import serve

    clients = set()

    async def handler(ws):
        clients.add(ws)
        try:
            async for msg in ws:
                if msg.startswith("go:"):
                    _, marker, size = msg.split(":")
                    frame = marker + "x" * (int(size) - len(marker))
                    for c in list(clients):
                        if c is not ws:
                            await c.send(frame)
        finally:
            clients.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", int(sys.argv[1]), compression=None, max_size=None):
            print("ready", flush=True)
            await asyncio.Future()

    asyncio.run(main())
""")




async def _rounds(url: str, hellos: list[str | None], fire, rounds: int) -> tuple[list[float], list[float], int]:
    """Connect the clients, then run `rounds` fires; (round latencies, client latencies, frame size)."""
    from websockets.asyncio.client import connect

    clients = []
    for hello in hellos:
        if hello:
            ws, _size, _frame = await _joined(url, hello)
        else:
            ws = await connect(url, max_size=None, compression=None)
        clients.append(ws)
    control = clients.pop()
    arrived: dict[str, list[float]] = {}
    size = [0]

    current = [""]

    async def reader(ws):
        async for frame in ws:  # views hold earlier rounds' injects too: look for this round's
            if current[0] and f"bench-{current[0]}-mark" in frame:
                arrived.setdefault(current[0], []).append(time.perf_counter())
                size[0] = max(size[0], len(frame))

    readers = [asyncio.create_task(reader(ws)) for ws in clients]
    drain = asyncio.create_task(_drain(control))
    per_round, per_client = [], []
    for i in range(rounds):
        key = current[0] = str(i)
        t0 = time.perf_counter()
        await control.send(fire(key, size[0] or 30_000))
        deadline = time.perf_counter() + 20
        while len(arrived.get(key, ())) < len(clients):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"round {key}: {len(arrived.get(key, ()))} of {len(clients)} clients got it")
            await asyncio.sleep(0.0005)
        times = arrived[key]
        per_round.append(max(times) - t0)
        per_client += [t - t0 for t in times]
        await asyncio.sleep(0.02)
    for task in readers + [drain]:
        task.cancel()
    for ws in clients + [control]:
        await ws.close()
    return per_round, per_client, size[0]


async def _drain(ws):
    async for _ in ws:
        pass


async def _joined(url: str, hello: str):
    """A client past its hello: (connection, bytes of its snapshot, its largest frame). A
    snapshot may come in several frames (`more`: its parts follow)."""
    from websockets.asyncio.client import connect

    ws = await connect(url, max_size=None, compression=None)
    await ws.send(hello)
    await ws.recv()  # welcome
    size = frame = 0
    while True:
        raw = await ws.recv()
        size, frame = size + len(raw), max(frame, len(raw))
        msg = json.loads(raw)
        if msg["type"] in ("snapshot", "parts") and not msg.get("more"):
            return ws, size, frame


def _hello(token: str) -> str:
    return json.dumps({"type": "hello", "protocol": VERSION, "token": token})


def _rss(pid: int) -> int:
    """Resident memory of a process, bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def _setup(url: str, token: str, turn: int | None) -> None:
    """As the facilitator: start the exercise, then (`turn`) advance, forcing, to its
    deliberation, each command answered (and its update in) before the next."""
    from exercise.net.client import Client

    client = Client(url, token, name="bench")
    task = asyncio.create_task(client.run())
    try:
        await client.wait_ready(60)
        body = {"kind": "start"}
        while True:
            answer = await client.send(body)
            if not answer["ok"]:
                raise RuntimeError(f"{body}: {answer.get('reason')}")
            while client.seq < answer["seq"]:  # the update it caused comes before the answer
                await asyncio.sleep(0.001)
            view = client.view
            assert view is not None
            if turn is None or (view["turn"] >= turn and view["phase"] == "deliberation"):
                return
            body = {"kind": "advance", "force": True}
    finally:
        await client.close()
        task.cancel()


def _exercise(rounds: int, big: Path | None = None, turn: int = BIG_TURN) -> dict:
    seats: list[tuple[str, str]] = []
    if big is None:
        proc, port, fac, teams = headless_server("bench-net-")
    else:
        proc, port, fac, teams = headless_server("bench-net-big-", str(big), BIG_SEATS, seats)
    url = f"ws://127.0.0.1:{port}"
    try:
        hellos = [_hello(teams[i % len(teams)][1]) for i in range(CLIENTS)] + [_hello(fac)]

        def fire(key, _size):
            return json.dumps({"type": "command", "id": f"c{key}", "command": {
                "kind": "fire_adhoc", "title": f"bench-{key}-mark", "text": "A bench inject.", "to": ["all"]}})

        async def go():
            await _setup(url, fac, turn if big is not None else None)  # big: injects fired, views grown
            per_round, per_client, frame = await _rounds(url, hellos, fire, rounds)
            views = {}
            for seat, token in [("facilitator", fac), ("team", teams[0][1])] + seats:
                ws, size, largest = await _joined(url, _hello(token))
                views[seat] = (size, largest)
                await ws.close()
            return per_round, per_client, frame, views

        per_round, per_client, frame, views = asyncio.run(go())
        return {"round": per_round, "client": per_client, "frame": frame, "views": views, "rss": _rss(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(10)


def _bare(rounds: int, size: int) -> dict:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        per_round, per_client, _ = asyncio.run(_rounds(f"ws://127.0.0.1:{port}", [None] * (CLIENTS + 1),
                                                       lambda key, _s: f"go:bench-{key}-mark:{size}", rounds))
        return {"round": per_round, "client": per_client, "rss": _rss(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(10)


def in_process(rounds: int = 30, big: bool = False, turn: int = BIG_TURN) -> dict:
    """The server's own cost of a round, without the network: a session in this process at
    the deliberation of `turn` (big) or turn 1, one connection of every team and of the
    facilitator (what the rounds above connect), an ad-hoc inject to all each round; the
    command with its updates (decided, journaled, every kind's view built, patched and
    encoded) against the same command with no one connected, alternated."""
    import bigscenario

    from exercise.engine import commands as cm
    from exercise.engine.seats import Seat
    from exercise.net.server import ExerciseServer
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.session import Session

    class Quiet:  # a connection that takes its frames and sends nothing
        def __init__(self, seat):
            self.seat = seat

        def push_all(self, frames):
            pass

    with tempfile.TemporaryDirectory(prefix="bench-net-in-") as tmp:
        path = bigscenario.generate(Path(tmp) / "big") if big else ROOT / "scenarios" / "deadline-2027.toml"
        scenario = loader.load_scenario(path, Problems()).scenario
        session = Session.create(scenario, {}, Path(tmp) / "saves")
        session.execute(cm.Start())
        while big and not (session.state.turn >= turn and session.state.phase == "deliberation"):
            session.execute(cm.Advance(force=True))
        server = ExerciseServer(session, None, port=0)  # type: ignore[arg-type]  # no tokens: never served
        teams = session.state.rules.team_ids
        server.connections = {Quiet(Seat("facilitator", "facilitator", "F"))} | {
            Quiet(Seat(t, "team", t, team=t)) for t in teams}  # type: ignore[misc]
        with_views, bare = [], []
        for i in range(rounds + 2):
            for listening, times in ((True, with_views), (False, bare)):
                if listening:
                    session.listeners.add(server._on_events)
                t0 = time.perf_counter()
                session.execute(cm.FireAdHoc(f"bench-{i}-{listening}", "A bench inject."))
                if i >= 2:  # the first ones build every view whole
                    times.append(time.perf_counter() - t0)
                if listening:
                    session.listeners.remove(server._on_events)
        session.close()
    ms = 1000
    out = {"bench": "net-in-process", "big": big, "teams": len(teams), "rounds": rounds,
           "with_views_p50_ms": statistics.median(with_views) * ms, "with_views_min_ms": min(with_views) * ms,
           "no_views_p50_ms": statistics.median(bare) * ms, "no_views_min_ms": min(bare) * ms}
    print(f"{'big scenario, turn ' + str(turn) if big else 'default scenario'}, in process: an ad-hoc inject to "
          f"all with {len(teams)} teams and the facilitator connected: p50 {out['with_views_p50_ms']:.1f} ms "
          f"(min {out['with_views_min_ms']:.1f}); with no one connected p50 {out['no_views_p50_ms']:.1f} ms "
          f"(min {out['no_views_min_ms']:.1f})")
    return out


def main(rounds: int = 100, big: bool = False, turn: int = BIG_TURN) -> dict:
    if big:
        import bigscenario

        with tempfile.TemporaryDirectory(prefix="bench-net-big-") as tmp:
            ex = _exercise(rounds, bigscenario.generate(Path(tmp)), turn)
    else:
        ex = _exercise(rounds)
    size = ex["frame"]
    bare = _bare(rounds, size)
    ms = 1000
    out = {
        "bench": "net", "big": big, "clients": CLIENTS, "rounds": rounds, "frame_bytes": size,
        "all32_p50_ms": pct(ex["round"], 0.5) * ms, "all32_p99_ms": pct(ex["round"], 0.99) * ms,
        "client_p50_ms": pct(ex["client"], 0.5) * ms, "client_p99_ms": pct(ex["client"], 0.99) * ms,
        "bare_all32_p50_ms": pct(bare["round"], 0.5) * ms, "bare_all32_p99_ms": pct(bare["round"], 0.99) * ms,
        "bare_client_p50_ms": pct(bare["client"], 0.5) * ms,
        "views": {seat: {"bytes": s, "largest_frame": f} for seat, (s, f) in ex["views"].items()},
        "rss_mib": ex["rss"] / 2**20, "bare_rss_mib": bare["rss"] / 2**20,
    }
    out["ratio_p50"] = out["all32_p50_ms"] / out["bare_all32_p50_ms"]
    out["ratio_p99"] = out["all32_p99_ms"] / out["bare_all32_p99_ms"]
    print(f"{'big scenario (12 teams), turn ' + str(turn) if big else 'default scenario'}: "
          f"fire an inject -> all {CLIENTS} clients have it ({rounds} rounds, update frames up to {size:,} bytes):")
    print(f"  exercise serve: p50 {out['all32_p50_ms']:.1f} ms, p99 {out['all32_p99_ms']:.1f} ms "
          f"(each client: p50 {out['client_p50_ms']:.1f} ms, p99 {out['client_p99_ms']:.1f} ms)")
    print(f"  bare broadcast of the same size: p50 {out['bare_all32_p50_ms']:.1f} ms, "
          f"p99 {out['bare_all32_p99_ms']:.1f} ms; ratio p50 {out['ratio_p50']:.2f}x, p99 {out['ratio_p99']:.2f}x")
    print(f"  (mean of the exercise rounds {statistics.mean(ex['round']) * ms:.1f} ms)")
    for seat, v in out["views"].items():
        print(f"  {seat:12s} snapshot {v['bytes']:>10,} bytes, largest frame {v['largest_frame']:>10,}")
    print(f"  server RSS {out['rss_mib']:.0f} MiB, bare server {out['bare_rss_mib']:.0f} MiB "
          f"({out['rss_mib'] / out['bare_rss_mib']:.1f}x)")
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="fan-out of an inject to 32 team terminals")
    ap.add_argument("rounds", nargs="?", type=int, default=100)
    ap.add_argument("--big", action="store_true", help="on the big scenario (bench/bigscenario.py)")
    ap.add_argument("--turn", type=int, default=BIG_TURN, help="the big case's turn (default %(default)s)")
    ap.add_argument("--in-process", action="store_true",
                    help="the server's own cost of a round, without the network (views, patches, journal)")
    args = ap.parse_args()
    if args.in_process:
        in_process(args.rounds, args.big, args.turn)
    else:
        main(args.rounds, args.big, args.turn)
