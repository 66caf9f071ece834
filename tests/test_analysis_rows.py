"""The rows behind a summary are named after the columns they hold, so a reader of the
arithmetic (and a new query) cannot pick the wrong position."""
from __future__ import annotations

from analysis import queries, rollup
from kiosk import store
from tests.analysis_helpers import add

NOV = ("2026-11-01", "2026-11-30")


def test_main_rating_adds_up_the_same_from_the_totals_and_from_the_hour_grid(fresh_db):
    for overall, flags in ((5, ""), (4, ""), (2, ""), (1, "burst")):
        add(fresh_db, "2026-11-05 09:30", overall, flags=flags, officer="Cán bộ A")
    add(fresh_db, "2026-11-05 09:40", None, complete=0)          # left before rating
    dimensions, groups = queries.response_counts(fresh_db.conn, *NOV, exclude_flagged=True)
    clock = queries.hour_weekday(fresh_db.conn, *NOV)
    expected = {False: rollup.Tally(rated=3, satisfied=2), True: rollup.Tally(rated=1, satisfied=0)}
    assert rollup.overall_counts(groups) == rollup.overall_counts(clock) == expected
    assert rollup.response_totals(groups)["all"] == 5
    officers = rollup.breakdowns(dimensions, {})["officer"]  # the flagged one left out
    assert [(o["key"], o["n"], o["satisfied"]) for o in officers] == [("Cán bộ A", 3, 2), (None, 0, 0)]


def test_each_query_row_names_its_columns(fresh_db):
    add(fresh_db, "2026-11-05 09:30", 1, {"resubmitted": "no"}, officer="Cán bộ A", counter="Quầy 2",
        field="Hộ tịch", procedure_code="1.001193", receipt="R1", flags="hours")
    store.insert_demo_receipts(fresh_db, [{"code": "R1", "dossier_code": "HS1", "appointment_date": "2026-11-04",
                                           "returned_at": "2026-11-05T02:00:00.000Z", "response_id": "x"}],
                               ["code", "dossier_code", "appointment_date", "returned_at", "response_id"])
    fresh_db["complaints"].insert({"topic": "officer", "text": "x", "status": "answered",
                                   "received_date": "2026-11-02", "due_date": "2026-11-20",
                                   "answered_date": "2026-11-10", "receipt": "R1", "flags": "",
                                   "demo": 0})
    conn = fresh_db.conn
    (row,), (group,) = queries.response_counts(conn, *NOV)
    assert (row.month, row.field, row.procedure, row.officer, row.counter, row.channel, row.responses,
            row.rated, row.satisfied) == ("2026-11", "Hộ tịch", "1.001193", "Cán bộ A", "Quầy 2", "kiosk", 1, 1, 0)
    assert queries.response_counts(conn, *NOV, exclude_flagged=True)[0] == []  # it is flagged "hours"
    assert (group.flags, group.demo, group.complete, group.responses, group.rated, group.satisfied,
            group.dislikes) == ("hours", 0, 1, 1, 1, 0, 1)
    (clock,) = queries.hour_weekday(conn, *NOV)
    assert (clock.weekday, clock.hour, clock.flags, clock.rated) == (3, 9, "hours", 1)  # a Thursday
    (answer,) = queries.answer_counts(conn, ["resubmitted"], *NOV)
    assert (answer.question_id, answer.value, answer.flagged, answer.n) == ("resubmitted", "no", 1, 1)
    assert queries.first_answer_counts(conn, ["visits", "resubmitted"], *NOV) == [answer]
    receipts = queries.receipt_figures(conn, *NOV)
    assert (receipts.returned, receipts.rated, receipts.with_appointment, receipts.overdue,
            receipts.complained) == (1, 1, 1, 1, 1)
    (complaints,) = queries.complaint_figures(conn, *NOV, "2026-11-30")
    assert (complaints.flagged, complaints.received, complaints.counted, complaints.on_time,
            complaints.answered) == (0, 1, 1, 1, 1)
    (month,) = queries.monthly_counts(conn, "2026-11", "2026-11")
    assert (month.month, month.flagged, month.rated, month.satisfied) == ("2026-11", 1, 1, 0)


def test_a_copy_from_before_imports_existed_still_exports_its_rows(fresh_db):
    """python -m analysis reads any kiosk database file, also a backup made by an older
    release: a column that release did not have yet comes out empty, never as an error."""
    from analysis.rows import header, iter_rows
    add(fresh_db, "2026-11-05 09:30", 4)
    fresh_db.execute("DROP INDEX IF EXISTS responses_imported")
    fresh_db.execute("ALTER TABLE responses DROP COLUMN imported_from")
    rows = list(iter_rows(fresh_db, "2026-11-01", "2026-11-30", audience="systems"))
    assert len(rows) == 1
    assert dict(zip(header("systems"), rows[0], strict=True))["imported_from"] in ("", None)


def test_the_same_answers_on_another_scale_or_questionnaire_get_their_own_words(fresh_db, monkeypatch):
    """Rows with the same stored answers share their question cells (``rows._questions``
    made once per set); the set is told apart by its questionnaire and scale, so a 2 on
    the old three-level scale never borrows the five-level words, and past the cap every
    row is still made."""
    from analysis import rows
    from analysis.rows import header, iter_rows
    add(fresh_db, "2026-11-05 09:30", 2, {"reasons": "waiting"})
    add(fresh_db, "2026-11-05 09:31", 2, {"reasons": "waiting"}, scale=3)
    add(fresh_db, "2026-11-05 09:32", 2, {"reasons": "waiting"})
    add(fresh_db, "2026-11-05 09:33", 2, {"reasons": "waiting"}, channel="phone")
    at = header().index(rows.question_texts()["overall"])
    words = [r[at] for r in iter_rows(fresh_db.conn, *NOV)]
    assert words[0] == words[2] and words[0] != words[1]
    monkeypatch.setattr(rows, "ANSWER_SETS", 0)
    assert [r[at] for r in iter_rows(fresh_db.conn, *NOV)] == words
