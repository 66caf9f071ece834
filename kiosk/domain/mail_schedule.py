"""The server's mail thread: scheduled reports and alerts, like the backup thread.

``serve`` starts it (a daemon thread; ``create_app`` never does, so tests and the command
line run without it). It wakes every ``wake`` seconds and runs each job with the time as an
argument; a job that fails is logged and the server keeps serving. What was sent, and what
failed and why, is in the database for the admin overview.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from kiosk import clock
from kiosk.domain import alert_mail, scheduled_reports


def jobs(config) -> list[tuple[str, Callable]]:
    """(name, job(config, now) -> list of results) of what this installation sends."""
    out = []
    if scheduled_reports.enabled(config):
        out.append(("report", scheduled_reports.run_due))
    if config["ALERTS_ENABLED"]:
        out.append(("alert", alert_mail.run))
    return out


class MailSchedule(threading.Thread):
    def __init__(self, config, wake: float = 60.0, now=clock.utcnow):
        super().__init__(name="hailong-mail", daemon=True)
        self.config, self.wake, self.now = dict(config), wake, now
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            for name, job in jobs(self.config):
                try:
                    for r in job(self.config, self.now()):
                        _log(name, r)
                except Exception as exc:  # never take the server down with it
                    print(f"MAIL FAILED ({name}): {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            self.stopped.wait(self.wake)

    def stop(self):
        self.stopped.set()


def _log(name: str, r: dict) -> None:
    what = f"{name} {r.get('kind', '')} {r.get('period', '')}".strip()
    if r.get("ok"):
        print(f"Mail: sent {what} to {', '.join(r.get('recipients') or [])}", flush=True)
    else:
        print(f"MAIL FAILED: {what}: {r.get('detail')}", file=sys.stderr, flush=True)


def start(config) -> MailSchedule | None:
    """Start the thread (``serve`` calls this); None when there is nothing to send."""
    if not jobs(config):
        return None
    schedule = MailSchedule(config)
    schedule.start()
    return schedule
