"""The security baseline: headers, cookies, settings, health check, error pages, body limit,
rate limits, deactivated accounts and escaping."""

from __future__ import annotations

import os
import re
import stat

import pytest
from sqlalchemy import select

from smp_academy import create_app
from smp_academy.auth import services as accounts
from smp_academy.config import ConfigError, build_config
from smp_academy.core.models import AuditEvent
from smp_academy.extensions import db
from tests import factories
from tests.conftest import csrf_token
from tests.support import rate_limits, separate_app

PUBLIC_PAGES = ["/", "/login", "/register", "/forgot-password", "/courses", "/search?q=dot"]
PUBLIC_PAGES += ["/verify", "/healthz", "/no-such-page", "/api/v1/no-such-thing"]
SIGNED_IN_PAGES = ["/", "/profile", "/courses", "/admin/users", "/admin/audit", "/certificates"]


def _check_headers(response, path: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (d.strip() for d in csp.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    assert "frame-ancestors" in directives and directives["frame-ancestors"] == "'none'", path
    script = directives.get("script-src", directives.get("default-src", ""))
    assert script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy"), path


def _check_no_inline_script(html: str, path: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html, re.I), path
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), path


def test_security_headers_on_every_page(client, admin, login):
    for path in PUBLIC_PAGES:
        response = client.get(path)
        _check_headers(response, path)
        if response.mimetype == "text/html":
            _check_no_inline_script(response.get_data(as_text=True), path)
    login(admin)
    for path in SIGNED_IN_PAGES:
        response = client.get(path)
        _check_headers(response, path)
        if response.status_code == 200:
            _check_no_inline_script(response.get_data(as_text=True), path)
            assert "no-store" in response.headers.get("Cache-Control", ""), path


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(client):
    cookie = _session_cookie(client.get("/login"))  # the CSRF token lives in the session
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # BASE_URL is http:// in the tests


def test_secure_cookies_behind_https():
    with separate_app(BASE_URL="https://academy.example.org/") as app:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
        assert app.config["BASE_URL"] == "https://academy.example.org"
        cookie = _session_cookie(app.test_client().get("/login"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SMP_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SMP_SECRET_KEY"):
        create_app({"PRODUCTION": True, "SECRET_KEY": None})
    monkeypatch.setenv("SMP_ENV", "production")
    with pytest.raises(ConfigError):
        build_config(tmp_path, {})
    monkeypatch.setenv("SMP_SECRET_KEY", "a-real-production-key")
    with pytest.raises(ConfigError, match="SMP_SIGNING_KEY_PATH") as refused:
        build_config(tmp_path, {})  # no process, web or worker, invents a signing key there
    assert str(refused.value.code).startswith("error: ") and "\n" not in str(refused.value.code)
    monkeypatch.setenv("SMP_SIGNING_KEY_PATH", str(tmp_path / "key.pem"))
    monkeypatch.setenv("SMP_SIGNING_CERT_PATH", str(tmp_path / "cert.pem"))
    with pytest.raises(ConfigError, match="SMP_CREDENTIAL_KEYS_PATH"):
        build_config(tmp_path, {})  # nor credential keys
    monkeypatch.setenv("SMP_CREDENTIAL_KEYS_PATH", str(tmp_path / "credential-keys"))
    config = build_config(tmp_path, {})
    assert config["PRODUCTION"] and config["SECRET_KEY"] == "a-real-production-key"
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "certificate-signing").exists()
    assert not (tmp_path / "credential-keys").exists()


def test_development_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SMP_SECRET_KEY", raising=False)
    monkeypatch.delenv("SMP_ENV", raising=False)
    instance = tmp_path / "instance"
    first = build_config(instance, {})["SECRET_KEY"]
    second = build_config(instance, {})["SECRET_KEY"]
    path = instance / "secret_key"
    assert len(first) >= 32 and first == second == path.read_text().strip()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert build_config(tmp_path / "elsewhere", {})["SECRET_KEY"] != first


def test_settings_come_from_smp_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("SMP_DATABASE_URL", "postgresql://u@db.example/smp")
    monkeypatch.setenv("SMP_BASE_URL", "https://academy.example.org")
    monkeypatch.setenv("SMP_SECRET_KEY", "from-the-environment")
    config = build_config(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/smp"
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_503_when_the_database_is_unreachable(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'nowhere.db'}"
    with separate_app(DATABASE_URL=url) as app:
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.is_json and response.get_json()["status"] != "ok"


def test_api_errors_are_json(client):
    for path, method, status in [
        ("/api/v1/no-such-thing", "GET", 404),
        ("/api/v1/certificates/verify", "PUT", 405),
        ("/api/v1/certificates/verify", "POST", 401),
    ]:
        response = client.open(path, method=method)
        assert response.status_code == status, path
        assert response.is_json and isinstance(response.get_json()["error"], str), path
        assert "<html" not in response.get_data(as_text=True).lower()


def test_friendly_error_pages(client, trainee, login):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "Page not found" in missing.get_data(as_text=True)
    login(trainee)
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and forbidden.mimetype == "text/html"
    page = forbidden.get_data(as_text=True)
    assert "You do not have access to this page" in page and "Back to the home page" in page


def test_request_body_limit(app, client):
    token = csrf_token(client)
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        big = client.post("/login", data={"email": "x" * 4096, "csrf_token": token})
        small = client.post("/login", data={"email": "x@example.com", "csrf_token": token})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert big.status_code == 413
    assert small.status_code == 200
    assert saved and saved <= 200 * 1024 * 1024


def test_login_posts_are_rate_limited_per_address(app, client):
    token = csrf_token(client)
    with rate_limits(app):
        statuses = [
            client.post(
                "/login",
                data={"email": f"n{i}@example.com", "password": "x" * 12, "csrf_token": token},
            ).status_code
            for i in range(11)
        ]
        page = client.get("/login")  # reading the form is not limited
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert page.status_code == 200


def test_deactivated_user_cannot_sign_in(client, trainee, admin):
    accounts.set_active(admin, trainee, False)
    db.session.flush()
    response = client.post(
        "/login",
        data={
            "email": trainee.email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 200
    assert "The e-mail or password is not correct" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_a_script_in_a_user_name_is_escaped_on_the_admin_page(client, admin, login):
    factories.user(name='<script>alert("x")</script><img src=x onerror=alert(1)>')
    page = login(admin).get("/admin/users").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_logout_needs_a_post_with_the_csrf_token(client, trainee, login):
    login(trainee)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/profile").status_code == 200  # still signed in


@pytest.mark.parametrize(
    "path",
    [
        "/attempts/99999999999999999999/review",
        "/admin/users/2147483648",
        "/grading/submissions/9223372036854775808",
        "/photos/18446744073709551616/full",
    ],
)
def test_ids_beyond_the_database_range_are_not_found(client, login, admin, path):
    login(admin)
    assert client.get(path).status_code == 404


def test_nul_bytes_in_forms_queries_and_paths_are_refused(client, trainee):
    token = csrf_token(client)
    login = client.post(
        "/login", data={"email": "a\x00@example.com", "password": "x\x00y", "csrf_token": token}
    )
    assert login.status_code == 400
    assert client.get("/search?q=dermis%00").status_code == 400
    assert client.get("/verify/SMP-%00").status_code in {400, 404}
    api = client.get("/api/v1/certificates/SMP%00")
    assert api.status_code in {400, 404} and "error" in api.get_json()


def test_a_refused_page_is_audited(client, login, trainee):
    login(trainee)
    assert client.get("/admin/users").status_code == 403
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert event.actor_id == trainee.id and event.details["path"] == "/admin/users"


def test_api_answers_are_not_stored_by_caches(client):
    response = client.get("/api/v1/certificates/SMP-0000-0000-0000")
    assert "no-store" in response.headers["Cache-Control"]
