"""An indicator fed by several questions counts each response once. When no questionnaire
asks two of those questions (phone v1's 3-level "online_satisfaction", phone v2's 5-level
"online_rating"), the summary adds their counts up from the rollups instead of ranking every
answer row; the figures must be the same as the first-answered query gives."""
from __future__ import annotations

from datetime import timedelta

from analysis import forms, summarize
from kiosk import store
from kiosk.domain import demo
from tests.analysis_helpers import local, record


def test_questions_never_asked_together_are_known_from_the_questionnaires():
    assert not forms.asked_together(("online_rating", "online_satisfaction"))
    assert forms.asked_together(("overall", "reasons"))  # the counter tablet asks both


def test_old_and_new_online_answers_sum_to_what_the_first_answered_query_gives(fresh_db, monkeypatch):
    demo.generate(fresh_db, 1500, days=60, seed=11, end=local("2026-11-30 12:00").date())
    old = [(record(local("2026-11-03 09:00") + timedelta(minutes=i), 4, channel="phone", scale=5,
                   questionnaire_version=1), {"overall": 4, "online_satisfaction": str(1 + i % 3)})
           for i in range(30)]
    store.insert_many(fresh_db, old)
    fast = summarize(fresh_db, "2026-10-01", "2026-11-30", today="2026-11-30")
    online = next(i for i in fast["indicators"] if i["id"] == "online_service_satisfaction")
    monkeypatch.setattr(forms, "asked_together", lambda ids: True)  # force the first-answered query
    slow = summarize(fresh_db, "2026-10-01", "2026-11-30", today="2026-11-30")
    assert fast == slow
    assert online["n"] > 30  # v2 answers from the demo data and the 30 old ones, counted once each
