"""Vietnamese first, English second.

Texts are written in Vietnamese in the code and templates; ``translations/en.toml`` maps
each to English. A plain table instead of gettext catalogues: nothing to compile, and an
official can correct a translation in a text editor. A missing entry shows the Vietnamese.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from flask import g, request, session

from analysis import fmt
from survey_forms import vocabulary

LANGUAGES = ("vi", "en")
ROLE_LABELS = {"admin": "Quản trị viên", "leader": "Lãnh đạo", "officer": "Cán bộ một cửa"}
_CATALOG_DIR = Path(__file__).parent / "translations"


def load_catalog(lang: str) -> dict[str, str]:
    path = _CATALOG_DIR / f"{lang}.toml"
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def get_locale() -> str:
    """?lang= (remembered in the session), else the session, else Vietnamese.

    The browser's Accept-Language is not followed: an office PC set up in English must still
    show the commune's staff pages in Vietnamese unless someone asks for English."""
    if "locale" in g:
        return g.locale
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    else:
        lang = session.get("lang") or "vi"
    g.locale = lang
    return lang


# English messages that come from libraries (WTForms validators), in Vietnamese.
_LIBRARY_VI = [
    (re.compile(r"^This field is required\.$"), "Vui lòng điền mục này."),
    (re.compile(r"^Field cannot be longer than (\d+) characters?\.$"), "Không được dài quá {0} ký tự."),
    (re.compile(r"^Field must be at least (\d+) characters? long\.$"), "Cần ít nhất {0} ký tự."),
    (re.compile(r"^Field must be between (\d+) and (\d+) characters long\.$"), "Cần từ {0} đến {1} ký tự."),
    (re.compile(r"^Not a valid date value\.?$"), "Ngày không hợp lệ."),
    (re.compile(r"^Not a valid integer value\.?$"), "Cần nhập một số nguyên."),
    (re.compile(r"^Not a valid choice\.?$"), "Lựa chọn không hợp lệ."),
    (re.compile(r"^Invalid input\.$"), "Giá trị không hợp lệ."),
    (re.compile(r"^Invalid email address\.$"), "Địa chỉ thư điện tử không hợp lệ."),
    (re.compile(r"^The CSRF token has expired\.$"), "Trang đã mở quá lâu; vui lòng gửi lại."),
    (re.compile(r"^The CSRF token is missing\.$"), "Thiếu mã bảo vệ biểu mẫu; vui lòng tải lại trang."),
]


def library_vi(text: str) -> str:
    for pattern, vi in _LIBRARY_VI:
        m = pattern.match(text)
        if m:
            return vi.format(*m.groups())
    return text


def gettext(text: str, **values) -> str:
    """``text`` (Vietnamese) in the current language, with ``{name}`` values filled in."""
    from flask import current_app
    lang = get_locale() if request else "vi"
    if lang != "vi":
        text = current_app.extensions["i18n"].get(lang, {}).get(text, text)
    else:
        text = library_vi(text)
    return text.format(**values) if values else text


_ = gettext


def init_app(app) -> None:
    app.extensions["i18n"] = {lang: load_catalog(lang) for lang in LANGUAGES if lang != "vi"}
    app.jinja_env.globals.update(_=gettext, get_locale=get_locale, ROLE_LABELS=ROLE_LABELS,
                                 due_working_days=vocabulary.DUE_WORKING_DAYS)
    app.jinja_env.filters.update(localtime=localtime, vndate=vndate, percent=fmt.percent,
                                  number=fmt.number)


def localtime(value: str | None) -> str:
    """A stored UTC time as Vietnamese local time, 28/11/2026 14:05."""
    from kiosk.clock import local, parse_iso
    dt = parse_iso(value) if value else None
    return local(dt).strftime("%d/%m/%Y %H:%M") if dt else "—"


def vndate(value) -> str:
    """2026-11-28 → 28/11/2026 (the reports' own formatting, so page and files agree)."""
    return fmt.day(str(value)[:10]) if value else "–"
