"""Online backup: SQLite's backup API copies a consistent snapshot while writers continue."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def backup(source, target) -> None:
    """Copy database ``source`` to ``target`` (overwritten), consistent at one instant."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".partial")
    if tmp.exists():
        tmp.unlink()
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # a copy of phone numbers: 0600
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(tmp))
    try:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode=DELETE")
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise RuntimeError(f"backup failed its integrity check: {ok}")
    finally:
        dst.close()
        src.close()
    tmp.chmod(0o600)
    tmp.replace(target)
