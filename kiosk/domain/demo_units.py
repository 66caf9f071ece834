"""Several communes of demo data (``demo-data --units N``), for training province staff on
the league table. Kept apart like all demo data: written only into ``instance/demo.db``,
every unit named "(mẫu)" with a code starting 99 (no real commune's), every row demo.

The communes differ on purpose: in size (one is tiny, a few ratings, so the table shows
a commune it cannot rank) and in how satisfied their citizens are (a few points apart, so
some intervals overlap and some do not).
"""
from __future__ import annotations

from kiosk import store
from kiosk.domain import demo

# (name, share of the ratings, effect on the chance of a satisfied rating)
UNITS = [
    ("Xã An Phú (mẫu)", 1.0, +0.03),
    ("Xã Bình Minh (mẫu)", 0.7, -0.09),
    ("Phường Đông Hòa (mẫu)", 1.3, 0.0),
    ("Xã Tân Lập (mẫu)", 0.03, +0.10),
    ("Xã Yên Hòa (mẫu)", 0.9, -0.03),
    ("Xã Hòa Bình (mẫu)", 0.5, +0.05),
    ("Xã Ea Tu (mẫu)", 1.1, -0.05),
    ("Xã Sơn Thủy (mẫu)", 0.8, +0.01),
]
PROVINCE = "Tỉnh Mẫu"


def layout(n: int) -> list[tuple[str, str, float, float]]:
    """(code, name, share, effect) of ``n`` demo units: the list above, then "Xã Mẫu 9", …"""
    out = []
    for i in range(n):
        name, share, effect = UNITS[i] if i < len(UNITS) else (f"Xã Mẫu {i + 1} (mẫu)", 0.8, 0.0)
        out.append((f"99{i + 1:03d}", name, share, effect))
    return out


def split(total: int, shares: list[float]) -> list[int]:
    """``total`` split in proportion to ``shares`` (largest remainders), summing to ``total``."""
    whole = sum(shares) or 1.0
    exact = [total * s / whole for s in shares]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)[:total - sum(counts)]:
        counts[i] += 1
    return counts


def generate_units(db, n: int, responses: int, days: int = 365, seed: int = 1, progress=None) -> list[dict]:
    """Make ``n`` demo units (if missing) and spread ``responses`` demo ratings over them.
    Returns [{"code", "name", "responses"}]."""
    plan = layout(n)
    counts = split(responses, [share for _, _, share, _ in plan])
    out, done = [], 0
    for (code, name, _share, effect), count in zip(plan, counts, strict=True):
        if store.get_unit(db, code) is None:
            store.create_unit(db, code, name, province=PROVINCE)

        def step(d, _t, before=done):
            if progress:
                progress(before + d, responses)

        demo.generate(db, count, days=days, seed=seed * 1000 + int(code), progress=step, unit=code, effect=effect)
        done += count
        out.append({"code": code, "name": name, "responses": count})
    return out
