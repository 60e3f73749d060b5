"""A production-like Jaring for end-to-end tests, and officers who use it over HTTP.

``live_stack`` creates a fresh PostgreSQL database ``jaring_e2e_<pid>`` beside the one the
tests are configured with and prepares it with the real command line (``jaring_database``:
``jaring migrate``, ``jaring load_regions``, the demo organizations and users), then starts
``jaring runserver`` and ``jaring db_worker`` on it as subprocesses, with DEBUG off and their own
media folder. Nothing runs inside a test transaction: every write is committed as in
production. Afterwards the server and the worker are stopped and the database is dropped,
also when the walk failed.

``Officer`` is one demo user: a browser-like session for the pages (login form, CSRF
token read from each form) and an API token for ``/api/v1`` (sent without the session
cookie, so the token alone authenticates).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
from psycopg import sql

VENV_BIN = Path(sys.executable).parent
JARING = str(VENV_BIN / "jaring")
COMMAND_TIMEOUT = 300  # seconds, for each management command
START_TIMEOUT = 30  # seconds for the server to answer
HTTP_TIMEOUT = 60  # seconds per request (the monev PDF is built while the officer waits)
PASSWORD = "Jaring-Demo-2026"  # jaring.demo.seed.DEMO_PASSWORD

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN = re.compile(r'class="code token-once[^"]*">([^<]+)<')
_FORM_ERRORS = re.compile(r'class="(?:invalid-feedback d-block|alert alert-danger)"[^>]*>(.*?)</div>', re.S)


def demo_provinces() -> list[str]:
    """Jambi (15) and Bengkulu (17), plus the provinces the demo organizations cover
    (the BPJS regional office covers 15-19; the seed refuses unknown regions)."""
    from jaring.demo.seed import ORGANIZATIONS

    return sorted({"15", "17"} | {code[:2] for org in ORGANIZATIONS for code in org.regions})


@dataclass
class LiveStack:
    base_url: str
    database: str
    env: dict[str, str]
    logs: dict[str, Path] = field(default_factory=dict)

    def jaring(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
        """Run ``jaring <args>`` against the live database; the caller checks the outcome."""
        return subprocess.run(
            [JARING, *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def jaring_ok(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
        done = self.jaring(*args, timeout=timeout)
        if done.returncode != 0:
            pytest.fail(
                f"jaring {' '.join(args)} exited with {done.returncode}:\n"
                f"--- stdout ---\n{done.stdout[-4000:]}\n--- stderr ---\n{done.stderr[-4000:]}"
            )
        return done.stdout

    def connections(self) -> int:
        """Connections the server and the worker hold open on the stack's database."""
        with _admin_connection() as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchone()[0]

    def log_tail(self, name: str, chars: int = 6000) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace")[-chars:] if path and path.exists() else ""


def _server_settings() -> dict:
    from django.db import connection

    return connection.settings_dict


