"""Every JSON answer of the app is made by one shared encoder (``kiosk.web.OneEncoder``)
instead of a new one per answer; the text must stay exactly Flask's own, for every kind of
value an answer holds (Vietnamese text, dates, None, nested lists and objects)."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given
from hypothesis import strategies as st

from kiosk.web import OneEncoder

leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
                   st.dates(), st.datetimes(timezones=st.just(UTC)))
values = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(), inner, max_size=4)),
                      max_leaves=20)


@given(values)
def test_the_shared_encoder_writes_what_flask_writes(value):
    app = Flask(__name__)
    ours, flasks = OneEncoder(app), DefaultJSONProvider(app)
    assert ours.dumps(value, separators=(",", ":")) == flasks.dumps(value, separators=(",", ":"))
    assert ours.dumps(value, indent=2) == flasks.dumps(value, indent=2)


def test_the_app_answers_with_it(app, client):
    assert isinstance(app.json, OneEncoder)
    answer = client.get("/healthz")
    assert answer.get_data(as_text=True) == '{"status":"ok"}\n'
    with app.app_context():
        assert app.json.dumps({"ngày": date(2026, 12, 2), "lúc": datetime(2026, 12, 2, 7, tzinfo=UTC)},
                              separators=(",", ":")) == (
            '{"l\\u00fac":"Wed, 02 Dec 2026 07:00:00 GMT","ng\\u00e0y":"Wed, 02 Dec 2026 00:00:00 GMT"}')
