"""Plain constants and the live server the fixtures in ``conftest.py`` are built from.

``ROOT`` (the project folder, where ``python -m kiosk`` runs), ``PASSWORD`` (of every staff
account the fixtures make), ``ALWAYS_OPEN`` (opening hours that never flag ``hours``),
``send`` (one rating to a live server, safe from worker threads) and ``LiveServer``
(``python -m kiosk serve`` in a subprocess; tests get one from ``live_server_factory``)."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-1234"
ALWAYS_OPEN = {str(d): ["00:00-23:59"] for d in range(7)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(url, token, body):
    """POST one rating to a live server with a bearer token; the HTTP status, or None when the
    connection was refused or reset (not acknowledged)."""
    req = urllib.request.Request(url + "/api/v1/responses", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer " + token}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        e.close()
        return e.code
    except OSError:
        return None


class LiveServer:
    """``python -m kiosk serve`` in a subprocess, exactly as the README runs it."""

    def __init__(self, instance: Path, env: dict | None = None):
        self.instance = instance
        self.db_path = instance / "kiosk.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KIOSK_INSTANCE": str(instance),
                    "KIOSK_OPENING_HOURS": json.dumps(ALWAYS_OPEN), **(env or {})}
        self.proc = None

    def start(self):
        # Output goes to a file: an unread pipe fills up and blocks the server's logging.
        self.log_path = self.instance.parent / f"{self.instance.name}-server.log"
        self.log = open(self.log_path, "ab")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self, kill=False):
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            self.proc.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()

    def cli(self, *args, input=None):
        return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=self.env,
                              input=input, capture_output=True, text=True, timeout=120)

    def create_user(self, name, role, password=PASSWORD):
        r = self.cli("create-user", name, "--role", role, "--password-stdin", input=password + "\n")
        assert r.returncode == 0, r.stderr

    def query(self, sql, params=()):
        conn = sqlite3.connect(self.db_path)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    def enrol(self, page, name="Quầy 1", counter="Quầy 1", user="admin"):
        """Sign in on the enrolment page as an admin would on the tablet."""
        if not self.query("SELECT 1 FROM users WHERE username = ?", [user]):
            self.create_user(user, "admin")
        page.goto(self.url + "/enrol")
        page.fill("#username", user)
        page.fill("#password", PASSWORD)
        page.fill("#kiosk_name", name)
        page.fill("#counter", counter)
        page.click("button[type=submit]")
        page.wait_for_url(self.url + "/")
