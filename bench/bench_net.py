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

`--attack [TREE]` replays the attack of session 9: 4 teams with 2 connections each sending
`allocate` at 19 a second (38 of the 40 a team may carry out), with the facilitator, a
controller, an evaluator and a wall connected and reading. Measured during the flood: how
long a new terminal takes to join (connect to its whole snapshot, one every 0.5 s) and the
facilitator's round trip (a note every 0.1 s), with the quiet round trip before it. TREE (a
copy of an older tree, e.g. `git archive COMMIT | tar -x -C DIR`) is run alternately with
this one in the same run.

`--in-process` times the server's own part of a round (the command, its journal and every
connected kind's view built, patched and encoded) in this process, without the network,
against the same command with no one connected.

Run: python bench/bench_net.py [ROUNDS] [--big] [--in-process] [--attack [TREE] [--seconds S] [--pairs N]]
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




class Fleet:
    """The clients of one server: `open` connects them (the last one is the control, which
    sends each round's command and reads nothing but drains), `round` runs one round."""

    def __init__(self, url: str, hellos: list[str | None], fire):
        self.url, self.hellos, self.fire = url, hellos, fire
        self.arrived: dict[str, list[float]] = {}
        self.size = 0
        self.current = ""
        self.per_round: list[float] = []
        self.per_client: list[float] = []

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.clients = []
        for hello in self.hellos:
            if hello:
                ws, _size, _frame = await _joined(self.url, hello)
            else:
                ws = await connect(self.url, max_size=None, compression=None)
            self.clients.append(ws)
        self.control = self.clients.pop()
        self.tasks = [asyncio.create_task(self._reader(ws)) for ws in self.clients]
        self.tasks.append(asyncio.create_task(_drain(self.control)))

    async def _reader(self, ws) -> None:
        async for frame in ws:  # views hold earlier rounds' injects too: look for this round's
            if self.current and f"bench-{self.current}-mark" in frame:
                self.arrived.setdefault(self.current, []).append(time.perf_counter())
                self.size = max(self.size, len(frame))

    async def round(self, key: str, size: int, counted: bool = True) -> None:
        self.current = key
        t0 = time.perf_counter()
        await self.control.send(self.fire(key, size))
        deadline = time.perf_counter() + 20
        while len(self.arrived.get(key, ())) < len(self.clients):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"round {key}: {len(self.arrived.get(key, ()))} of {len(self.clients)} clients got it")
            await asyncio.sleep(0.0005)
        times = self.arrived.pop(key)
        if counted:
            self.per_round.append(max(times) - t0)
            self.per_client += [t - t0 for t in times]
        await asyncio.sleep(0.02)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for ws in self.clients + [self.control]:
            await ws.close()


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


def _fire(key: str, _size: int) -> str:
    return json.dumps({"type": "command", "id": f"c{key}", "command": {
        "kind": "fire_adhoc", "title": f"bench-{key}-mark", "text": "A bench inject.", "to": ["all"]}})


WARM = 3  # rounds of each server before the measured ones (the first build every view whole)


