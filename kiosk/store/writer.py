"""The writer process: the server's ratings written by a process of their own.

Python runs one thread at a time (the GIL). In one process the group commit's writer
(``group_commit``) had to win the GIL back after each of its SQLite calls from the eight
serving threads parsing requests, so a batch took several times its own CPU, and the
second core sat about half idle (bench/run.py, "What still holds the miss back" in the
README). ``python -m kiosk serve`` therefore starts this process beside waitress: each
serving thread hands a rating (the row, its answers, its complaint and the integrity
rules' state, all made and checked by the serving thread as before) over a local
connection, and this process writes the ratings queued at that moment in one transaction
with the same code (``GroupCommit``), commits once and answers each with its own result
or error. Nothing is acknowledged before its COMMIT: durability is unchanged.

If the writer cannot be reached (not started yet, stopped, killed), the rating is written
by the serving thread itself, as without it: a rating the writer committed but could not
answer comes back as a duplicate of itself (the same id and body), so nothing is lost or
written twice. Only ``serve`` starts it; tests and the command line write in-process.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener, wait

from kiosk.store import group_commit

# A writer that has not answered by then is taken for stuck: the rating is written by its own
# serving thread (if the writer did write it after all, that write finds it: a duplicate).
_ANSWER_TIMEOUT_S = 60


class Remote:
    """The serving side: one connection to the writer per serving thread."""

    def __init__(self, process, address_pipe, authkey: bytes):
        self.process, self._pipe, self._authkey = process, address_pipe, authkey
        self._address = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self.broken: str | None = None  # why ratings are written in-process now (shown once)

    def _address_of_writer(self):
        with self._lock:
            if self._address is None and self._pipe.poll(0):
                self._address = self._pipe.recv()
            return self._address

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            address = self._address_of_writer()
            if address is None:  # still starting
                return None
            conn = self._local.conn = self._dial(address)
        return conn

    def _dial(self, address):
        """A new connection to the writer, its handshake bounded in time (``Client`` has no
        timeout of its own, and a stuck writer would hold the serving thread for ever)."""
        box: list = []

        def dial():
            try:
                box.append(Client(address, authkey=self._authkey))
            except BaseException as exc:  # noqa: BLE001 - handed to the serving thread below
                box.append(exc)
        helper = threading.Thread(target=dial, daemon=True, name="writer-dial")
        helper.start()
        helper.join(_ANSWER_TIMEOUT_S)
        if not box:
            raise TimeoutError(f"no handshake in {_ANSWER_TIMEOUT_S} s")
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def save(self, job: tuple):
        """``job`` written by the writer: its (status, row), or its error raised here.
        ``NotImplemented`` when the writer is not there (the caller writes it itself)."""
        if self.broken:
            return NotImplemented
        try:
            data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - something only this process can hold: written here
            return NotImplemented
        conn = None
        try:
            conn = self._connection()
            if conn is None:
                return NotImplemented
            conn.send_bytes(data)
            if not conn.poll(_ANSWER_TIMEOUT_S):
                raise TimeoutError(f"no answer in {_ANSWER_TIMEOUT_S} s")
            written, result, error = pickle.loads(conn.recv_bytes())
        except (OSError, EOFError, AuthenticationError) as exc:  # TimeoutError is an OSError
            self._local.conn = None
            if conn is not None:
                conn.close()
            self._broke(f"{type(exc).__name__}: {exc}", stuck=isinstance(exc, TimeoutError))
            return NotImplemented
        if not written:  # the writer could not read it (``result`` says why): written here
            return NotImplemented
        if error is not None:
            raise error
        return result

    def _broke(self, why: str, stuck: bool = False) -> None:
        if stuck:  # it may hold SQLite's write lock: ended, so that the serving threads can write
            self.process.kill()
            self.process.join(5)
        elif self.process.is_alive():  # one serving thread's connection failed: reconnect next time
            return
        if not self.broken:
            self.broken = why
            print(f"WARNING: the writer process stopped ({why}, exit code {self.process.exitcode}); "
                  "ratings are written by the serving threads from now on", file=sys.stderr, flush=True)

    def stop(self) -> None:
        self.broken = self.broken or "stopped"
        self.process.terminate()
        self.process.join(5)


def start(path: str) -> Remote:
    """Start the writer process for the database file ``path`` (as SQLite names it)."""
    ctx = multiprocessing.get_context(_start_method(path))
    ours, theirs = ctx.Pipe()
    authkey = os.urandom(32)
    process = ctx.Process(target=_main, args=(path, theirs, authkey, ours), name="hailong-writer", daemon=True)
    process.start()
    theirs.close()
    return Remote(process, ours, authkey)


def _start_method(path: str) -> str:
    """On Linux a fork of the server, so that the two processes share the pages of
    everything imported (about 45 MB; a new interpreter imports its own, ~50 MB) — but only
    while this process has the database closed: SQLite's own record of a file's locks and
    of its WAL index would be copied into the child with a connection that was open, and
    the two processes could each believe the other gone (SQLite: "do not carry an open
    database connection across a fork"). Elsewhere (Windows has no fork, macOS's system
    libraries refuse it), and with the file open, a new interpreter."""
    if not sys.platform.startswith("linux") or _open_here(path):
        return "spawn"
    return "fork"


def _open_here(path: str) -> bool:
    """Whether this process has ``path`` (or its -wal / -shm file) open."""
    ours = {os.path.realpath(path + suffix) for suffix in ("", "-wal", "-shm")}
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.path.realpath(os.readlink(f"/proc/self/fd/{fd}")) in ours:
                return True
        except OSError:  # the descriptor listing the folder, closed meanwhile
            continue
    return False


def _main(path: str, parent, authkey: bytes, servers_end) -> None:
    """The writer process: accept the serving threads' connections, and write whatever
    ratings wait on them in one transaction at a time until the server goes away (its end
    of ``parent`` closes: ``servers_end``, this process's copy of it, is closed first)."""
    servers_end.close()
    from kiosk.store.db import connect
    db = connect(path)
    listener = Listener(authkey=authkey)  # a Unix socket or a Windows named pipe, never the network
    parent.send(listener.address)
    joined, joined_lock = [], threading.Lock()

    def accept():
        while True:
            try:
                conn = listener.accept()
            except Exception:  # noqa: BLE001 - a client that failed the handshake: keep accepting
                if parent.closed:
                    return
                continue
            with joined_lock:
                joined.append(conn)

    threading.Thread(target=accept, daemon=True, name="accept").start()
    queue, clients = group_commit.GroupCommit(), []
    while True:
        with joined_lock:
            clients += joined
            joined.clear()
        ready = wait([parent, *clients], timeout=0.05)
        if parent in ready:  # the server stopped (or died): nothing more will come
            return
        todo, unreadable = [], []
        for conn in ready:
            try:
                data = conn.recv_bytes()
            except (OSError, EOFError):  # that serving thread went away
                clients.remove(conn)
                continue
            try:
                todo.append((conn, group_commit.Ticket(_job(*pickle.loads(data)))))
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


def _job(record, answers, complaint, conflict_body, flagger, known):
    from kiosk.store.responses import _save

    def job(d):
        return _save(d, record, answers, complaint, conflict_body, flagger, known)
    return job


def _sendable(error):
    """The error as it can cross to the serving thread (its own type where it pickles)."""
    if error is None:
        return None
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")
