"""Issue 12: a broken questionnaire file is a message, never a traceback, and it does not
stop the commands that protect the data.

Reproduced: invalid UTF-8 in a questionnaire gave a bare ``UnicodeDecodeError`` traceback;
``backup`` and ``verify`` refused to run while a questionnaire was broken.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import survey_forms
from kiosk.__main__ import main
from survey_forms import loader

GOOD = (Path(loader.HERE) / "counter.toml").read_bytes()


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    monkeypatch.setenv("KIOSK_INSTANCE", str(folder))
    return folder


def broken(tmp_path, monkeypatch, data: bytes):
    """Make the tablet's questionnaire file ``data`` (a copy outside the package)."""
    path = tmp_path / "counter.toml"
    path.write_bytes(data)
    real = survey_forms.load
    monkeypatch.setattr(survey_forms, "load", lambda name, *a: real(path) if name == "counter" else real(name))
    return path


def test_a_questionnaire_that_is_not_utf8_is_named_with_its_line(tmp_path, monkeypatch):
    path = broken(tmp_path, monkeypatch, GOOD.replace("Đánh giá tại quầy".encode(), b"\xd0\xe1nh gi\xe1"))
    with pytest.raises(survey_forms.QuestionnaireError, match=r"counter.toml line 7: not UTF-8"):
        survey_forms.load(path)


@pytest.mark.parametrize("data, says", [
    (GOOD.replace("Đánh giá tại quầy".encode(), "Đánh giá tại quầy".encode("cp1258", "replace")), "not UTF-8"),
    (GOOD.replace(b"[[questions]]", b"[[questions]", 1), "counter.toml"),
    (GOOD.replace(b"scale = 5", b"scale = 7", 1), "scale"),
])
def test_serve_with_a_broken_questionnaire_prints_the_message_only(tmp_path, monkeypatch, capsys, instance,
                                                                     data, says):
    broken(tmp_path, monkeypatch, data)
    assert main(["serve", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "a questionnaire file is not valid" in err and says in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_backup_and_verify_work_while_a_questionnaire_is_broken(tmp_path, monkeypatch, capsys, instance):
    assert main(["verify"]) == 0  # a first start makes the database
    broken(tmp_path, monkeypatch, b"\xff\xfe not a questionnaire")
    assert main(["serve", "--port", "1"]) == 2
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    assert sqlite3.connect(tmp_path / "copy.db").execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert main(["verify"]) == 0
    assert main(["list-tokens"]) == 0
    out = capsys.readouterr().out
    assert "Backed up" in out and "chain intact" in out
