"""Hardening: no admin or API route answers an anonymous caller, and no input makes a 5xx."""
import json
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

# Endpoints meant for anyone: citizens (tablet, phone form), sign-in, health, static files.
PUBLIC = {"static", "tablet.index", "tablet.service_worker", "auth.login", "auth.enrol", "health.healthz",
          "public.board", "public.poster"}
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
                                               "dashboard", "reports", "province"}, rule.endpoint


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


# --- issue 12: lone surrogates, control characters, NFD text, deep nesting, odd arguments ------

from urllib.parse import quote  # noqa: E402

NASTY_PARTS = ["a", "Đ", " ", "\n", "\t", "\ud800", "\udfff", "\x00", "\x01", "\x1b", "\x7f", "\x85",
               "\u202e", "\ufeff", "\u200b", "a\u0302\u0300", "o\u031b\u0309", "Qua\u0302\u0300y 1", "=1+1;",
               "%", "&", "?", "#", "/", "\\", "../", "😀", "ABCD-EFGH-J"]
nasty_text = st.lists(st.sampled_from(NASTY_PARTS), max_size=8).map("".join)
ODD_KEYS = ["code", "_method", "_external", "_anchor", "_scheme", "next", "lang", "from", "to", "q",
            "status", "unit", "format", "layout", "exclude_flagged", "sent", "page", "id"]
odd_query = st.dictionaries(st.sampled_from(ODD_KEYS) | nasty_text, nasty_text, max_size=4)
nasty_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | nasty_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "overall", "answers", "comment", "complaint", "phone", "text", "topic",
                         "consent", "counter", "receipt", "channel", "dossier_code", "officer"]) | nasty_text,
        children, max_size=4),
    max_leaves=10)


def raw_query(query: dict) -> str:
    """A query string as an attacker writes it: lone surrogates as their (invalid) UTF-8 bytes."""
    return "&".join(f"{quote(k, errors='surrogatepass')}={quote(v, errors='surrogatepass')}"
                    for k, v in query.items())


def raw_body(body) -> bytes:
    return json.dumps(body).encode()  # ensure_ascii: a lone surrogate travels as "\ud800"


DEEP = b"[" * 50_000 + b"]" * 50_000


@pytest.fixture
def receipt_code(app, db):
    from receipt_helpers import issue, make_token
    return issue(app.test_client(), make_token(db, "officer"))["code"]


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=nasty_json | st.just(DEEP), query=odd_query, form=odd_query)
def test_nasty_text_nesting_and_odd_arguments_never_make_a_server_error(app, signed_in, tablet, receipt_code,
                                                                        body, query, form):
    data = body if isinstance(body, bytes) else raw_body(body)
    anonymous = app.test_client()
    for client in (tablet, signed_in, anonymous):
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                url = fill(rule).replace("ABCD", receipt_code)  # a real code, so /r/<code> gets far
                for variant in (url, url.lower()):
                    r = client.open(f"{variant}?{raw_query(query)}", method=method, data=data,
                                    content_type="application/json")
                    assert r.status_code < 500, (method, variant, query, r.status_code)
                if method == "POST" and not rule.endpoint.startswith("api."):
                    r = client.open(f"{url}?{raw_query(query)}", method="POST", data=raw_query(form),
                                    content_type="application/x-www-form-urlencoded")
                    assert r.status_code < 500, ("form", url, form, r.status_code)
