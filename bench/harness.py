"""The bench harness: servers started as the README starts them, timing helpers, the
results table and the machine it ran on (shared by bench/run.py and its parts)."""
from __future__ import annotations

import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

PY = sys.executable
PARTS = ("submit", "start", "summary", "reports", "tablet")
ALWAYS_OPEN = {str(d): ["00:00-23:59"] for d in range(7)}



# --- helpers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str | None = None, timeout: float = 60.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def kiosk_env(instance: Path, **extra) -> dict:
    return {**os.environ, "KIOSK_INSTANCE": str(instance), **extra}


def kiosk_cli(instance: Path, *args, input=None, env=None) -> subprocess.CompletedProcess:
    r = subprocess.run([PY, "-m", "kiosk", *args], cwd=ROOT, env=env or kiosk_env(instance),
                       input=input, capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        raise RuntimeError(f"python -m kiosk {' '.join(args)} failed: {r.stderr[-2000:]}")
    return r


def make_token(instance: Path, role: str, name: str | None = None) -> str:
    return kiosk_cli(instance, "create-token", name or f"bench-{role}", "--role", role).stdout.strip()


class Server:
    """A server subprocess with its output in a log file (an unread pipe blocks waitress)."""

    def __init__(self, argv: list[str], env: dict, log: Path, port: int):
        self.argv, self.env, self.log_path, self.port = argv, env, log, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None
        self.started_in = None

    def start(self, timeout: float = 30.0) -> Server:
        self.log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        self.started_in = time.perf_counter() - t0
                        return self
            except OSError:
                time.sleep(0.005)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz; see {self.log_path}")

    def pids(self) -> list[int]:
        """The server process and its children (the kiosk's writer process), from /proc."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    todo += [int(c) for c in (task / "children").read_text().split()]
                except OSError:  # a thread that ended meanwhile
                    continue
        return found

    def rss_kb(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) of the server in kB, from /proc: the server process's own, plus the
        memory its children (the writer process) hold apart from it (their private pages;
        what they share with the server, the interpreter's own code, is in its RSS already)."""
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", text).group(1))
        hwm = int(re.search(r"VmHWM:\s+(\d+)", text).group(1))
        self.apart_kb = apart = self.children_private_kb()  # the notes say how much of it
        return rss + apart, hwm + apart

    def children_private_kb(self) -> int:
        """Private_Clean + Private_Dirty of the server's children, from /proc/PID/smaps_rollup."""
        total = 0
        for pid in self.pids()[1:]:
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            total += sum(int(m) for m in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+)", text, re.M))
        return total

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far, its children (the writer) included, from /proc."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def context_switches(self) -> int:
        """Voluntary context switches of all the server's threads so far, its children's
        included (a thread that waits for the GIL, a lock or I/O gives up its core: one
        switch), from /proc."""
        total = 0
        for pid in self.pids():
            for status in Path(f"/proc/{pid}/task").glob("*/status"):
                try:
                    m = re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status.read_text(), re.M)
                except OSError:  # a thread that ended meanwhile
                    continue
                total += int(m.group(1)) if m else 0
        return total

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


def machine_ticks() -> list[int]:
    """The machine's CPU time so far by kind, from /proc/stat: (busy, idle, steal) in ticks.
    Idle counts I/O wait; steal is time the hypervisor ran someone else on these cores."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return [user + nice + system + irq + softirq, idle + iowait, steal]


def kiosk_server(instance: Path, threads: int, env_extra: dict | None = None) -> Server:
    port = free_port()
    return Server([PY, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--threads", str(threads)],
                  kiosk_env(instance, **(env_extra or {})), instance.parent / f"{instance.name}.log",
                  port)


def ceiling_server(folder: Path, threads: int) -> Server:
    port = free_port()
    return Server([PY, str(BENCH / "ceiling_app.py"), "--db", str(folder / "ceiling.db"),
                   "--port", str(port), "--threads", str(threads)],
                  dict(os.environ), folder / "ceiling.log", port)


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def count_rows(db: Path, table: str = "responses") -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"


def secs(seconds) -> str:
    return "—" if seconds is None else f"{seconds:.2f} s"


# --- the results table ----------------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, part, measure, value, goal="", ok=None, note=""):
        status = "" if ok is None else ("OK" if ok else "MISSED")
        self.rows.append({"part": part, "measure": measure, "value": value, "goal": goal,
                          "status": status, "note": note})
        print(f"  [{part}] {measure}: {value}  {goal} {status}  {note}", flush=True)

    def render(self, machine: list[tuple[str, str]]) -> str:
        lines = ["Machine"]
        w = max(len(k) for k, _ in machine)
        lines += [f"  {k.ljust(w)}  {v}" for k, v in machine]
        lines.append("")
        cols = ("part", "measure", "value", "goal", "status", "note")
        widths = {c: max([len(c)] + [len(str(r[c])) for r in self.rows]) for c in cols}
        widths["note"] = min(widths["note"], 70)
        head = " | ".join(c.ljust(widths[c]) for c in cols)
        lines += [head, "-+-".join("-" * widths[c] for c in cols)]
        for r in self.rows:
            lines.append(" | ".join(str(r[c]).ljust(widths[c]) for c in cols).rstrip())
        return "\n".join(lines)


# --- machine ------------------------------------------------------------------------------

def fsync_latency(folder: Path, n: int = 200) -> float:
    """Median time of a 4 KiB write + fsync in ``folder`` (what each durable commit pays)."""
    path = folder / "fsync.probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    times = []
    try:
        for i in range(n):
            t = time.perf_counter()
            os.pwrite(fd, os.urandom(4096), (i % 16) * 4096)
            os.fsync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(times)


def machine_details() -> list[tuple[str, str]]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    df = subprocess.run(["df", "-hT", str(OUT)], capture_output=True, text=True).stdout.splitlines()
    disk = " ".join(df[-1].split()[:3]) if len(df) > 1 else "?"
    dev = df[-1].split()[0].rsplit("/", 1)[-1] if len(df) > 1 else ""
    rot = Path(f"/sys/block/{dev}/queue/rotational")
    kind = ("rotational" if rot.read_text().strip() == "1" else "non-rotational") if rot.exists() else ""
    wrk = shutil.which("wrk")
    stack = f"Flask {_dist_version('flask')}, waitress {_dist_version('waitress')}"
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("Stack", stack),
        ("Disk", f"{disk} {kind}; fsync(4 KiB) median {fsync_latency(OUT) * 1000:.2f} ms"),
        ("Load generator",
         f"{'wrk (' + wrk + ')' if wrk else 'not found'} + bench/loadgen.py (asyncio), on the same cores"),
        ("Date", time.strftime("%Y-%m-%d %H:%M %Z")),
    ]


def _dist_version(name: str) -> str:
    from importlib.metadata import version
    try:
        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


