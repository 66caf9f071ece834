"""Issue 12: slow clients do not stall real requests.

Reproduced: 99 sockets each sending one header line every 5 s made every real request time
out (waitress' ``connection_limit`` was 100, and the trickle defeats ``channel_timeout``).
A reverse proxy is the real defence (README); the server itself must still hold 150.
"""
from __future__ import annotations

import socket
import threading
import time
import urllib.request


def test_150_slow_clients_leave_healthz_answering_at_once(live_server):
    started = time.monotonic()
    stop = threading.Event()
    sockets = []
    for _ in range(150):
        s = socket.create_connection(("127.0.0.1", live_server.port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(s)

    def trickle():
        n = 0
        while not stop.wait(1.0):
            n += 1
            for s in sockets:
                try:
                    s.sendall(b"X-Slow-%d: %d\r\n" % (n, n))
                except OSError:
                    pass

    threading.Thread(target=trickle, daemon=True).start()
    try:
        time.sleep(2)  # every slow socket accepted and trickling
        for _ in range(5):
            t = time.monotonic()
            with urllib.request.urlopen(live_server.url + "/healthz", timeout=5) as r:
                assert r.status == 200
            assert time.monotonic() - t < 1.0
            time.sleep(0.5)
    finally:
        stop.set()
        for s in sockets:
            s.close()
    assert time.monotonic() - started < 20
