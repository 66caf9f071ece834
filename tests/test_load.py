"""Many tablets at once, with resends and a crash: nothing lost, nothing doubled, no 5xx."""
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import send

CLIENTS = 16
PER_CLIENT = 125  # 2,000 submissions, plus resends


def tablet_traffic(server, token, seed, rating_body, stop=None):
    """One tablet's submissions; roughly one in eight is resent (as an offline queue would)."""
    rng = random.Random(seed)
    acknowledged, statuses, sent = set(), [], []
    for _ in range(PER_CLIENT):
        if stop is not None and stop.is_set():
            break
        if sent and rng.random() < 0.125:
            body = rng.choice(sent)
        else:
            body = rating_body(overall=rng.randint(1, 5), duration_ms=rng.randint(2000, 20000))
            sent.append(body)
        status = send(server.url, token, body)
        statuses.append(status)
        if status in (200, 201):
            acknowledged.add(body["id"])
    return acknowledged, statuses, {b["id"] for b in sent}


def test_load_with_resends_loses_nothing_and_doubles_nothing(live_server, rating_body):
    token = live_server.cli("create-token", "load", "--role", "kiosk").stdout.strip()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda i: tablet_traffic(live_server, token, i, rating_body), range(CLIENTS)))
    statuses = [s for _, st, _ in results for s in st]
    acknowledged = set().union(*(a for a, _, _ in results))
    sent = set().union(*(s for _, _, s in results))
    assert not [s for s in statuses if s is None or s >= 500]
    assert statuses.count(201) == len(sent) == len(acknowledged)
    assert statuses.count(200) == len(statuses) - len(sent)  # every resend was a duplicate
    stored = {r["id"] for r in live_server.query("SELECT id FROM responses")}
    assert stored == acknowledged
    assert live_server.query("SELECT count(*) AS n FROM responses")[0]["n"] == len(acknowledged)
    assert live_server.cli("verify").returncode == 0


def test_kill_9_during_load_keeps_every_acknowledged_response(live_server_factory, rating_body):
    server = live_server_factory()
    token = server.cli("create-token", "load", "--role", "kiosk").stdout.strip()
    stop = threading.Event()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(tablet_traffic, server, token, i, rating_body, stop) for i in range(CLIENTS)]
        deadline = time.time() + 30  # a slow machine takes longer to reach real load
        while time.time() < deadline and server.query("SELECT count(*) AS n FROM responses")[0]["n"] < 80:
            time.sleep(0.1)
        server.stop(kill=True)
        stop.set()
        results = [f.result() for f in futures]
    acknowledged = set().union(*(a for a, _, _ in results))
    assert len(acknowledged) > 50  # the crash really happened under load
    statuses = [s for _, st, _ in results for s in st]
    assert not [s for s in statuses if s is not None and s >= 500]
    restarted = live_server_factory(instance=server.instance)
    stored = {r["id"] for r in restarted.query("SELECT id FROM responses")}
    assert acknowledged <= stored
    assert restarted.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    assert restarted.cli("verify").returncode == 0
