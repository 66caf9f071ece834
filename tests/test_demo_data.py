"""Demo data: realistic enough to train on, and impossible to mistake for real ratings."""
from __future__ import annotations

from datetime import date

import pytest

from analysis import summarize
from kiosk import store
from kiosk.domain import demo

END = date(2026, 11, 28)


@pytest.fixture(scope="module")
def shared_demo_db(tmp_path_factory):
    """One demo database for the read-only tests of this module (generation takes a second)."""
    from kiosk.store import migrations
    from kiosk.store.db import connect
    db = connect(tmp_path_factory.mktemp("demo") / "kiosk.db")
    migrations.apply(db)
    calls = []
    added = demo.generate(db, 6000, days=120, seed=7, end=END,
                          progress=lambda done, total: calls.append((done, total)))
    db.calls = calls
    assert added == 6000
    yield db
    db.conn.close()


@pytest.fixture
def demo_db(shared_demo_db):
    return shared_demo_db


def test_trainer_fills_a_database_with_demo_ratings_marked_as_such(demo_db):
    q = demo_db.execute
    assert q("SELECT count(*), sum(demo) FROM responses").fetchone() == (6000, 6000)
    assert q("SELECT count(*) FROM receipts WHERE code NOT LIKE 'DEMO-%'").fetchone()[0] == 0
    assert q("SELECT count(*) FROM complaints WHERE demo != 1").fetchone()[0] == 0
    assert q("SELECT count(*) FROM officers WHERE name NOT LIKE '%(mẫu)'").fetchone()[0] == 0
    assert q("SELECT min(local_date), max(local_date) FROM responses").fetchone() == (
        "2026-08-01", "2026-11-28")
    assert store.verify_chain(demo_db)["broken_at"] is None
    assert demo_db.calls[-1] == (6000, 6000)


def test_demo_data_uses_both_channels_and_their_questionnaires(demo_db):
    rows = dict(demo_db.execute("SELECT channel || '/' || questionnaire, count(*) FROM responses "
                                "GROUP BY 1").fetchall())
    assert set(rows) == {"kiosk/counter", "phone/phone"}
    assert 0.2 < rows["phone/phone"] / 6000 < 0.4
    phone_only = demo_db.execute(
        "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id "
        "WHERE a.question_id = 'staff' AND r.channel = 'kiosk'").fetchone()[0]
    assert phone_only == 0


def test_low_ratings_carry_reasons_and_flags_stay_rare(demo_db):
    q = demo_db.execute
    low = q("SELECT count(*) FROM responses WHERE overall <= 3 AND complete = 1").fetchone()[0]
    with_reasons = q("SELECT count(DISTINCT response_id) FROM answers WHERE question_id = 'reasons'"
                     ).fetchone()[0]
    assert 0.5 < with_reasons / low <= 1
    high_with_reasons = q("SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id "
                          "WHERE a.question_id = 'reasons' AND r.overall >= 4").fetchone()[0]
    assert high_with_reasons == 0
    flagged = q("SELECT count(*) FROM responses WHERE flags != ''").fetchone()[0]
    assert 0 < flagged / 6000 < 0.03


def test_satisfaction_varies_by_procedure_and_officer(demo_db):
    s = summarize(demo_db, "2026-08-01", "2026-11-28", today="2026-11-28")
    proc = {r["key"]: r for r in s["breakdowns"]["procedure"]}
    assert proc["1.012812"]["rate"] < proc["2.000815"]["rate"]      # land disputes vs certification
    officers = {r["key"]: r["rate"] for r in s["breakdowns"]["officer"] if r["key"]}
    assert max(officers.values()) - min(officers.values()) > 0.05
    ind = {r["id"]: r for r in s["indicators"]}
    assert all(ind[i]["n"] > 0 for i in ind)
    assert s["response_rate"]["rate"] < 1
    assert s["portal_figure"]["overdue"] > 0


def test_same_seed_gives_the_same_ratings(fresh_db, tmp_path):
    from kiosk.store import migrations
    from kiosk.store.db import connect
    other = connect(tmp_path / "other.db")
    migrations.apply(other)
    demo.generate(fresh_db, 300, days=30, seed=3, end=END)
    demo.generate(other, 300, days=30, seed=3, end=END)
    sql = "SELECT id, overall, rated_at, officer FROM responses ORDER BY seq"
    assert fresh_db.execute(sql).fetchall() == other.execute(sql).fetchall()
    other.conn.close()


def test_more_demo_data_extends_the_chain(fresh_db):
    demo.generate(fresh_db, 400, days=10, seed=8, end=END)
    demo.generate(fresh_db, 300, days=10, seed=9, end=END)
    assert fresh_db.execute("SELECT count(*) FROM responses").fetchone()[0] == 700
    assert store.verify_chain(fresh_db)["broken_at"] is None


def test_large_runs_made_by_a_worker_process_give_the_same_rows(fresh_db, tmp_path, monkeypatch):
    from kiosk.store import migrations
    from kiosk.store.db import connect
    inline = connect(tmp_path / "inline.db")
    migrations.apply(inline)
    demo.generate(inline, 1500, days=20, seed=5, end=END)
    monkeypatch.setattr(demo, "PARALLEL_FROM", 1000)
    monkeypatch.setattr(demo, "CHUNK", 400)
    calls = []
    demo.generate(fresh_db, 1500, days=20, seed=5, end=END, progress=lambda d, t: calls.append(d))
    sql = "SELECT id, overall, rated_at, hash FROM responses ORDER BY seq"
    assert fresh_db.execute(sql).fetchall() == inline.execute(sql).fetchall()
    assert calls == [400, 800, 1200, 1500]
    complaints = "SELECT response_id, status, due_date FROM complaints ORDER BY response_id"
    assert fresh_db.execute(complaints).fetchall() == inline.execute(complaints).fetchall()
    inline.conn.close()


@pytest.mark.parametrize("exclude_flagged", [False, True])
def test_every_breakdown_adds_up_to_the_headline_figure(demo_db, exclude_flagged):
    s = summarize(demo_db, "2026-09-01", "2026-10-31", exclude_flagged=exclude_flagged,
                  today="2026-11-28")
    head = s["indicators"][0]
    for name, rows in s["breakdowns"].items():
        assert sum(r["n"] for r in rows) == head["n"], name
        assert sum(r["satisfied"] for r in rows) == head["satisfied"], name
    assert sum(c["n"] for c in s["hour_weekday"]) == head["n"]
    flagged = s["responses"]["flagged"]
    assert s["all"]["indicators"][0]["n"] - s["excluding_flagged"]["indicators"][0]["n"] == flagged