def _run(rounds: int, trees: list[tuple[str, Path]], big: Path | None = None, turn: int = BIG_TURN) -> dict:
    """The exercise server of each tree and the bare server up at once, their rounds
    alternated (each tree's and the bare broadcast of the largest update frame seen, the
    first of them another each round), so every ratio is of rounds run under the same load."""
    procs: list[subprocess.Popen] = []
    servers = []  # (label, proc, url, fac, teams, seats)
    try:
        for label, root in trees:
            seats: list[tuple[str, str]] = []
            if big is None:
                proc, port, fac, teams = headless_server("bench-net-", root=root)
            else:
                proc, port, fac, teams = headless_server("bench-net-big-", str(big), BIG_SEATS, seats, root=root)
            procs.append(proc)
            servers.append((label, proc, f"ws://127.0.0.1:{port}", fac, teams, seats))
        port = free_port()
        bare_proc = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)], stdout=subprocess.PIPE, text=True)
        procs.append(bare_proc)
        assert bare_proc.stdout is not None
        bare_proc.stdout.readline()

        async def go():
            fleets = {}
            for label, _proc, url, fac, teams, _seats in servers:
                await _setup(url, fac, turn if big is not None else None)  # big: injects fired, views grown
                hellos: list[str | None] = [_hello(teams[i % len(teams)][1]) for i in range(CLIENTS)]
                fleets[label] = Fleet(url, hellos + [_hello(fac)], _fire)
            fleets["bare"] = Fleet(f"ws://127.0.0.1:{port}", [None] * (CLIENTS + 1),
                                   lambda key, size: f"go:bench-{key}-mark:{size}")
            for fleet in fleets.values():
                await fleet.open()
            size = 0
            order = list(fleets)
            for i in range(WARM + rounds):
                # who goes first turns each round: with one tree run twice, the first of the
                # two was 1.8-1.9 ms slower at p50 (big scenario) when the order was fixed
                for label in order[i % len(order):] + order[:i % len(order)]:
                    fleet = fleets[label]
                    await fleet.round(f"{i}", size or 30_000, counted=i >= WARM)
                    if label != "bare":
                        size = max(size, fleet.size)
            for fleet in fleets.values():
                await fleet.close()
            out = {}
            for label, _proc, url, fac, teams, seats in servers:
                views = {}
                for seat, token in [("facilitator", fac), ("team", teams[0][1])] + seats:
                    ws, total, largest = await _joined(url, _hello(token))
                    views[seat] = (total, largest)
                    await ws.close()
                out[label] = views
            return fleets, out, size

        fleets, views, size = asyncio.run(go())
        rss = {label: _rss(proc.pid) for label, proc, *_ in servers}
        rss["bare"] = _rss(bare_proc.pid)
        return {"fleets": fleets, "views": views, "frame": size, "rss": rss}
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def in_process(rounds: int = 30, big: bool = False, turn: int = BIG_TURN, freeze: bool = False) -> dict:
    """The server's own cost of a round, without the network: a session in this process at
    the deliberation of `turn` (big) or turn 1, one connection of every team and of the
    facilitator (what the rounds above connect), an ad-hoc inject to all each round; the
    command with its updates (decided, journaled, every kind's view built, patched and
    encoded) against the same command with no one connected, alternated. `freeze`: gc.freeze()
    after loading, as `exercise serve` does; the garbage collector's pauses are reported."""
    import gc

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
        if freeze:
            gc.collect()
            gc.freeze()
        pauses: list[float] = []
        began = [0.0]

        def timed(phase, info):
            if phase == "start":
                began[0] = time.perf_counter()
            else:
                pauses.append(time.perf_counter() - began[0])

        gc.callbacks.append(timed)
        server = ExerciseServer(session, None, port=0)  # type: ignore[arg-type]  # no tokens: never served
        teams = session.state.rules.team_ids
        server.connections = {Quiet(Seat("facilitator", "facilitator", "F"))} | {
            Quiet(Seat(t, "team", t, team=t)) for t in teams}  # type: ignore[misc]
        with_views, bare = [], []
        cpu: dict[bool, list[float]] = {True: [], False: []}  # this thread's CPU time (not the fsync's wait)
        for i in range(rounds + 2):
            for listening, times in ((True, with_views), (False, bare)):
                if listening:
                    session.listeners.add(server._on_events)
                t0, c0 = time.perf_counter(), time.thread_time()
                session.execute(cm.FireAdHoc(f"bench-{i}-{listening}", "A bench inject."))
                if i >= 2:  # the first ones build every view whole
                    times.append(time.perf_counter() - t0)
                    cpu[listening].append(time.thread_time() - c0)
                if listening:
                    session.listeners.remove(server._on_events)
        session.close()
        gc.callbacks.remove(timed)
        gc.unfreeze()
    ms = 1000
    out = {"bench": "net-in-process", "big": big, "teams": len(teams), "rounds": rounds, "freeze": freeze,
           "gc_pauses": len(pauses), "gc_total_ms": sum(pauses) * ms, "gc_max_ms": max(pauses, default=0) * ms,
           "with_views_p99_ms": pct(with_views, 0.99) * ms,
           "with_views_p50_ms": statistics.median(with_views) * ms, "with_views_min_ms": min(with_views) * ms,
           "no_views_p50_ms": statistics.median(bare) * ms, "no_views_min_ms": min(bare) * ms,
           "cpu_with_views_p50_ms": statistics.median(cpu[True]) * ms, "cpu_with_views_min_ms": min(cpu[True]) * ms,
           "cpu_no_views_p50_ms": statistics.median(cpu[False]) * ms, "cpu_no_views_min_ms": min(cpu[False]) * ms}
    print(f"{'big scenario, turn ' + str(turn) if big else 'default scenario'}, in process: an ad-hoc inject to "
          f"all with {len(teams)} teams and the facilitator connected: p50 {out['with_views_p50_ms']:.1f} ms "
          f"(min {out['with_views_min_ms']:.1f}); with no one connected p50 {out['no_views_p50_ms']:.1f} ms "
          f"(min {out['no_views_min_ms']:.1f})")
    print(f"  CPU time of this thread (the fsync's wait left out): p50 {out['cpu_with_views_p50_ms']:.2f} ms "
          f"(min {out['cpu_with_views_min_ms']:.2f}) with them, {out['cpu_no_views_p50_ms']:.2f} ms "
          f"(min {out['cpu_no_views_min_ms']:.2f}) without")
    print(f"  p99 {out['with_views_p99_ms']:.1f} ms; gc{' (frozen after loading)' if freeze else ''}: "
          f"{out['gc_pauses']} collections, {out['gc_total_ms']:.0f} ms in all, the longest {out['gc_max_ms']:.1f} ms")
    return out


