"""One vocabulary: the topics, kinds, states, due days and flag names are named once and
every layer reads the same table."""
import re

import survey_forms
from kiosk.domain import complaints, integrity
from survey_forms import vocabulary
from tests.helpers import ROOT


def test_reason_groups_of_every_questionnaire_are_complaint_topics():
    for name in survey_forms.available():
        q = survey_forms.load(name)
        for question in q.questions:
            for choice in question.choices:
                assert choice.group in (None, *vocabulary.TOPICS), (name, question.id, choice.value)


def test_every_integrity_rule_has_a_flag_name_in_both_languages():
    assert set(integrity.RULES) == set(vocabulary.FLAGS)
    for label in vocabulary.FLAGS.values():
        assert label.vi and label.en


def test_complaint_rules_use_the_shared_topics_and_deadline():
    assert complaints.TOPICS == tuple(vocabulary.TOPICS)
    assert complaints.DUE_WORKING_DAYS == vocabulary.DUE_WORKING_DAYS


def test_the_deadline_is_not_written_out_in_pages_or_code():
    """"15 ngày làm việc" comes from DUE_WORKING_DAYS, never typed into a page again."""
    hits = []
    templates = ROOT / "kiosk" / "web" / "templates"
    for path in list((ROOT / "kiosk").rglob("*.py")) + list(templates.rglob("*.html")):
        for _ in re.finditer(r"15 ngày làm việc|15 working days", path.read_text(encoding="utf-8")):
            hits.append(f"{path.relative_to(ROOT)}")
    assert [h for h in hits if "tablet" not in h] == []  # the tablet script reads it from its data block


def test_reports_name_every_flag_and_group_from_the_vocabulary():
    from analysis import fmt
    from analysis.summary import REASON_GROUPS
    assert fmt.FLAG_VI == {k: v.vi for k, v in vocabulary.FLAGS.items()}  # "late" too
    assert REASON_GROUPS == tuple(vocabulary.TOPICS)
