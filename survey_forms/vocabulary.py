"""The words every layer shares: complaint topics (which are also the groups of the
low-rating reasons), complaint kinds and states, the complaint deadline, and the names of
the integrity flags.

One table each, read by ``analysis`` (reports), ``kiosk`` (rules and pages) and, through
the page's data block, the tablet's script, so a topic or a flag is named once. Labels are
(Vietnamese, English); the pages show the Vietnamese through their translation table, so
an official corrects a wording in one place. Pure data: no imports from the project.
"""
from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    vi: str
    en: str

    def get(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


# What a complaint is about, and the groups of the reasons for a low rating, so that
# officers are not blamed for rules they do not make (DOMAIN.md).
TOPICS: dict[str, Label] = {
    "procedure": Label("Thủ tục", "Procedure"),
    "officer": Label("Cán bộ", "Officer"),
    "place": Label("Nơi tiếp đón", "Premises"),
    "other": Label("Khác", "Other"),
}
TOPIC_DETAILS: dict[str, Label] = {
    "procedure": Label("Thủ tục (giấy tờ, phí, quy định)", "Procedure (papers, fees, rules)"),
    "officer": Label("Cán bộ (thái độ, hướng dẫn)", "Officer (attitude, guidance)"),
    "place": Label("Nơi tiếp đón (chờ đợi, cơ sở vật chất)", "Premises (waiting, facilities)"),
    "other": Label("Khác", "Other"),
}
COMPLAINT_KINDS: dict[str, Label] = {
    "complaint": Label("Phản ánh", "Complaint"),
    "suggestion": Label("Kiến nghị", "Suggestion"),
}
COMPLAINT_STATUSES: dict[str, Label] = {
    "new": Label("Mới", "New"),
    "in_progress": Label("Đang xử lý", "In progress"),
    "answered": Label("Đã trả lời", "Answered"),
    "not_accepted": Label("Không thụ lý", "Not accepted"),
}
# A complaint (phản ánh, kiến nghị) is due this many working days after it is received.
DUE_WORKING_DAYS = 15

# Integrity flags on ratings (kiosk.domain.integrity.RULES has one function per name).
FLAGS: dict[str, Label] = {
    "clock": Label("giờ thiết bị không hợp lệ", "implausible device clock"),
    "burst": Label("đánh giá dồn dập", "burst of ratings"),
    "cooldown": Label("chạm trong thời gian chờ", "tap within the cooldown"),
    "hours": Label("ngoài giờ làm việc", "outside opening hours"),
    "fast": Label("hoàn thành quá nhanh", "finished too fast"),
    "unenrolled": Label("thiết bị chưa đăng ký", "device not enrolled yet"),
    "over_returned": Label("nhiều đánh giá hơn số hồ sơ trả", "more ratings than dossiers returned"),
    "late": Label("gửi muộn từ thiết bị vẫn kết nối", "sent late by a device that was online"),
}
# Flags on a complaint's text, for an official to review (never to drop it).
TEXT_FLAGS: dict[str, Label] = {
    "empty": Label("Nội dung trống", "Empty"),
    "profanity": Label("Lời lẽ không phù hợp", "Offensive language"),
    "gibberish": Label("Nội dung khó đọc", "Hard to read"),
}


def for_client(lang_all=("vi", "en")) -> dict:
    """The shared words as JSON for a page's data block (the tablet's script)."""
    return {
        "topics": [{"value": k, "label": {lang: v.get(lang) for lang in lang_all}} for k, v in TOPICS.items()],
        "kinds": [{"value": k, "label": {lang: v.get(lang) for lang in lang_all}}
                  for k, v in COMPLAINT_KINDS.items()],
        "due_working_days": DUE_WORKING_DAYS,
    }
