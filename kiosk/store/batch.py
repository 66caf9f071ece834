"""The group commit being written by this thread, for what its ratings share (``group_commit``).

Apart from ``group_commit`` so that the store's modules can ask for it without importing
the writer (which imports the database module, which imports them).
"""
from __future__ import annotations

import threading

local = threading.local()


def current() -> Batch | None:
    """The batch this thread is writing now, or None."""
    return getattr(local, "batch", None)


class Batch:
    """The ratings being written in one transaction by this thread (``group_commit``)."""

    def __init__(self):
        self.known: dict = {}     # look-ups valid for the whole batch (nobody else writes now)
        self.staged: list = []    # what its ratings left for ``before_commit``
        self.before_commit: list = []  # functions(db, staged) run once, before the COMMIT

    def stage(self, item) -> None:
        self.staged.append(item)
