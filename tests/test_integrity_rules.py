"""Each integrity rule of the table, on its own: when it flags a rating and when it does not.

The end-to-end stories (a burst of taps through the API, normal traffic unflagged) are in
test_integrity_flags.py; here each named function of ``integrity.RULES`` is called with a
``Check`` built by hand, so "where is the rule that flags a burst" has one answer and one test.
"""
from datetime import UTC, datetime, timedelta

import pytest

from kiosk import settings, store
from kiosk.clock import iso, local_fields
from kiosk.domain import integrity
from kiosk.domain.integrity import RULES, Check

TUESDAY_10AM = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
SETTINGS = settings.defaults()


def row(at=TUESDAY_10AM, **over):
    base = {"id": "r", "channel": "kiosk", "kiosk": "Quầy 1", "counter": "Quầy 1", "receipt": None,
            "rated_at": iso(at), "submitted_at": iso(at + timedelta(seconds=2)), "duration_ms": None,
            "complete": 1, **local_fields(at)}
    return {**base, **over}


def check(db, r=None, *, answers=1, clock_rejected=False, credential="kiosk:Quầy 1", **settings_over):
    return Check(db=db, row=r or row(), answer_count=answers, settings={**SETTINGS, **settings_over},
                 clock_rejected=clock_rejected, credential=credential)


def earlier(db, seconds_before, n=1, receipt=None):
    """``n`` stored tablet ratings ``seconds_before`` the check's moment."""
    for i in range(n):
        at = TUESDAY_10AM - timedelta(seconds=seconds_before + i)
        stored = dict(row(at, id=f"e{seconds_before}-{i}", receipt=receipt), overall=5, scale=5,
                      questionnaire="counter", questionnaire_version=1,
                      submitted_at=iso(at), flags="", demo=0, body_hash=f"h{i}")
        store.save_response(db, stored, {})


def test_every_rule_says_what_it_flags():
    assert set(RULES) == {"clock", "hours", "fast", "cooldown", "burst", "unenrolled", "over_returned",
                          "late"}
    for name, rule in RULES.items():
        assert rule.__doc__ and len(rule.__doc__) > 30, name


def test_clock_flags_a_time_the_intake_refused(db):
    assert RULES["clock"](check(db, clock_rejected=True))
    assert not RULES["clock"](check(db))


def test_hours_flags_a_rating_outside_opening_hours(db):
    night = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 21:00 local
    assert RULES["hours"](check(db, row(night)))
    assert not RULES["hours"](check(db))


def test_fast_flags_a_finished_rating_quicker_than_a_person_reads(db):
    assert RULES["fast"](check(db, row(duration_ms=300), answers=2))
    assert not RULES["fast"](check(db, row(duration_ms=3000), answers=2))
    assert not RULES["fast"](check(db, row(duration_ms=300, complete=0), answers=2))


def test_cooldown_flags_a_tap_right_after_the_previous_one(db):
    earlier(db, 4)
    assert RULES["cooldown"](check(db, COOLDOWN_SECONDS=10))
    assert not RULES["cooldown"](check(db, COOLDOWN_SECONDS=3))
    assert not RULES["cooldown"](check(db, row(channel="phone"), COOLDOWN_SECONDS=10))


def test_burst_flags_many_unbound_ratings_in_a_short_window(db):
    earlier(db, 20, n=5)
    assert RULES["burst"](check(db, BURST_COUNT=6, BURST_WINDOW_SECONDS=180))
    assert not RULES["burst"](check(db, BURST_COUNT=7, BURST_WINDOW_SECONDS=180))
    assert not RULES["burst"](check(db, row(receipt="ABCDEFGHJ"), BURST_COUNT=6, BURST_WINDOW_SECONDS=180))


def test_unenrolled_flags_a_rating_older_than_the_tablets_enrolment(db):
    store.enrol_kiosk(db, "Quầy 1", "hash", "admin", counter="Quầy 1")
    db.execute("UPDATE kiosks SET enrolled_at = ?", [iso(TUESDAY_10AM + timedelta(hours=1))])
    assert RULES["unenrolled"](check(db))
    db.execute("UPDATE kiosks SET enrolled_at = ?", [iso(TUESDAY_10AM - timedelta(days=1))])
    assert not RULES["unenrolled"](check(db))


def test_over_returned_flags_more_unbound_ratings_than_dossiers_returned(db):
    assert not RULES["over_returned"](check(db)), "a counter that never returns through receipts"
    db["receipts"].insert({"code": "R1", "counter": "Quầy 1",
                           "returned_at": iso(TUESDAY_10AM - timedelta(hours=1)),
                           "dossier_code": "HS1", "procedure_code": "1.001193"})
    assert not RULES["over_returned"](check(db)), "one dossier returned, first rating"
    earlier(db, 60)
    assert RULES["over_returned"](check(db)), "one dossier returned, second rating"
    assert not RULES["over_returned"](check(db, row(receipt="R2"))), "bound ratings are never over"


def test_late_flags_a_rating_sent_long_after_by_a_tablet_that_was_online_meanwhile(db):
    sent_next_day = row(submitted_at=iso(TUESDAY_10AM + timedelta(days=1)))
    assert not RULES["late"](check(db, sent_next_day)), "no contact in between: an honest offline queue"
    store.note_contact(db, "kiosk:Quầy 1", TUESDAY_10AM + timedelta(hours=3))
    assert RULES["late"](check(db, sent_next_day)), (
        "the tablet was online at 13:00 and sent it only the next day")
    assert not RULES["late"](check(db, sent_next_day, credential="kiosk:Quầy 2")), "another tablet's contact"
    assert not RULES["late"](check(db)), "sent at once"


def test_the_flagger_lists_every_rule_that_applies(db):
    night = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    flagger = integrity.make_flagger(SETTINGS, answer_count=1, clock_rejected=True)
    assert flagger(db, row(night, duration_ms=100)) == ["clock", "hours", "fast"]


def test_rules_that_count_nothing_are_decided_before_the_write_turn_and_counts_within_it(db, monkeypatch):
    """A rating's hours, speed and clock are decided before it waits for the write lock;
    its cooldown is counted in its turn, so a tap stored in between is still seen."""
    night = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    flagger = integrity.make_flagger(SETTINGS, answer_count=1, clock_rejected=True)
    rating = row(night, duration_ms=100)
    flagger.before(db, rating)
    for name in set(RULES) - integrity.IN_TURN:  # decided: not asked again in the turn
        monkeypatch.setitem(RULES, name, lambda c: pytest.fail("decided before the turn"))
    at = night - timedelta(seconds=3)  # another tap on the same tablet, stored meanwhile
    store.save_response(db, dict(row(at, id="between"), overall=5, scale=5, questionnaire="counter",
                                 questionnaire_version=1, flags="", demo=0, body_hash="b"), {})
    assert flagger(db, rating) == ["clock", "hours", "fast", "cooldown"]


@pytest.mark.parametrize("name", sorted(RULES))
def test_honest_phone_ratings_are_never_flagged(db, name):
    assert not RULES[name](check(db, row(channel="phone", kiosk=None, counter=None, duration_ms=90_000),
                                 credential=None))
