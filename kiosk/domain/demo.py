"""Synthetic data for training, screenshots and benchmarks, every row marked as demo.

Responses carry ``demo = 1``; officers, counters and tablets are named "(mẫu)"; receipts
and dossiers start with ``DEMO-``; complaints carry ``demo = 1``. So nothing made here can
be mistaken for what a citizen said. Satisfaction varies by procedure, officer, hour of
day and season, with a few unhappy streaks, so the dashboard has something to show.
Deterministic for a given seed (and start date).
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from kiosk import store
from kiosk.clock import local_today
from kiosk.domain.demo_model import (
    COUNTERS,
    MAX_COMPLAINTS,
    OFFICERS,
    PROCEDURES,
    complaint_row,
    one_response,
    traffic,
    unhappy_streaks,
    unrated_receipt,
)

CHUNK = 20_000


def generate(db, responses: int, days: int = 365, seed: int = 1, progress=None,
             end: date | None = None, unit: str | None = None, effect: float = 0.0) -> int:
    """Add ``responses`` demo responses spread over the ``days`` days up to ``end`` (default
    today, local), with their catalogue, receipts and complaints. ``db`` is a
    sqlite_utils.Database; ``progress(done, total)`` is called after each chunk. Returns the
    number of responses added. Rows go in chunks of 20,000 through store.insert_many; for
    large counts a worker process makes the next chunk while this one is written.
    ``unit``: the unit the rows belong to (default: the first unit); ``effect``: added to
    every citizen's chance of a satisfied rating (communes differ, ``demo_units``)."""
    end = end or local_today()
    unit = unit or store.first_unit(db)
    store.insert_demo_catalogue(db, [(c, n, f) for c, n, f, _ in PROCEDURES],
                                [n for n, _, _ in OFFICERS], COUNTERS, unit)
    first, receipt_no = store.demo_counts(db)
    args = (seed, responses, days, end, first, receipt_no, effect)
    source = _chunks(*args) if responses < PARALLEL_FROM else _from_worker(args)
    done = 0
    with store.large_cache(db):
        for items, receipts in source:
            for row in [item[0] for item in items] + receipts:
                row["unit"] = unit
            store.insert_demo_receipts(db, receipts, RECEIPT_COLUMNS)
            store.insert_many(db, items)  # complaints go with their responses: the chain seals them
            done += len(items)
            if progress:
                progress(done, responses)
    return done


PARALLEL_FROM = 100_000


def _chunks(seed, responses, days, end, first, receipt_no, effect=0.0):
    """Yield (items for insert_many, receipts) chunk by chunk; an item is (record, answers,
    complaint row or None). Pure generation from the seed, no database."""
    rng = random.Random(seed)
    start = end - timedelta(days=days - 1)
    streaks = unhappy_streaks(rng, start, days)
    moments = traffic(rng, start, days, responses)
    done, complaints = 0, 0
    while done < responses:
        size = min(CHUNK, responses - done)
        items, receipts = [], []
        for _ in range(size):
            receipt_no += 1
            moment, outside = next(moments)
            record, answers, receipt = one_response(rng, moment, outside, streaks, receipt_no,
                                            first + done + len(items), effect)
            complaint = None
            if record["overall"] <= 2 and rng.random() < 0.02 and complaints < MAX_COMPLAINTS:
                complaint = complaint_row(rng, record, answers, end)
                complaints += 1
            items.append((record, answers, complaint))
            if receipt:
                receipts.append(receipt)
            if rng.random() < 0.08:  # a returned dossier nobody rated
                receipt_no += 1
                receipts.append(unrated_receipt(rng, moment, receipt_no))
        done += size
        yield items, receipts


def _worker(args, queue) -> None:
    try:
        for chunk in _chunks(*args):
            queue.put(("chunk", chunk))
        queue.put(("done", None))
    except BaseException as exc:  # reported to the parent, which raises it
        queue.put(("error", repr(exc)))


def _from_worker(args):
    """The chunks of ``_chunks(*args)``, made in a child process (a second core) two
    chunks ahead of the writer. Same seed, same rows as the inline path."""
    import multiprocessing
    import queue as queues

    # fork where there is one: spawn would re-import the caller's main module.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    q = ctx.Queue(maxsize=2)
    proc = ctx.Process(target=_worker, args=(args, q), daemon=True)
    proc.start()
    try:
        while True:
            try:
                kind, payload = q.get(timeout=5)
            except queues.Empty:
                if not proc.is_alive():
                    raise RuntimeError("the demo data worker stopped unexpectedly") from None
                continue
            if kind == "done":
                return
            if kind == "error":
                raise RuntimeError(f"demo data worker failed: {payload}")
            yield payload
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=10)


RECEIPT_COLUMNS = ("code", "dossier_code", "procedure_code", "officer", "counter", "received_date",
                   "appointment_date", "issued_at", "issued_by", "returned_at", "expires_at",
                   "used_at", "response_id", "unit")


