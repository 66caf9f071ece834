"""Each commune's figures in the province's table are the very figures of its own summary."""
from __future__ import annotations

import pytest

from analysis import summarize
from analysis.by_unit import units_summary
from kiosk import store
from kiosk.domain.demo_units import generate_units


@pytest.fixture(scope="module")
def communes(tmp_path_factory):
    from kiosk.store.db import connect, init_db
    path = tmp_path_factory.mktemp("units") / "demo.db"
    init_db(path)
    db = connect(path)
    generate_units(db, 3, 900, days=40, seed=11)
    yield db
    db.conn.close()


def test_each_units_indicators_equal_its_own_summary(communes):
    units = [{"code": u["code"], "name": u["name"]} for u in store.list_units(communes)]
    today = communes.execute("SELECT max(local_date) FROM responses").fetchone()[0]
    start = communes.execute("SELECT min(local_date) FROM responses").fetchone()[0]
    for flagged_out in (True, False):
        table = units_summary(communes, start, today, units, exclude_flagged=flagged_out, today=today)
        assert [u["code"] for u in table["units"]] == [u["code"] for u in units]
        for unit in table["units"]:
            own = summarize(communes, start, today, exclude_flagged=flagged_out, today=today, unit=unit["code"])
            assert unit["indicators"] == own["indicators"]
            assert unit["chain"] == own["chain"]
    assert table["demo"] == 900 and table["period"] == {"from": start, "to": today}


def test_an_indicator_fed_by_several_questions_counts_the_same_per_unit(communes, tmp_path):
    from analysis.targets import DEFAULT_PATH
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace('questions = ["staff"]', 'questions = ["staff", "access"]')
    targets = tmp_path / "targets.toml"
    targets.write_text(text, encoding="utf-8")
    units = [{"code": u["code"], "name": u["name"]} for u in store.list_units(communes)]
    today = communes.execute("SELECT max(local_date) FROM responses").fetchone()[0]
    table = units_summary(communes, "2000-01-01", today, units, targets=str(targets), today=today)
    for unit in table["units"]:
        own = summarize(communes, "2000-01-01", today, targets=str(targets), today=today, unit=unit["code"])
        assert unit["indicators"] == own["indicators"]
        assert next(r for r in own["indicators"] if r["id"] == "admin_service_satisfaction")["n"] > 0


def test_a_period_that_ends_before_it_starts_is_refused(communes):
    with pytest.raises(ValueError, match="starts"):
        units_summary(communes, "2026-12-01", "2026-11-01", [])
