"""The server's ratings are written by a process of their own (issue 16, kiosk/store/writer.py):
every rating still gets its own answer after its COMMIT, the chain and the rollups stay exact,
the integrity rules still count, and when the writer is gone the serving thread writes the
rating itself, so nothing is lost or written twice."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path

import pytest

from kiosk import store
from kiosk.domain import integrity
from kiosk.domain.conflict_log import without_phone
from kiosk.store import group_commit, writer
from kiosk.store.db import connect as connect_path
from tests.analysis_helpers import local, record
from tests.helpers import ROOT, free_port
from tests.test_group_commit import _rate_together, _slow
from tests.test_rollups import recomputed, rollup_rows
from tests.writer_helpers import die_after_the_commit


@pytest.fixture
def served(fresh_db):
    """A database file served by a writer process, as ``python -m kiosk serve`` does."""
    path = group_commit.file_of(fresh_db)
    remote = writer.start(path)
    queue = group_commit.queue_of(fresh_db)
    queue.remote = remote
    deadline = time.time() + 20
    while remote._address is None:  # written in-process until the writer listens
        assert time.time() < deadline, "the writer process did not start"
        time.sleep(0.01)
    yield fresh_db, path, remote
    remote.stop()
    queue.remote = None


def test_ratings_from_many_threads_are_written_by_the_writer_in_one_gapless_chain(served):
    db, path, remote = served
    records = [record(local("2026-11-05 09:00"), 1 + i % 5) for i in range(13)]
    records[5]["receipt"] = "NO-SUCH-CODE"                 # its receipt cannot be marked used
    told = _rate_together(path, records, _slow)
    assert isinstance(told[5], store.ReceiptAlreadyUsed)  # its own error, raised here
    written = [t for i, t in enumerate(told) if i != 5]
    assert [t[0] for t in written] == ["created"] * 12
    assert sorted(t[1]["seq"] for t in written) == list(range(1, 13))
    assert group_commit.queue_of(db).largest == 0         # none was written in this process
    assert [r[0] for r in db.execute("SELECT seq FROM responses ORDER BY seq")] == list(range(1, 13))
    assert store.verify_chain(db)["broken_at"] is None
    assert rollup_rows(db) == recomputed(db)
    assert remote.process.poll() is None and remote.broken is None


def test_a_retry_is_a_duplicate_and_another_body_under_the_same_id_a_logged_conflict(served):
    db, path, _ = served
    first = record(local("2026-11-05 09:00"), 5)
    assert _rate_together(path, [first], _slow)[0][0] == "created"
    assert _rate_together(path, [first], _slow)[0][0] == "duplicate"
    other = dict(first, overall=1, body_hash="another body")
    status, row = store.save_response(db, other, {"overall": 1},
                                      conflict_body=lambda: "the body as received")
    assert (status, row["overall"]) == ("conflict", 5)    # the first is kept
    body = {"id": first["id"], "overall": 2, "complaint": {"text": "x", "phone": "0912345678"}}
    assert group_commit.queue_of(db).largest == 1          # the lambda does not cross: written here
    assert store.save_response(db, dict(first, body_hash="a third"), {"overall": 2},
                               conflict_body=partial(without_phone, body))[0] == "conflict"
    assert group_commit.queue_of(db).largest == 1          # the partial crossed: the writer logged it
    logged = [json.loads(b) if b.startswith("{") else b
              for (b,) in db.execute("SELECT body FROM conflicts ORDER BY rowid")]
    assert logged[0] == "the body as received"
    assert logged[1]["complaint"] == {"text": "x"}        # the phone number never logged
    assert store.count_responses(db) == 1


def test_the_counting_rules_still_count_in_the_writers_turn(served, app):
    """Cooldown and burst count the tablet's earlier ratings inside the write transaction:
    the flagger's state crosses to the writer (with only the settings those rules read)."""
    db, path, _ = served
    first = record(local("2026-11-05 09:00"), 5, kiosk="tablet-1")
    second = record(local("2026-11-05 09:00:02"), 5, kiosk="tablet-1")
    flags = []
    for r in (first, second):
        flagger = integrity.make_flagger(dict(app.config, COOLDOWN_SECONDS=30), 1,
                                         credential="kiosk:tablet-1")
        flagger.before(db, r)
        assert set(flagger.__getstate__()["settings"]) == set(integrity.IN_TURN_SETTINGS)
        flags.append(store.save_response(db, r, {"overall": 5}, flagger=flagger)[1]["flags"].split())
    assert "cooldown" not in flags[0] and "cooldown" in flags[1]
    assert group_commit.queue_of(db).largest == 0


def test_what_cannot_cross_to_the_writer_is_written_by_the_serving_thread(served):
    db, path, _ = served
    told = _rate_together(path, [record(local("2026-11-05 09:00"), 4)], lambda d, row: [])
    assert told[0][0] == "created"                         # a lambda does not pickle: written here
    assert group_commit.queue_of(db).largest == 1


