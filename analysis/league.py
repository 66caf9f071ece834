"""The province's league table (bảng xếp hạng các xã): every commune's figure side by side,
ranked only as far as the data allows.

A league table is where an honest survey is most easily made to lie: a commune with eight
ratings, all "Rất hài lòng", would top a naive table by luck, and two communes at 91,2% and
90,8% are not "first" and "second" when their intervals overlap by ten points. So:

- **Only communes with enough ratings are ranked** (``min_n``, default 30, the setting
  ``LEAGUE_MIN_RATINGS``). The others are listed below the ranked ones, "chưa đủ phiếu để
  xếp hạng", with their figure and interval, never first or last.
- **A rank is a range** ("2–5"): the best place is 1 + the number of ranked communes whose
  95% interval lies wholly above this one's; the worst place is the number of ranked communes
  less those wholly below. Communes whose intervals overlap share places and are marked not
  distinguishable; a single number only when the data separates a commune from every other.
- **The order is the raw rate**, whose Wilson interval always contains it, so a commune
  clearly better than another (its interval wholly above) is always listed above it and
  every commune's position lies within its rank range. Ordering by a shrunk estimate can
  break that (a small commune at 100% pulled below a large one it clearly beats), so the
  shrunk estimate is shown beside the raw rate, not used to order.
- **The shrunk estimate** RS_j = (WAI·W + I_j·R_j) / (W + R_j) (HappyOrNot's ranking
  score): I_j the commune's rate over R_j ratings, WAI the pooled rate of all communes, W
  the weight of the pooled rate in ratings (``weight``, default 30, setting
  ``LEAGUE_PRIOR_WEIGHT``). A commune with few ratings is pulled toward the province's
  figure, one with many stays near its own.

Pure functions over the rows of ``GET /api/v1/summary/units`` (``{"code", "name",
"indicators": [...]}``); shares 0–1, None where there is no data.
"""
from __future__ import annotations

import unicodedata

MIN_N = 30
WEIGHT = 30
VERDICT_ORDER = {"met": 0, "uncertain": 1, "not_met": 2, "no_data": 3}  # best first, as a reader expects
SORT_KEYS = ("position", "code", "name", "n", "rate", "shrunk", "ci_low", "ci_high", "verdict")


def pooled(units: list[dict], indicator: str) -> dict:
    """{n, satisfied, rate} of ``indicator`` over every unit together (WAI when rate is
    not None): the sum of satisfied over the sum of n, so a big commune weighs more."""
    n = satisfied = 0
    for unit in units:
        row = _indicator(unit, indicator)
        if row and row.get("n"):
            n += row["n"]
            satisfied += row.get("satisfied") or 0
    return {"n": n, "satisfied": satisfied, "rate": satisfied / n if n else None}


def shrunk(satisfied: float, n: float, wai: float | None, weight: float = WEIGHT) -> float | None:
    """RS = (WAI·W + satisfied) / (W + n), i.e. (WAI·W + I·R) / (W + R) with I·R = satisfied.
    None when nothing is known (no pooled rate, or no weight and no ratings)."""
    if wai is None or weight + n <= 0:
        return None
    return (wai * weight + satisfied) / (weight + n)


def _indicator(unit: dict, indicator: str) -> dict | None:
    return next((r for r in unit.get("indicators", ()) if r["id"] == indicator), None)


def _bounds(row: dict) -> tuple[float, float]:
    """The interval used to compare; a census figure (complaints handled) has no sampling
    error, so its interval is the rate itself."""
    low, high = row["ci_low"], row["ci_high"]
    if low is None or high is None:
        return row["rate"], row["rate"]
    return low, high


def rank_ranges(rows: list[dict]) -> None:
    """Set ``rank_best``, ``rank_worst`` and ``distinguishable`` on each of ``rows`` (all
    ranked, each with a rate): clearly better = interval wholly above."""
    total = len(rows)
    bounds = [_bounds(r) for r in rows]
    for row, (low, high) in zip(rows, bounds, strict=True):
        better = sum(1 for lo, _ in bounds if lo > high)
        worse = sum(1 for _, hi in bounds if hi < low)
        row["rank_best"], row["rank_worst"] = better + 1, total - worse
        row["distinguishable"] = row["rank_best"] == row["rank_worst"]


