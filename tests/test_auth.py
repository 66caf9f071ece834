"""Staff sign-in, roles, tablet enrolment and CSRF."""

from kiosk import create_app, store
from kiosk.web.auth import DEVICE_COOKIE
from tests.helpers import PASSWORD


def test_staff_signs_in_and_out(client, make_user):
    make_user("van-phong", "leader")
    assert client.get("/admin/").status_code == 302
    r = client.post("/login", data={"username": "van-phong", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    assert client.get("/admin/").status_code == 302


def test_wrong_password_says_so_in_vietnamese(client, make_user):
    make_user("a", "admin")
    r = client.post("/login", data={"username": "a", "password": "wrong"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in r.get_data(as_text=True)


def test_login_attempts_are_rate_limited(client, make_user):
    make_user("a", "admin")
    for _ in range(5):
        client.post("/login", data={"username": "a", "password": "wrong"})
    r = client.post("/login", data={"username": "a", "password": PASSWORD})
    assert r.status_code == 429
    assert "Quá nhiều yêu cầu" in r.get_data(as_text=True)


def test_open_redirect_after_login_is_ignored(client, make_user):
    make_user("a", "admin")
    r = client.post("/login?next=//evil.example/x", data={"username": "a", "password": PASSWORD})
    assert r.headers["Location"].endswith("/admin/")


def test_admin_enrols_a_tablet_which_then_submits(client, db, make_user, rating_body):
    make_user("qt", "admin")
    r = client.post("/enrol", data={"username": "qt", "password": PASSWORD,
                                    "kiosk_name": "Quầy 1", "counter": "Quầy Hộ tịch"})
    assert r.status_code == 302
    cookie = client.get_cookie(DEVICE_COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    assert cookie.expires is not None
    with client.session_transaction() as session:
        assert "user_id" not in session  # the admin is not left signed in on the tablet
    r = client.post("/api/v1/responses", json=rating_body(), headers={"X-Kiosk-Request": "1"})
    assert r.status_code == 201
    assert store.list_responses(db)[0]["counter"] == "Quầy Hộ tịch"
    assert [k["name"] for k in store.list_kiosks(db)] == ["Quầy 1"]


def test_only_an_admin_can_enrol(client, make_user):
    make_user("cb", "officer")
    r = client.post("/enrol", data={"username": "cb", "password": PASSWORD, "kiosk_name": "X"})
    assert r.status_code == 200 and client.get_cookie(DEVICE_COOKIE) is None
    assert "Chỉ quản trị viên" in r.get_data(as_text=True)


def test_csrf_is_enforced_on_forms(tmp_path):
    app = create_app({"INSTANCE": tmp_path / "csrf", "TESTING": True, "SECRET_KEY": "x"})
    c = app.test_client()
    r = c.post("/login", data={"username": "a", "password": "b"})
    assert r.status_code == 400
    r = c.post("/enrol", data={"username": "a", "password": "b", "kiosk_name": "k"})
    assert r.status_code == 400


def test_security_headers_forbid_outside_assets(client):
    r = client.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"


def test_a_security_header_a_view_sets_itself_is_kept_and_not_doubled(tmp_path):
    app = create_app({"INSTANCE": tmp_path / "h", "TESTING": True, "SECRET_KEY": "x"})

    @app.get("/framed")
    def framed():
        return "x", 200, {"X-Frame-Options": "SAMEORIGIN"}
    r = app.test_client().get("/framed")
    assert r.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert r.headers.getlist("X-Content-Type-Options") == ["nosniff"]


def test_pages_switch_to_english(client):
    assert "Sign in" in client.get("/login?lang=en").get_data(as_text=True)
    assert "Sign in" in client.get("/login").get_data(as_text=True)  # remembered
    assert "Đăng nhập" in client.get("/login?lang=vi").get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Không tìm thấy trang." in r.get_data(as_text=True)
