"""A PDF made in a short-lived process of its own, so the server does not keep fpdf2's memory.

fpdf2 brings fontTools and Pillow, and each document parses the four vendored fonts: a
server process that had made one PDF report kept some 35 MB more for good (a commune's
server measured 64 → 99 MB; Python never gives back a module it imported). Made here, in a
new interpreter that imports the writer, makes the document and exits, that memory goes
with it; each PDF takes some 0.4 s more (the interpreter and fpdf2's import). The writer
and its arguments are handed over pickled, the PDF comes back as bytes on the child's
standard output: the same function with the same arguments, so the same document.

A command-line process (``python -m analysis``, ``python -m kiosk report``) makes its PDF
itself: it ends anyway.
"""
from __future__ import annotations

import importlib
import pickle
import subprocess
import sys
import threading
from pathlib import Path

AT_ONCE = 2  # documents made at a time: each process peaks at ~80 MB while it runs
WAIT_S = 60  # a request waits this long for its turn, then is told to come back
TIMEOUT_S = 300  # a year's report takes about a second
_ROOT = Path(__file__).resolve().parents[2]  # where ``analysis`` is imported from
_CHILD = "from analysis.reports.apart import _child; _child()"
_turns = threading.BoundedSemaphore(AT_ONCE)


class Busy(RuntimeError):
    """``AT_ONCE`` documents were being made for ``WAIT_S`` seconds: try again shortly."""


def render(writer: str, *args, **kwargs) -> bytes:
    """``writer(*args, **kwargs)`` → bytes, run in a process of its own. ``writer`` names a
    function of ``analysis.reports`` as "module:function", e.g. "pdf:pdf_report"."""
    module, name = writer.split(":")
    job = pickle.dumps((module, name, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    if not _turns.acquire(timeout=WAIT_S):
        raise Busy(f"{AT_ONCE} documents were being made for {WAIT_S} s")
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD], input=job, capture_output=True, cwd=_ROOT,
                              timeout=TIMEOUT_S)
    finally:
        _turns.release()
    if done.returncode != 0:
        raise RuntimeError(f"{writer} in a process of its own failed (exit {done.returncode}): "
                           + done.stderr.decode("utf-8", "replace")[-3000:])
    return done.stdout


def _child() -> None:
    """The process's side: read the job, write the document, exit."""
    module, name, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    function = getattr(importlib.import_module(f"analysis.reports.{module}"), name)
    body = function(*args, **kwargs)
    if not isinstance(body, (bytes, bytearray)):
        raise TypeError(f"{module}:{name} returned {type(body).__name__}, not bytes")
    sys.stdout.buffer.write(body)
    sys.stdout.buffer.flush()