def test_when_the_writer_is_killed_ratings_are_written_here_and_none_is_lost(served, capsys):
    db, path, remote = served
    assert _rate_together(path, [record(local("2026-11-05 09:00"), 5)], _slow)[0][0] == "created"
    remote.process.kill()
    remote.process.wait(5)
    told = _rate_together(path, [record(local("2026-11-05 09:01"), 3) for _ in range(4)], _slow)
    assert [t[0] for t in told] == ["created"] * 4
    assert store.count_responses(db) == 5
    assert remote.broken and "the writer process stopped" in capsys.readouterr().err
    assert store.verify_chain(db)["broken_at"] is None


def test_a_rating_the_writer_committed_but_could_not_answer_comes_back_a_duplicate(served):
    """The writer committed it, then died before answering: the serving thread writes it
    itself and finds it there (the same id and body), so it is stored once."""
    db, path, remote = served
    rating = record(local("2026-11-05 09:00"), 2)
    assert _rate_together(path, [rating], partial(die_after_the_commit, os.getpid()))[0][0] == "duplicate"
    assert remote.process.wait(5) == 1                     # it died after its COMMIT
    assert store.count_responses(db) == 1 and group_commit.queue_of(db).largest == 1
    assert store.verify_chain(db)["broken_at"] is None


def test_a_writer_that_stops_answering_is_ended_and_the_rating_written_here(served, monkeypatch):
    db, path, remote = served
    assert _rate_together(path, [record(local("2026-11-05 09:00"), 5)], _slow)[0][0] == "created"
    monkeypatch.setattr(writer, "_ANSWER_TIMEOUT_S", 0.5)
    os.kill(remote.process.pid, signal.SIGSTOP)            # stuck (it could hold SQLite's lock)
    told = _rate_together(path, [record(local("2026-11-05 09:01"), 4)], _slow)
    assert told[0][0] == "created" and store.count_responses(db) == 2
    assert remote.process.poll() is not None and remote.broken == "no answer in 0.5 s"


def test_a_stuck_writer_cannot_hold_a_large_rating_either(served, monkeypatch):
    """A rating larger than the connection's buffer waits for the writer to take it: the
    watchdog bounds that wait too."""
    db, path, remote = served
    assert _rate_together(path, [record(local("2026-11-05 09:00"), 5)], _slow)[0][0] == "created"
    monkeypatch.setattr(writer, "_ANSWER_TIMEOUT_S", 0.5)
    os.kill(remote.process.pid, signal.SIGSTOP)
    big = record(local("2026-11-05 09:01"), 4)
    done = []
    thread = threading.Thread(target=lambda: done.append(store.save_response(
        connect_path(path), big, {"overall": 4}, conflict_body="x" * 600_000)))
    thread.start()
    thread.join(15)
    assert done and done[0][0] == "created" and store.count_responses(db) == 2


def test_a_writer_that_cannot_start_is_said_so_and_ratings_are_written_here(fresh_db, capsys):
    remote = writer.start(str(Path("/nonexistent-folder/kiosk.db")))
    queue = group_commit.queue_of(fresh_db)
    queue.remote = remote
    try:
        remote.process.wait(20)
        deadline = time.time() + 10
        while remote.broken is None and time.time() < deadline:
            time.sleep(0.05)
        assert "ended before it listened" in remote.broken
        rating = record(local("2026-11-05 09:00"), 5)
        assert store.save_response(fresh_db, rating, {"overall": 5})[0] == "created"
        assert "the writer process stopped" in capsys.readouterr().err
    finally:
        remote.stop()
        queue.remote = None


def test_the_writer_ends_with_the_server(served):
    _, _, remote = served
    remote.process.stdin.close()                           # what the server's exit does
    assert remote.process.wait(10) == 0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the processes from /proc")
