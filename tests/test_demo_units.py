"""Demo data for the province: several communes in the demo database, never in the real one."""
from __future__ import annotations

import sqlite3

import pytest

from kiosk import store
from kiosk.domain.demo_units import generate_units, layout, split
from tests.test_demo_apart import cli, real_instance, snapshot


@pytest.mark.parametrize("total, shares, expected", [
    (100, [1, 1], [50, 50]),
    (9, [1.0, 0.7, 1.3], [3, 2, 4]),
    (7, [1, 1, 1], [3, 2, 2]),
    (0, [1, 2], [0, 0]),
])
def test_ratings_are_split_between_communes_without_losing_one(total, shares, expected):
    assert split(total, shares) == expected and sum(split(total, shares)) == total


def test_demo_units_have_demo_codes_and_names():
    units = layout(10)
    assert [u[0] for u in units][:3] == ["99001", "99002", "99003"] and len({u[0] for u in units}) == 10
    assert all(name.endswith("(mẫu)") for _, name, _, _ in units)


def test_five_demo_communes_differ_and_one_is_too_small_to_rank(fresh_db):
    made = generate_units(fresh_db, 5, 2000, days=60, seed=3)
    assert [u["code"] for u in made] == ["99001", "99002", "99003", "99004", "99005"]
    assert sum(u["responses"] for u in made) == 2000
    assert [u["code"] for u in store.list_units(fresh_db)] == [u["code"] for u in made]
    per_unit = dict(fresh_db.execute("SELECT unit, count(*) FROM responses WHERE demo = 1 GROUP BY unit").fetchall())
    assert per_unit == {u["code"]: u["responses"] for u in made}
    assert per_unit["99004"] < 30  # "Xã Tân Lập": a handful of ratings, listed but not ranked
    rates = dict(fresh_db.execute("SELECT unit, avg(overall >= 4) FROM responses GROUP BY unit").fetchall())
    assert rates["99001"] > rates["99002"]  # a few points apart, as communes are
    for unit in made:
        assert store.verify_chain(fresh_db, unit=unit["code"])["broken_at"] is None


def test_demo_data_units_command_keeps_the_real_database_untouched(tmp_path, rating_body):
    instance, _db = real_instance(tmp_path, rating_body)
    before = snapshot(instance / "kiosk.db")
    r = cli(instance, "demo-data", "--responses", "500", "--days", "30", "--units", "5")
    assert r.returncode == 0, r.stderr
    assert "unit 99003 Phường Đông Hòa (mẫu)" in r.stdout and "was not touched" in r.stdout
    assert snapshot(instance / "kiosk.db") == before
    demo = sqlite3.connect(instance / "demo.db")
    assert demo.execute("SELECT count(DISTINCT unit), count(*), sum(demo) FROM responses").fetchone() == (5, 500, 500)
    demo.close()
    assert cli(instance, "demo-data", "--units", "0", "--responses", "1").returncode == 0  # 0: the usual one unit
    assert cli(instance, "demo-data", "--units", "1000").returncode == 2
