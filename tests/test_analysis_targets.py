"""The targets file: versioned, and a bad one is refused with the field named."""
from __future__ import annotations

import pytest

from analysis.targets import TargetsError, load_targets, loads_targets

GOOD = '''
version = 2
[[indicators]]
id = "x"
name_vi = "Chỉ tiêu X"
name_en = "Indicator X"
questions = ["overall"]
target = 0.9
'''


def test_official_edits_targets_and_the_version_travels_with_them():
    t = loads_targets(GOOD)
    assert t.version == 2
    assert t.get("x").target == 0.9 and t.get("x").satisfied == "top2"


def test_shipped_targets_match_the_resolution():
    t = load_targets()
    got = {i.id: (i.target, i.target_2030) for i in t.indicators}
    assert got == {
        "tthc_satisfaction": (0.90, None), "public_service_satisfaction": (0.85, 0.90),
        "admin_service_satisfaction": (0.90, 0.95), "online_service_satisfaction": (0.80, None),
        "no_resubmission": (0.80, None), "four_on_the_spot": (0.20, None),
        "complaints_handled": (1.0, None)}
    assert t.get("no_resubmission").satisfied == ("no",)
    assert t.get("complaints_handled").source == "complaints"


@pytest.mark.parametrize("change, field", [
    (("version = 2", "version = 0"), "version"),
    (("target = 0.9", "target = 90"), "indicators[0] (id \"x\").target"),
    (('questions = ["overall"]', "questions = []"), "indicators[0] (id \"x\").questions"),
    (('questions = ["overall"]', 'questions = ["overall", "staff"]'), ".questions"),
    (('name_vi = "Chỉ tiêu X"', 'name_vi = ""'), ".name_vi"),
    (('target = 0.9', 'target = 0.9\nsatisfied = "top3"'), ".satisfied"),
    (('target = 0.9', 'target = 0.9\ncolour = "red"'), "unknown field"),
    (('id = "x"', 'id = "X Y"'), "indicators[0].id"),
    (('target = 0.9', 'target = 0.9\nsource = "sms"'), ".source"),
])
def test_a_bad_targets_file_names_the_bad_field(change, field):
    old, new = change
    with pytest.raises(TargetsError) as err:
        loads_targets(GOOD.replace(old, new), "targets.toml")
    assert field in str(err.value)
    assert str(err.value).startswith("targets.toml")


def test_a_missing_targets_file_is_a_clear_error(tmp_path):
    with pytest.raises(TargetsError, match="cannot read"):
        load_targets(tmp_path / "none.toml")
