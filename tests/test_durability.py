"""An acknowledged rating survives the server being killed right after the 201."""
import json
import urllib.request


def post(server, token, body):
    req = urllib.request.Request(server.url + "/api/v1/responses", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer " + token}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def test_acknowledged_rating_survives_kill_9(live_server_factory, tmp_path, rating_body):
    server = live_server_factory()
    token = server.cli("create-token", "Quầy 1", "--role", "kiosk").stdout.strip()
    ids = []
    for overall in (5, 1, 3):
        body = rating_body(overall=overall)
        assert post(server, token, body) == 201
        ids.append(body["id"])
    server.stop(kill=True)  # SIGKILL: no shutdown handler, no flush
    assert server.proc.returncode == -9
    rows = server.query("SELECT id, overall FROM responses ORDER BY seq")
    assert [r["id"] for r in rows] == ids
    assert [r["overall"] for r in rows] == [5, 1, 3]
    assert server.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    restarted = live_server_factory(instance=server.instance)
    assert restarted.query("SELECT count(*) AS n FROM responses")[0]["n"] == 3
    assert restarted.cli("verify").returncode == 0
