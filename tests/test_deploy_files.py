"""The production files under ``deploy/`` agree with the code they run.

Every environment variable ``settings.py`` reads is in ``deploy/jaring.env.example``;
every ``jaring`` command in the systemd units, ``compose.yaml`` and the Containerfile is a
management command that exists and accepts the options given; nginx proxies to the
address the web unit binds, with the web server's timeout, the header
``SECURE_PROXY_SSL_HEADER`` names and the collected static root; ``compose.yaml`` has
the services it promises. No database is used.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import Resolver404, resolve

import jaring.settings as settings_module

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SETTINGS_SOURCE = Path(settings_module.__file__).read_text(encoding="utf-8")
ENV_EXAMPLE = DEPLOY / "jaring.env.example"
SYSTEMD = DEPLOY / "systemd"
WEB_UNIT = SYSTEMD / "jaring-web.service"
NGINX_SITE = DEPLOY / "nginx" / "jaring.conf"
NGINX_PROXY = DEPLOY / "nginx" / "jaring-proxy.conf"
COMPOSE = DEPLOY / "compose.yaml"
CONTAINERFILE = DEPLOY / "Containerfile"

# env.str("NAME", ...), env.bool(...), env.db_url(...), env("NAME"), across line breaks.
ENV_READ = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
ENV_LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
SIZE = re.compile(r"^(\d+)([kKmMgG]?)$")


def settings_env_names() -> set[str]:
    return set(ENV_READ.findall(SETTINGS_SOURCE))


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def env_example() -> dict[str, dict]:
    """Each variable of the example: its value, whether its line is commented out, and the
    comment above it (one comment may introduce a group of lines, e.g. the EMAIL_HOST...
    lines) and whether that comment says REQUIRED."""
    entries: dict[str, dict] = {}
    comment: list[str] = []
    after_assignment = False
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        match = ENV_LINE.match(stripped)
        if match:
            commented, name, value = match.groups()
            assert name not in entries, f"{name} is listed twice in {ENV_EXAMPLE.name}"
            text = " ".join(comment)
            entries[name] = {
                "value": _unquote(value),
                "commented": bool(commented),
                "comment": text,
                "required": "REQUIRED" in text,
            }
            after_assignment = True
        elif not stripped or stripped.startswith("# ----"):  # a blank line or a section heading
            comment, after_assignment = [], False
        elif stripped.startswith("#"):
            if after_assignment:  # a comment after a group of lines introduces the next group
                comment, after_assignment = [], False
            comment.append(stripped.lstrip("# "))
        else:
            pytest.fail(f"{ENV_EXAMPLE.name}: neither NAME=value nor a comment: {line!r}")
    return entries


def env_example_values() -> dict[str, str]:
    """The variables set (not commented out), as systemd and the shell read them."""
    return {name: e["value"] for name, e in env_example().items() if not e["commented"]}


def exec_starts() -> dict[str, list[str]]:
    """Each unit's ExecStart, split into words."""
    lines = {}
    for unit in sorted(SYSTEMD.glob("*.service")):
        starts = [
            line.removeprefix("ExecStart=")
            for line in unit.read_text(encoding="utf-8").splitlines()
            if line.startswith("ExecStart=")
        ]
        assert len(starts) == 1, f"{unit.name}: one ExecStart expected, found {starts}"
        lines[unit.name] = shlex.split(starts[0])
    return lines


def unit_setting(unit: Path, key: str) -> list[str]:
    return [
        line.split("=", 1)[1].strip()
        for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{key}=")
    ]


