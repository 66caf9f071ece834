"""Saturation measured in turn: the project and the ceiling in alternating rounds.

On a shared VM the cores' speed drifts within minutes (the hypervisor's *steal* went from 3 %
to 18 % between the two halves of one run, and the ratio read 0.84 "OK" for code that
measured 0.51–0.75 side by side minutes before). One long run of each, one after the other,
compares two different machines. Here each server is loaded for a share of the time in
every round, in the order A B, B A, A B … (a steady drift falls on both alike), and the
ratio is the median of the rounds' own ratios, with every round shown: one lucky round
cannot make the figure. A round in which the hypervisor took more than ``QUIET_STEAL`` of the
machine from either server is shown but does not count; with no quiet round there is no
verdict. Pure functions; ``parts_serve`` does the loading.
"""
from __future__ import annotations

import statistics


def order(names: list[str], rounds: int) -> list[tuple[int, str]]:
    """(round, server) in the order they are loaded: A B, B A, A B …"""
    return [(i, name) for i in range(rounds) for name in (names if i % 2 == 0 else names[::-1])]


def shares(spent: list[int]) -> dict[str, float]:
    """{busy, idle, steal}: each one's share of the machine's ticks ``spent``."""
    total = sum(spent) or 1
    return dict(zip(("busy", "idle", "steal"), (x / total for x in spent), strict=True))


def combine(runs: list[dict]) -> dict:
    """One server's rounds as one run: counts and times summed (requests/s over the whole
    loaded time, CPU and context switches per request over all requests), the median
    round's p50 and the worst round's p99, the machine's shares over all rounds."""
    n = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    ticks = [sum(col) for col in zip(*(r["ticks"] for r in runs), strict=True)]
    return {
        "requests": n, "rps": n / seconds if seconds else 0.0, "rounds": len(runs),
        **{k: sum(r[k] for r in runs) for k in ("created", "duplicate", "other_status", "socket_errors")},
        "p50_us": statistics.median(r["p50_us"] for r in runs),
        "p99_us": max(r["p99_us"] for r in runs),
        "cpu_ms_per_request": sum(r["cpu_s"] for r in runs) * 1000 / max(1, n),
        "switches_per_request": sum(r["switches"] for r in runs) / max(1, n),
        "machine": shares(ticks),
        "round_rps": [r["rps"] for r in runs],
    }


def ratios(project: list[dict], ceiling: list[dict]) -> list[float]:
    """Each round's project ÷ ceiling requests/s (the two measured minutes apart at most)."""
    return [p["rps"] / c["rps"] if c["rps"] else 0.0 for p, c in zip(project, ceiling, strict=True)]


# Above this share of the machine's time taken by the hypervisor, a round says more about the
# neighbours than about the code: the ceiling's threads, which collide on SQLite's lock and
# sleep in its busy handler, lose far more to it than the project's (one round read 1.08).
QUIET_STEAL = 0.05


def steal(run: dict) -> float:
    return shares(run["ticks"])["steal"]


def verdict(project: list[dict], ceiling: list[dict], goal: float) -> tuple[float | None, bool | None, str]:
    """(ratio, met, note) from the quiet rounds only (both servers' steal ≤ QUIET_STEAL): the
    median of their ratios. With no quiet round, no ratio and no verdict: the note says so,
    as a summary with too few ratings says "not enough data" instead of a figure."""
    pairs = list(zip(ratios(project, ceiling), project, ceiling, strict=True))
    shown = ", ".join(f"{r:.2f}" + ("" if max(steal(p), steal(c)) <= QUIET_STEAL
                                    else f" (steal {max(steal(p), steal(c)):.0%})")
                      for r, p, c in pairs)
    quiet = [r for r, p, c in pairs if max(steal(p), steal(c)) <= QUIET_STEAL]
    if not quiet:
        return None, None, (f"no round had steal ≤ {QUIET_STEAL:.0%} on both servers, so no verdict: "
                            f"rounds {shown}")
    ratio = statistics.median(quiet)
    return ratio, ratio >= goal, f"median of {len(quiet)} quiet round(s) of {len(pairs)}: {shown}"