def league(units: list[dict], indicator: str | None = None, min_n: int = MIN_N,
           weight: float = WEIGHT) -> dict:
    """The league of ``indicator`` (default: the first indicator, the main rating) over
    ``units``: {indicator, name_vi, name_en, target, pooled, min_n, weight, ranked, rows}.

    ``rows`` in league order: ranked communes by raw rate (highest first; equal rates by
    more ratings, then code), then the unranked by n (most first) and code. Each row:
    code, name, n, satisfied, rate, ci_low, ci_high, verdict, target, shrunk, ranked,
    position (1.. over all rows), rank_best/rank_worst/distinguishable (None unless
    ranked), and ``why_unranked``: "no_data" (n = 0) or "few" (0 < n < min_n)."""
    if indicator is None:
        first = next((u["indicators"] for u in units if u.get("indicators")), [])
        indicator = first[0]["id"] if first else None
    wai = pooled(units, indicator)
    rows, meta = [], {}
    for unit in units:
        row = _indicator(unit, indicator) or {"n": 0, "satisfied": 0, "rate": None, "ci_low": None,
                                              "ci_high": None, "verdict": "no_data", "target": None}
        meta = meta or {k: row.get(k) for k in ("name_vi", "name_en", "target", "target_2030") if k in row}
        n = row.get("n") or 0
        rows.append({
            "code": unit["code"], "name": unit.get("name") or unit["code"], "n": n,
            "satisfied": row.get("satisfied") or 0, "rate": row.get("rate"), "ci_low": row.get("ci_low"),
            "ci_high": row.get("ci_high"), "verdict": row.get("verdict", "no_data"),
            "target": row.get("target"),
            "shrunk": shrunk(row.get("satisfied") or 0, n, wai["rate"], weight) if n else None,
            "ranked": n >= max(min_n, 1) and row.get("rate") is not None,
            "why_unranked": None if n >= max(min_n, 1) else ("no_data" if n == 0 else "few"),
            "rank_best": None, "rank_worst": None, "distinguishable": None,
        })
    ranked = sorted((r for r in rows if r["ranked"]), key=lambda r: (-r["rate"], -r["n"], r["code"]))
    rest = sorted((r for r in rows if not r["ranked"]), key=lambda r: (-r["n"], r["code"]))
    rank_ranges(ranked)
    ordered = ranked + rest
    for position, row in enumerate(ordered, 1):
        row["position"] = position
    return {"indicator": indicator, **meta, "pooled": wai, "min_n": min_n, "weight": weight,
            "ranked": len(ranked), "rows": ordered}


def sort_rows(rows: list[dict], key: str = "position", descending: bool = False) -> list[dict]:
    """``rows`` sorted by one column for the sortable page and downloads; missing values
    (None) always last whatever the direction, so "no data" never heads a column."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key: {key!r}")
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]

    def value(r):
        v = r[key]
        if key == "verdict":
            return VERDICT_ORDER.get(v, len(VERDICT_ORDER))
        return vietnamese_key(v) if isinstance(v, str) else v

    present.sort(key=lambda r: r["position"])
    present.sort(key=value, reverse=descending)  # stable: equal values keep the league order
    return present + sorted(missing, key=lambda r: r["position"])


# Letters that are letters of their own in the Vietnamese alphabet (a ă â, d đ, e ê, o ô ơ,
# u ư), after their base letter; tone marks only break ties (a à á ả ã ạ).
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_key(text: str) -> tuple:
    """A sort key in Vietnamese alphabetical order: "Xã Ân" < "Xã Ơn" < "Xã Yên" (code point
    order puts Y before Â and Ơ), "Đông" after "Dương"; case ignored."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", text.casefold()):
        base, *marks = unicodedata.normalize("NFD", char)
        rank = 1 if base == "đ" else 0
        if base == "đ":
            base = "d"
        tone = 0
        for mark in marks:
            rank = max(rank, _LETTER_MARKS.get(mark, 0))
            tone = _TONES.get(mark, tone)
        letters.append((base, rank))
        tones.append(tone)
    return tuple(letters), tuple(tones)


def rank_label(row: dict) -> str:
    """'3', '2–5' or '' (not ranked)."""
    if not row.get("ranked"):
        return ""
    best, worst = row["rank_best"], row["rank_worst"]
    return str(best) if best == worst else f"{best}–{worst}"
