"""The phone's "not found", "already used" and "expired" pages lead back to code entry
(issue 13, point 9), so a citizen who mistyped or scanned an old slip is never stuck."""
from conftest import rating_body
from receipt_helpers import issue, make_token


def test_an_unknown_code_leads_back_to_code_entry(client):
    r = client.get("/r/ZZZZZZZZZ")
    assert r.status_code == 404
    page = r.get_data(as_text=True)
    assert 'data-testid="back-to-entry"' in page and 'href="/r/"' in page
    assert client.get("/r/").status_code == 200


def test_a_used_code_leads_back_to_code_entry(client, db, tablet):
    out = issue(client, make_token(db, "officer"))
    assert tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"])).status_code == 201
    r = client.get(f"/r/{out['code']}")
    assert r.status_code == 410
    assert 'data-testid="back-to-entry"' in r.get_data(as_text=True)