def test_the_real_server_writes_through_its_writer_and_leaves_none_behind(live_server, rating_body):
    token = live_server.cli("create-token", "tablet-a", "--role", "kiosk").stdout.strip()
    writers = _children(live_server.proc.pid)
    assert len(writers) == 1
    assert "kiosk.db" in " ".join(os.readlink(f"/proc/{writers[0]}/fd/{fd}")
                                  for fd in os.listdir(f"/proc/{writers[0]}/fd"))
    before = _written_by(writers[0])
    told = []

    def post():
        body = json.dumps(rating_body(overall=4)).encode()
        req = urllib.request.Request(live_server.url + "/api/v1/responses", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            told.append(r.status)
    threads = [threading.Thread(target=post) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert told == [201] * 16
    assert _written_by(writers[0]) - before > 16 * 4096   # the writer's own writes: the WAL, its answers
    assert live_server.query("SELECT count(*) AS n FROM responses")[0]["n"] == 16
    checked = live_server.cli("verify")
    assert checked.returncode == 0 and checked.stdout.startswith("OK: 16 responses, chain intact"), checked.stdout
    live_server.stop()
    assert _ended(writers[0])                              # no writer left holding the file


def _written_by(pid: int) -> int:
    """Bytes the process has written so far (files and sockets), from /proc."""
    return int(next(line.split()[1] for line in Path(f"/proc/{pid}/io").read_text().splitlines()
                    if line.startswith("wchar:")))


def _ended(pid: int, within: float = 10) -> bool:
    """The process is gone, or has exited and waits for init to collect it."""
    deadline = time.time() + within
    while time.time() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the processes from /proc")
def test_an_installation_may_keep_to_one_process(live_server_factory, rating_body):
    server = live_server_factory(env={"KIOSK_SERVER_WRITER_PROCESS": "False"})
    assert _children(server.proc.pid) == []
    token = server.cli("create-token", "tablet-a", "--role", "kiosk").stdout.strip()
    req = urllib.request.Request(server.url + "/api/v1/responses", data=json.dumps(rating_body()).encode(),
                                 method="POST", headers={"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 201


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX process group")
def test_ctrl_c_stops_the_server_and_its_writer_without_a_trace(tmp_path):
    """Ctrl+C in the console reaches the server's whole process group, also the moment it
    serves: the writer is in a group of its own, so the server stops and ends it."""
    log = tmp_path / "server.log"
    port = free_port()
    env = {**os.environ, "KIOSK_INSTANCE": str(tmp_path / "instance")}
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "kiosk", "serve", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True,  # its own console group, as a terminal's
                                  # Ctrl+C as in a console, even where this suite was started in
                                  # the background (which leaves SIGINT ignored for its children)
                                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 20
    while True:
        assert time.time() < deadline and server.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.01)
    writer_pid = int(_children(server.pid)[0])
    os.killpg(server.pid, signal.SIGINT)                   # the writer may still be importing
    assert server.wait(20) == 0
    assert _ended(writer_pid)
    assert "Traceback" not in log.read_text(), log.read_text()


class _Reading(dict):
    """Settings that remember which of them were read."""
    def __init__(self, *args):
        super().__init__(*args)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def test_the_settings_sent_to_the_writer_are_all_that_its_rules_read(fresh_db, app):
    """The writer gets only ``IN_TURN_SETTINGS``: every rule decided in its turn, on the
    ratings that make each of them look furthest, reads nothing else."""
    settings = _Reading(app.config)
    rows = [record(local("2026-11-05 09:00"), 5, kiosk="tablet-1", counter="Quầy 1"),
            record(local("2026-11-05 09:00"), 2, kiosk="tablet-1", counter="Quầy 1", receipt="R1")]
    for row in rows:
        check = integrity.Check(db=fresh_db, row=row, answer_count=1, settings=settings)
        for name in integrity.IN_TURN:
            integrity.RULES[name](check)
    assert settings.read and settings.read <= set(integrity.IN_TURN_SETTINGS)


def test_a_writer_stopped_with_the_service_leaves_no_folder_behind(served):
    _, _, remote = served
    folder = Path(remote._address).parent
    assert folder.is_dir()
    remote.process.terminate()                              # what systemd's stop sends it
    assert remote.process.wait(10) == 0
    assert not folder.exists()


class _Keeping:
    """A writer that keeps each rating's job as it would cross (pickled), and declines it."""

    def __init__(self):
        self.jobs = []

    def save(self, job):
        import pickle
        self.jobs.append(pickle.dumps(job))
        return NotImplemented


def test_the_writer_reads_a_tablets_rating_without_sqlite_utils_or_the_questionnaires(client, db, tablet,
                                                                                     rating_body):
    """The writer's interpreter imports the store's writing half alone: a rating's job (the
    row, the rules' state, the conflict log's text) unpickles there without sqlite-utils,
    the questionnaires or Flask, some 6-8 MB less of its memory than the whole store."""
    queue = group_commit.queue_of(db)
    queue.remote = kept = _Keeping()
    try:
        body = rating_body(overall=1, comment="Chờ lâu quá")
        body["complaint"] = {"topic": "officer", "phone": "0912345678", "consent": True}
        assert tablet.post("/api/v1/responses", json=body).status_code == 201  # written here, declined there
    finally:
        queue.remote = None
    assert len(kept.jobs) == 1
    child = ("import pickle, sys\nfrom kiosk.store.writer import main  # as the writer's interpreter starts\n"
             "job = pickle.loads(sys.stdin.buffer.read())\n"
             "print(sorted(m for m in ('sqlite_utils', 'survey_forms', 'flask', 'kiosk.domain.submit') "
             "if m in sys.modules), job.keywords['conflict_body']()[:1])")
    done = subprocess.run([sys.executable, "-c", child], input=kept.jobs[0], capture_output=True, cwd=ROOT,
                          timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == ["[]", "{"]
