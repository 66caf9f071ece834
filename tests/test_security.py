"""Hardening: no admin or API route answers an anonymous caller, and no input makes a 5xx."""
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

# Endpoints meant for anyone: citizens (tablet, phone form), sign-in, health, static files.
PUBLIC = {"static", "tablet.index", "auth.login", "auth.enrol", "health.healthz"}
PUBLIC_PREFIXES = ("phone.",)
# Reached anonymously but refuse inside with 401 (their own device/token check).
SELF_CHECKED = {"api.post_response", "tablet.state", "auth.logout"}


def fill(rule) -> str:
    """A concrete URL for ``rule`` with made-up values for its parts."""
    url = rule.rule
    for arg in rule.arguments:
        is_int = isinstance(rule._converters[arg], IntegerConverter)
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", "1" if is_int else "ABCD", url)
    return url


def protected_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(PUBLIC_PREFIXES):
            continue
        yield rule


def test_every_staff_and_api_route_refuses_anonymous_callers(app):
    client = app.test_client()
    checked = 0
    for rule in protected_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = client.open(fill(rule), method=method)
            assert r.status_code in (302, 401, 403), (rule.rule, method, r.status_code)
            if r.status_code == 302:
                assert "/login" in r.headers["Location"], rule.rule
            checked += 1
    assert checked >= 5


def test_every_rule_is_classified(app):
    """A new route must be consciously public or protected."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC | SELF_CHECKED or rule.endpoint.startswith(PUBLIC_PREFIXES):
            continue
        assert rule.endpoint.split(".")[0] in {"admin", "api", "complaints", "receipts", "catalogue",
                                               "dashboard", "reports"}, rule.endpoint


junk_text = st.text(alphabet=string.printable + "ăâđêôơưÀÁẠẢÃ\u0000\u202e😀", max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | junk_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(junk_text, children, max_size=4),
    max_leaves=12)
bodies = st.one_of(
    st.dictionaries(st.sampled_from(["id", "overall", "answers", "comment", "channel", "receipt",
                                     "created_at", "complete", "duration_ms", "complaint",
                                     "questionnaire", "questionnaire_version", "dossier_code",
                                     "procedure_code", "officer"]) | junk_text,
                    json_values, max_size=8),
    json_values)


@pytest.fixture
def signed_in(app, db, login):
    client = app.test_client()
    login(client, "admin")
    return client


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies, query=junk_text, header=junk_text)
def test_no_body_header_or_query_makes_a_server_error(app, signed_in, tablet, body, query, header):
    import json
    for client in (tablet, signed_in):
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                url = fill(rule)
                r = client.open(url, method=method, query_string={"q": query, "from": query, "to": query,
                                                                  "lang": query, "status": query},
                                data=json.dumps(body), content_type="application/json",
                                headers={"Authorization": "Bearer " + re.sub(r"[^ -~]", "", header)})
                assert r.status_code < 500, (method, url, r.status_code)
                if method == "POST" and rule.endpoint != "api.post_response":
                    r = client.open(url, method="POST", data={"x": query, "code": query, "reply": query},
                                    query_string={"q": query})
                    assert r.status_code < 500, ("form", url, r.status_code)
