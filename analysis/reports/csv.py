"""CSV downloads: UTF-8 with BOM and CRLF so Excel shows Vietnamese, every cell through
``cells.neutralise`` so a comment like ``Tốt;=HYPERLINK(...)`` stays text in a spreadsheet
whatever separator it is opened with."""
from __future__ import annotations

import csv
import io

from .. import fmt, rows
from .cells import neutralise

BOM = "\ufeff"


BLOCK = 1 << 16  # bytes per yielded piece of a streamed download


def _encode(table, bom: bool = True, delimiter: str = ",", unique=()):
    """Yield the bytes of ``table`` (an iterable of lists), BOM first, in pieces of about
    ``BLOCK`` bytes: a piece per row made the server hand 100,000 tiny writes to waitress's
    I/O thread, five times slower than writing the same rows to a file. ``unique``: the
    column positions of one value per row (not worth remembering)."""
    unique = frozenset(unique)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    if bom:
        buffer.write(BOM)
    safe: dict[str, str] = {}  # labels and names repeat from row to row: each made safe once
    for row in table:
        cells = []
        for i, v in enumerate(row):
            if type(v) is str and v and i not in unique:
                done = safe.get(v)
                if done is None:
                    done = neutralise(v)
                    if len(safe) < 50_000:
                        safe[v] = done
                v = done
            else:
                v = neutralise(v)
            cells.append(v)
        writer.writerow(cells)
        if buffer.tell() >= BLOCK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def table_csv(table) -> bytes:
    """A whole table (header row first) as one CSV download: BOM, CRLF, cells neutralised."""
    return b"".join(_encode(table))


# The people's CSV is separated by ";": Excel splits a double-clicked CSV on the list
# separator of the PC's regional settings, which is ";" for Vietnamese (Vietnam), where ","
# is the decimal comma. The UTF-8 BOM tells Excel (2007 and later) and LibreOffice the
# encoding; a "sep=;" first line would make Excel ignore the BOM and show Vietnamese as
# mojibake, so there is none. Programs get the usual "," with ``audience="systems"``.
DELIMITER = {"people": ";", "systems": ","}


def responses_csv_stream(conn_or_path, date_from, date_to, exclude_flagged: bool = False,
                         audience: str = "people", unit: str | None = None):
    """The raw responses as a stream of bytes (for a streamed HTTP download): for people
    (Vietnamese headings and words, local times, ";"), or for systems (ids, codes, UTC, ",").
    ``unit``: that unit's responses only (None: the whole installation)."""
    head = rows.header(audience)  # checks the audience before the first byte is sent

    def table():
        yield head
        yield from rows.iter_rows(conn_or_path, date_from, date_to, exclude_flagged, audience, unit)
    return _encode(table(), delimiter=DELIMITER[audience], unique=rows.unique_columns(audience))


def responses_csv(conn_or_path, date_from, date_to, exclude_flagged: bool = False,
                  audience: str = "people") -> bytes:
    """The raw responses as one bytes object (small periods, tests)."""
    return b"".join(responses_csv_stream(conn_or_path, date_from, date_to, exclude_flagged, audience))


def summary_csv(summary: dict, audience: str = "people") -> bytes:
    """The indicators (the headline, then the other variant beside it) and the breakdowns
    as one CSV. For people (the default download): Vietnamese headings and words, shares
    as percentages with the decimal comma ("80,0%"), ";" between cells, as the raw CSV for
    people; for systems (``?for=systems``): English ids, shares 0–1 with a dot, ","."""
    if audience not in DELIMITER:
        raise ValueError(f"audience must be one of {tuple(DELIMITER)}, not {audience!r}")
    table = _summary_people(summary) if audience == "people" else _summary_systems(summary)
    return b"".join(_encode(table, delimiter=DELIMITER[audience]))


def _summary_systems(summary: dict) -> list[list]:
    side = "including_flagged" if summary.get("exclude_flagged", True) else "excluding_flagged"
    excl = {r["id"]: r for r in fmt.beside(summary)[1]}
    table = [["section", "id", "label", "n", "satisfied", "rate", "ci_low", "ci_high", "rate_vi",
              "target", "target_2030", "verdict", "verdict_vi", f"n_{side}", f"rate_{side}"]]
    for r in summary["indicators"]:
        e = excl[r["id"]]
        table.append(["indicator", r["id"], r["name_vi"], r["n"], r["satisfied"], _num(r["rate"]),
                      _num(r["ci_low"]), _num(r["ci_high"]), fmt.percent(r["rate"]),
                      _num(r["target"]), _num(r["target_2030"]), r["verdict"],
                      fmt.verdict(r["verdict"]), e["n"], _num(e["rate"])])
    for name, items in summary["breakdowns"].items():
        for r in items:
            table.append([name, "" if r["key"] is None else r["key"], r["label"], r["n"],
                          r["satisfied"], _num(r["rate"]), _num(r["ci_low"]), _num(r["ci_high"]),
                          fmt.percent(r["rate"]), "", "", "", "", "", ""])
    table.append(["period", summary["period"]["from"], summary["period"]["to"]] + [""] * 12)
    table.append(["formula", "", summary["formula"]["vi"]] + [""] * 12)
    chain = summary.get("chain") or {}
    table.append(["chain", chain.get("seq", 0), chain.get("hash", "")] + [""] * 12)
    return table


def _summary_people(summary: dict) -> list[list]:
    """The same figures as a person reads them: counts as plain whole numbers (a "." between
    thousands would be read as a decimal point by a program set to English), shares as
    "80,0%", which Excel with Vietnamese regional settings takes as a percentage and any
    other program shows as written; verdicts and section names in words."""
    from .xlsx import BREAKDOWN_SHEETS
    side, other = fmt.beside(summary)
    excl = {r["id"]: r for r in other}
    table = [["Phần", "Mã", "Tên", "Số ý kiến (n)", "Số hài lòng", "Tỷ lệ hài lòng",
              "Khoảng tin cậy 95%: cận dưới", "Khoảng tin cậy 95%: cận trên", "Chỉ tiêu", "Chỉ tiêu 2030",
              "Kết luận", f"Số ý kiến ({side})", f"Tỷ lệ ({side})"]]
    for r in summary["indicators"]:
        e = excl[r["id"]]
        table.append(["Chỉ tiêu", r["id"], r["name_vi"], r["n"], r["satisfied"], _pct(r["rate"]),
                      _pct(r["ci_low"]), _pct(r["ci_high"]), _pct(r["target"]), _pct(r["target_2030"]),
                      fmt.verdict(r["verdict"]), e["n"], _pct(e["rate"])])
    titles = dict(BREAKDOWN_SHEETS)
    for name, items in summary["breakdowns"].items():
        for r in items:
            table.append([titles.get(name, name), "" if r["key"] is None else r["key"], r["label"], r["n"],
                          r["satisfied"], _pct(r["rate"]), _pct(r["ci_low"]), _pct(r["ci_high"])] + [""] * 5)
    blank = [""] * 10
    table.append(["Kỳ báo cáo", "", fmt.period(summary)] + blank)
    table.append(["Phiếu được tính", "", fmt.filtered_line(summary)] + blank)
    table.append(["Công thức", "", summary["formula"]["vi"]] + blank)
    table.append(["Mã kiểm tra dữ liệu", "", fmt.chain_line(summary)] + blank)
    return table


def _pct(share) -> str:
    return "" if share is None else fmt.percent(share)


def _num(value) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".") if value else "0"
