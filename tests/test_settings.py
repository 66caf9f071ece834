"""Every setting lives in one table: its default, its line in config.py, its environment
override and its check at start-up all come from there."""
import pytest

from kiosk import create_app, settings
from kiosk.settings import SETTINGS, SettingsError
from tests.helpers import ROOT


def test_first_run_writes_every_setting_commented_in_config_py(tmp_path):
    create_app({"INSTANCE": tmp_path / "i", "TESTING": True})
    text = (tmp_path / "i" / "config.py").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"# {s.name} = " in text, s.name
    compiled = compile(text, "config.py", "exec")  # all comments: it must still be valid Python
    assert compiled.co_names == ()


def test_an_uncommented_default_line_is_itself_valid(tmp_path):
    """Uncommenting any line of the template gives a working installation."""
    lines = settings.config_template().splitlines()
    assigned = "\n".join(line[2:] for line in lines if line.startswith("# ") and " = " in line
                         and line[2:3].isupper())
    scope: dict = {}
    exec(assigned, {}, scope)  # noqa: S102 - our own template
    assert settings.check(scope) == settings.defaults()


def test_a_commune_turns_officer_figures_on_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_PUBLIC_BOARD_OFFICERS", "true")
    assert create_app({"INSTANCE": tmp_path / "i"}).config["PUBLIC_BOARD_OFFICERS"] is True


def test_environment_overrides_are_typed_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_IDLE_SECONDS", "90")
    monkeypatch.setenv("KIOSK_COMMUNE_NAME", "Xã Tân Phú")
    app = create_app({"INSTANCE": tmp_path / "i"})
    assert app.config["IDLE_SECONDS"] == 90
    assert app.config["COMMUNE_NAME"] == "Xã Tân Phú"


@pytest.mark.parametrize("name, value, says", [
    ("OPENING_HOURS", {str(d): ["7h-17h30"] for d in range(7)}, "OPENING_HOURS"),
    ("OPENING_HOURS", {"8": ["07:00-11:00"]}, "weekday"),
    ("OPENING_HOURS", {"0": ["17:00-07:00"]}, "span"),
    ("IDLE_SECONDS", "abc", "whole number"),
    ("RECEIPT_EXPIRY_DAYS", 0, "between"),
    ("PUBLIC_BASE_URL", "192.168.1.10:8080", "http"),
    ("HOLIDAYS", ["2026-13-01"], "date"),
    ("TABLET_QUESTIONNAIRE", "../etc/passwd", "questionnaire"),
    ("PUBLIC_BOARD_OFFICERS", "maybe", "True or False"),
    ("PUBLIC_BOARD_REFRESH_SECONDS", 5, "between"),
    ("SMTP_TLS", "tls", "starttls"),
    ("SMTP_FROM", "bao cao", "e-mail"),
    ("REPORT_RECIPIENTS", ["chutich@xamau.gov.vn", "vanphong"], "'vanphong'"),
])
def test_a_malformed_setting_is_refused_at_start_naming_it(tmp_path, name, value, says):
    with pytest.raises(SettingsError) as exc:
        create_app({"INSTANCE": tmp_path / "i", name: value})
    assert name in str(exc.value) and says in str(exc.value)


def test_no_setting_has_a_second_default_in_the_code():
    """Views read app.config[NAME]; a ``config.get("NAME", default)`` would hide a
    setting from config.py and from the start-up check."""
    import re
    root = ROOT / "kiosk"
    offenders = []
    for path in root.rglob("*.py"):
        for m in re.finditer(r"config\.get\(\s*\"([A-Z_]+)\"\s*,", path.read_text(encoding="utf-8")):
            if m.group(1) in settings.BY_NAME:
                offenders.append(f"{path.name}: {m.group(1)}")
    assert offenders == []


def test_serve_stops_with_the_settings_name_and_no_traceback(tmp_path):
    import subprocess
    import sys
    instance = tmp_path / "i"
    instance.mkdir()
    (instance / "config.py").write_text('IDLE_SECONDS = "abc"\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "kiosk", "serve", "--port", "1"], cwd=ROOT,
                       env={"KIOSK_INSTANCE": str(instance), "PATH": "/usr/bin:/bin"},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "IDLE_SECONDS" in r.stderr and "Traceback" not in r.stderr