def compose_services() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def jaring_command_lines() -> dict[str, list[str]]:
    """Every `jaring <command> ...` the deploy files run: where -> the words after `jaring`."""
    found = {}
    for unit, words in exec_starts().items():
        if Path(words[0]).name == "jaring":
            found[f"systemd/{unit}"] = words[1:]
    try:
        services = compose_services()
    except pytest.skip.Exception:  # no PyYAML: the commands are read as JSON-like lists
        for number, line in enumerate(COMPOSE.read_text(encoding="utf-8").splitlines(), 1):
            match = re.search(r"command:\s*(\[.*\])", line)
            if match:
                words = [w.strip().strip("\"'") for w in match.group(1).strip("[]").split(",")]
                if words[0] == "jaring":
                    found[f"compose.yaml:{number}"] = words[1:]
    else:
        for name, service in services.items():
            command = service.get("command")
            words = shlex.split(command) if isinstance(command, str) else command
            if words and words[0] == "jaring":
                found[f"compose.yaml {name}"] = [str(w) for w in words[1:]]
    cmd = re.search(r"^CMD\s+(\[.*\])\s*$", CONTAINERFILE.read_text(encoding="utf-8"), re.M)
    assert cmd, "the Containerfile has no CMD [...]"
    words = [w.strip().strip('"') for w in cmd.group(1).strip("[]").split(",")]
    if words[0] == "jaring":
        found["Containerfile CMD"] = words[1:]
    return found


def nginx_text() -> str:
    return NGINX_SITE.read_text(encoding="utf-8") + "\n" + NGINX_PROXY.read_text(encoding="utf-8")


def nginx_directives(text: str, name: str) -> list[str]:
    """The arguments of every ``name ...;`` directive (comments removed)."""
    bare = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return [m.strip() for m in re.findall(rf"(?:^|[\s{{;]){re.escape(name)}\s+([^;{{}}]+);", bare)]


def size_bytes(value: str) -> int:
    match = SIZE.match(value)
    assert match, f"not an nginx size: {value!r}"
    number, unit = match.groups()
    return int(number) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[unit.lower()]


def web_bind() -> str:
    words = exec_starts()[WEB_UNIT.name]
    assert "--bind" in words, f"jaring-web.service does not pass --bind: {words}"
    return words[words.index("--bind") + 1]


# ---- (a) the environment --------------------------------------------------------------


