"""The catalogue: procedures imported all-or-nothing from CSV or Excel, exported for Excel,
officers, counters, and which tablet stands at which counter."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from kiosk import store
from kiosk.domain.catalogue import DEFAULT_PROCEDURES, seed_if_empty


def upload(client, name, data):
    return client.post("/catalogue/procedures/import",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_CSV = ("code,name,field,valid_from,valid_to\r\n"
            "1.001193,Đăng ký khai sinh (sửa đổi),Hộ tịch,2025-07-01,\r\n"
            "2.000815.000.00.00.H55,Chứng thực bản sao từ bản chính (địa phương),Chứng thực,"
            "01/07/2025,31/12/2030\r\n"
            "1.003583,Đăng ký thường trú,Cư trú,,\r\n")


def test_first_start_seeds_the_real_commune_procedures(db):
    codes = {p["code"]: p for p in store.list_procedures(db)}
    assert set(codes) == {c for c, _, _ in DEFAULT_PROCEDURES}
    assert codes["1.001193"]["name"] == "Đăng ký khai sinh" and codes["1.001193"]["field"] == "Hộ tịch"
    assert codes["1.012812"]["field"] == "Đất đai"


def test_seeding_never_touches_a_catalogue_that_has_procedures(db):
    store.save_procedure(db, {"code": "1.001193", "name": "Tên do xã sửa", "field": "Hộ tịch"})
    assert seed_if_empty(db) == 0
    assert store.get_procedure(db, "1.001193")["name"] == "Tên do xã sửa"


def test_admin_imports_a_good_csv_with_a_bom(client, db, login):
    login(client, "admin")
    r = upload(client, "thu-tuc.csv", ("\ufeff" + GOOD_CSV).encode("utf-8"))
    assert r.status_code == 302
    assert store.get_procedure(db, "1.001193")["name"] == "Đăng ký khai sinh (sửa đổi)"
    local = store.get_procedure(db, "2.000815.000.00.00.H55")
    assert local["valid_from"] == "2025-07-01" and local["valid_to"] == "2030-12-31"
    assert store.get_procedure(db, "1.003583")["field"] == "Cư trú"
    assert "Đã nhập 3 thủ tục" in client.get("/catalogue/procedures").get_data(as_text=True)


def test_vietnamese_headers_and_semicolons_are_understood(client, db, login):
    login(client, "admin")
    data = "Mã thủ tục;Tên thủ tục;Lĩnh vực\n1.004227;Thay đổi, cải chính hộ tịch;Hộ tịch\n".encode()
    assert upload(client, "ds.csv", data).status_code == 302
    assert store.get_procedure(db, "1.004227")["name"] == "Thay đổi, cải chính hộ tịch"


def test_admin_imports_an_excel_list(client, db, login):
    login(client, "admin")
    from datetime import datetime
    data = xlsx([["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Hiệu lực từ"],
                 ["1.000419", "Đăng ký lại khai sinh", "Hộ tịch", datetime(2025, 7, 1)]])
    assert upload(client, "ds.xlsx", data).status_code == 302
    assert store.get_procedure(db, "1.000419")["valid_from"] == "2025-07-01"


def test_bad_rows_are_each_reported_by_line_and_nothing_is_imported(client, db, login):
    login(client, "admin")
    before = store.list_procedures(db)
    data = ("code,name,field,valid_from,valid_to\n"
            "1.001193,Đăng ký khai sinh (mới),Hộ tịch,,\n"      # line 2: fine (would update)
            "1.23,Mã sai,Hộ tịch,,\n"                             # line 3: bad code
            "1.000001,,Hộ tịch,,\n"                               # line 4: no name
            "1.000002,Ngày sai,Hộ tịch,31/02/2025,\n"             # line 5: bad date
            "1.000003,Hết trước khi bắt đầu,,2025-05-01,2025-01-01\n"  # line 6
            "1.001193,Trùng mã,Hộ tịch,,\n"                       # line 7: repeats line 2
            "9.999999,Tốt,Khác,,\n").encode()                    # line 8: fine
    r = upload(client, "sai.csv", data)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    for line, words in [(3, "Mã thủ tục không đúng dạng"), (4, "Thiếu tên thủ tục"),
                        (5, "Ngày không đúng dạng"), (6, "Ngày hết hiệu lực trước ngày có hiệu lực"),
                        (7, "trùng với dòng 2")]:
        assert f"Dòng {line}: " in page and words in page, (line, words)
    assert "Dòng 2:" not in page and "Dòng 8:" not in page
    assert "chưa có thủ tục nào được thêm hay sửa" in page
    assert store.list_procedures(db) == before  # not half-imported


@pytest.mark.parametrize("name, data, words", [
    ("a.csv", "Cột A,Cột B\nx,y\n".encode(), "Thiếu cột code, name"),
    ("a.csv", "code,name\n1.001193,Khai sinh\n".encode("cp1258", errors="replace") + b"\xff\xfe", "UTF-8"),
    ("a.xlsx", b"PK not really a zip", "Không đọc được tệp Excel"),
    ("a.csv", b"", "Tệp không có dữ liệu."),
    ("a.csv", b"code,name\n", "Tệp không có dòng thủ tục nào."),
])
def test_unreadable_files_are_explained(client, name, data, words, login):
    login(client, "admin")
    r = upload(client, name, data)
    assert r.status_code == 400 and words in r.get_data(as_text=True)


def test_only_an_admin_imports_or_edits(client, db, login):
    login(client, "leader")
    assert upload(client, "a.csv", GOOD_CSV.encode()).status_code == 403
    assert client.get("/catalogue/procedures/new").status_code == 403
    assert client.get("/catalogue/procedures").status_code == 200
    assert store.get_procedure(db, "1.003583") is None


def test_export_csv_opens_in_excel_and_escapes_formulas(client, db, login):
    store.save_procedure(db, {"code": "1.000005", "name": "=HYPERLINK(\"http://x\")", "field": "-Khác"})
    login(client, "leader")
    r = client.get("/catalogue/procedures.csv")
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment")
    assert r.data.startswith("\ufeffcode,name,field,valid_from,valid_to\r\n".encode("utf-8"))
    assert '1.000005,"\'=HYPERLINK(""http://x"")",\'-Khác,,\r\n'.encode() in r.data
    assert "1.001193,Đăng ký khai sinh,Hộ tịch,,\r\n".encode() in r.data


def test_export_xlsx_round_trips_through_import(client, db, login):
    store.save_procedure(db, {"code": "1.000005", "name": "=1+1", "field": "Khác", "valid_to": "2030-01-01"})
    login(client, "admin")
    r = client.get("/catalogue/procedures.xlsx")
    ws = load_workbook(io.BytesIO(r.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("code", "name", "field", "valid_from", "valid_to")
    assert ("1.000005", "=1+1", "Khác", None, "2030-01-01") in rows  # shown as written ...
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]  # ... never run
    before = store.list_procedures(db)
    assert upload(client, "again.xlsx", r.data).status_code == 302
    assert store.list_procedures(db) == before
    assert client.get("/catalogue/procedures.pdf").status_code == 404


def test_admin_adds_and_edits_a_procedure(client, db, login):
    login(client, "admin")
    r = client.post("/catalogue/procedures/new",
                    data={"code": "1.000080", "name": "Cấp bản sao", "field": "Hộ tịch"})
    assert r.status_code == 302 and store.get_procedure(db, "1.000080")["name"] == "Cấp bản sao"
    r = client.post("/catalogue/procedures/new", data={"code": "1.000080", "name": "Lần nữa"})
    assert r.status_code == 200 and "đã có trong danh mục" in r.get_data(as_text=True)
    r = client.post("/catalogue/procedures/new", data={"code": "abc", "name": "X"})
    assert "không đúng dạng" in r.get_data(as_text=True)
    r = client.post("/catalogue/procedures/1.000080/edit",
                    data={"name": "Cấp bản sao (sửa)", "field": "Hộ tịch", "valid_to": "2030-12-31",
                          "code": "9.999999"})
    assert r.status_code == 302
    row = store.get_procedure(db, "1.000080")
    assert row["name"] == "Cấp bản sao (sửa)" and row["valid_to"] == "2030-12-31"
    assert store.get_procedure(db, "9.999999") is None  # the code of a procedure never changes
    assert client.get("/catalogue/procedures/8.888888/edit").status_code == 404


def test_searching_procedures_ignores_diacritics(client, db, login):
    login(client, "officer")
    page = client.get("/catalogue/procedures?q=ket hon").get_data(as_text=True)
    assert "Đăng ký kết hôn" in page and "Đăng ký khai tử" not in page
    assert [p["code"] for p in store.search_procedures(db, "HOA GIAI")] == ["1.012812"]
    assert [p["code"] for p in store.search_procedures(db, "2.0008")] == ["2.000815", "2.000884"]


def test_admin_manages_officers_and_counters_and_places_a_tablet(client, db, tablet, login):
    login(client, "admin")
    r = client.post("/catalogue/officers", data={"name": "Nguyễn Thị Lan", "username": "lan"})
    assert r.status_code == 302
    assert store.officer_for_username(db, "lan")["name"] == "Nguyễn Thị Lan"
    client.post("/catalogue/officers", data={"name": "Nguyễn Thị Lan"})
    assert len(store.list_officers(db)) == 1  # the same name is not added twice
    assert client.post("/catalogue/counters", data={"name": "Quầy 2"}).status_code == 302
    kiosk = store.list_kiosks(db)[0]
    assert "Quầy 2" in client.get("/catalogue/counters").get_data(as_text=True)
    client.post("/catalogue/counters", data={"kiosk_id": kiosk["id"], "counter": "Quầy 2"})
    assert store.list_kiosks(db)[0]["counter"] == "Quầy 2"
    login(client, "officer")
    assert client.get("/catalogue/counters").status_code == 403
