"""End to end: a provincial officer of Jambi reads the coverage dashboard with the
demo data in a real Chromium: the seeds' figures, the map (with a click-through) and
the charts drawn under the page's CSP. Saves a screenshot of the dashboard.

Run with: ``pytest tests/test_monitoring_browser.py -v`` (or ``-m browser``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import ARTIFACTS, CHROMIUM_ARGS, PASSWORD, chromium, jaring_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_provincial_officer_reads_the_dashboard_map_and_charts(chromium: Path, jaring_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base = jaring_server
    problems: list[str] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on(
                "console",
                lambda msg: (
                    problems.append(f"CSP: {msg.text}")
                    if msg.type == "error" and "content security policy" in msg.text.lower()
                    else None
                ),
            )
            page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
            page.on(
                "response",
                lambda r: (
                    problems.append(f"static file not served: {r.status} {r.url}")
                    if "/static/" in r.url and r.status != 200
                    else None
                ),
            )
            page.goto(f"{base}/masuk/")
            page.locator("#id_username").fill("jambi.viewer")
            page.locator("#id_password").fill(PASSWORD)
            page.locator("form[method=post] button[type=submit]").click()
            page.wait_for_url(f"{base}/")

            page.goto(f"{base}/monev/?tanggal=2024-08-12")
            expect(page.get_by_test_id("coverage-pct")).to_have_text("39,52%")
            expect(page.get_by_test_id("coverage-ranking")).to_contain_text("50,71%")
            regencies = page.locator("[data-testid=coverage-map] svg path.region")
            expect(regencies).to_have_count(11)
            drawn = page.evaluate(
                "(() => ['trend-chart', 'ranking-chart'].map("
                "id => !!(window.Chart && Chart.getChart(document.getElementById(id)))))()"
            )
            assert drawn == [True, True]
            page.screenshot(path=str(ARTIFACTS / "monev-dashboard.png"), full_page=True)

            page.locator('[data-testid=coverage-map] a:has(path[data-code="1504"])').click()
            page.wait_for_url("**wilayah=15.04**")
            expect(page.get_by_test_id("coverage-pct")).to_have_text("50,71%")
            assert problems == [], problems
        finally:
            browser.close()
