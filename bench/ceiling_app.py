"""The ceiling: the least a Flask + waitress + SQLite app can do per rating.

One request = parse the JSON body, open a connection with the same pragmas as the kiosk
(WAL, synchronous=FULL, busy_timeout, one connection per request), INSERT one row in a
BEGIN IMMEDIATE transaction, COMMIT (an fsync), close, answer 201. No validation, no
auth, no hash chain, no integrity rules. The project is measured as a fraction of this.

    python bench/ceiling_app.py --db /tmp/ceiling.db --port 8090 [--threads 8]
"""
from __future__ import annotations

import argparse
import sqlite3
import sys

from flask import Flask, jsonify, request

BUSY_TIMEOUT_MS = 10_000  # as kiosk/db.py


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def create_app(db_path: str) -> Flask:
    conn = connect(db_path)
    conn.execute("CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, overall INTEGER, "
                 "body TEXT, created_at TEXT)")
    conn.close()
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.post("/api/v1/responses")
    def post_response():
        body = request.get_json()
        conn = connect(db_path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO responses (id, overall, body, created_at) VALUES (?, ?, ?, ?)",
                         [body["id"], body.get("overall"), request.get_data(as_text=True),
                          body.get("created_at")])
            conn.execute("COMMIT")
        finally:
            conn.close()
        return jsonify({"id": body["id"], "status": "created"}), 201

    return app


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8090)
    p.add_argument("--threads", type=int, default=8, help="waitress threads (kiosk's default: 8)")
    args = p.parse_args(argv)
    from waitress import serve
    app = create_app(args.db)
    print(f"ceiling on http://{args.host}:{args.port}/", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="ceiling")
    return 0


if __name__ == "__main__":
    sys.exit(main())
