"""Failure counting for sign-in and receipt-code guessing: bounded and expiring.

A key (an address, a user name, a device) may fail ``limit`` times within ``window``
seconds; then it is blocked until the oldest failure of that window ages out. The counts
live in a ``cachetools.TTLCache`` that holds at most ``max_keys`` keys and forgets each one
``window`` seconds after its last failure, so 20,000 random user names cannot grow the
process without bound. Kept in memory per process: a restart forgives everyone.
"""
from __future__ import annotations

import threading
import time

from cachetools import TTLCache


class Throttle:
    """At most ``limit`` failures per key in ``window`` seconds."""

    def __init__(self, limit: int = 5, window: int = 300, max_keys: int = 10_000):
        self.limit, self.window = limit, window
        self._fails: TTLCache = TTLCache(maxsize=max_keys, ttl=window, timer=time.monotonic)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._fails.get(key, ()) if now - t < self.window]

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def fail(self, key: str) -> None:
        """Count one failure; only the last ``limit`` matter, so a key holds at most that many."""
        with self._lock:
            now = time.monotonic()
            self._fails[key] = (self._recent(key, now) + [now])[-self.limit:]

    def clear(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            self._fails.expire()
            return len(self._fails)
