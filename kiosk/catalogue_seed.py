"""The default catalogue put in an empty database on first start.

Commune-level procedures from DOMAIN.md (taken from third-party lists: an official should
check them against the province's published list and import the real one). Seeding runs
only while the procedures table is empty, so it never overwrites what an admin entered.
"""
from __future__ import annotations

from . import store

DEFAULT_PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch"),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch"),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
    ("2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực"),
    ("2.000884", "Chứng thực chữ ký", "Chứng thực"),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Hộ kinh doanh"),
    ("1.001699", "Xác nhận khuyết tật", "Bảo trợ xã hội"),
    ("1.001731", "Hỗ trợ chi phí mai táng", "Bảo trợ xã hội"),
    ("1.012812", "Hòa giải tranh chấp đất đai", "Đất đai"),
]


def seed_if_empty(db) -> int:
    """Insert the default procedures if there are none; returns how many were added."""
    if store.count_procedures(db):
        return 0
    rows = [{"code": c, "name": n, "field": f, "valid_from": None, "valid_to": None}
            for c, n, f in DEFAULT_PROCEDURES]
    return store.replace_procedures(db, rows, actor="system", action="seed_procedures")


def init_app(app) -> None:
    from .db import connect
    db = connect(app.config["DATABASE"])
    try:
        seed_if_empty(db)
    finally:
        db.conn.close()