def test_every_variable_settings_reads_is_in_the_env_example():
    read = settings_env_names()
    # The parse is not vacuous: it sees one-line and multi-line calls of every kind.
    assert {"SECRET_KEY", "JARING_ENV", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_PORT"} <= read
    listed = set(env_example())
    missing = sorted(read - listed)
    assert not missing, f"read by settings.py but not in {ENV_EXAMPLE.name}: {missing}"


def test_each_variable_of_the_env_example_has_a_comment_and_the_required_ones_are_set():
    entries = env_example()
    uncommented = [name for name, e in entries.items() if not e["comment"]]
    assert not uncommented, f"variables without a comment above them: {uncommented}"
    required = {name for name, e in entries.items() if e["required"]}
    assert {"JARING_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"} <= required
    not_set = sorted(name for name in required if entries[name]["commented"] or not entries[name]["value"])
    assert not not_set, f"REQUIRED but commented out or empty: {not_set}"
    values = env_example_values()
    assert values["JARING_ENV"] == "production"
    assert values["DATABASE_URL"].startswith(("postgres://", "postgresql://"))
    assert values.get("DEBUG", "false").lower() in {"false", "0", "off", "no"}
    dollars = sorted(name for name, value in values.items() if "$" in value or "`" in value)
    assert not dollars, f"values the shell or compose would expand: {dollars}"


def test_the_env_example_loads_as_production_settings_and_passes_check_deploy():
    """The example's values parse (integers, booleans, the database URL) and are those of
    a production installation; `jaring check --deploy` is clean with them."""
    env = {k: v for k, v in os.environ.items() if k not in settings_env_names()}
    env.update(env_example_values())
    env["DJANGO_SETTINGS_MODULE"] = "jaring.settings"
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.PRODUCTION, s.DEBUG, str(s.STATIC_ROOT), str(s.MEDIA_ROOT), "
        "s.DATABASES['default']['ENGINE'], s.SECURE_PROXY_SSL_HEADER, s.EMAIL_USE_TLS and s.EMAIL_USE_SSL]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    production, debug, static_root, media_root, engine, proxy_header, both_tls = json.loads(
        done.stdout.strip().splitlines()[-1]
    )
    var_dir = Path(env["JARING_VAR_DIR"])
    assert production is True and debug is False
    assert Path(static_root).parent == var_dir and Path(media_root).parent == var_dir
    assert engine == "django.db.backends.postgresql"
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert both_tls is False, "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true"
    check = subprocess.run(
        [sys.executable, "-m", "jaring", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


# ---- (b) the commands -----------------------------------------------------------------


def test_every_jaring_command_in_the_deploy_files_exists_and_accepts_its_options():
    lines = jaring_command_lines()
    named = {words[0] for words in lines.values()}
    # The files run the web server, the workers, the scheduler and the migrations.
    assert {"serve", "db_worker", "scheduler", "migrate"} <= named, lines
    commands = get_commands()
    unknown = sorted(
        {f"{where}: jaring {words[0]}" for where, words in lines.items() if words[0] not in commands}
    )
    assert not unknown, f"not a management command: {unknown}"
    for where, (name, *args) in lines.items():
        command = load_command_class(commands[name], name)
        try:
            # The production task backend (conftest runs tasks immediately instead), which
            # db_worker's --backend checks.
            with override_settings(TASKS=settings_module.TASKS):
                command.create_parser("jaring", name).parse_args(args)
        except CommandError as exc:
            pytest.fail(f"{where}: jaring {name} {' '.join(args)}: {exc}")


def test_the_systemd_units_run_as_jaring_with_the_env_file_and_may_write_the_var_dir():
    var_dir = env_example_values()["JARING_VAR_DIR"]
    units = sorted(SYSTEMD.glob("*.service"))
    assert {u.name for u in units} >= {"jaring-web.service", "jaring-scheduler.service"}
    assert any(u.name.startswith("jaring-worker") for u in units)
    for unit in units:
        assert unit_setting(unit, "User") == ["jaring"], unit.name
        assert unit_setting(unit, "EnvironmentFile") == ["/etc/jaring/jaring.env"], unit.name
        assert unit_setting(unit, "WorkingDirectory") == ["/opt/jaring"], unit.name
        assert unit_setting(unit, "Restart") == ["on-failure"], unit.name
        assert unit_setting(unit, "ProtectSystem") == ["strict"], unit.name
        assert unit_setting(unit, "NoNewPrivileges") == ["yes"], unit.name
        assert unit_setting(unit, "PrivateTmp") == ["yes"], unit.name
        writable = " ".join(unit_setting(unit, "ReadWritePaths")).split()
        assert var_dir in writable, f"{unit.name}: JARING_VAR_DIR {var_dir} not in ReadWritePaths"
        assert unit_setting(unit, "KillSignal") == ["SIGTERM"], unit.name
        assert unit_setting(unit, "TimeoutStopSec"), unit.name


def test_the_web_unit_waits_longer_than_gunicorn_takes_to_stop():
    from jaring.ops.management.commands.serve import GRACEFUL_TIMEOUT

    (stop,) = unit_setting(WEB_UNIT, "TimeoutStopSec")
    assert int(stop) > GRACEFUL_TIMEOUT


# ---- (c) nginx ------------------------------------------------------------------------


def test_nginx_proxies_to_the_address_the_web_unit_binds():
    text = nginx_text()
    bind = web_bind()
    upstreams = {
        name: set(re.findall(r"^\s*server\s+([^\s;]+)", body, re.M))
        for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", text, re.S)
    }
    targets = [t.removeprefix("http://").rstrip("/") for t in nginx_directives(text, "proxy_pass")]
    assert targets, "nginx proxies nothing"
    for target in targets:
        addresses = upstreams.get(target, {target})
        assert addresses == {bind}, f"proxy_pass {target} -> {addresses}, web unit binds {bind}"


def test_nginx_accepts_large_spreadsheets_and_waits_as_long_as_the_web_server():
    from jaring.ops.management.commands.serve import TIMEOUT

    text = nginx_text()
    (body,) = nginx_directives(text, "client_max_body_size")
    assert size_bytes(body) >= 100 << 20, f"client_max_body_size {body} is too small for imports"
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        (value,) = nginx_directives(text, name)
        assert value == f"{TIMEOUT}s", f"{name} {value}, gunicorn's timeout is {TIMEOUT}s"


def test_nginx_sends_the_header_settings_trust_for_https_on_every_proxied_request():
    header = re.search(
        r"SECURE_PROXY_SSL_HEADER\s*=\s*\(\s*\"HTTP_([A-Z_]+)\"\s*,\s*\"https\"", SETTINGS_SOURCE
    )
    assert header, "settings.py no longer sets SECURE_PROXY_SSL_HEADER: revisit deploy/nginx"
    name = header.group(1).replace("_", "-").lower()
    sent = {
        value.split()[0].lower(): value.split()[1]
        for value in nginx_directives(NGINX_PROXY.read_text(encoding="utf-8"), "proxy_set_header")
    }
    assert sent.get(name) == "$scheme", f"the proxy snippet must set {name} $scheme: {sent}"
    site = NGINX_SITE.read_text(encoding="utf-8")
    includes = [i for i in nginx_directives(site, "include") if i.endswith(NGINX_PROXY.name)]
    assert len(includes) == len(nginx_directives(site, "proxy_pass")), "a proxy_pass without the headers"


def test_nginx_serves_the_collected_static_root_with_an_immutable_cache_and_never_media():
    text = NGINX_SITE.read_text(encoding="utf-8")
    var_dir = Path(env_example_values()["JARING_VAR_DIR"])
    static_root = var_dir / Path(settings.STATIC_ROOT).relative_to(settings.VAR_DIR)
    block = re.search(r"location\s+(?:\^~\s+)?/static/\s*\{(.*?)\n    \}", text, re.S)
    assert block, "no location /static/"
    body = block.group(1)
    roots = nginx_directives(body, "root")
    aliases = nginx_directives(body, "alias")
    served = Path(roots[0]) / settings.STATIC_URL.strip("/") if roots else Path(aliases[0])
    assert served == static_root, f"nginx serves /static/ from {served}, STATIC_ROOT is {static_root}"
    assert "immutable" in body and "max-age=31536000" in body
    media = var_dir / Path(settings.MEDIA_ROOT).relative_to(settings.VAR_DIR)
    assert not re.search(r"location\s+[^{]*media", text), "uploaded files must not be served by nginx"
    assert str(media) not in text


def test_the_health_checks_nginx_passes_and_the_container_asks_are_jaring_urls():
    text = NGINX_SITE.read_text(encoding="utf-8")
    for path in ("/healthz", "/readyz"):
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{path} is not a Jaring URL")
        assert re.search(rf"location\s+=\s+{path}\s*\{{[^}}]*proxy_pass", text), f"nginx does not pass {path}"
    check = (DEPLOY / "healthcheck.py").read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000/healthz" in check
    containerfile = CONTAINERFILE.read_text(encoding="utf-8")
    assert re.search(r"^HEALTHCHECK .*healthcheck\.py", containerfile, re.M | re.S)


# ---- (d) containers -------------------------------------------------------------------


def test_compose_has_the_five_services_and_migrates_before_the_web_server_starts():
    services = compose_services()
    assert {"web", "worker", "scheduler", "postgres", "redis"} <= set(services)
    postgres = services["postgres"]
    assert str(postgres["image"]).startswith("postgres:15")
    assert postgres.get("healthcheck", {}).get("test"), "postgres has no health check"
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in postgres.get("volumes", []))
    assert str(services["redis"]["image"]).startswith("redis:7")
    assert services["migrate"]["command"][:2] == ["jaring", "migrate"]
    for name in ("web", "worker", "scheduler"):
        needs = services[name].get("depends_on", {})
        assert needs.get("migrate", {}).get("condition") == "service_completed_successfully", name


def test_compose_publishes_the_web_server_on_the_hosts_loopback_at_the_port_it_binds():
    web = compose_services()["web"]
    words = web["command"]
    port = words[words.index("--bind") + 1].rsplit(":", 1)[1]
    (published,) = web["ports"]
    host_ip, _host_port, container_port = str(published).split(":")
    assert container_port == port
    # Django trusts X-Forwarded-Proto: only nginx on this machine may reach gunicorn.
    assert host_ip == "127.0.0.1"


def test_the_containerfile_builds_as_the_makefile_installs_and_runs_as_a_user():
    text = CONTAINERFILE.read_text(encoding="utf-8")
    stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert stages[-1] == "python:3.11-slim"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    if "npm ci" in makefile:
        assert "npm ci" in text and "copy_vendor_assets.sh" in text
    assert "pip install" in text and "collectstatic --noinput" in text
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in {"root", "0"}
