"""Which process serves this instance: an OS lock on ``instance/server.lock``.

``serve`` holds an exclusive lock on the file for as long as it runs; the OS releases it
when the process ends, however it ends, so a crash never leaves a stale lock behind.
``restore`` refuses to touch the database while anyone holds it.
"""
from __future__ import annotations

import os
from pathlib import Path

NAME = "server.lock"


def _try_lock(f) -> bool:
    try:
        if os.name == "nt":
            import msvcrt
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def hold(instance, note: str = "") -> object | None:
    """Take the lock for this process (keep the returned file open); None if taken. The
    file then says "<pid> <note>" (serve writes the database it serves)."""
    f = open(Path(instance) / NAME, "a+")
    if not _try_lock(f):
        f.close()
        return None
    f.seek(0)
    f.truncate()
    f.write(f"{os.getpid()} {note}".strip())
    f.flush()
    return f


def in_use(instance) -> str | None:
    """"<pid> <database>" of the process serving ``instance``, or None if nobody does."""
    path = Path(instance) / NAME
    if not path.exists():
        return None
    handle = hold(instance)
    if handle is not None:
        handle.close()
        return None
    try:
        return path.read_text().strip() or "?"
    except OSError:
        return "?"
