"""A plain-text summary for the terminal: the indicators table, then the breakdowns."""
from __future__ import annotations

from .. import fmt

WIDTHS = (36, 9, 9, 17, 26, 60)


def _line(cells, widths=WIDTHS) -> str:
    out = []
    for cell, width in zip(cells, widths, strict=False):  # a header may have fewer cells
        text = str(cell)
        if len(text) > width:
            text = text[: width - 1] + "…"
        out.append(text.ljust(width))
    return "  ".join(out).rstrip()


def render(summary: dict) -> str:
    """The summary as a readable table (Vietnamese labels, Vietnamese number format)."""
    lines = [f"KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG {fmt.period(summary).upper()}",
             fmt.filtered_line(summary), ""]
    lines.append("    " + _line(("Số phiếu", "Tỷ lệ", "Khoảng tin cậy 95%", "Mục tiêu", "Kết luận"),
                                  (9, 9, 19, 26, 60)))
    lines.append("-" * 100)
    previous = {r["id"]: r for r in summary["previous"]["indicators"]}
    for number, row in enumerate(summary["indicators"], 1):
        verdict = fmt.verdict(row["verdict"])
        if row["more_needed"]:
            verdict += f" (cần thêm ~{fmt.number(row['more_needed'])} phiếu)"
        lines.append(f"{number}. {row['name_vi']}")
        lines.append("    " + _line((fmt.number(row["n"]), fmt.percent(row["rate"]),
                                     fmt.interval(row["ci_low"], row["ci_high"]), fmt.targets(row),
                                     verdict), (9, 9, 19, 26, 60)))
        prev = previous.get(row["id"])
        if prev and prev["rate"] is not None:
            lines.append(f"    kỳ trước: {fmt.percent(prev['rate'])} (n = {fmt.number(prev['n'])})")
    if summary["responses"]["flagged"]:
        heading, side_rows = fmt.beside(summary)
        lines += ["", f"Số liệu {heading}:"]
        for row in side_rows:
            lines.append(f"    {row['id']}: {fmt.percent(row['rate'])} (n = {fmt.number(row['n'])})")
    extra = []
    if summary["response_rate"]:
        rr = summary["response_rate"]
        extra.append(f"Tỷ lệ hồ sơ được đánh giá: {fmt.percent(rr['rate'])} "
                     f"({fmt.number(rr['rated'])}/{fmt.number(rr['returned'])} hồ sơ đã trả)")
    if summary["portal_figure"]:
        pf = summary["portal_figure"]
        extra.append(f"Chỉ số tính theo cách của Cổng Dịch vụ công quốc gia, để đối chiếu "
                     f"(100% − trễ hạn − phản ánh/không hài lòng): {fmt.percent(pf['rate'])}")
    if extra:
        lines += [""] + extra
    for name, title in (("month", "Theo tháng"), ("field", "Theo lĩnh vực"),
                        ("procedure", "Theo thủ tục"), ("officer", "Theo cán bộ"),
                        ("counter", "Theo quầy"), ("channel", "Theo kênh")):
        rows = summary["breakdowns"][name]
        if not rows:
            continue
        lines += ["", f"{title} (mức độ hài lòng chung):"]
        for r in rows:
            lines.append("    " + _line((r["label"], fmt.number(r["n"]), fmt.percent(r["rate"]),
                                          fmt.interval(r["ci_low"], r["ci_high"])), (44, 9, 9, 17)))
    reasons = summary["reasons"]
    if reasons["total"]:
        groups = ", ".join(f"{g}: {fmt.number(c)}" for g, c in reasons["groups"].items())
        lines += ["", f"Lý do chưa hài lòng ({groups}):"]
        lines += [f"    {i['label_vi']}: {fmt.number(i['count'])}" for i in reasons["items"]]
    lines += ["", "Cách tính: " + summary["formula"]["vi"],
              f"Phiên bản tệp chỉ tiêu: {summary['targets_version']}.", fmt.chain_line(summary)]
    return "\n".join(lines) + "\n"
