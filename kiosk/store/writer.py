"""The writer process: the server's ratings written by a process of their own.

Python runs one thread at a time (the GIL). In one process the group commit's writer
(``group_commit``) had to win the GIL back after each of its SQLite calls from the eight
serving threads parsing requests, so a batch took several times its own CPU, and the
second core sat about half idle (bench/run.py; README "Performance"). ``python -m kiosk
serve`` therefore starts this process beside waitress (``SERVER_WRITER_PROCESS``): each
serving thread hands a rating (the row, its answers, its complaint and the integrity
rules' state, all made and checked by the serving thread as before) over a local
connection, and this process writes the ratings queued at that moment in one transaction
with the same code (``GroupCommit``), commits once and answers each with its own result
or error. Nothing is acknowledged before its COMMIT: durability is unchanged.

The connection is a Unix socket (a named pipe on Windows) that only a process holding the
random key the server hands its writer at start can open (``multiprocessing.connection``'s
handshake), so the two may pass pickles to each other and nobody else can.

If the writer cannot be reached (not started yet, stopped, killed, or silent for
``_ANSWER_TIMEOUT_S``), the rating is written by the serving thread itself, as without it: a
rating the writer committed but could not answer comes back as a duplicate of itself (the
same id and body), so nothing is lost and no rating is stored twice. Only ``serve`` starts it; tests
and the command line write in-process.
"""
from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener, wait
from pathlib import Path

from kiosk.store import group_commit
from kiosk.store.db import connect_plain

# A writer that has kept a serving thread waiting this long is taken for stuck and ended: the
# rating is written by its own serving thread (if the writer did write it after all, that
# write finds it: a duplicate).
_ANSWER_TIMEOUT_S = 60


class Remote:
    """The serving side: one connection to the writer per serving thread, and a watchdog."""

    def __init__(self, process: subprocess.Popen, authkey: bytes):
        self.process, self._authkey = process, authkey
        self._address = None
        self._local = threading.local()
        self._waiting: dict[int, float] = {}  # serving thread → since when it waits for the writer
        self._said_unreadable = False
        self.broken: str | None = None  # why ratings are written in-process now (shown once)
        threading.Thread(target=self._listen, daemon=True, name="writer-address").start()
        threading.Thread(target=self._watch, daemon=True, name="writer-watchdog").start()

    def _listen(self) -> None:
        """The writer's first line says where it listens (or nothing, if it failed to start)."""
        line = self.process.stdout.readline()
        if line:
            self._address = json.loads(line)
        else:  # its own output (the server's) says why
            self.process.wait()
            self._broke("it ended before it listened")

    def _watch(self) -> None:
        """A serving thread that has waited ``_ANSWER_TIMEOUT_S`` for the writer (to connect,
        to take the rating, to answer) means a stuck writer: it is ended, which wakes every
        waiting thread with an error, and each writes its rating itself."""
        while not self.broken:
            time.sleep(1)
            since = min(self._waiting.copy().values(), default=None)  # copied whole, under the GIL
            if since is not None and time.monotonic() - since > _ANSWER_TIMEOUT_S:
                self._broke(f"no answer in {_ANSWER_TIMEOUT_S} s", stuck=True)

    def save(self, job):
        """``job(db)`` run by the writer: its (status, row), or its error raised here.
        ``NotImplemented`` when the writer is not there (the caller writes it itself)."""
        if self.broken or self._address is None:  # gone, or still starting
            return NotImplemented
        try:
            data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - something only this process can hold: written here
            return NotImplemented
        me, conn = threading.get_ident(), getattr(self._local, "conn", None)
        self._waiting[me] = time.monotonic()
        try:
            if conn is None:
                conn = self._local.conn = Client(self._address, authkey=self._authkey)
            conn.send_bytes(data)
            written, result, error = pickle.loads(conn.recv_bytes())
        except (OSError, EOFError, AuthenticationError) as exc:
            self._local.conn = None
            if conn is not None:
                conn.close()
            self._broke(f"{type(exc).__name__}: {exc}")
            return NotImplemented
        finally:
            del self._waiting[me]
        if not written:  # the writer could not read it (``result`` says why): written here
            if not self._said_unreadable:
                self._said_unreadable = True
                print(f"WARNING: a rating the writer process could not read ({result}) was written "
                      "by its serving thread", file=sys.stderr, flush=True)
            return NotImplemented
        if error is not None:
            raise error
        return result

    def _broke(self, why: str, stuck: bool = False) -> None:
        if stuck:  # it may hold SQLite's write lock: ended, so that the serving threads can write
            self.broken = self.broken or why
            self.process.kill()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:  # in the kernel's hands (a disk that hangs): leave it
                pass
        elif self.process.poll() is None:  # one serving thread's connection failed: reconnect next time
            return
        if self.broken is None or stuck:
            self.broken = why
            print(f"WARNING: the writer process stopped ({why}, exit code {self.process.returncode}); "
                  "ratings are written by the serving threads from now on", file=sys.stderr, flush=True)

    def stop(self) -> None:
        """End the writer: it finishes the batch in hand and exits once its input closes."""
        self.broken = self.broken or "stopped"
        try:
            self.process.stdin.close()
            self.process.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(5)
        self.process.stdout.close()


