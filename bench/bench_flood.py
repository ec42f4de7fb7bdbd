"""A flood from one team: the server's memory and another team's latency.

`exercise serve --headless` runs in a child process with the default scenario (4 teams);
the facilitator and one connection per team connect over loopback from this process, plus
a second connection of the flooding team that never reads (its updates pile up on the
server unless the server drops it).

Phases, each measured in the same run:
- quiet: the probe team (another team) sends a cheap command (`allocate`, its current
  split) every 50 ms and times the answer; the server's RSS is read from /proc.
- flood: the flooding team sends `argue` commands of ~60 KB (three fields of 20,000
  characters) as fast as the documented limits allow (two reading connections at 19
  messages a second each: under 20 per connection and 40 per team), while the probe goes on.
- limits: the same, with each field at its documented maximum instead (what an honest
  flood at the limits costs after the engine refuses longer text).

Reported: the probe's p50/p99 in each phase and the server's RSS growth (peak during a
phase minus the quiet RSS). A phase stops early if the server passes SAFETY_RSS, so the
bench never takes the machine down with it; it stops by itself after about 45 s.

Run: python bench/bench_flood.py [SECONDS_PER_FLOOD]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from served import headless_server, pct

ROOT = Path(__file__).resolve().parent.parent
SAFETY_RSS = 3 * 1024 ** 3  # bytes: stop flooding past this (the unbounded server reached 7 GB)
PROBE_EVERY = 0.05  # seconds between the probe team's commands
PROBE_TIMEOUT = 15.0  # a probe not answered by then counts as this long
FLOOD_RATE = 19.0  # commands a second per flooding connection (the limit is 20)




def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _limits() -> dict[str, int]:
    """The argue fields' documented limits, or 4,000 each on a tree that has none."""
    sys.path.insert(0, str(ROOT))
    try:
        from exercise.engine import commands as cm

        lim = getattr(cm, "TEXT_LIMITS", {})
        return {f: lim.get(("argue", f), lim.get(f, 4000)) if lim else 4000 for f in ("action", "result", "reasons")}
    finally:
        sys.path.pop(0)


class Conn:
    """A protocol connection that reads everything and hands results to whoever waits."""

    def __init__(self, ws):
        self.ws = ws
        self.waiting: dict[str, asyncio.Future] = {}
        self.view: dict | None = None
        self.closed = None
        self.task = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for frame in self.ws:
                if frame.startswith('{"type":"result"'):
                    msg = json.loads(frame)
                    fut = self.waiting.pop(msg["id"], None)
                    if fut is not None and not fut.done():
                        fut.set_result(msg)
                elif frame.startswith('{"type":"snapshot"') and self.view is None:
                    self.view = json.loads(frame)["view"]
        except Exception as e:
            self.closed = e
        self.closed = self.closed or "closed"

    async def command(self, cid: str, body: dict, timeout: float = PROBE_TIMEOUT) -> dict | None:
        fut = asyncio.get_running_loop().create_future()
        self.waiting[cid] = fut
        await self.ws.send(json.dumps({"type": "command", "id": cid, "command": body}))
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            self.waiting.pop(cid, None)
            return None


async def _connect(url: str, token: str, **kw):
    from websockets.asyncio.client import connect

    ws = await connect(url, max_size=None, compression=None, **kw)
    await ws.send(json.dumps({"type": "hello", "protocol": 1, "token": token}))
    return ws


