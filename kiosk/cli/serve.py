"""``serve``: the production server (waitress) with its limits, the backup schedule and the mail thread."""
from __future__ import annotations

import os
import sys

from kiosk import memory
from kiosk.cli.common import _app


def cmd_serve(args) -> int:
    """Serve with waitress (the production server; no debugger, several threads)."""
    from waitress import serve
    memory.few_arenas()  # before the app, the backup and mail threads and waitress's start
    memory.big_blocks_apart()
    if args.demo:
        os.environ["KIOSK_DEMO_MODE"] = "1"
    app = _app()
    hops = app.config["TRUSTED_PROXIES"]
    print(f"Hài lòng: serving on http://{args.host}:{args.port}/  (instance: {app.instance_path})",
          flush=True)
    print(f"  Staff sign-in: http://{args.host}:{args.port}/login", flush=True)
    if hops:
        print(f"  Behind {hops} reverse prox{'y' if hops == 1 else 'ies'} (TRUSTED_PROXIES): "
              f"citizens use {app.config['PUBLIC_BASE_URL']}", flush=True)
        if args.host not in ("127.0.0.1", "::1", "localhost"):
            print(f"WARNING: TRUSTED_PROXIES = {hops} but the server listens on {args.host}: anyone who "
                  "reaches it directly can fake their address. Listen on 127.0.0.1 behind the proxy.",
                  file=sys.stderr, flush=True)
    # One place reads forwarded headers: the app's ProxyFix (kiosk/web/proxy.py), with exactly
    # TRUSTED_PROXIES hops. waitress passes them through only then; at 0 it drops them, so
    # neither layer can be fooled by a client that sends its own X-Forwarded-For.
    from kiosk.domain import backups
    from kiosk.store import serverlock
    if app.config["DEMO_MODE"]:
        print(f"  DEMO: serving the demo database {app.config['DATABASE']}, not the real one", flush=True)
    # restore and demo-data --remove refuse to run while this is held
    lock = serverlock.hold(app.instance_path, app.config["DATABASE"])
    if lock is None:
        print(f"error: another server already serves {app.instance_path} "
              f"(pid and database: {serverlock.in_use(app.instance_path)})", file=sys.stderr)
        return 1
    writes = _writer(app) if app.config["SERVER_WRITER_PROCESS"] else None
    # the demo database is not backed up: its copies would rotate the real ones away
    schedule = None if app.config["DEMO_MODE"] else backups.start(app.config, app.instance_path)
    if schedule:
        print(f"  Backups: every {app.config['BACKUP_EVERY_HOURS']} h into "
              f"{backups.folder(app.config, app.instance_path)}, newest {app.config['BACKUP_KEEP']} kept",
              flush=True)
    elif not app.config["DEMO_MODE"]:
        print("WARNING: scheduled backups are off (BACKUP_EVERY_HOURS = 0)", file=sys.stderr, flush=True)
    from kiosk.domain import mail_schedule, scheduled_reports
    mail = None if app.config["DEMO_MODE"] else mail_schedule.start(app.config)
    if mail and scheduled_reports.enabled(app.config):
        print(f"  Reports by e-mail: {', '.join(app.config['REPORT_AUTO_PERIODS'])}, from "
              f"{app.config['REPORT_SEND_HOUR']}:00 on the first working day", flush=True)
    # waitress logs "Task queue depth is N" for every request that waits for a free thread:
    # under a burst of tablets that is one line per rating, and making those lines cost a
    # sixteenth of the server's time when it was busiest (bench/run.py, py-spy). Errors still show.
    import logging
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="hailong",
              trusted_proxy=None, clear_untrusted_proxy_headers=not hops, **_waitress_limits(app.config))
    finally:
        if writes:
            writes.stop()
        if schedule:
            schedule.stop()
        if mail:
            mail.stop()
        lock.close()
    return 0


def _writer(app):
    """The writer process (``kiosk.store.writer``) for the served database, its queue told."""
    from kiosk.store import group_commit, writer
    from kiosk.store.db import connect
    db = connect(app.config["DATABASE"])
    try:
        path, queue = group_commit.file_of(db), group_commit.queue_of(db)
    finally:
        db.conn.close()
    if queue is None:  # an in-memory database
        return None
    queue.remote = writer.start(path)
    return queue.remote


def _waitress_limits(config) -> dict:
    """Connection limits against slow clients. waitress reads a request completely before
    a worker thread sees it, so a slow client costs a connection slot, not a thread: with
    many slots (and poll(), which has no 1,024-descriptor ceiling) 150 clients trickling
    headers leave room for real requests. The real defence is a reverse proxy (README).

    An answer waits in memory up to 256 KB (beyond that waitress keeps it in a temporary
    file) and the thread writing it pauses once 1 MB waits to be sent: with waitress's
    16 MB a year's CSV download held some 16 MB of the server's memory at a time (bench/run.py,
    "server RSS"); ratings and pages are a few KB and never meet either limit."""
    return {"connection_limit": config["SERVER_CONNECTION_LIMIT"],
            "channel_timeout": config["SERVER_CHANNEL_TIMEOUT"],
            "cleanup_interval": min(30, config["SERVER_CHANNEL_TIMEOUT"]),
            "asyncore_use_poll": True, "backlog": 1024,
            "outbuf_overflow": 256 * 1024, "outbuf_high_watermark": 1024 * 1024}
