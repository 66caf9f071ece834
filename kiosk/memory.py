"""The server's memory under glibc: fewer malloc arenas, big blocks mapped apart, and what a
big export freed given back.

glibc gives each thread that allocates its own arena (up to eight per core) and seldom
returns to the system what was freed in one: the eight serving threads, the backup and mail
threads and an export's helper threads each kept their own, and every raw workbook left a
little more behind. A server that had answered 8 summaries and 8 league tables of a
province's 10M responses, a CSV and three raw workbooks peaked at 88.4 MB (goal < 80 MB;
bench/run.py, "server RSS peak serving 10,000,000"). Two arenas kept it at 70–74 MB but cost
about 8 % of the ratings per second (the threads then wait on malloc's locks); four cost
nothing measurable but still crept up with each workbook (80.9 MB after ten), which giving
the freed memory back after each export stops.

An export's big blocks (a chunk of rows as read, a chunk of the sheet's XML: 0.2-2 MB each)
are mapped on their own and unmapped when freed. glibc does that only until the first such
block is freed, then raises its threshold to that block's size and carves the next ones out
of the arenas, where their pages stay until a trim: a fixed threshold took the same server's
peak during a commune's workbook from 79.6-81.0 to 75.7-76.1 MB (measured in turn).

Linux with glibc only; elsewhere (Windows, macOS, musl) both are no-ops. ``MALLOC_ARENA_MAX`` and
``MALLOC_MMAP_THRESHOLD_`` set by the operator win.
"""
from __future__ import annotations

import ctypes
import os
import platform
import sys

M_ARENA_MAX, M_MMAP_THRESHOLD = -8, -3  # glibc's malloc.h
ARENAS = 4
BIG_BLOCK = 256 * 1024  # bytes: blocks this big or bigger get a mapping of their own


def _glibc():
    """glibc's functions of this process, or None."""
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def few_arenas(environ=os.environ) -> bool:
    """At most ``ARENAS`` malloc arenas for the whole process: call before any thread starts.
    Returns whether it was applied."""
    return _mallopt(environ, "MALLOC_ARENA_MAX", M_ARENA_MAX, ARENAS)


def big_blocks_apart(environ=os.environ) -> bool:
    """Blocks of ``BIG_BLOCK`` bytes or more mapped on their own, always (a fixed threshold).
    Returns whether it was applied."""
    return _mallopt(environ, "MALLOC_MMAP_THRESHOLD_", M_MMAP_THRESHOLD, BIG_BLOCK)


def _mallopt(environ, variable: str, option: int, value: int) -> bool:
    libc = None if environ.get(variable) else _glibc()
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return libc.mallopt(option, value) == 1


def give_back() -> bool:
    """Return the memory freed in every arena to the system (``malloc_trim``), after an export
    that made tens of megabytes of rows and XML. Returns whether glibc released any."""
    libc = _glibc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return libc.malloc_trim(0) == 1
