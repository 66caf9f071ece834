"""The admin manages staff accounts and tablets in the browser, not only on the command line."""
from kiosk import store
from tests.helpers import PASSWORD


def test_admin_adds_a_leader_who_can_then_sign_in(app, client, db, login):
    login(client, "admin")
    r = client.post("/admin/users",
                    data={"username": "chu-tich", "role": "leader", "password": "dai-mat-khau-1"})
    assert r.status_code == 302
    assert store.get_user(db, username="chu-tich")["role"] == "leader"
    other = app.test_client()
    r = other.post("/login", data={"username": "chu-tich", "password": "dai-mat-khau-1"})
    assert r.status_code == 302


def test_short_password_and_duplicate_name_are_refused(client, db, login):
    login(client, "admin")
    data = {"username": "x1x", "role": "officer", "password": "123"}
    page = client.post("/admin/users", data=data).get_data(as_text=True)
    assert "Mật khẩu cần ít nhất 8 ký tự." in page and store.get_user(db, username="x1x") is None
    page = client.post("/admin/users", data={"username": "admin", "role": "officer", "password": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "Tên đăng nhập này đã có." in page


def test_a_locked_account_cannot_sign_in(app, client, db, login):
    login(client, "admin")
    store.create_user(db, "cb", "x", "officer")
    uid = store.get_user(db, username="cb")["id"]
    client.post(f"/admin/users/{uid}/password", data={"password": "mat-khau-moi-9"})
    client.post(f"/admin/users/{uid}/active")
    assert store.get_user(db, username="cb") is None  # inactive users are not found for sign-in
    r = app.test_client().post("/login", data={"username": "cb", "password": "mat-khau-moi-9"})
    assert r.status_code == 200


def test_leaders_cannot_manage_accounts(client, login):
    login(client, "leader")
    assert client.get("/admin/users").status_code == 403


def test_a_revoked_tablet_can_no_longer_submit(client, tablet, db, login, rating_body):
    assert tablet.post("/api/v1/responses", json=rating_body()).status_code == 201
    login(client, "admin")
    (k,) = store.list_kiosks(db)
    client.post(f"/admin/kiosks/{k['id']}/revoke")
    assert tablet.post("/api/v1/responses", json=rating_body()).status_code == 401
    assert "Đã thu hồi" in client.get("/admin/").get_data(as_text=True)


def test_staff_are_warned_until_qr_codes_point_to_the_public_https_address(app, client, login):
    login(client, "admin")
    assert 'data-testid="public-url-warning"' in client.get("/admin/").get_data(as_text=True)
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.10:8080"  # phones on mobile data cannot reach it
    assert "mạng nội bộ" in client.get("/admin/").get_data(as_text=True)
    app.config["PUBLIC_BASE_URL"] = "https://hailong.xa-an-binh.gov.vn"
    assert 'data-testid="public-url-warning"' not in client.get("/admin/").get_data(as_text=True)


def test_staff_pages_are_vietnamese_even_on_an_english_browser(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Đăng nhập" in page


def test_library_messages_are_shown_in_vietnamese(client, login):
    login(client, "admin")
    data = {"username": "", "role": "officer", "password": ""}
    page = client.post("/admin/users", data=data).get_data(as_text=True)
    assert "Vui lòng điền mục này." in page and "This field is required" not in page


def test_header_shows_the_role_in_vietnamese(client, login):
    login(client, "officer")
    assert "(Cán bộ một cửa)" in client.get("/admin/").get_data(as_text=True)


def test_admin_is_told_when_tablets_cannot_keep_an_offline_copy(app, make_user):
    """Plain http on a LAN address: no service worker is possible, and the overview says so."""
    make_user("admin", "admin")
    for base, warned in [("http://192.168.1.10:8080", True), ("http://hailong.lan", True),
                         ("http://localhost:8080", False), ("http://127.0.0.1:8080", False),
                         ("https://hailong.xa-mau.gov.vn", False)]:
        client = app.test_client()
        r = client.post("/login", data={"username": "admin", "password": PASSWORD}, base_url=base)
        assert r.status_code == 302, base
        page = client.get("/admin/", base_url=base).get_data(as_text=True)
        assert ('data-testid="no-offline-copy"' in page) is warned, base
        if warned:
            assert "HTTPS" in page and "README" in page
