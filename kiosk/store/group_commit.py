"""Group commit: the ratings that arrive while one is being committed share the next COMMIT.

Every acknowledged rating must be on disk (``synchronous=FULL``: COMMIT waits for fsync),
and only one transaction writes at a time. With one COMMIT per rating, sixteen tablets
queue behind each other's fsync; on a busy or slow disk that wait is most of a rating's
time. Here the first rating to arrive leads: it takes every rating queued at that moment,
runs each in turn inside one transaction (each still reads the chain's tail as the
previous one left it, so the chain stays gapless and in order), commits once, and only
then are the callers answered, each with its own result. A rating whose own work fails (a
receipt already used) gets its exception: the transaction is rolled back and the others
are written again without it. If the COMMIT itself fails, every rating of that batch gets
the error, so none is acknowledged. Leadership passes to the next waiting rating after
each batch, so no caller serves others for long.

While a batch is written, ``batch.current()`` is its ``Batch``: what its ratings would otherwise
ask the database again and again (the chain's tails, the first unit) and the rollup counts
they add, summed and written once before the COMMIT (sixteen tablets rating at once mostly
add to the same few rollup rows). A transaction rolled back takes its ``Batch`` with it, so
a rating that failed leaves nothing behind in either.
"""
from __future__ import annotations

import threading
import weakref

from kiosk.store import batch as batches
from kiosk.store.db import write_lock


class Ticket:
    __slots__ = ("job", "wake", "lead", "result", "error")

    def __init__(self, job):
        self.job, self.wake, self.lead = job, threading.Event(), False
        self.result = self.error = None

    def outcome(self):
        if self.error is not None:
            raise self.error
        return self.result


class GroupCommit:
    """The queue of one database file. ``run(db, job)`` returns ``job(leader_db)`` once it
    is committed (``job`` must use only the connection it is given)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.queue: list[Ticket] = []
        self.leading = False
        self.largest = 0  # the most ratings one COMMIT carried (bench and tests read it)
        self.remote = None  # the writer process serving this file (``writer``), if one was started

    def run(self, db, job):
        if db.conn.in_transaction:  # inside the caller's own transaction: part of it
            return job(db)
        ticket = Ticket(job)
        with self.lock:
            self.queue.append(ticket)
            if not self.leading:
                self.leading = ticket.lead = True
        if not ticket.lead:
            ticket.wake.wait()
            if not ticket.lead:  # a leader committed it (or failed to)
                return ticket.outcome()
        with self.lock:
            batch, self.queue = self.queue, []
        try:
            self.commit(db, batch)
        finally:
            with self.lock:
                if self.queue:  # hand over to the oldest waiting rating
                    self.queue[0].lead = True
                    self.queue[0].wake.set()
                else:
                    self.leading = False
        return ticket.outcome()

    def commit(self, db, batch: list[Ticket]) -> None:
        """Write ``batch`` in one transaction (also the writer process's way, ``writer``)."""
        self.largest = max(self.largest, len(batch))
        todo = list(batch)
        try:
            with write_lock:
                while todo:
                    failed = self._write(db, todo)
                    if failed is None:
                        break
                    todo.remove(failed)  # its own error is its answer; the others go again
        except BaseException as exc:  # nothing of this batch is on disk: nobody is told it is
            for t in todo:
                t.result, t.error = None, exc
        finally:
            for t in batch:
                if not t.lead:
                    t.wake.set()

    def _write(self, db, todo: list[Ticket]) -> Ticket | None:
        """``todo`` in one transaction: None once it is committed, or the first rating whose
        own work failed, with its error, after the whole transaction was rolled back (the
        caller writes the others again without it: a failure is rare, and a savepoint per
        rating to spare the others that second pass cost two statements on every rating)."""
        db.conn.execute("BEGIN IMMEDIATE")
        batches.local.batch = written = batches.Batch()
        try:
            for t in todo:
                try:
                    t.result, t.error = t.job(db), None
                except Exception as exc:  # noqa: BLE001 - that rating's own failure
                    t.result, t.error = None, exc
                    if db.conn.in_transaction:
                        db.conn.execute("ROLLBACK")
                    return t
            batches.local.batch = None
            for hook in written.before_commit:
                hook(db, written.staged)
            self.finish(db)
            return None
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        finally:
            batches.local.batch = None

    def finish(self, db) -> None:
        """COMMIT (returns once the batch is on disk)."""
        db.conn.execute("COMMIT")


_queues: dict[str, GroupCommit] = {}
_queues_lock = threading.Lock()


_of_connection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def queue_of(db) -> GroupCommit | None:
    """The group-commit queue of ``db``'s file; None for an in-memory database. Known per
    connection after its first rating (asking SQLite for the file each time cost a
    statement per rating)."""
    try:
        return _of_connection[db]
    except KeyError:
        pass
    path = file_of(db)
    queue = None
    if path:
        with _queues_lock:
            queue = _queues.setdefault(path, GroupCommit())
    _of_connection[db] = queue
    return queue


def file_of(db) -> str:
    """The database file of ``db`` as SQLite names it ("" for an in-memory database)."""
    return next((p for _, name, p in db.conn.execute("PRAGMA database_list") if name == "main"), "")