# The writer's interpreter imports only the store's writing half, without sqlite-utils (and
# should anything bring sqlite-utils in, not numpy or pandas, which it imports whenever they
# are installed, as kiosk/__main__.py explains).
_CHILD = ("import sys; sys.modules.setdefault('numpy', None); sys.modules.setdefault('pandas', None); "
          "from kiosk.store.writer import main; main(sys.argv[1])")


def start(path: str) -> Remote:
    """Start the writer process for the database file ``path``: a new interpreter that
    imports the store's writing half alone (~10.6 MB of its own on Linux, 15.8 MB when it
    imported the whole store with sqlite-utils; the same code on Windows and macOS; a fork
    of the server would share its pages at first but keep a copy of every page the server
    rewrites, ~21 MB after a province's summaries). Its standard input stays open while the
    server lives: it reads the authentication key from it, and exits when it closes."""
    authkey = os.urandom(32)
    root = Path(__file__).resolve().parents[2]  # where ``kiosk`` is imported from
    # In a process group of its own: Ctrl+C in the server's console stops the server, which
    # then ends its writer, instead of reaching the writer mid-import with a trace of its own.
    apart = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if sys.platform == "win32"
             else {"start_new_session": True})
    process = subprocess.Popen([sys.executable, "-c", _CHILD, path], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, cwd=root, **apart)
    process.stdin.write(authkey.hex().encode("ascii") + b"\n")
    process.stdin.flush()
    return Remote(process, authkey)


def main(path: str) -> None:
    """The writer process: accept the serving threads' connections, and write whatever
    ratings wait on them in one transaction at a time until the server goes away."""
    line = b""
    while not line.endswith(b"\n"):  # read from the descriptor: no buffered reader to lock at exit
        line += os.read(0, 1) or b"\n"
    authkey = bytes.fromhex(line.strip().decode("ascii"))
    # Stopped with the service (systemd ends every process of it): exit as from the end of
    # the loop, so that the listener's folder is removed (an unfinished batch is rolled back
    # by SQLite and was not acknowledged).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    db = connect_plain(path)  # the write path needs no sqlite-utils (kiosk.store.db.Plain)
    listener = Listener(authkey=authkey)  # a Unix socket or a Windows named pipe, never the network
    server_gone = threading.Event()
    joined, joined_lock = [], threading.Lock()

    def watch_server():
        while os.read(0, 4096):  # until the server closes it, or dies
            pass
        server_gone.set()

    def accept():
        while not server_gone.is_set():
            try:
                conn = listener.accept()
            except Exception:  # noqa: BLE001 - a client that failed the handshake: keep accepting
                continue
            with joined_lock:
                joined.append(conn)

    threading.Thread(target=watch_server, daemon=True, name="server").start()
    threading.Thread(target=accept, daemon=True, name="accept").start()
    print(json.dumps(listener.address), flush=True)
    os.dup2(2, 1)  # anything printed later goes where the server's messages go, not to that pipe
    queue, clients = group_commit.GroupCommit(), []
    while not server_gone.is_set():
        with joined_lock:
            clients += joined
            joined.clear()
        _serve(db, queue, clients, wait(clients, timeout=0.05) if clients else _pause(0.05))
    db.conn.close()


def _pause(seconds: float) -> list:
    """With no connection yet, ``wait([])`` returns at once on Windows (no timeout there)."""
    time.sleep(seconds)
    return []


def _serve(db, queue, clients: list, ready: list) -> None:
    """Write the ratings waiting on ``ready`` in one transaction and answer each."""
    todo, unreadable = [], []
    for conn in ready:
        try:
            data = conn.recv_bytes()
        except (OSError, EOFError):  # that serving thread went away
            clients.remove(conn)
            conn.close()
            continue
        try:
            todo.append((conn, group_commit.Ticket(pickle.loads(data))))
        except Exception as exc:  # noqa: BLE001 - not for this process: its thread writes it
            unreadable.append((conn, f"{type(exc).__name__}: {exc}"))
    if todo:
        queue.commit(db, [t for _, t in todo])
    answers = [(conn, (True, t.result, _sendable(t.error))) for conn, t in todo]
    for conn, answer in answers + [(conn, (False, why, None)) for conn, why in unreadable]:
        try:
            conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            clients.remove(conn)
            conn.close()


def _sendable(error):
    """The error as it can cross to the serving thread (its own type where it pickles)."""
    if error is None:
        return None
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")
