"""A tablet that survives a reload with the server down (issue 13, point 4).

On localhost (as on HTTPS) the browser allows a service worker: it keeps a copy of the tablet
page and its scripts, so a reload while the server is stopped still shows the faces, the
ratings wait in the outbox, and each arrives once when the server is back. The database is
read after each step.
"""
from __future__ import annotations

from tests.browser_helpers import dump, enrolled_tablet, queue, responses, shot, tap, wait_queue_empty, wait_screen


def test_reload_with_the_server_stopped_still_rates_and_each_arrives_once(browser, live_server_factory):
    server = live_server_factory(env={"KIOSK_THANKS_SECONDS": "2"})
    page = enrolled_tablet(browser, server)
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)") is True
    page.reload()  # from now on the page is controlled by the worker and its copy is fresh
    wait_screen(page, "screen-welcome")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    server.stop()
    page.reload()  # the server is down: the copy is shown, not the browser's error page
    wait_screen(page, "screen-welcome")
    assert page.inner_text('[data-testid="kiosk-name"]') == "Quầy 1"
    shot(page, "30-welcome-reloaded-offline")
    for value in (5, 2):
        tap(page, f"face-{value}")
        wait_screen(page, "screen-ack")
        tap(page, "done")
        wait_screen(page, "screen-welcome")
    assert [item["body"]["overall"] for item in queue(page)] == [5, 2]
    page.reload()  # once more while down: still there, still queued
    wait_screen(page, "screen-welcome")
    assert [item["body"]["overall"] for item in queue(page)] == [5, 2]
    assert responses(server.db_path) == []

    server.start()
    page.evaluate("window.hailong.flush()")
    wait_queue_empty(page, timeout=20_000)
    page.reload()  # a reload once back resends nothing
    wait_screen(page, "screen-welcome")
    page.evaluate("window.hailong.flush()")
    rows = responses(server.db_path)
    assert [r["overall"] for r in rows] == [5, 2], dump(rows)
    assert len({r["id"] for r in rows}) == 2
    assert all(r["complete"] == 1 and r["kiosk"] == "Quầy 1" for r in rows)
    assert page.evaluate("window.hailong.rejected()") == []


def test_service_worker_leaves_staff_pages_and_ratings_to_the_network(live_server):
    """The worker is served from the root with its scope header, never cached for long."""
    import urllib.request
    with urllib.request.urlopen(live_server.url + "/sw.js", timeout=5) as r:
        assert r.headers["Service-Worker-Allowed"] == "/"
        assert "no-cache" in r.headers["Cache-Control"]
        body = r.read().decode()
    assert 'url.pathname === "/" || url.pathname.indexOf("/static/") === 0' in body


def test_the_service_worker_script_is_served_whole_and_closed(client):
    """Served from memory, not a file stream left open by a client that gives up (ResourceWarning)."""
    import gc
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        r = client.get("/sw.js")
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-cache"
        assert r.headers["Service-Worker-Allowed"] == "/" and r.mimetype == "text/javascript"
        del r
        gc.collect()