async def _run(url: str, pid: int, fac: str, teams: list[tuple[str, str]], seconds: float) -> dict:
    c = Conn(await _connect(url, fac))
    for i, body in enumerate([{"kind": "start"}, {"kind": "advance"}, {"kind": "advance"}]):
        await c.command(f"f{i}", body)
    flood_token, probe_token = teams[0][1], teams[1][1]
    flooders = [Conn(await _connect(url, flood_token)) for _ in range(2)]
    mute = await _connect(url, flood_token, max_queue=1)  # never read: its updates back up
    probe = Conn(await _connect(url, probe_token))
    others = [Conn(await _connect(url, tok)) for _, tok in teams[2:]]
    for _ in range(200):
        if probe.view is not None:
            break
        await asyncio.sleep(0.01)
    me = probe.view["me"]
    assert probe.view["phase"] == "deliberation", probe.view["phase"]
    shares = {k: v["share"] for k, v in me["budget"]["categories"].items()}
    limits = {c["id"]: (c["min_share"], c["max_share"]) for c in probe.view["categories"]}
    # two splits to alternate between (the same split again is refused: nothing to change)
    a, b = next((a, b) for a in shares for b in shares if a != b
                and shares[a] - 0.01 >= (limits[a][0] or 0) and shares[b] + 0.01 <= (limits[b][1] or 1))
    splits = [shares, {**shares, a: round(shares[a] - 0.01, 6), b: round(shares[b] + 0.01, 6)}]

    peak = [_rss(pid)]
    stop_sampling = asyncio.Event()

    async def sample():
        while not stop_sampling.is_set():
            try:
                peak[0] = max(peak[0], _rss(pid))
            except OSError:
                return
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    n = [0]

    async def probe_for(duration: float) -> list[float]:
        out = []
        end = time.perf_counter() + duration
        while time.perf_counter() < end and peak[0] < SAFETY_RSS:
            n[0] += 1
            t0 = time.perf_counter()
            ans = await probe.command(f"p{n[0]}", {"kind": "allocate", "shares": splits[n[0] % 2]})
            out.append(time.perf_counter() - t0 if ans is not None else PROBE_TIMEOUT)
            if ans is not None and not ans["ok"]:
                raise RuntimeError(f"the probe was refused: {ans.get('reason')}")
            await asyncio.sleep(PROBE_EVERY)
        return out

    async def flood(conn: Conn, tag: str, sizes: dict[str, int], duration: float) -> int:
        sent = 0
        end = time.perf_counter() + duration
        while time.perf_counter() < end and peak[0] < SAFETY_RSS and conn.closed is None:
            sent += 1
            body = {"kind": "argue", **{f: f"{tag}{sent} " + "x" * (k - len(tag) - 8) for f, k in sizes.items()}}
            try:
                await conn.ws.send(json.dumps({"type": "command", "id": f"{tag}{sent}", "command": body}))
            except Exception:
                break
            await asyncio.sleep(1 / FLOOD_RATE)
        return sent

    out: dict = {}
    rss0 = _rss(pid)
    quiet = await probe_for(3.0)
    out["rss_quiet_mb"] = rss0 / 2 ** 20
    out["quiet_p50_ms"], out["quiet_p99_ms"] = pct(quiet, 0.5) * 1000, pct(quiet, 0.99) * 1000
    phases = [("flood60k", {"action": 20_000, "result": 20_000, "reasons": 20_000}), ("limits", _limits())]
    for name, sizes in phases:
        peak[0] = _rss(pid)
        t0 = time.perf_counter()
        results = await asyncio.gather(probe_for(seconds), *(flood(f, f"{name}-{i}-", sizes, seconds)
                                                              for i, f in enumerate(flooders)))
        lat, sent = results[0], sum(results[1:])
        out[f"{name}_seconds"] = time.perf_counter() - t0
        out[f"{name}_sent"] = sent
        out[f"{name}_p50_ms"], out[f"{name}_p99_ms"] = pct(lat, 0.5) * 1000, pct(lat, 0.99) * 1000
        out[f"{name}_rss_peak_mb"] = peak[0] / 2 ** 20
        out[f"{name}_growth_mb"] = (peak[0] - rss0) / 2 ** 20
        out[f"{name}_stopped_at_safety"] = peak[0] >= SAFETY_RSS
        out[f"{name}_mute_dropped"] = mute.state.name != "OPEN"
        if peak[0] >= SAFETY_RSS:
            break
    stop_sampling.set()
    await sampler
    for conn in [c, probe, *flooders, *others]:
        conn.task.cancel()
    return out


def main(seconds: float = 15.0) -> dict:
    proc, port, fac, teams = headless_server("bench-flood-")
    try:
        out = asyncio.run(asyncio.wait_for(_run(f"ws://127.0.0.1:{port}", proc.pid, fac, teams, seconds),
                                           seconds * 2 + 60))
    finally:
        proc.kill()  # a server buried under a flood may not stop politely in time
        proc.wait(10)
    out = {"bench": "flood", **out}
    print(f"one team floods `argue` within the rate limits; {len(teams)} teams connected, "
          f"{seconds:g} s per phase:")
    print(f"  quiet: server RSS {out['rss_quiet_mb']:.0f} MB; another team's command "
          f"p50 {out['quiet_p50_ms']:.1f} ms, p99 {out['quiet_p99_ms']:.1f} ms")
    for name, label in (("flood60k", "60 KB argues"), ("limits", "argues at the text limits")):
        if f"{name}_sent" not in out:
            continue
        stop = " (stopped at the safety limit)" if out[f"{name}_stopped_at_safety"] else ""
        print(f"  {label}: {out[f'{name}_sent']} sent in {out[f'{name}_seconds']:.1f} s{stop}; "
              f"RSS peak {out[f'{name}_rss_peak_mb']:.0f} MB (growth {out[f'{name}_growth_mb']:.0f} MB, "
              f"goal < 100); other team p50 {out[f'{name}_p50_ms']:.1f} ms, p99 {out[f'{name}_p99_ms']:.1f} ms "
              f"(goal < 100); the non-reading connection {'was dropped' if out[f'{name}_mute_dropped'] else 'is still open'}")
    return out


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 15.0)
