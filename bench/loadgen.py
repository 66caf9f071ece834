"""A small asyncio HTTP/1.1 load generator for the cases wrk does not cover.

* ``paced``: open loop. Request i is due at t0 + i/rate, whatever happened before; its
  latency is measured from when it was *due* (not when it was sent), so a stalled server
  cannot hide its stall by slowing the client down (no coordinated omission). Requests go
  out on keep-alive connections taken from a pool that grows when all are busy.
* ``closed``: N connections, each sending its next request as soon as the previous answer
  arrives (used to make exactly N submissions, e.g. before reading the server's RSS).

Bodies are realistic ratings with a fresh uuid4 each. Every 201 is remembered by id, so the
caller can check that each acknowledged rating is in the database afterwards.
"""
from __future__ import annotations

import asyncio
import json
import random
import time
import uuid


def rating_body(rng: random.Random) -> dict:
    """As a tablet sends it: mostly 5 with no follow-ups, otherwise a low rating with reasons."""
    if rng.random() < 0.8:
        overall, answers = 5, {}
    else:
        overall, answers = rng.choice([(1, {"reasons": ["waiting", "attitude"], "on_time": "no"}),
                                       (2, {"reasons": ["waiting"], "on_time": "no"}),
                                       (3, {"reasons": ["papers"], "on_time": "yes"})])
    return {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": overall, "answers": answers,
            "duration_ms": rng.randint(3000, 20000),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}


def _pick(token, i: int):
    """``token`` may be one token, a list of tokens used in turn (one per tablet), or None."""
    if isinstance(token, (list, tuple)):
        return token[i % len(token)] if token else None
    return token


def _request_bytes(host: str, port: int, path: str, token: str | None, body: dict) -> bytes:
    data = json.dumps(body, separators=(",", ":")).encode()
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
            f"Content-Length: {len(data)}"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


async def _exchange(reader, writer, payload: bytes) -> tuple[int, bool]:
    """Send one request, read one response. Returns (status, connection still usable)."""
    writer.write(payload)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length, keep = 0, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if length:
        await reader.readexactly(length)
    return status, keep


class Result:
    def __init__(self):
        self.latencies: list[float] = []   # seconds
        self.statuses: dict[int, int] = {}
        self.errors = 0                    # socket errors, timeouts
        self.acknowledged: set[str] = set()
        self.max_send_lag = 0.0            # how late the client sent a request (paced only)
        self.elapsed = 0.0
        self.connections = 0

    def summary(self) -> dict:
        lat = sorted(self.latencies)

        def pct(p):
            if not lat:
                return None
            return lat[min(len(lat) - 1, int(round(p / 100 * len(lat) + 0.5)) - 1)]
        ok = sum(v for k, v in self.statuses.items() if k in (200, 201))
        return {"requests": len(lat), "ok": ok, "created": self.statuses.get(201, 0),
                "other_status": sum(v for k, v in self.statuses.items() if k not in (200, 201)),
                "errors": self.errors, "elapsed": self.elapsed,
                "rps": len(lat) / self.elapsed if self.elapsed else 0,
                "p50": pct(50), "p90": pct(90), "p99": pct(99), "max": lat[-1] if lat else None,
                "max_send_lag": self.max_send_lag, "connections": self.connections,
                "statuses": dict(self.statuses)}


async def _paced(host, port, path, token, rate, seconds, seed, timeout):
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    res = Result()
    pool: list = []
    n = int(rate * seconds)
    bodies = [rating_body(rng) for _ in range(n)]
    t0 = loop.time() + 0.3

    async def one(i):
        due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        res.max_send_lag = max(res.max_send_lag, loop.time() - due)
        body = bodies[i]
        body["created_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        try:
            if pool:
                reader, writer = pool.pop()
            else:
                reader, writer = await asyncio.open_connection(host, port)
                res.connections += 1
            status, keep = await asyncio.wait_for(
                _exchange(reader, writer, _request_bytes(host, port, path, _pick(token, i), body)), timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            res.errors += 1
            res.latencies.append(loop.time() - due)
            return
        res.latencies.append(loop.time() - due)
        res.statuses[status] = res.statuses.get(status, 0) + 1
        if status == 201:
            res.acknowledged.add(body["id"])
        if keep:
            pool.append((reader, writer))
        else:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    res.elapsed = time.perf_counter() - start - 0.3
    for _, w in pool:
        w.close()
    return res


async def _closed(host, port, path, token, total, connections, seed, timeout):
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    res = Result()
    remaining = [total]

    async def worker(k):
        reader, writer = await asyncio.open_connection(host, port)
        res.connections += 1
        while remaining[0] > 0:
            remaining[0] -= 1
            body = rating_body(rng)
            t = loop.time()
            try:
                request = _request_bytes(host, port, path, _pick(token, k), body)
                status, keep = await asyncio.wait_for(_exchange(reader, writer, request), timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                res.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            res.latencies.append(loop.time() - t)
            res.statuses[status] = res.statuses.get(status, 0) + 1
            if status == 201:
                res.acknowledged.add(body["id"])
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(connections)))
    res.elapsed = time.perf_counter() - start
    return res


def paced(host, port, token=None, rate=100.0, seconds=30.0, path="/api/v1/responses", seed=1,
          timeout=30.0) -> Result:
    return asyncio.run(_paced(host, port, path, token, rate, seconds, seed, timeout))


def closed(host, port, token=None, total=10_000, connections=16, path="/api/v1/responses", seed=2,
           timeout=30.0) -> Result:
    return asyncio.run(_closed(host, port, path, token, total, connections, seed, timeout))