def main(rounds: int = 100, big: bool = False, turn: int = BIG_TURN, against: Path | None = None) -> dict:
    import os

    trees = [("this tree", ROOT)] + ([(f"other tree ({against})", against)] if against else [])
    load = os.getloadavg()
    if big:
        import bigscenario

        with tempfile.TemporaryDirectory(prefix="bench-net-big-") as tmp:
            run = _run(rounds, trees, bigscenario.generate(Path(tmp)), turn)
    else:
        run = _run(rounds, trees)
    ms = 1000
    bare = run["fleets"]["bare"]
    out: dict = {"bench": "net", "big": big, "clients": CLIENTS, "rounds": rounds, "frame_bytes": run["frame"],
                 "load_before": load[0], "load_after": os.getloadavg()[0],
                 "bare_all32_p50_ms": pct(bare.per_round, 0.5) * ms, "bare_all32_p99_ms": pct(bare.per_round, 0.99) * ms,
                 "bare_client_p50_ms": pct(bare.per_client, 0.5) * ms, "bare_rss_mib": run["rss"]["bare"] / 2**20,
                 "trees": {}}
    print(f"{'big scenario (12 teams), turn ' + str(turn) if big else 'default scenario'}: "
          f"fire an inject -> all {CLIENTS} clients have it ({rounds} rounds each, alternated; update frames up to "
          f"{run['frame']:,} bytes; load {out['load_before']:.1f} before, {out['load_after']:.1f} after):")
    print(f"  bare broadcast of the same size: p50 {out['bare_all32_p50_ms']:.1f} ms, "
          f"p99 {out['bare_all32_p99_ms']:.1f} ms")
    for label, _root in trees:
        fleet = run["fleets"][label]
        t = {"all32_p50_ms": pct(fleet.per_round, 0.5) * ms, "all32_p99_ms": pct(fleet.per_round, 0.99) * ms,
             "client_p50_ms": pct(fleet.per_client, 0.5) * ms, "client_p99_ms": pct(fleet.per_client, 0.99) * ms,
             "mean_ms": statistics.mean(fleet.per_round) * ms,
             "views": {seat: {"bytes": b, "largest_frame": f} for seat, (b, f) in run["views"][label].items()},
             "rss_mib": run["rss"][label] / 2**20}
        t["ratio_p50"] = t["all32_p50_ms"] / out["bare_all32_p50_ms"]
        t["ratio_p99"] = t["all32_p99_ms"] / out["bare_all32_p99_ms"]
        # each round against the bare round of the same turn: the ratio under the same moment's load
        pairs = [a / b for a, b in zip(fleet.per_round, bare.per_round)]
        t["paired_ratio_p50"] = pct(pairs, 0.5)
        out["trees"][label] = t
        print(f"  {label}: p50 {t['all32_p50_ms']:.1f} ms, p99 {t['all32_p99_ms']:.1f} ms "
              f"(each client: p50 {t['client_p50_ms']:.1f} ms, p99 {t['client_p99_ms']:.1f} ms; mean {t['mean_ms']:.1f} ms); "
              f"ratio p50 {t['ratio_p50']:.2f}x, p99 {t['ratio_p99']:.2f}x, round by round p50 {t['paired_ratio_p50']:.2f}x")
        for seat, v in t["views"].items():
            print(f"    {seat:12s} snapshot {v['bytes']:>10,} bytes, largest frame {v['largest_frame']:>10,}")
        print(f"    server RSS {t['rss_mib']:.0f} MiB, bare server {out['bare_rss_mib']:.0f} MiB "
              f"({t['rss_mib'] / out['bare_rss_mib']:.1f}x)")
    return out


