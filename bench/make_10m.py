"""Build a province-year database of ten million responses for the summary and league
benchmarks, from a cached one-million demo database (demo-data takes about 3 h for 10M
here; this takes minutes): the 1M responses and their answers are copied nine more times
with new ids, every response spread over 100 units (codes 99001..99100), then the rollups
are rebuilt from the rows with ``kiosk.store.rollups.rebuild``. The copies' hash chain is
not valid (``verify`` would say so); nothing here reads it but the chain head.

    python bench/make_10m.py SOURCE_1M.db TARGET.db [--copies 10] [--units 100]
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("--copies", type=int, default=10)
    p.add_argument("--units", type=int, default=100)
    a = p.parse_args()
    t0 = time.perf_counter()
    shutil.copyfile(a.source, a.target)
    conn = sqlite3.connect(a.target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    conn.execute("PRAGMA temp_store = MEMORY")  # the rollups' GROUP BY sorts tens of millions of rows
    n = conn.execute("SELECT max(seq) FROM responses").fetchone()[0]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(responses)")]
    answer_cols = [r[1] for r in conn.execute("PRAGMA table_info(answers)")]
    conn.execute("BEGIN")
    for k in range(1, a.copies):
        picked = ", ".join({"id": f"'c{k}-' || id", "seq": f"seq + {k * n}"}.get(c, c) for c in cols)
        conn.execute(f"INSERT INTO responses ({', '.join(cols)}) SELECT {picked} FROM responses WHERE seq <= {n}")
        picked = ", ".join({"response_id": f"'c{k}-' || response_id"}.get(c, c) for c in answer_cols)
        conn.execute(f"INSERT INTO answers ({', '.join(answer_cols)}) SELECT {picked} FROM answers "
                     f"WHERE substr(response_id, 3, 1) != '-'")
        print(f"copy {k}: {time.perf_counter() - t0:.0f} s", flush=True)
    for u in range(a.units):
        conn.execute("INSERT OR IGNORE INTO units (code, name, province, created_at, settings, hidden_procedures) "
                     "VALUES (?, ?, 'Tỉnh Mẫu', '2026-01-01T00:00:00Z', '{}', '[]')",
                     [f"{99001 + u}", f"Xã số {u + 1} (mẫu)"])
    conn.execute(f"UPDATE responses SET unit = printf('%d', 99001 + seq % {a.units})")
    conn.execute("COMMIT")
    print(f"units: {time.perf_counter() - t0:.0f} s", flush=True)
    import sqlite_utils

    from kiosk.store import rollups
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    print(rollups.rebuild(db), flush=True)
    conn.execute("COMMIT")
    print(f"rollups: {time.perf_counter() - t0:.0f} s; responses "
          f"{conn.execute('SELECT count(*) FROM responses').fetchone()[0]:,}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
