import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from jaring.accounts.services import user_create

JARING = str(Path(sys.executable).parent / "jaring")


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_passwords_are_hashed_with_argon2(demo, real_hashers):
    user = user_create(
        actor=None,
        organization=demo.org("pemprov-jambi"),
        username="argon",
        password="Argon-Test-2026",
        role="viewer",
    )
    assert user.password.startswith("argon2$")


def test_login_locks_a_username_after_repeated_failures_with_a_clear_message(demo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post("/masuk/", {"username": "jambi.viewer", "password": "salah-salah"})
    locked = client.post("/masuk/", {"username": "jambi.viewer", "password": demo.password})
    assert locked.status_code == 429
    assert "Akun dikunci sementara" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Other officers of the same office are not locked out.
    other = Client().post("/masuk/", {"username": "jambi.operator", "password": demo.password})
    assert other.status_code == 302


def test_successful_login_lands_on_home(demo):
    client = Client()
    response = client.post("/masuk/", {"username": "desa.operator", "password": demo.password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Sengkati Gedang" in response.content.decode()


def test_wrong_password_says_so_in_indonesian(demo):
    response = Client().post("/masuk/", {"username": "desa.operator", "password": "keliru"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(demo):
    response = demo.client("jambi.viewer").get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_refuse_posts_without_csrf_token(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("jambi.admin"))
    response = client.post(
        "/organisasi/baru/", {"code": "x", "name": "X", "kind": "village", "regions": "1504012002"}
    )
    assert response.status_code == 403


def test_session_ends_after_inactivity(demo, settings):
    from django.conf import settings as live

    client = demo.client("jambi.viewer")
    response = client.get("/")
    cookie = response.cookies[live.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"] or 0) == 0 or cookie["expires"] == ""  # browser-session cookie
    assert live.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert cookie["httponly"]


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        JARING_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="jaring.jambiprov.go.id",
        DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3",
        JARING_VAR_DIR=str(tmp_path),
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [JARING, "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    env.pop("SECRET_KEY")
    result = subprocess.run([JARING, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
