"""Inline SVG charts for the dashboard: no script, no outside library, print well.

Shapes carry text (values, labels) as well as colour, so no chart relies on colour alone.
Presentation attributes (fill, stroke) are used instead of style, which the
Content-Security-Policy forbids inline.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from analysis.fmt import percent

INK, MUTED, BAND, GOOD, BAD, WARN = "#1a1a1a", "#666666", "#9dc3e6", "#1e6b2e", "#a61b1b", "#8a5a00"


def _short_percent(share: float) -> str:
    """90% rather than 90,0% for a round target."""
    return percent(share).replace(",0%", "%")


def ci_bar(row: dict, width: int = 320, height: int = 54, lang: str = "vi") -> Markup:
    """The rate as a dot, its 95% interval as a band, the target(s) as vertical lines.

    Each target line is labelled with its value ("≥90%"; the 2030 one "2030: ≥95%"), which
    reads the same in both languages; the near target's label ends at its line and the 2030
    label starts at its own, so two close targets do not print over each other."""
    lo_domain = 0.5
    for v in (row.get("ci_low"), row.get("target"), row.get("target_2030")):
        if v is not None and v - 0.05 < lo_domain:
            lo_domain = max(0.0, round(v - 0.05, 1))
    pad = 18

    def x(v):
        return pad + (width - 2 * pad) * (v - lo_domain) / (1 - lo_domain)

    parts = [f'<svg class="ci-bar" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(percent(row.get('rate')))} (95%: {escape(percent(row.get('ci_low')))}–"
             f"{escape(percent(row.get('ci_high')))}), {'target' if lang == 'en' else 'chỉ tiêu'} "
             f"{escape(percent(row.get('target')))}</title>",
             f'<rect x="{pad}" y="16" width="{width - 2 * pad}" height="12" fill="#eeeeee"/>']
    if row.get("ci_low") is not None:
        band = max(1.5, x(row["ci_high"]) - x(row["ci_low"]))
        parts.append(f'<rect x="{x(row["ci_low"]):.1f}" y="16" width="{band:.1f}" '
                     f'height="12" fill="{BAND}"/>')
        parts.append(f'<circle cx="{x(row["rate"]):.1f}" cy="22" r="5" fill="{INK}"/>')
    for key, dash, prefix, anchor in (("target", "", "", "end"), ("target_2030", "3,2", "2030: ", "start")):
        t = row.get(key)
        if t is None or (key == "target_2030" and t == row.get("target")):
            continue
        label = f"{prefix}≥{_short_percent(t)}"
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="8" y2="36" stroke="{BAD}" stroke-width="2" '
                     f'stroke-dasharray="{dash}"/>')
        parts.append(f'<text x="{x(t) + (2 if anchor == "start" else -2):.1f}" y="8" font-size="9" '
                     f'text-anchor="{anchor}" fill="{BAD}">{escape(label)}</text>')
    for tick in (lo_domain, (lo_domain + 1) / 2, 1.0):
        parts.append(f'<text x="{x(tick):.1f}" y="49" font-size="10" text-anchor="middle" fill="{MUTED}">'
                     f'{percent(tick).replace(",0", "")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(rows: list[dict], target: float | None, width: int = 720, height: int = 240, lang: str = "vi") -> Markup:
    """Monthly rate with interval whiskers and the target line; n under each month."""
    if not rows:
        return Markup("")
    left, right, top, bottom = 44, 12, 14, 46
    lows = [r["ci_low"] for r in rows if r.get("ci_low") is not None] + ([target] if target else [])
    lo = max(0.0, min(lows + [0.8]) - 0.05)
    lo = round(lo - 0.05 if lo % 0.1 else lo, 1)
    step = (width - left - right) / max(1, len(rows))

    def y(v):
        return top + (height - top - bottom) * (1 - (v - lo) / (1 - lo))

    parts = [f'<svg class="trend" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg"><title>Xu hướng theo tháng</title>']
    tick = lo
    while tick <= 1.0001:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end" fill="{MUTED}">'
                     f'{round(tick * 100)}%</text>')
        tick = round(tick + 0.1, 2)
    if target is not None:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'stroke="{BAD}" stroke-width="2" stroke-dasharray="6,3"/>'
                     f'<text x="{width - right}" y="{y(target) - 4:.1f}" font-size="11" text-anchor="end" '
                     f'fill="{BAD}">{"Target" if lang == "en" else "Chỉ tiêu"} {percent(target)}</text>')
    points = []
    for i, r in enumerate(rows):
        cx = left + step * (i + 0.5)
        parts.append(f'<text x="{cx:.1f}" y="{height - 26}" font-size="11" text-anchor="middle" fill="{INK}">'
                     f'{escape(r["label"])}</text><text x="{cx:.1f}" y="{height - 10}" font-size="10" '
                     f'text-anchor="middle" fill="{MUTED}">n={r["n"]}</text>')
        if r.get("rate") is None:
            continue
        parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(r["ci_low"]):.1f}" y2="{y(r["ci_high"]):.1f}" '
                     f'stroke="{BAND}" stroke-width="6"/>')
        points.append((cx, y(r["rate"]), r["rate"]))
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for px, py, rate in points:
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{INK}"><title>{percent(rate)}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(cells: list[dict], weekdays: list[str], min_n: int = 5) -> Markup:
    """Hour × weekday: each cell shows the rate (and is shaded by it) where n ≥ ``min_n``."""
    hours = sorted({c["hour"] for c in cells}) or list(range(7, 18))
    hours = list(range(min(hours), max(hours) + 1))
    by = {(c["weekday"], c["hour"]): c for c in cells}
    cw, ch, left, top = 46, 30, 78, 22
    width, height = left + cw * len(hours) + 4, top + ch * 7 + 4
    parts = [f'<svg class="heatmap" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg"><title>Tỷ lệ hài lòng theo giờ và thứ</title>']
    for j, h in enumerate(hours):
        parts.append(f'<text x="{left + cw * j + cw / 2:.0f}" y="14" font-size="11" text-anchor="middle" '
                     f'fill="{MUTED}">{h}h</text>')
    for wd in range(7):
        parts.append(f'<text x="{left - 6}" y="{top + ch * wd + 19}" font-size="11" text-anchor="end" '
                     f'fill="{INK}">{escape(weekdays[wd])}</text>')
        for j, h in enumerate(hours):
            c = by.get((wd, h))
            x, yy = left + cw * j, top + ch * wd
            if not c or c["n"] < min_n or c.get("rate") is None:
                label = "" if not c else "·"
                parts.append(f'<rect x="{x}" y="{yy}" width="{cw - 2}" height="{ch - 2}" fill="#f4f4f4"/>'
                             f'<text x="{x + cw / 2 - 1:.0f}" y="{yy + 19}" font-size="11" text-anchor="middle" '
                             f'fill="{MUTED}">{label}</text>')
                continue
            rate = c["rate"]
            # lighter = better; dark red for low satisfaction, white text on dark cells
            shade = max(0.0, min(1.0, (1 - rate) / 0.4))
            r_, g_, b_ = int(255 - 89 * shade), int(255 - 228 * shade), int(255 - 228 * shade)
            text = "#ffffff" if shade > 0.55 else INK
            parts.append(f'<rect x="{x}" y="{yy}" width="{cw - 2}" height="{ch - 2}" fill="rgb({r_},{g_},{b_})" '
                         f'stroke="#dddddd"><title>{escape(weekdays[wd])} {h}h: {percent(rate)} '
                         f'(n={c["n"]})</title></rect>'
                         f'<text x="{x + cw / 2 - 1:.0f}" y="{yy + 19}" font-size="11" text-anchor="middle" '
                         f'fill="{text}">{round(rate * 100)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