# -- the attack: 4 teams flooding within the budget, a terminal joining ---------------------
ATTACK_RATE = 19.0  # commands a second per flooding connection (the limit is 20, 40 per team)
ATTACK_SEATS = ("--controller", "Carla", "--evaluator", "Eve", "--wall", "Wall")


def _serve_tree(root: Path, prefix: str):
    """`exercise serve --headless` of the tree at `root` (as headless_server, another tree)."""
    import os
    import re

    port = free_port()
    saves = tempfile.mkdtemp(prefix=prefix)
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "exercise", "serve", "deadline-2027", "--headless", "--host",
                             "127.0.0.1", "--port", str(port), "--saves", saves, *ATTACK_SEATS],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=str(root))
    assert proc.stdout is not None
    text = ""
    while "(all tokens are in" not in text:
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            raise RuntimeError(f"exercise serve ({root}) did not start")
        text += line
    teams = re.findall(r"--team (\S+) --token (\S+)", text)
    seats = re.findall(r"--seat (\S+) --token (\S+)", text)
    fac = re.search(r"facilitator token: (\S+)", text)
    assert fac is not None
    return proc, port, fac.group(1), teams, seats


async def _attack_run(url: str, fac: str, teams, seats, seconds: float) -> dict:
    from websockets.asyncio.client import connect

    answers: dict[str, asyncio.Future] = {}
    counts = {"ok": 0, "refused": 0, "updates": 0}

    async def reader(ws):
        try:
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "result":
                    counts["ok" if msg["ok"] else "refused"] += 1
                    fut = answers.pop(msg["id"], None)
                    if fut is not None and not fut.done():
                        fut.set_result(msg)
                elif msg["type"] == "update":
                    counts["updates"] += 1
        except Exception:
            pass

    async def command(ws, cid: str, body: dict) -> dict:
        fut = answers[cid] = asyncio.get_running_loop().create_future()
        await ws.send(json.dumps({"type": "command", "id": cid, "command": body}))
        return await asyncio.wait_for(fut, 60)

    lead, _size, _frame = await _joined(url, _hello(fac))
    tasks = [asyncio.create_task(reader(lead))]
    for i, body in enumerate([{"kind": "start"}, {"kind": "advance"}, {"kind": "advance"}]):
        await command(lead, f"setup{i}", body)
    for _seat, token in seats:  # the other kinds of seat, reading
        ws, _size, _frame = await _joined(url, _hello(token))
        tasks.append(asyncio.create_task(reader(ws)))
    flooders = []
    view = None
    for _team, token in teams:
        for _ in range(2):
            ws = await connect(url, max_size=None, compression=None)
            await ws.send(_hello(token))
            await ws.recv()
            snap = json.loads(await ws.recv())
            view = view or snap
            flooders.append((ws, _team))
            tasks.append(asyncio.create_task(reader(ws)))
    me = view["view"]["me"]
    shares = {k: v["share"] for k, v in me["budget"]["categories"].items()}
    a, b = sorted(shares, key=lambda k: -shares[k])[:2]
    n = {"probe": 0}

    async def probe_for(duration: float) -> list[float]:
        out = []
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            n["probe"] += 1
            t0 = time.perf_counter()
            try:
                await command(lead, f"p{n['probe']}", {"kind": "note", "text": f"probe {n['probe']}"})
            except TimeoutError:  # no answer in 60 s: counted as 60 s, and said
                failed.append("a round trip over 60 s")
            out.append(time.perf_counter() - t0)
            await asyncio.sleep(0.1)
        return out

    async def flood(ws, team: str, tag: str, duration: float) -> int:
        sent = 0
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            sent += 1
            n[team] = n.get(team, 0) + 1
            d = round(0.0001 * (n[team] % 50 + 1), 6)  # a split other than the one before
            body = {"kind": "allocate", "shares": {**shares, a: round(shares[a] - d, 6), b: round(shares[b] + d, 6)}}
            await ws.send(json.dumps({"type": "command", "id": f"{tag}{sent}", "command": body}))
            await asyncio.sleep(1 / ATTACK_RATE)
        return sent

    async def joins(duration: float) -> list[float]:
        out = []
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            try:
                ws, _size, _frame = await _joined(url, _hello(teams[0][1]))
            except Exception as e:  # the client gave up (its pings unanswered for 20 s)
                out.append(time.perf_counter() - t0)
                failed.append(f"{type(e).__name__} after {out[-1]:.1f} s")
                continue
            out.append(time.perf_counter() - t0)
            await ws.close()
            await asyncio.sleep(0.5)
        return out

    failed: list[str] = []
    quiet = await probe_for(2.0)
    quiet_joins = await joins(1.0)
    before = dict(counts)
    t0 = time.perf_counter()
    got = await asyncio.gather(probe_for(seconds), joins(seconds),
                               *(flood(ws, team, f"f{i}-", seconds) for i, (ws, team) in enumerate(flooders)))
    spent = time.perf_counter() - t0
    rtt, joined, sent = got[0], got[1], sum(got[2:])
    await asyncio.sleep(0.5)
    for task in tasks:
        task.cancel()
    ms = 1000
    return {"quiet_rtt_p50_ms": pct(quiet, 0.5) * ms, "quiet_join_ms": pct(quiet_joins, 0.5) * ms,
            "rtt_p50_ms": pct(rtt, 0.5) * ms, "rtt_p99_ms": pct(rtt, 0.99) * ms,
            "join_p50_ms": pct(joined, 0.5) * ms, "join_max_ms": max(joined) * ms, "joins": len(joined),
            "joins_failed": failed,
            "flood_sent_per_s": sent / spent, "accepted_per_s": (counts["ok"] - before["ok"]) / spent,
            "updates_per_s": (counts["updates"] - before["updates"]) / spent}


