"""Integrity flags: suspicious responses are kept and marked, never deleted.

``RULES`` is the table: flag name → a small function of one ``Check`` (the row about to
be stored, its answer count, the installation's settings and the database, for counts)
that says whether the flag applies. The flags go on the response (``responses.flags``) and
every report shows the figures with and without them. The rules that count earlier
ratings (``IN_TURN``: taps, bursts, a counter's day) run inside the write transaction, so
what they count cannot change before the row is written; the others may be decided just
before (``Flagger.before``). Each rule has its own test in tests/test_integrity_flags.py.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from kiosk import store
from kiosk.clock import iso, local, parse_iso


@dataclass(frozen=True)
class Check:
    """What a rule may look at: ``row`` (the responses columns, flags not yet set),
    ``answer_count``, ``clock_rejected`` (intake refused the client's time), ``settings``
    (the installation's settings mapping), ``credential`` (who sent it) and ``db`` (for
    counts of earlier rows and the credential's contacts)."""

    db: object
    row: dict
    answer_count: int
    settings: Mapping
    clock_rejected: bool = False
    credential: str | None = None  # "kiosk:<name>" or "token:<name>"; None for the phone form

    @cached_property  # read by most rules: parsed once per rating
    def rated(self) -> datetime:
        return parse_iso(self.row["rated_at"])

    @cached_property  # what the cooldown, burst and unenrolled rules look at, in one look-up
    def taps(self) -> tuple[str | None, int, str | None]:
        """(the tablet's previous rating time, its ratings without a receipt in the burst
        window counted up to ``BURST_COUNT``, when it was enrolled)."""
        since = iso(self.rated - timedelta(seconds=self.settings["BURST_WINDOW_SECONDS"]))
        return store.tablet_taps(self.db, self.tablet, self.row["rated_at"], since,
                                 self.settings["BURST_COUNT"], self.row.get("unit"))

    @property
    def tablet(self) -> str | None:
        """The tablet's name for a counter (kiosk) rating, else None."""
        return self.row.get("kiosk") if self.row["channel"] == "kiosk" else None


def is_open(moment: datetime, hours: dict, grace_minutes: int = 0) -> bool:
    """True if ``moment`` (aware) falls within the opening hours of its local weekday,
    each span widened by ``grace_minutes`` on both sides."""
    loc = local(moment)
    minutes = loc.hour * 60 + loc.minute
    for span in hours.get(str(loc.weekday()), []):
        start, end = (int(p[:2]) * 60 + int(p[3:5]) for p in span.split("-"))
        if start - grace_minutes <= minutes <= end + grace_minutes:
            return True
    return False


def too_fast(duration_ms, answer_count: int, complete: int, min_ms_per_answer: int) -> bool:
    """A finished response faster than a person can read and tap, per answer given."""
    if duration_ms is None or not complete:
        return False
    return duration_ms < min_ms_per_answer * max(1, answer_count)


def clock(c: Check) -> bool:
    """The client's time was in the future or older than ``OFFLINE_WINDOW_DAYS``: the
    server's time was used instead (decided by the intake)."""
    return c.clock_rejected


def hours(c: Check) -> bool:
    """Rated outside ``OPENING_HOURS`` widened by ``OPENING_GRACE_MINUTES``."""
    return not is_open(c.rated, c.settings["OPENING_HOURS"], c.settings["OPENING_GRACE_MINUTES"])


def fast(c: Check) -> bool:
    """Finished faster than ``MIN_MS_PER_ANSWER`` per answer given (as the client measured)."""
    return too_fast(c.row.get("duration_ms"), c.answer_count, c.row.get("complete", 1),
                    c.settings["MIN_MS_PER_ANSWER"])


def cooldown(c: Check) -> bool:
    """A tap within ``COOLDOWN_SECONDS`` of the previous rating on the same tablet."""
    if not c.tablet:
        return False
    previous = c.taps[0]
    return previous is not None and (c.rated - parse_iso(previous)).total_seconds() < c.settings["COOLDOWN_SECONDS"]


def burst(c: Check) -> bool:
    """``BURST_COUNT`` or more ratings within ``BURST_WINDOW_SECONDS`` on one tablet, not
    bound to dossiers (a dossier-bound rating is vouched for by its receipt)."""
    if not c.tablet or c.row.get("receipt"):
        return False
    return c.taps[1] + 1 >= c.settings["BURST_COUNT"]


def unenrolled(c: Check) -> bool:
    """Rated before the tablet was enrolled (queued on a device, then sent)."""
    if not c.tablet:
        return False
    enrolled_at = c.taps[2]
    return bool(enrolled_at) and c.rated < parse_iso(enrolled_at) - timedelta(minutes=1)


def over_returned(c: Check) -> bool:
    """An unbound counter rating at a counter that already has as many ratings that day as
    dossiers returned there (a rating bound to a returned dossier is never flagged); only
    at counters that return dossiers through receipts at all."""
    counter = c.row.get("counter")
    if not counter or c.row["channel"] != "kiosk" or c.row.get("receipt"):
        return False
    ratings, returned, ever = store.counter_day_counts(c.db, counter, c.row["local_date"], c.row.get("unit"))
    return ever and ratings + 1 > returned


def late(c: Check) -> bool:
    """Arrived more than ``LATE_MINUTES`` after its own time from a tablet or token that
    reached the server in between (from ``LATE_MINUTES`` after the rating's time to
    ``LATE_MINUTES`` before its arrival): back-dating from a live credential. A tablet that
    could not reach the server and flushes its queue when it comes back had no contact in
    between and is not flagged, even a day later. The burst and cooldown rules use the
    ratings' own times, so a flushed queue is not a burst either."""
    if not c.credential:
        return False
    margin = timedelta(minutes=c.settings["LATE_MINUTES"])
    arrived = parse_iso(c.row["submitted_at"])
    if arrived - c.rated <= 2 * margin:
        return False
    return store.contact_between(c.db, c.credential, iso(c.rated + margin), iso(arrived - margin))


RULES: dict[str, Callable[[Check], bool]] = {
    "clock": clock, "hours": hours, "fast": fast, "cooldown": cooldown, "burst": burst,
    "unenrolled": unenrolled, "over_returned": over_returned, "late": late,
}


# Decided in the write turn: the rules that count earlier ratings of the same tablet or
# counter (no other rating can be written between their count and this one), and
# "unenrolled", whose look-up is one statement with the tablet's taps.
IN_TURN = frozenset({"cooldown", "burst", "unenrolled", "over_returned"})
IN_TURN_SETTINGS = ("BURST_WINDOW_SECONDS", "BURST_COUNT", "COOLDOWN_SECONDS")  # all that they read


class Flagger:
    """The integrity rules for one rating, as ``flagger(db, row) -> [flag names]`` for
    ``store.save_response`` (which calls it under the write lock).

    ``before(db, row)`` decides the rules that look only at the rating itself and at other
    tables (its hours, speed, clock, the credential's contacts) before the rating
    waits for the write lock, so that the ratings of a group commit spend their turn on the
    counts alone; the rules in ``IN_TURN`` are always decided under the lock."""

    def __init__(self, settings: Mapping, answer_count: int, clock_rejected: bool = False,
                 credential: str | None = None):
        self.settings, self.answer_count = settings, answer_count
        self.clock_rejected, self.credential = clock_rejected, credential
        self._early: list[str] | None = None

    def _check(self, db, row) -> Check:
        return Check(db=db, row=row, answer_count=self.answer_count, settings=self.settings,
                     clock_rejected=self.clock_rejected, credential=self.credential)

    def before(self, db, row) -> None:
        check = self._check(db, row)
        self._early = [name for name, rule in RULES.items() if name not in IN_TURN and rule(check)]

    def __getstate__(self) -> dict:
        """What the writer process needs (``kiosk.store.writer``): once ``before`` has run,
        only the settings the rules in ``IN_TURN`` read, not the installation's whole config."""
        state = dict(self.__dict__)
        if self._early is not None:
            state["settings"] = {k: self.settings[k] for k in IN_TURN_SETTINGS}
        return state

    def __call__(self, db, row) -> list[str]:
        check, early = self._check(db, row), self._early
        if early is None:  # nothing decided before: every rule now
            return [name for name, rule in RULES.items() if rule(check)]
        return [name for name, rule in RULES.items() if (rule(check) if name in IN_TURN else name in early)]


def make_flagger(settings: Mapping, answer_count: int, clock_rejected: bool = False,
                 credential: str | None = None) -> Flagger:
    """A ``flagger(db, row) -> [flag names]`` for ``store.save_response``."""
    return Flagger(settings, answer_count, clock_rejected, credential)


def silent_kiosks(kiosks: list[dict], now: datetime, settings: Mapping) -> list[dict]:
    """Enrolled tablets not heard from for longer than ``KIOSK_SILENCE_MINUTES`` while the
    counter is open, so that silence is never read as satisfaction."""
    if not is_open(now, settings["OPENING_HOURS"]):
        return []
    limit = timedelta(minutes=settings["KIOSK_SILENCE_MINUTES"])
    silent = []
    for k in kiosks:
        if k.get("revoked"):
            continue
        seen = parse_iso(k.get("last_seen_at") or "") or parse_iso(k.get("enrolled_at") or "")
        if seen is None or now - seen > limit:
            minutes = None if seen is None else int((now - seen).total_seconds() // 60)
            silent.append(dict(k, silent_minutes=minutes))
    return silent
