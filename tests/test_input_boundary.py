"""Issue 12: one normalisation at the boundary, and no input that makes a 500.

Every text that comes in (API bodies, forms, query arguments, catalogue files, the command
line, names of tablets and counters) is NFC and free of control characters; newline and tab
stay in free text. JSON nobody honest sends (a lone surrogate, 50,000 levels deep, too big)
gets a clear 400/413 instead of a RecursionError or an encoding error.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import unicodedata

import pytest
from openpyxl import load_workbook

from kiosk import store
from kiosk.domain import text
from tests.helpers import PASSWORD, ROOT
from tests.receipt_helpers import issue, make_token, return_result

NFC = "Nguyễn Thị Hường"
NFD = unicodedata.normalize("NFD", NFC)
assert NFC != NFD


def nfd(s):
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize("raw, multiline, expected", [
    (NFD, True, NFC),
    ("ok\u0001", True, "ok"),
    ("hai\ndòng\tvà tab\r\nCRLF", True, "hai\ndòng\tvà tab\nCRLF"),
    ("  Quầy\n 2\t", False, "Quầy 2"),
    ("\u202egnp.exe\u200b\ufeff", True, "gnp.exe"),
    ("\x1b[31mđỏ\x7f\x9b", True, "[31mđỏ"),
    ("👨\u200d👩\u200d👧", True, "👨\u200d👩\u200d👧"),  # joiners stay: emoji need them
])
def test_the_normaliser(raw, multiline, expected):
    assert text.clean(raw, multiline=multiline) == expected


def test_a_comment_with_a_control_character_is_stored_clean_and_excel_still_opens(
        login, rating_body, app, client, db, tablet):
    r = tablet.post("/api/v1/responses", json=rating_body(comment="ok\u0001 và\ndòng hai"))
    assert r.status_code == 201
    assert store.list_responses(db)[0]["comment"] == "ok và\ndòng hai"
    login(client, "leader")
    r = client.get("/api/v1/export/responses.xlsx")
    assert r.status_code == 200
    load_workbook(io.BytesIO(r.data))


def test_an_officer_name_with_a_control_character_does_not_break_the_monthly_report(
        login, rating_body, app, client, db, tablet):
    officer = make_token(db, "officer")
    out = issue(client, officer, officer="Lê Văn\u0002 Bình")
    assert store.get_receipt(db, out["code"])["officer"] == "Lê Văn Bình"
    return_result(client, officer, out["code"])
    assert tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"])).status_code == 201
    login(client, "leader")
    assert client.get("/api/v1/report.xlsx").status_code == 200


def test_nfd_and_nfc_names_are_one_officer_in_the_breakdown(rating_body, app, client, db, tablet):
    officer = make_token(db, "officer")
    for name in (NFC, NFD):
        out = issue(client, officer, officer=name)
        return_result(client, officer, out["code"])
        assert tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"])).status_code == 201
    assert {r["officer"] for r in store.list_responses(db)} == {NFC}


def test_the_same_body_in_nfd_is_a_duplicate_not_a_conflict(rating_body, tablet, db):
    body = rating_body(comment=NFC)
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    again = tablet.post("/api/v1/responses", json=dict(body, comment=NFD))
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"


def test_a_phone_comment_is_cleaned_too(client, db):
    code = issue(client, make_token(db, "officer"))["code"]
    r = client.post(f"/r/{code}", data={"overall": "4", "comment": nfd("Tốt\u0001 lắm\nCảm ơn")})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    assert store.list_responses(db)[0]["comment"] == "Tốt lắm\nCảm ơn"


def test_nfd_and_nfc_counter_names_enrol_one_tablet_and_a_return_reaches_it(login, app, client, db):
    login(client, "admin")
    for name in (nfd("Quầy 2"), "Quầy 2"):
        r = app.test_client().post("/enrol", data={"username": "admin", "password": PASSWORD,
                                                   "kiosk_name": name, "counter": name})
        assert r.status_code == 302
    kiosks = store.list_kiosks(db)
    assert [(k["name"], k["counter"]) for k in kiosks] == [("Quầy 2", "Quầy 2")]
    officer = make_token(db, "officer")
    out = issue(client, officer)
    assert return_result(client, officer, out["code"], counter=nfd("quầy 2"))["counter"] == "Quầy 2"


def test_a_catalogue_file_in_nfd_with_control_characters_imports_clean(login, client, db):
    login(client, "admin")
    data = f"code,name,field\r\n1.004227,{nfd('Thay đổi hộ tịch')}\u0007,{nfd('Hộ tịch')}\r\n".encode()
    r = client.post("/catalogue/procedures/import", data={"file": (io.BytesIO(data), "ds.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    p = store.get_procedure(db, "1.004227")
    assert (p["name"], p["field"]) == ("Thay đổi hộ tịch", "Hộ tịch")


def test_a_user_made_on_the_command_line_in_nfd_signs_in_with_nfc(app, client, db):
    env = {"KIOSK_INSTANCE": str(app.instance_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "kiosk", "create-user", nfd("hường"), "--role", "leader",
                        "--password-stdin"], cwd=ROOT, env=env, input=nfd("mật-khẩu-dài") + "\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = client.post("/login", data={"username": "hường", "password": "mật-khẩu-dài"})
    assert r.status_code == 302


# --- JSON nobody honest sends ---------------------------------------------------------------

def post_raw(client, data: bytes, path="/api/v1/responses"):
    return client.post(path, data=data, content_type="application/json")


def test_a_lone_surrogate_is_a_clear_400_not_a_500(rating_body, tablet, db):
    r = post_raw(tablet, json.dumps(rating_body(comment="\ud800")).encode())
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == "invalid_json" and "surrogate" in error["fields"]["body"]
    assert store.count_responses(db) == 0


def test_fifty_thousand_levels_of_nesting_is_a_clear_400(rating_body, tablet):
    r = post_raw(tablet, b"[" * 50_000 + b"]" * 50_000)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_json"
    deep = 1
    for _ in range(25):
        deep = [deep]
    r = post_raw(tablet, json.dumps(rating_body(answers={"a": deep})).encode())
    assert r.status_code == 400 and "nested" in r.get_json()["error"]["fields"]["body"]


def test_an_oversized_body_is_refused_before_it_is_read(rating_body, tablet, app):
    big = json.dumps(rating_body(comment="x" * (app.config["MAX_CONTENT_LENGTH"] + 10))).encode()
    r = post_raw(tablet, big)
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"


def test_bytes_that_are_not_utf8_are_a_clear_400(tablet):
    r = post_raw(tablet, b'{"comment": "\xff\xfe"}')
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("data", [b"[" * 50_000, json.dumps({"counter": "\udfff"}).encode(), b"\xff"])
def test_the_receipt_api_reads_json_the_same_way(client, db, data):
    officer = make_token(db, "officer")
    out = issue(client, officer)
    r = client.post(f"/api/v1/receipts/{out['code']}/return", data=data, content_type="application/json",
                    headers=officer)
    assert r.status_code == 400
    r = client.post("/api/v1/receipts", data=data, content_type="application/json", headers=officer)
    assert r.status_code == 400


# --- odd query arguments ------------------------------------------------------------------

@pytest.mark.parametrize("query", ["code=x", "_method=x", "_external=1", "_anchor=x", "_scheme=ftp",
                                   "lang=en&code=x"])
def test_a_lower_case_code_with_odd_arguments_redirects_instead_of_a_500(client, db, query):
    code = issue(client, make_token(db, "officer"))["code"]
    r = client.get(f"/r/{code.lower()}?{query}")
    assert r.status_code == 302
    assert r.headers["Location"].split("?")[0] == f"/r/{code}"
    if "lang=en" in query:
        assert r.headers["Location"].endswith("?lang=en")
