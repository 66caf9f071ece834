"""Backups on a schedule, built into the server: when one is due, how old is too old.

``serve`` starts ``BackupSchedule`` (a daemon thread; ``create_app`` never does, so tests
and the command line run without it). Every ``BACKUP_EVERY_HOURS`` it makes an online copy
into ``BACKUP_DIR``, checks it (integrity_check and the hash chain, on the copy), keeps it
only when it passed, keeps the newest ``BACKUP_KEEP`` and records the attempt; the admin
overview and ``doctor`` read the record. A copy is due at start when the last good one is
older than one period, so a server restarted often still backs up.
"""
from __future__ import annotations

import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

from kiosk import clock
from kiosk.store import backup as backups
from kiosk.store.db import connect

DEFAULT_STALE_HOURS = 24  # with scheduled backups off, a backup older than 2 × this is stale


def folder(config, instance_path) -> Path:
    """``BACKUP_DIR`` as an absolute path (relative ones are inside the instance folder)."""
    path = Path(config["BACKUP_DIR"])
    return path if path.is_absolute() else Path(instance_path) / path


def period(config) -> timedelta | None:
    hours = float(config["BACKUP_EVERY_HOURS"])
    return timedelta(hours=hours) if hours > 0 else None


def stale_after(config) -> timedelta:
    """Two periods: one missed backup is bad luck, two are a problem to fix."""
    return 2 * (period(config) or timedelta(hours=DEFAULT_STALE_HOURS))


def status(db, config, now: datetime) -> dict:
    """What the overview and doctor say: ``{"last": row or None, "failed": latest attempt
    if it failed after the last good one, "stale": bool, "age_hours": float or None, "stale_hours": the limit}``."""
    last = backups.last_backup(db)
    latest = backups.last_backup(db, ok=False)
    failed = latest if latest and not latest["ok"] else None
    limit = stale_after(config)
    hours = round(limit.total_seconds() / 3600, 2)
    out = {"last": last, "failed": failed, "stale": True, "age_hours": None,
           "stale_hours": int(hours) if hours == int(hours) else hours}
    if last is not None:
        age = now - clock.parse_iso(last["at"])
        out.update(stale=age > limit, age_hours=age.total_seconds() / 3600)
    return out


def due(db, config, now: datetime) -> bool:
    every = period(config)
    if every is None:
        return False
    last = backups.last_backup(db)
    return last is None or now - clock.parse_iso(last["at"]) >= every


def run_once(config, instance_path, now: datetime | None = None) -> dict:
    """Make, check, keep and rotate one backup now; returns make_checked_backup's answer."""
    now = now or clock.utcnow()
    db = connect(config["DATABASE"])
    try:
        return backups.make_checked_backup(db, config["DATABASE"], folder(config, instance_path),
                                           int(config["BACKUP_KEEP"]), now)
    finally:
        db.conn.close()


class BackupSchedule(threading.Thread):
    """The server's backup thread: wakes often, backs up when due, never stops serving."""

    def __init__(self, config, instance_path):
        super().__init__(name="hailong-backups", daemon=True)
        self.config, self.instance_path = dict(config), instance_path
        self.stopped = threading.Event()
        every = period(self.config)
        self.wake = min(60.0, every.total_seconds() / 4) if every else 60.0

    def run(self):
        while not self.stopped.is_set():
            try:
                db = connect(self.config["DATABASE"])
                try:
                    is_due = due(db, self.config, clock.utcnow())
                finally:
                    db.conn.close()
                if is_due:
                    result = run_once(self.config, self.instance_path)
                    if result["ok"]:
                        print(f"Backup: {result['file']} ({result['responses']:,} responses, checked)",
                              flush=True)
                    else:
                        print(f"BACKUP FAILED: {result['detail']}", file=sys.stderr, flush=True)
            except Exception as exc:  # a full disk must not take the server down with it
                print(f"BACKUP FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            self.stopped.wait(self.wake)

    def stop(self):
        self.stopped.set()


def start(config, instance_path) -> BackupSchedule | None:
    """Start the schedule (``serve`` calls this); None when BACKUP_EVERY_HOURS is 0."""
    if period(config) is None:
        return None
    schedule = BackupSchedule(config, instance_path)
    schedule.start()
    return schedule