def attack(tree: Path | None, seconds: float = 10.0, pairs: int = 2) -> list[dict]:
    import os

    trees = [("this tree", ROOT)] + ([("other tree", tree)] if tree else [])
    rows = []
    for i in range(pairs):
        for label, root in trees:
            proc, port, fac, teams, seats = _serve_tree(root, "bench-attack-")
            try:
                row = asyncio.run(_attack_run(f"ws://127.0.0.1:{port}", fac, teams, seats, seconds))
            finally:
                proc.terminate()
                proc.wait(10)
            row.update(tree=label, pair=i, load=os.getloadavg()[0])
            rows.append(row)
            print(f"{label:10s} (load {row['load']:.1f}): join quiet {row['quiet_join_ms']:.0f} ms, under the flood "
                  f"p50 {row['join_p50_ms']:.0f} ms max {row['join_max_ms']:.0f} ms ({row['joins']} joins"
                  f"{', failed: ' + '; '.join(row['joins_failed']) if row['joins_failed'] else ''}); "  # and round trips
                  f"round trip quiet {row['quiet_rtt_p50_ms']:.1f} ms, flood p50 {row['rtt_p50_ms']:.1f} "
                  f"p99 {row['rtt_p99_ms']:.1f} ms; flood {row['flood_sent_per_s']:.0f} sent/s, "
                  f"{row['accepted_per_s']:.0f} accepted/s, {row['updates_per_s']:.0f} updates received/s", flush=True)
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="fan-out of an inject to 32 team terminals")
    ap.add_argument("rounds", nargs="?", type=int, default=100)
    ap.add_argument("--big", action="store_true", help="on the big scenario (bench/bigscenario.py)")
    ap.add_argument("--turn", type=int, default=BIG_TURN, help="the big case's turn (default %(default)s)")
    ap.add_argument("--against", type=Path, default=None, metavar="TREE",
                    help="an older tree (a copy of the project) whose server's rounds alternate with this one's")
    ap.add_argument("--in-process", action="store_true",
                    help="the server's own cost of a round, without the network (views, patches, journal)")
    ap.add_argument("--freeze", action="store_true", help="--in-process: gc.freeze() after loading, as serve does")
    ap.add_argument("--attack", nargs="?", const="", default=None, metavar="TREE",
                    help="4 teams flooding within the budget while terminals join; TREE: an older tree to alternate with")
    ap.add_argument("--seconds", type=float, default=10.0, help="--attack: seconds of flood per run")
    ap.add_argument("--pairs", type=int, default=2, help="--attack: runs of each tree")
    args = ap.parse_args()
    if args.attack is not None:
        attack(Path(args.attack) if args.attack else None, args.seconds, args.pairs)
    elif args.in_process:
        in_process(args.rounds, args.big, args.turn, args.freeze)
    else:
        main(args.rounds, args.big, args.turn, args.against)
