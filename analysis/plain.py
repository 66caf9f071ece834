"""Figures said in plain words, for people who read one sentence and no table.

One place for the sentence "Tháng 11/2026: 94,3% người dân hài lòng với việc giải quyết thủ
tục (312 ý kiến) — đạt chỉ tiêu 90%": the dashboard, the public board, the poster and the
e-mail body all call ``sentence``/``sentences`` on the rows of ``analysis.summarize``, so they
never word the same figure two ways. Pure functions; ``lang`` is "vi" (default) or "en".
"""
from __future__ import annotations

from datetime import date

from . import fmt

# What the share is a share of, as a citizen would say it (the resolution's names are long).
SUBJECT = {
    "vi": {
        "tthc_satisfaction": "người dân hài lòng với việc giải quyết thủ tục",
        "admin_service_satisfaction": "người dân hài lòng với sự phục vụ của cơ quan hành chính",
        "public_service_satisfaction": "người dân hài lòng với kết quả dịch vụ công",
        "online_service_satisfaction": "người dùng dịch vụ công trực tuyến hài lòng",
        "no_resubmission": "người dân không phải nộp lại giấy tờ đã nộp trước đó",
        "four_on_the_spot": "hồ sơ được giải quyết “4 tại chỗ”",
        "complaints_handled": "phản ánh, kiến nghị được xử lý đúng hạn",
    },
    "en": {
        "tthc_satisfaction": "of citizens satisfied with how their procedure was handled",
        "admin_service_satisfaction": "of citizens satisfied with the service of the administration",
        "public_service_satisfaction": "of citizens satisfied with the result of the public service",
        "online_service_satisfaction": "of online-service users satisfied",
        "no_resubmission": "of citizens not asked again for papers already given",
        "four_on_the_spot": "of dossiers handled \"4 on the spot\"",
        "complaints_handled": "of complaints handled on time",
    },
}
# A few words per indicator, for a screen read from across the waiting room.
SHORT_NAME = {
    "tthc_satisfaction": "Hài lòng với việc giải quyết thủ tục",
    "admin_service_satisfaction": "Hài lòng với sự phục vụ",
    "public_service_satisfaction": "Hài lòng với kết quả dịch vụ công",
    "online_service_satisfaction": "Hài lòng với dịch vụ công trực tuyến",
    "no_resubmission": "Không phải nộp lại giấy tờ",
    "four_on_the_spot": "Giải quyết “4 tại chỗ”",
    "complaints_handled": "Phản ánh được xử lý đúng hạn",
}
UNIT_WORD = {"vi": ("ý kiến", "phản ánh đến hạn"), "en": ("answers", "complaints due")}
VERDICT_PHRASE = {
    "vi": {"met": "đạt chỉ tiêu {t}", "not_met": "chưa đạt chỉ tiêu {t}",
           "uncertain": "chưa đủ ý kiến để kết luận so với chỉ tiêu {t}"},
    "en": {"met": "target of {t} met", "not_met": "target of {t} not met",
           "uncertain": "not enough answers yet to judge against the target of {t}"},
}
ROMAN = ("I", "II", "III", "IV")
# Beyond this many more answers (and beyond 3× those already given) "N more needed" is no
# help to anyone: at a rate this close to the target the question will not settle soon.
MORE_NEEDED_BOUND = 500


def _target(share: float | None, lang: str) -> str:
    """A target as people say it: 90% rather than 90,0% (figures keep their decimal)."""
    text = fmt.percent(share, lang=lang)
    return text.replace(",0%", "%") if lang != "en" else text.replace(".0%", "%")


