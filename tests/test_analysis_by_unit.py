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


def test_a_period_that_ends_before_it_starts_is_refused(communes):
    with pytest.raises(ValueError, match="starts"):
        units_summary(communes, "2026-12-01", "2026-11-01", [])
