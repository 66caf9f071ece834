"""The server's memory under glibc: fewer malloc arenas, and what a big export freed given back.

glibc gives each thread that allocates its own arena (up to eight per core) and seldom
returns to the system what was freed in one: the eight serving threads, the backup and mail
threads and an export's helper threads each kept their own, and every raw workbook left a
little more behind. A server that had answered 8 summaries and 8 league tables of a
province's 10M responses, a CSV and three raw workbooks peaked at 88.4 MB (goal < 80 MB;
bench/run.py, "server RSS peak serving 10,000,000"). Two arenas kept it at 70–74 MB but cost
about 8 % of the ratings per second (the threads then wait on malloc's locks); four cost
nothing measurable but still crept up with each workbook (80.9 MB after ten), which giving
the freed memory back after each export stops.

Linux with glibc only; elsewhere (Windows, macOS, musl) both are no-ops. ``MALLOC_ARENA_MAX``
set by the operator wins.
"""
from __future__ import annotations

import ctypes
import os
import platform
import sys

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 4


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
    libc = None if environ.get("MALLOC_ARENA_MAX") else _glibc()
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return libc.mallopt(M_ARENA_MAX, ARENAS) == 1


def give_back() -> bool:
    """Return the memory freed in every arena to the system (``malloc_trim``), after an export
    that made tens of megabytes of rows and XML. Returns whether glibc released any."""
    libc = _glibc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return libc.malloc_trim(0) == 1
