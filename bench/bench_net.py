"""Network: from the facilitator firing an inject to all of 32 team terminals having it.

`exercise serve --headless` runs in a child process with the default scenario (4 teams);
32 WebSocket clients (8 per team) and a facilitator connect over loopback from this
process. Each round the facilitator fires an ad-hoc inject to all teams; the latency of a
round is the time from sending the command to the last of the 32 clients receiving the
update whose player view holds it (decided, journaled with fsync, 4 player views built,
32 frames sent). Reported: p50 and p99 of that, and of each client's own latency.

Baseline, same run, same clients: a bare websockets server in a child process that, on a
"go" frame, broadcasts a frame of the same size to every client (no engine, no journal).

Run: python bench/bench_net.py [ROUNDS]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from served import free_port, headless_server, pct

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 32

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
        ws = await connect(url, max_size=None, compression=None)
        if hello:
            await ws.send(hello)
            await ws.recv()  # welcome
            await ws.recv()  # snapshot
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


def _exercise(rounds: int) -> tuple[list[float], list[float], int]:
    proc, port, fac, teams = headless_server("bench-net-")
    try:

        def hello(token):
            return json.dumps({"type": "hello", "protocol": 1, "token": token})

        hellos = [hello(teams[i % len(teams)][1]) for i in range(CLIENTS)] + [hello(fac)]

        def fire(key, _size):
            return json.dumps({"type": "command", "id": f"c{key}", "command": {
                "kind": "fire_adhoc", "title": f"bench-{key}-mark", "text": "A bench inject.", "to": ["all"]}})

        async def go():
            from websockets.asyncio.client import connect

            async with connect(f"ws://127.0.0.1:{port}") as ws:  # start the exercise first
                await ws.send(hello(fac))
                await ws.recv()
                await ws.recv()
                await ws.send(json.dumps({"type": "command", "id": "start", "command": {"kind": "start"}}))
                while json.loads(await ws.recv())["type"] != "result":
                    pass
            return await _rounds(f"ws://127.0.0.1:{port}", hellos, fire, rounds)

        return asyncio.run(go())
    finally:
        proc.terminate()
        proc.wait(10)


def _bare(rounds: int, size: int) -> tuple[list[float], list[float], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        return asyncio.run(_rounds(f"ws://127.0.0.1:{port}", [None] * (CLIENTS + 1),
                                   lambda key, _s: f"go:bench-{key}-mark:{size}", rounds))
    finally:
        proc.terminate()
        proc.wait(10)


def main(rounds: int = 100) -> dict:
    ex_round, ex_client, size = _exercise(rounds)
    bare_round, bare_client, _ = _bare(rounds, size)
    ms = 1000
    out = {
        "bench": "net", "clients": CLIENTS, "rounds": rounds, "frame_bytes": size,
        "all32_p50_ms": pct(ex_round, 0.5) * ms, "all32_p99_ms": pct(ex_round, 0.99) * ms,
        "client_p50_ms": pct(ex_client, 0.5) * ms, "client_p99_ms": pct(ex_client, 0.99) * ms,
        "bare_all32_p50_ms": pct(bare_round, 0.5) * ms, "bare_all32_p99_ms": pct(bare_round, 0.99) * ms,
        "bare_client_p50_ms": pct(bare_client, 0.5) * ms,
    }
    out["ratio_p50"] = out["all32_p50_ms"] / out["bare_all32_p50_ms"]
    print(f"fire an inject -> all {CLIENTS} clients have it ({rounds} rounds, update frames of {size:,} bytes):")
    print(f"  exercise serve: p50 {out['all32_p50_ms']:.1f} ms, p99 {out['all32_p99_ms']:.1f} ms "
          f"(each client: p50 {out['client_p50_ms']:.1f} ms, p99 {out['client_p99_ms']:.1f} ms)")
    print(f"  bare broadcast of the same size: p50 {out['bare_all32_p50_ms']:.1f} ms, "
          f"p99 {out['bare_all32_p99_ms']:.1f} ms; ratio at p50 {out['ratio_p50']:.2f}x")
    print(f"  (mean of the exercise rounds {statistics.mean(ex_round) * ms:.1f} ms)")
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
