"""Weak links: static files are served compressed, under hashed names, cached for a year.

In production (``JARING_ENV=production``) ``collectstatic`` stores every file under a
name carrying a hash of its content, with gzip and Brotli copies beside it, and
WhiteNoise serves a hashed name with ``Cache-Control: ... immutable`` and a lifetime of a
year or more, in the encoding the browser accepts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

ONE_YEAR = 365 * 24 * 60 * 60
PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


def test_production_settings_collect_with_compressed_manifest_storage_and_serve_with_whitenoise():
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['staticfiles']['BACKEND'], settings.MIDDLEWARE[:2]]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jaring.settings",
        "JARING_ENV": "production",
        "SECRET_KEY": "a-test-only-secret-key-of-enough-length-0123456789",
        "ALLOWED_HOSTS": "jaring.example",
    }
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    backend, first_middleware = json.loads(done.stdout.strip().splitlines()[-1])
    assert backend == PRODUCTION_STORAGE
    assert first_middleware == ["django.middleware.security.SecurityMiddleware", WHITENOISE]


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``collectstatic`` with the production storage into a fresh STATIC_ROOT."""
    root = tmp_path_factory.mktemp("static")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": PRODUCTION_STORAGE},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


def _hashed(root: Path, name: str) -> str:
    manifest = json.loads((root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_collectstatic_writes_hashed_names_with_gzip_and_brotli_copies(collected: Path):
    for name in ("jaring/jaring.css", "jaring/jaring.js", "vendor/bootstrap/bootstrap.min.css"):
        hashed = _hashed(collected, name)
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", hashed), hashed
        assert (collected / hashed).is_file()
        assert (collected / f"{hashed}.gz").is_file()
        assert (collected / f"{hashed}.br").is_file()
        assert (collected / f"{hashed}.gz").stat().st_size < (collected / hashed).stat().st_size / 2


@pytest.mark.parametrize(("accept", "encoding"), [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("", None)])
def test_whitenoise_serves_a_hashed_file_compressed_and_immutable_for_a_year(
    collected: Path, accept, encoding
):
    hashed = _hashed(collected, "vendor/bootstrap/bootstrap.min.css")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": PRODUCTION_STORAGE},
    }
    from django.conf import settings

    middleware = [settings.MIDDLEWARE[0], WHITENOISE, *settings.MIDDLEWARE[1:]]
    with override_settings(STATIC_ROOT=collected, STORAGES=storages, MIDDLEWARE=middleware, DEBUG=False):
        headers = {"HTTP_ACCEPT_ENCODING": accept} if accept else {}
        response = Client().get(f"/static/{hashed}", **headers)
        assert response.status_code == 200
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert max_age >= ONE_YEAR
        assert response.get("Content-Encoding") == encoding
        body = b"".join(response.streaming_content)
        plain = (collected / hashed).stat().st_size
        if encoding is None:
            assert len(body) == plain
        else:
            assert len(body) < plain / 3  # a minified stylesheet compresses well

        # The unhashed name is not cached for long: it changes with every release.
        unhashed = Client().get("/static/vendor/bootstrap/bootstrap.min.css")
        assert unhashed.status_code == 200
        assert "immutable" not in unhashed["Cache-Control"]


def test_favicon_ico_sends_browsers_to_the_svg_icon_without_login():
    from django.contrib.staticfiles import finders

    answer = Client().get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"] == "/static/jaring/favicon.svg"
    icon = Path(finders.find("jaring/favicon.svg")).read_text(encoding="utf-8")
    assert icon.lstrip().startswith("<svg")


def test_the_demo_server_serves_static_files_from_the_finders_without_collecting(tmp_path):
    """``make demo`` runs ``jaring serve`` (gunicorn) with JARING_SERVE_STATIC outside
    production: WhiteNoise serves the app's and the vendor files straight from the
    finders, with nothing collected into the empty var folder."""
    import socket
    import time

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "JARING_ENV", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env.update(DEBUG="false", JARING_SERVE_STATIC="true", JARING_VAR_DIR=str(tmp_path))
    jaring = Path(sys.executable).parent / "jaring"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(jaring), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        own = requests.get(f"{base}/static/jaring/jaring.css", timeout=5)
        assert own.status_code == 200 and "text/css" in own.headers["Content-Type"]
        assert (
            own.content
            == (Path(__file__).parent.parent / "src/jaring/web/static/jaring/jaring.css").read_bytes()
        )
        vendor = requests.get(f"{base}/static/vendor/htmx/htmx.min.js", timeout=5)
        assert vendor.status_code == 200 and len(vendor.content) > 10_000
        assert requests.get(f"{base}/static/jaring/missing.css", timeout=5).status_code == 404
        assert not (tmp_path / "static").exists()  # nothing collected
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
