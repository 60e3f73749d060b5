"""End to end: a village operator logs in to a real Jaring server in a real Chromium.

The server is a subprocess (``jaring runserver``) on its own throwaway SQLite database,
loaded with only a few provinces (Jambi, Bengkulu and the rest of the demo's Sumbagsel)
and the demo users, so nothing here touches the pytest-django test database. The browser
is Debian's Chromium, installed with apt if it is missing; Playwright only drives it
(``playwright install`` is never run).

Run with: ``pytest tests/test_browser.py -v`` (or ``-m browser``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser_server import (
    ARTIFACTS_ROOT,
    CHROMIUM_ARGS,
    COMMAND_TIMEOUT,
    JARING,
    PASSWORD,
    chromium,  # noqa: F401 (a fixture, also imported from here by test_monitoring_browser)
    seed_database,
    server_env,
    serving,
)
from .system import run

pytestmark = pytest.mark.browser

ARTIFACTS = ARTIFACTS_ROOT / "browser"

USERNAME = "desa.operator"
VILLAGE_CODE = "1504012003"  # Desa Sengkati Gedang, 15.04.01.2003 (Mersam, Batanghari, Jambi)
NEIGHBOUR_CODE = "1504012002"  # Sengkati Kecil: same district, outside the operator's village


@pytest.fixture(scope="module")
def jaring_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, seeded Jaring served by ``runserver`` on a free port; yields its base URL."""
    var_dir = tmp_path_factory.mktemp("jaring-browser")
    env = server_env(var_dir)
    seed_database(env)
    # The search assertion below ("only Sengkati Gedang") is only meaningful if the
    # neighbouring villages with the same name prefix really are in the database.
    names = run(
        [
            str(JARING),
            "shell",
            "-c",
            "from jaring.regions.models import Region; "
            "print(sorted(Region.objects.filter(name__startswith='Sengkati')"
            ".values_list('name', flat=True)))",
        ],
        env=env,
        timeout=COMMAND_TIMEOUT,
    )
    for name in ("Sengkati Gedang", "Sengkati Kecil", "Sengkati Baru"):
        assert name in names, f"{name!r} was not loaded: {names}"
    with serving(env, var_dir) as base_url:
        yield base_url


def test_village_operator_sees_only_their_village(chromium: Path, jaring_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base = jaring_server
    console_errors: list[str] = []
    page_errors: list[str] = []
    bad_static: list[str] = []

    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
            context.set_default_timeout(15_000)
            expect.set_options(timeout=10_000)
            page = context.new_page()
            page.on(
                "console",
                lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
            )
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))
            page.on(
                "response",
                lambda r: (
                    bad_static.append(f"{r.status} {r.url}")
                    if "/static/" in r.url and r.status != 200
                    else None
                ),
            )

            # Log in the way a person does: the home page sends them to the login form.
            page.goto(f"{base}/")
            expect(page).to_have_url(f"{base}/masuk/?next=/")
            page.locator("#id_username").fill(USERNAME)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("form[method=post] button[type=submit]").click()
            page.wait_for_url(f"{base}/")

            # Home: where am I?
            breadcrumb = page.get_by_test_id("breadcrumb")
            expect(breadcrumb).to_be_visible()
            for ancestor in ("Jambi", "Batanghari", "Mersam", "Sengkati Gedang"):
                expect(breadcrumb).to_contain_text(ancestor)
            expect(page.get_by_role("heading", level=1)).to_contain_text("Sengkati Gedang")
            expect(page.get_by_text("15.04.01.2003", exact=True)).to_be_visible()
            expect(page.get_by_test_id("org-line")).to_contain_text("Pemerintah Desa Sengkati Gedang")
            expect(page.get_by_test_id("account-link")).to_contain_text("Yusuf Pratama")

            page.screenshot(path=str(ARTIFACTS / "village-operator-home.png"), full_page=True)

            # Did the stylesheets apply? Without bootstrap.min.css a <nav> is display:block;
            # without jaring.css the navbar has no green .bg-jaring background.
            nav_display, nav_colour = page.evaluate(
                "(() => { const s = getComputedStyle(document.querySelector('nav.navbar'));"
                " return [s.display, s.backgroundColor]; })()"
            )

            # Search from the home page's search box: only the operator's own village.
            search_box = page.get_by_role("search").get_by_role("searchbox")
            search_box.fill("Sengkati")
            search_box.press("Enter")
            page.wait_for_url(f"{base}/wilayah/?q=Sengkati")
            results = page.get_by_test_id("search-results")
            expect(results).to_be_visible()
            expect(results.locator("tbody tr")).to_have_count(1)
            expect(results.locator("tbody tr td a")).to_have_text(["Sengkati Gedang"])
            expect(results).to_contain_text("15.04.01.2003")
            body = page.locator("body")
            expect(body).not_to_contain_text("Sengkati Kecil")
            expect(body).not_to_contain_text("Sengkati Baru")

            # The same page reached directly by its address.
            response = page.goto(f"{base}/wilayah/?q=Sengkati")
            assert response is not None and response.status == 200
            expect(page.get_by_test_id("search-results").locator("tbody tr")).to_have_count(1)

            # A neighbouring village and the province are out of reach: the not-found page.
            for code in (NEIGHBOUR_CODE, "15"):
                response = page.goto(f"{base}/wilayah/{code}/")
                assert response is not None, code
                assert response.status == 404, f"/wilayah/{code}/ answered {response.status}"
                expect(page.get_by_role("heading", level=1)).to_have_text("Halaman atau data tidak ditemukan")
                expect(page.locator("body")).not_to_contain_text("Sengkati Kecil")

            # The operator's own village is reachable.
            response = page.goto(f"{base}/wilayah/{VILLAGE_CODE}/")
            assert response is not None and response.status == 200
            expect(page.get_by_role("heading", level=1)).to_contain_text("Sengkati Gedang")

            context.close()
        finally:
            browser.close()

    # Page health, checked last so that one run reports every problem at once.
    problems = []
    if nav_display != "flex":
        problems.append(f"bootstrap.min.css not applied: nav.navbar is display:{nav_display}")
    if nav_colour != "rgb(11, 93, 59)":
        problems.append(f"jaring.css not applied: nav.navbar background is {nav_colour}")
    problems += [f"static file not served: {line}" for line in dict.fromkeys(bad_static)]
    problems += [
        f"Content-Security-Policy console error: {text}"
        for text in dict.fromkeys(console_errors)
        if "content security policy" in text.lower()
    ]
    problems += [f"JavaScript error: {text}" for text in dict.fromkeys(page_errors)]
    assert not problems, "\n".join(problems)
