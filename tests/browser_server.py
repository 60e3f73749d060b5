"""A real Jaring server for the browser tests, and the Chromium that drives it.

The server is a subprocess (``jaring runserver``) on its own throwaway SQLite database,
loaded with only a few provinces (Jambi, Bengkulu and the rest of the demo's Sumbagsel)
and the demo users, so nothing here touches the pytest-django test database. The browser
is Debian's Chromium, installed with apt if it is missing; Playwright only drives it
(``playwright install`` is never run).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .system import debian_binary, run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VENV_BIN = Path(sys.executable).parent
JARING = VENV_BIN / "jaring"
ARTIFACTS_ROOT = Path(__file__).resolve().parent.parent / "test-artifacts"

PASSWORD = "Jaring-Demo-2026"

SERVER_START_TIMEOUT = 30  # seconds
COMMAND_TIMEOUT = 300  # seconds, for each management command


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; installed with apt-get when missing. Absent afterwards means FAIL."""
    return debian_binary(CHROMIUM, "chromium")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Whatever the calling shell says, this server is a non-production Jaring on its own
    # database, with the default vendor assets (var/vendor in the repository).
    for name in ("JARING_VENDOR_STATIC", "JARING_ENV", "ALLOWED_HOSTS", "SECRET_KEY"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="jaring.settings",
        DATABASE_URL=f"sqlite:///{var_dir / 'browser.sqlite3'}",
        JARING_VAR_DIR=str(var_dir),
        # DEBUG off, so a person sees the application's own 404 page rather than Django's
        # technical one; runserver --insecure still serves static files from the finders.
        DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def province_args() -> list[str]:
    """``--province`` options for Jambi (15) and Bengkulu (17) plus whatever the demo needs.

    Only a few provinces are loaded, to be fast. Jambi and Bengkulu alone are not enough:
    seed_demo's "BPJS Ketenagakerjaan Kantor Wilayah Sumbagsel" covers 15-19 and the seed
    (one transaction) fails with ``region_unknown`` when 16, 18 or 19 are missing.
    """
    from jaring.demo.seed import ORGANIZATIONS

    provinces = {"15", "17"} | {code[:2] for org in ORGANIZATIONS for code in org.regions}
    return [arg for code in sorted(provinces) for arg in ("--province", code)]


def seed_database(env: dict[str, str]) -> None:
    """Migrate the server's database, load the demo's provinces and seed the demo."""
    run([str(JARING), "migrate", "--noinput"], env=env, timeout=COMMAND_TIMEOUT)
    run([str(JARING), "load_regions", *province_args()], env=env, timeout=COMMAND_TIMEOUT)
    run([str(JARING), "seed_demo"], env=env, timeout=COMMAND_TIMEOUT)


@contextmanager
def serving(env: dict[str, str], var_dir: Path) -> Iterator[str]:
    """``jaring runserver`` on a free port for as long as the block runs; yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "runserver.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(JARING), "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"runserver exited with {server.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base_url}/masuk/", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"runserver did not answer within {SERVER_START_TIMEOUT} s:\n{log_path.read_text()}"
                )
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in the way a person does: the login form, then the home page."""
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_url(f"{base}/")
