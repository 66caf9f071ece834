"""The summary's rollups (issue 16): always equal to a recomputation from the rows, whatever
is written (ratings one by one, imports in bulk, flagged and demo rows, dossiers issued,
returned and rated, demo receipts, demo removal), daily and monthly alike, and
a summary or the province's league read from them (whole months from the monthly tables,
the days at the period's ends from the daily ones) gives exactly the figures read from the rows."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import fromrollups, summarize
from analysis.by_unit import units_summary
from analysis.fromrollups import pieces, ready, split_period
from kiosk import store
from kiosk.clock import iso
from kiosk.domain import demo
from kiosk.store import migrations, rollup_counts, rollups
from kiosk.store.db import connect
from tests.analysis_helpers import local, record
from tests.helpers import ROOT

DAYS = [local("2026-11-03 08:00") + timedelta(days=d, hours=h) for d in (0, 1, 30) for h in (0, 5)]


def rollup_rows(db) -> dict[str, list]:
    return {t: sorted(map(tuple, db.execute(f"SELECT * FROM [{t}]")), key=repr)
            for t in [*rollups.TABLES, rollups.RECEIPTS[0]]}


def recomputed(db) -> dict[str, list]:
    sql = {**rollups.grouped_sql(db), rollups.RECEIPTS[0]: rollups.receipts_sql(db)}
    return {t: sorted(map(tuple, db.execute(q)), key=repr) for t, q in sql.items()}


def without_rollups(db, tmp_path):
    """A copy of the database as an older kiosk left it: the same rows, no rollups."""
    copy = sqlite3.connect(tmp_path / "rows-only.db")
    db.conn.backup(copy)
    for table in rollups.TABLES:
        copy.execute(f"DROP TABLE {table}")
    copy.commit()
    return copy


rating = st.fixed_dictionaries({
    "at": st.sampled_from(DAYS), "overall": st.one_of(st.none(), st.integers(1, 5)),
    "flags": st.sampled_from(["", "burst", "clock late"]), "demo": st.sampled_from([0, 1]),
    "unit": st.sampled_from([None, "00001", "00002"]), "officer": st.sampled_from([None, "Cán bộ A", "Cán bộ B"]),
    "procedure_code": st.sampled_from([None, "1.001193"]), "receipt": st.sampled_from([None, "R"]),
    "reasons": st.lists(st.sampled_from(["papers", "waiting", "fees"]), unique=True, max_size=2),
})
dossier = st.fixed_dictionaries({"returned": st.sampled_from([None, DAYS[0], DAYS[-1]]),
                                 "appointment": st.sampled_from([None, "2026-11-03", "2026-12-31"]),
                                 "rated": st.booleans(), "unit": st.sampled_from([None, "00001"])})
step = st.one_of(st.tuples(st.just("rate"), rating), st.tuples(st.just("import"), st.lists(rating, max_size=4)),
                 st.tuples(st.just("remove demo"), st.none()), st.tuples(st.just("dossier"), dossier),
                 st.tuples(st.just("demo dossiers"), st.lists(dossier, max_size=3)))


def _dossier(db, d: dict, n: int, rating_at) -> None:
    """A receipt issued, maybe returned at the counter, maybe rated by its citizen."""
    row = {"dossier_code": f"HS-{n}", "appointment_date": d["appointment"], "issued_at": iso(rating_at),
           "unit": d["unit"]}
    code = store.create_receipt(db, row, lambda: f"R-{n}")["code"]
    if d["returned"]:
        store.mark_returned(db, code, "Quầy 1", d["returned"], d["returned"] + timedelta(days=1), "test")
        if d["rated"]:
            rec = record(d["returned"], 4, receipt=code, unit=d["unit"])
            assert store.save_response(db, rec, {"overall": 4})[0] == "created"


def _demo_dossiers(db, dossiers: list, n: int) -> None:
    rows = [{"code": f"DEMO-{n}-{i}", "dossier_code": f"DEMO-{n}-{i}", "appointment_date": d["appointment"],
             "returned_at": iso(d["returned"]) if d["returned"] else None, "unit": d["unit"]}
            for i, d in enumerate(dossiers)]
    store.insert_demo_receipts(db, rows, ["code", "dossier_code", "appointment_date", "returned_at", "unit"])


def _item(r: dict, n: int):
    extra = {k: r[k] for k in ("demo", "unit", "officer", "procedure_code")}
    row = record(r["at"], r["overall"], flags=r["flags"], **extra)
    if r["receipt"]:
        row["receipt"] = f"R{n}"  # a receipt code of its own (no receipts table row needed)
    answers = {"overall": r["overall"]} if r["overall"] is not None else {}
    if r["reasons"]:
        answers["reasons"] = r["reasons"]
    return row, answers


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, max_size=8))
def test_rollups_always_equal_a_recomputation_from_the_rows(steps):
    _replay(steps)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, max_size=8))
def test_rollups_equal_a_recomputation_also_row_by_row_on_an_sqlite_before_3_33(steps):
    """Older SQLite (no UPDATE … FROM): every row is counted with its own statement."""
    with mock.patch.object(rollup_counts, "UPDATE_FROM", False):
        _replay(steps)


def test_many_keys_are_counted_in_chunks_new_and_existing_rows_alike(fresh_db, monkeypatch):
    """A bulk insert adds to hundreds of rollup rows: counted a chunk of keys per statement
    (the chunk cut small here), the keys without a row yet inserted, the others added to."""
    monkeypatch.setattr(rollup_counts, "MAX_VARIABLES", 40)
    for part in range(2):
        items = [_item({"at": DAYS[i % len(DAYS)] + timedelta(minutes=i), "overall": 1 + i % 5,
                        "flags": "fast" if i % 4 == 0 else "", "demo": 0, "unit": None,
                        "officer": f"Cán bộ {i % 7}", "procedure_code": f"P{i % 11}", "receipt": False,
                        "reasons": ["waiting"] if i % 3 == 0 else []}, 1000 * part + i) for i in range(60)]
        store.insert_many(fresh_db, items)
        assert rollup_rows(fresh_db) == recomputed(fresh_db)


def _replay(steps) -> None:
    db = connect(":memory:")
    migrations.apply(db)
    n = 0
    for kind, arg in steps:
        if kind == "rate":
            n += 1
            row, answers = _item(arg, n)
            row.pop("receipt", None)  # a single rating's receipt must exist: bound ones come in bulk
            assert store.save_response(db, row, answers)[0] == "created"
        elif kind == "import":
            items = []
            for r in arg:
                n += 1
                items.append(_item(r, n))
            store.insert_many(db, items)
        elif kind == "dossier":
            n += 1
            _dossier(db, arg, n, DAYS[0])
        elif kind == "demo dossiers":
            n += 1
            _demo_dossiers(db, arg, n)
        else:
            store.remove_legacy_demo(db)
        assert rollup_rows(db) == recomputed(db)
    db.conn.close()


def test_summary_from_rollups_gives_exactly_the_figures_from_the_rows(fresh_db, tmp_path):
    demo.generate(fresh_db, 3000, days=90, seed=7, end=local("2026-11-30 12:00").date())
    store.insert_many(fresh_db, [(record(local("2026-11-20 10:00"), 2, flags="burst"), {"overall": 2})])
    rows_only = without_rollups(fresh_db, tmp_path)
    for period in (("2026-09-01", "2026-11-30"), ("2026-11-01", "2026-11-30"), ("2026-10-07", "2026-10-07"),
                   ("2026-09-15", "2026-11-10"), ("2026-10-31", "2026-11-01")):
        for exclude in (True, False):
            from_rollups = summarize(fresh_db, *period, exclude_flagged=exclude, today="2026-11-30")
            from_rows = summarize(rows_only, *period, exclude_flagged=exclude, today="2026-11-30")
            assert from_rollups == from_rows
            assert from_rollups["responses"]["all"] > 0
    rows_only.close()


PARTIAL_ENDS = (("2026-09-15", "2026-11-10"), ("2026-08-23", "2026-11-30"), ("2026-09-01", "2026-10-17"),
                ("2026-10-31", "2026-11-01"), ("2026-10-02", "2026-10-30"), ("2026-09-03", "2026-11-02"))


def test_the_league_and_each_communes_summary_from_rollups_give_exactly_the_figures_from_the_rows(
        fresh_db, tmp_path):
    units = [{"code": code, "name": f"Xã {code}"} for code in ("00001", "00002")]
    for i, unit in enumerate(units):
        store.create_unit(fresh_db, unit["code"], unit["name"])
        demo.generate(fresh_db, 1500, days=100, seed=3 + i, end=date(2026, 11, 30), unit=unit["code"])
    rows_only = without_rollups(fresh_db, tmp_path)
    for period in PARTIAL_ENDS:
        for exclude in (True, False):
            league = units_summary(fresh_db, *period, units, exclude_flagged=exclude, today="2026-11-30")
            assert league == units_summary(rows_only, *period, units, exclude_flagged=exclude, today="2026-11-30")
            for unit in league["units"]:  # answers counted, not only the main rating
                assert next(i for i in unit["indicators"] if i["id"] == "admin_service_satisfaction")["n"] > 0
            for unit in units:
                own = summarize(fresh_db, *period, exclude_flagged=exclude, today="2026-11-30", unit=unit["code"])
                assert own == summarize(rows_only, *period, exclude_flagged=exclude, today="2026-11-30",
                                        unit=unit["code"])
            whole = summarize(fresh_db, *period, exclude_flagged=exclude, today="2026-11-30")  # the province's
            assert whole == summarize(rows_only, *period, exclude_flagged=exclude, today="2026-11-30")
    rows_only.close()


def test_the_provinces_monthly_rollup_is_grouped_in_index_order_without_a_sort(fresh_db):
    # A province's year is some 200,000 monthly rollup rows; sorting them for the summary's
    # GROUP BY took a second at 10M responses. The cube index holds them in that order.
    ran = []
    fresh_db.conn.set_trace_callback(ran.append)
    store.create_unit(fresh_db, "00002", "Xã hai")  # a province: its units' rows are grouped together
    fromrollups.response_counts(fresh_db.conn, "2026-01-01", "2026-11-30")
    fresh_db.conn.set_trace_callback(None)
    sql = ran[-1]  # after the look-ups of which tables, units and indexes there are
    assert sql.startswith("WITH cube AS (SELECT local_month, field")
    plan = fresh_db.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()  # (id, parent, _, detail)
    (monthly,) = [row for row in plan if "rollup_months" in row[-1]]
    assert f"COVERING INDEX {fromrollups.CUBE_INDEX}" in monthly[-1]
    beside = [row[-1] for row in plan if row[1] == monthly[1]]  # the steps of the same SELECT
    assert not [step for step in beside if "TEMP B-TREE" in step], plan


def test_an_older_database_gets_the_monthly_rollups_filled_from_its_rows(tmp_path):
    """A kiosk upgraded from a release whose rollups were daily only (and, earlier still,
    without ``rollup_months`` and ``rollup_receipts``): its figures are read from the rows
    until the migration has made and filled the missing tables, then from them, the same
    figures either way."""
    db = connect(tmp_path / "old.db")
    migrations.migrations.apply(db, stop_before="m016_monthly_rollups")
    store.insert_many(db, [_item({"at": at, "overall": n % 5 + 1, "flags": "burst" if n % 3 else "", "demo": 0,
                                  "unit": None, "officer": None, "procedure_code": None, "receipt": None,
                                  "reasons": ["papers"] if n % 2 else []}, n) for n, at in enumerate(DAYS)])
    _dossier(db, {"returned": DAYS[-1], "appointment": "2026-11-03", "rated": True, "unit": None}, 99, DAYS[0])
    for table in ("rollup_months", "rollup_clock_months", "rollup_answer_months", "rollup_receipts"):
        db.execute(f"DROP TABLE {table}")  # as an older m012 left the database
    assert not ready(db.conn)
    before = summarize(db, "2026-11-01", "2026-12-31", today="2026-12-31")
    migrations.apply(db)
    assert ready(db.conn)
    assert rollup_rows(db) == recomputed(db)
    assert summarize(db, "2026-11-01", "2026-12-31", today="2026-12-31") == before
    assert before["responses"]["all"] == len(DAYS) + 1
    db.conn.close()


@pytest.mark.parametrize("table", ["rollup_months", "rollup_clock_months", "rollup_answer_months"])
def test_verify_names_a_monthly_rollup_edited_by_hand(fresh_db, table):
    store.insert_many(fresh_db, [_item({"at": DAYS[0], "overall": 2, "flags": "", "demo": 0, "unit": None,
                                        "officer": None, "procedure_code": None, "receipt": None,
                                        "reasons": ["fees"]}, 1)])
    assert rollups.differing(fresh_db) == []
    measure = rollups.TABLES[table][1][0]
    fresh_db.execute(f"UPDATE [{table}] SET [{measure}] = [{measure}] + 1")
    assert rollups.differing(fresh_db) == [table]


def test_rebuild_rollups_puts_back_what_a_hand_edit_broke(tmp_path, fresh_db):
    store.insert_many(fresh_db, [_item({"at": DAYS[0], "overall": 4, "flags": "", "demo": 0, "unit": None,
                                        "officer": None, "procedure_code": None, "receipt": None,
                                        "reasons": []}, 1)])
    good = rollup_rows(fresh_db)
    fresh_db.execute("DELETE FROM rollup_clock")
    fresh_db.execute("DELETE FROM rollup_answer_months")
    fresh_db.execute("UPDATE rollup_responses SET rated = 99")
    path = fresh_db.execute("PRAGMA database_list").fetchone()[2]
    r = subprocess.run([sys.executable, "-m", "kiosk", "rebuild-rollups", "--db", path], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "rollup_responses 1 rows" in r.stdout
    assert rollup_rows(fresh_db) == good


@pytest.mark.parametrize("period, months, days", [
    (("2026-01-01", "2026-12-31"), ("2026-01", "2026-12"), []),
    (("2026-01-15", "2026-03-10"), ("2026-02", "2026-02"),
     [("2026-01-15", "2026-01-31"), ("2026-03-01", "2026-03-10")]),
    (("2026-02-01", "2026-02-28"), ("2026-02", "2026-02"), []),
    (("2026-02-02", "2026-02-28"), None, [("2026-02-02", "2026-02-28")]),
    (("2026-01-31", "2026-02-01"), None, [("2026-01-31", "2026-02-01")]),
    (("2025-12-20", "2026-01-31"), ("2026-01", "2026-01"), [("2025-12-20", "2025-12-31")]),
])
def test_a_period_reads_whole_months_from_the_monthly_rollup_and_only_its_ends_by_day(period, months, days):
    assert split_period(*period) == (months, days)


@pytest.mark.parametrize("period, expected", [
    (("2026-01-01", "2026-12-31"), [(1, "months", "2026-01", "2026-12")]),
    (("2025-12-03", "2026-12-02"), [(1, "months", "2026-01", "2026-11"), (1, "months", "2025-12", "2025-12"),
                                    (-1, "days", "2025-12-01", "2025-12-02"), (1, "days", "2026-12-01", "2026-12-02")]),
    (("2026-02-10", "2026-02-20"), [(1, "days", "2026-02-10", "2026-02-20")]),
    (("2026-02-02", "2026-02-27"), [(1, "months", "2026-02", "2026-02"), (-1, "days", "2026-02-01", "2026-02-01"),
                                    (-1, "days", "2026-02-28", "2026-02-28")]),
    (("2026-01-31", "2026-02-01"), [(1, "days", "2026-01-31", "2026-01-31"), (1, "days", "2026-02-01", "2026-02-01")]),
])
def test_a_month_mostly_in_the_period_is_read_whole_less_its_days_outside(period, expected):
    assert pieces(*period) == expected


def test_verify_names_a_rollup_edited_by_hand_and_rebuild_rollups_mends_it(tmp_path, fresh_db):
    """The figures are read from the rollups: a count edited there (the chain untouched)
    would change every report, so verify compares them with the rows."""
    store.create_unit(fresh_db, "00001", "Xã Mẫu")  # the unit a first start would make
    store.insert_many(fresh_db, [_item({"at": DAYS[0], "overall": 2, "flags": "", "demo": 0, "unit": "00001",
                                        "officer": None, "procedure_code": None, "receipt": None,
                                        "reasons": []}, 1)])
    assert rollups.differing(fresh_db) == []
    (tmp_path / "inst").mkdir()
    copy = sqlite3.connect(tmp_path / "inst" / "kiosk.db")
    fresh_db.conn.backup(copy)
    copy.execute("UPDATE rollup_clock SET satisfied = rated")  # everyone "satisfied"
    copy.commit()
    copy.close()
    edited = connect(tmp_path / "inst" / "kiosk.db")
    assert rollups.differing(edited) == ["rollup_clock"]
    env = {**__import__("os").environ, "KIOSK_INSTANCE": str(tmp_path / "inst")}

    def kiosk(*args):
        return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    r = kiosk("verify")
    assert r.returncode == 1 and "rollup_clock" in r.stdout and "rebuild-rollups" in r.stdout
    assert kiosk("rebuild-rollups").returncode == 0
    assert rollups.differing(edited) == []
    assert kiosk("verify").returncode == 0