def period_label(start, end, lang: str = "vi") -> str:
    """'Tháng 11/2026' for a calendar month (or the month so far), 'Quý IV/2026' for a quarter
    (or the quarter so far), 'Năm 2026', else 'Từ 01/11/2026 đến 15/11/2026'."""
    start, end = (d if isinstance(d, date) else date.fromisoformat(str(d)) for d in (start, end))
    en = lang == "en"
    if start.day == 1 and start.year == end.year:
        if start.month == end.month:
            return f"{'Month' if en else 'Tháng'} {start.month:02d}/{start.year}"
        if start.month % 3 == 1 and end.month <= start.month + 2:
            quarter = ROMAN[(start.month - 1) // 3]
            return f"{'Quarter' if en else 'Quý'} {quarter}/{start.year}"
        if start.month == 1:
            return f"{'Year' if en else 'Năm'} {start.year}"
    words = ("From", "to") if en else ("Từ", "đến")
    return f"{words[0]} {fmt.day(start, lang)} {words[1]} {fmt.day(end, lang)}"


def sentence(row: dict, label: str, lang: str = "vi") -> str:
    """One indicator row of ``summarize`` in one sentence, its n and verdict included."""
    lang = "en" if lang == "en" else "vi"
    subject = SUBJECT[lang].get(row["id"], row.get("name_en" if lang == "en" else "name_vi", row["id"]))
    unit = UNIT_WORD[lang][1 if row.get("census") else 0]
    if row["verdict"] == "no_data" or row["rate"] is None:
        if lang == "en":
            return f"{label}: no {unit} yet on this ({subject.removeprefix('of ')})."
        return f"{label}: chưa có {unit} nào về chỉ tiêu này ({subject})."
    target = VERDICT_PHRASE[lang][row["verdict"]].format(t=_target(row["target"], lang))
    return (f"{label}: {fmt.percent(row['rate'], lang=lang)} {subject} "
            f"({fmt.number(row['n'], lang)} {unit}) — {target}.")


def sentences(summary: dict, label: str | None = None, lang: str = "vi", with_data: bool = False) -> list[str]:
    """``sentence`` for every indicator of the summary's headline (flagged ratings left out
    unless the summary was made with them); ``with_data``: only those with figures."""
    label = label or period_label(summary["period"]["from"], summary["period"]["to"], lang)
    return [sentence(r, label, lang) for r in summary["indicators"]
            if not (with_data and (r["verdict"] == "no_data" or r["rate"] is None))]


def headline(summary: dict, label: str | None = None, lang: str = "vi") -> str:
    """The first indicator's sentence (satisfaction with the handling of procedures)."""
    lines = sentences(summary, label, lang)
    return lines[0] if lines else ""


def more_needed(row: dict, lang: str = "vi") -> str | None:
    """What an uncertain verdict needs, said usefully: "about N more answers" when N is
    within reach, else that the current answers cannot settle it (a rate very close to the
    target needs thousands more; a frightening number helps nobody). None when settled."""
    if row.get("verdict") != "uncertain":
        return None
    extra, n = row.get("more_needed"), row.get("n") or 0
    en = lang == "en"
    if extra is None or extra > max(MORE_NEEDED_BOUND, 3 * n):
        return ("Cannot be judged with the answers so far: the rate is too close to the target; "
                "keep collecting and compare over several months." if en else
                "Chưa thể kết luận với số ý kiến hiện có: tỷ lệ quá sát chỉ tiêu; "
                "cần tiếp tục thu thập và so sánh qua nhiều tháng.")
    return (f"About {fmt.number(extra, lang)} more answers (at the current rate) would settle it." if en else
            f"Cần thêm khoảng {fmt.number(extra)} ý kiến (nếu tỷ lệ giữ nguyên) để kết luận.")


def email_body(summary: dict, meta: dict, label: str | None = None) -> str:
    """The short Vietnamese body of the report e-mail: one plain sentence per indicator, then
    each figure with n, interval and verdict, what was left out, how it was computed and the
    data's check code. ``meta``: commune and unit names."""
    label = label or period_label(summary["period"]["from"], summary["period"]["to"])
    lines = [f"Kính gửi lãnh đạo {meta.get('commune', '')},", "",
             f"{meta.get('unit', '')} gửi kết quả khảo sát sự hài lòng của người dân "
             f"{fmt.period(summary)} ({label}). Báo cáo đầy đủ (PDF) và bảng tính Excel đính kèm.", ""]
    lines += [f"- {line}" for line in sentences(summary, label, with_data=True)] or \
        [f"- {label}: chưa có ý kiến nào của người dân."]
    lines += ["", "Từng chỉ tiêu (tỷ lệ; số ý kiến n; khoảng tin cậy 95%; kết luận):"]
    for r in summary["indicators"]:
        lines.append(f"- {r['name_vi']}: {fmt.percent(r['rate'])}; n = {fmt.number(r['n'])}; "
                     f"{fmt.interval(r['ci_low'], r['ci_high'])}; {fmt.verdict(r['verdict'])} "
                     f"(chỉ tiêu {fmt.targets(r)})")
    lines += ["", fmt.filtered_line(summary), summary["formula"]["vi"], fmt.chain_line(summary), "",
              "Thư gửi tự động từ phần mềm Hài lòng; xin không trả lời thư này."]
    return "\n".join(lines) + "\n"