def _admin_connection() -> psycopg.Connection:
    db = _server_settings()
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 5432),
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _database_url(name: str) -> str:
    db = _server_settings()
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _drop_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _create_database(name: str) -> None:
    _drop_database(name)
    with _admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(database: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Whatever the calling shell says: a non-production Jaring on its own database, its
    # tasks queued in that database for the worker (not run inline).
    for name in ("JARING_ENV", "ALLOWED_HOSTS", "SECRET_KEY", "JARING_TASK_BACKEND", "CONN_MAX_AGE"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="jaring.settings",
        DATABASE_URL=_database_url(database),
        JARING_VAR_DIR=str(var_dir),
        DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def _start(stack: LiveStack, name: str, *args: str) -> subprocess.Popen:
    log = stack.logs[name] = Path(stack.env["JARING_VAR_DIR"]) / f"{name}.log"
    with log.open("w") as out:
        return subprocess.Popen(
            [JARING, *args], env=stack.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )


def _wait_until_answering(stack: LiveStack, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.poll() is not None:
            pytest.fail(f"runserver exited with {server.returncode}:\n{stack.log_tail('server')}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{stack.base_url}/masuk/", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"runserver did not answer within {START_TIMEOUT} s:\n{stack.log_tail('server')}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def jaring_database(var_dir: Path, *, label: str = "e2e", demo_users: bool = True) -> Iterator[LiveStack]:
    """A fresh PostgreSQL database ``jaring_<label>_<pid>`` prepared by the real command
    line: migrated, the regions of the demo provinces loaded and (``demo_users``) the demo
    organizations and users, no demo people. Dropped afterwards, also when the test failed.
    The stack serves nothing: ``live_stack`` starts the server and the worker on it."""
    database = f"jaring_{label}_{os.getpid()}"
    stack = LiveStack(base_url="", database=database, env=_environment(database, var_dir))
    _create_database(database)
    try:
        stack.jaring_ok("migrate", "--noinput")
        provinces = [arg for code in demo_provinces() for arg in ("--province", code)]
        stack.jaring_ok("load_regions", *provinces)
        if demo_users:
            # `jaring seed_demo` has no option to leave out the demo people (their
            # programs, bills and claims would mix with a test's figures): call the same
            # function the command calls, without them.
            stack.jaring_ok("shell", "-c", "from jaring.demo.seed import seed_demo; seed_demo(people=False)")
        yield stack
    finally:
        _drop_database(database)


@contextlib.contextmanager
def live_stack(var_dir: Path, *, prepare=None) -> Iterator[LiveStack]:
    """A migrated Jaring with the regions of the demo provinces and the demo users (no
    demo people), served on a free port with its background worker running.
    ``prepare(stack)``, if given, runs on the ready database before anything is served
    (and may add to ``stack.env``)."""
    with jaring_database(var_dir) as stack:
        if prepare is not None:
            prepare(stack)
        port = _free_port()
        stack.base_url = f"http://127.0.0.1:{port}"
        server = worker = None
        try:
            worker = _start(stack, "worker", "db_worker", "--interval", "0.2", "--no-startup-delay")
            server = _start(
                stack, "server", "runserver", stack.base_url.removeprefix("http://"), "--noreload"
            )
            _wait_until_answering(stack, server)
            yield stack
        finally:
            _stop(server)
            _stop(worker)


class Officer:
    """One demo user at work: pages through a logged-in session, the API with a token."""

    def __init__(self, stack: LiveStack, username: str):
        self.stack = stack
        self.username = username
        self.browser = requests.Session()
        self.token = ""

    # -- pages ------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.stack.base_url}{path}"

    def log_in(self) -> None:
        """Open the login form, fill it in and be sent to the home page."""
        form = self.page("/masuk/")
        answer = self.browser.post(
            self.url("/masuk/"),
            data={
                "csrfmiddlewaretoken": csrf_of(form.text),
                "username": self.username,
                "password": PASSWORD,
                "next": "",
            },
            headers={"Referer": self.url("/masuk/")},
            timeout=HTTP_TIMEOUT,
        )
        assert answer.status_code == 200 and answer.url == self.url("/"), (
            f"{self.username} could not log in: {answer.status_code} {answer.url}\n{answer.text[:2000]}"
        )

    def page(self, path: str, *, status: int = 200, **params) -> requests.Response:
        answer = self.browser.get(self.url(path), params=params or None, timeout=HTTP_TIMEOUT)
        assert answer.status_code == status, self._explain("GET", path, answer)
        return answer

    def submit(
        self,
        form_page: str,
        data: dict,
        *,
        files: dict | None = None,
        action: str | None = None,
        expect_redirect: bool = True,
    ) -> requests.Response:
        """Open ``form_page``, take the CSRF token from its form and post ``data`` to the
        form's ``action`` (default: the page itself). A redirect means the form was
        accepted; a page shown again with errors fails with those errors."""
        shown = self.page(form_page)
        target = action or form_page
        if action is not None:
            assert f'action="{action}"' in shown.text, f"{form_page} has no form posting to {action}"
        answer = self.browser.post(
            self.url(target),
            data={"csrfmiddlewaretoken": csrf_of(shown.text), **data},
            files=files,
            headers={"Referer": self.url(form_page)},
            timeout=HTTP_TIMEOUT,
            allow_redirects=False,
        )
        if expect_redirect:
            assert answer.status_code == 302, self._explain("POST", target, answer)
            followed = self.page(answer.headers["Location"])
            problems = form_errors(followed.text)
            assert not problems, f"POST {target} was refused: {problems}"
            return followed
        assert answer.status_code == 200, self._explain("POST", target, answer)
        return answer

    def create_token_on_account_page(self) -> None:
        """Akun > Token API: the new token is shown once on the page."""
        shown = self.submit("/akun/", {"tok-name": "e2e"}, expect_redirect=False)
        found = _TOKEN.search(shown.text)
        assert found, f"no token shown for {self.username}:\n{form_errors(shown.text)}"
        self.token = html.unescape(found.group(1)).strip()

    # -- API --------------------------------------------------------------------------

    def api(self, method: str, path: str, *, status: int = 200, **kwargs):
        """Call ``/api/v1<path>`` with the token only; the JSON answer, after checking
        the status code."""
        assert self.token, f"{self.username} has no API token"
        answer = requests.request(
            method,
            self.url(f"/api/v1{path}"),
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=HTTP_TIMEOUT,
            **kwargs,
        )
        assert answer.status_code == status, self._explain(method, f"/api/v1{path}", answer)
        return answer.json()

    def get(self, path: str, *, status: int = 200, **params):
        return self.api("GET", path, status=status, params=params or None)

    def post(self, path: str, payload: dict, *, status: int = 201):
        return self.api("POST", path, status=status, json=payload)

    def _explain(self, method: str, path: str, answer: requests.Response) -> str:
        body = answer.text
        with contextlib.suppress(ValueError):
            body = json.dumps(answer.json(), ensure_ascii=False)[:3000]
        if answer.status_code >= 500:
            body += f"\n--- server log ---\n{self.stack.log_tail('server')}"
        return f"{self.username}: {method} {path} answered {answer.status_code}:\n{body[:6000]}"


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def form_errors(page: str) -> list[str]:
    """The error messages a page shows (field errors and error alerts)."""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", m)).split()) for m in _FORM_ERRORS.findall(page)]
