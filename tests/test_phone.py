"""Every page fits a phone: the village operator, a regency and a province officer, the
province admin and the auditor at 360x740 and 390x844.

Each user logs in to a real Jaring server (``tests/browser_server.py``) and visits every
page they can reach by following links from the home page (one address per URL route and
set of query parameters; downloads, the API and the pager's further pages are skipped).
For each page the test records ``document.documentElement.scrollWidth`` against the
viewport, saves a full-page screenshot to ``test-artifacts/phone/<user>/<width>/<slug>.png``
and writes the widths to ``test-artifacts/phone/widths.json`` and ``widths.md``. It fails
listing every page wider than the screen, with the elements that stick out, and every
control too small to touch: buttons, inputs, selects, pager and navigation links at
least 44 px high (WCAG 2.5.5), checkboxes and radios at least 22 px (2.5.8's 24 px less
the label they sit beside, which takes the tap too). Links inside a sentence or a table
cell are exempt, as in WCAG's inline exception.

Run with: ``pytest tests/test_phone.py -v`` (or ``-m browser``).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest

from .access import all_routes
from .browser_server import (
    ARTIFACTS_ROOT,
    CHROMIUM_ARGS,
    chromium,  # noqa: F401 (fixture)
    log_in,
    seed_database,
    server_env,
    serving,
)
from .crawl import page_key

pytestmark = pytest.mark.browser

ARTIFACTS = ARTIFACTS_ROOT / "phone"
# The village operator, a regency officer and a province officer (demo/seed.py USERS);
# the province admin (organizations, users, rates) and the auditor (the audit trail).
USERS = ["desa.operator", "batanghari.operator", "jambi.operator", "jambi.admin", "auditor"]
VIEWPORTS = [(360, 740), (390, 844)]
MAX_PAGES_PER_USER = 120

# Which elements stick out past the right edge (the deepest ones, widest first).
OVERFLOW_SCRIPT = """
(viewport) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= viewport + 1) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > viewport + 1)) continue;
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      name += '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.');
    out.push([Math.round(r.right), name]);
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 5).map(([right, name]) => `${name} (${right} px)`);
}
"""

# Controls smaller than a finger: [selector, minimum height in CSS px].
TOUCH_TARGETS = [
    [
        "button, .btn, input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, "
        "textarea, .page-link, .navbar-toggler, .navbar-nav .nav-link",
        44,
    ],
    ["input[type=checkbox], input[type=radio]", 22],
]
TOUCH_SCRIPT = """
(targets) => {
  const out = [];
  for (const [selector, minimum] of targets) {
    for (const el of document.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (el.closest('[hidden], .d-none, .visually-hidden')) continue;
      if (r.height + 0.5 >= minimum) continue;
      let name = el.tagName.toLowerCase();
      if (el.name) name += `[name=${el.name}]`;
      if (typeof el.className === 'string' && el.className.trim())
        name += '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.');
      const label = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 24);
      out.push(`${name} "${label}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return [...new Set(out)].slice(0, 8);
}
"""


@pytest.fixture(scope="module")
def phone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("jaring-phone")
    env = server_env(var_dir)
    seed_database(env)
    with serving(env, var_dir) as base_url:
        yield base_url


def _slug(address: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", address).strip("-")
    return (slug or "home")[:120]


def _open(page, url: str):
    """The page's response; None for a link that starts a download (evidence, documents)."""
    from playwright.sync_api import Error

    try:
        return page.goto(url)
    except Error as exc:
        if "Download is starting" in str(exc):
            return None
        raise


def _crawl(page, base: str) -> list[tuple[str, str]]:
    """Every page reachable from home by links: one address per route and query shape."""
    seen_keys = {"": "/"}
    pages = [("/", "")]
    queue = deque(["/"])
    while queue and len(pages) < MAX_PAGES_PER_USER:
        address = queue.popleft()
        response = _open(page, base + address)
        if response is None:
            pages = [entry for entry in pages if entry[0] != address]
            continue
        if response.status != 200:
            continue
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])",
            "els => els.map(a => new URL(a.getAttribute('href'), location.href).href.split('#')[0])",
        )
        for href in hrefs:
            key = page_key(href, base)
            if key is None or key[1] in seen_keys:
                continue
            seen_keys[key[1]] = key[0]
            pages.append((key[0], key[1]))
            queue.append(key[0])
    return pages


def _measure(page, base: str, address: str, width: int, shot: Path) -> dict:
    response = page.goto(base + address)
    status = response.status if response is not None else 0
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(OVERFLOW_SCRIPT, width) if scroll_width > width else []
    small = page.evaluate(TOUCH_SCRIPT, TOUCH_TARGETS)
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    return {"status": status, "scroll_width": scroll_width, "culprits": culprits, "small_targets": small}


def _write_report(rows: list[dict]) -> None:
    (ARTIFACTS / "widths.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    widths = sorted({row["viewport"] for row in rows})
    lines = [
        "# Page widths on phones",
        "",
        "`document.documentElement.scrollWidth` in CSS pixels per viewport width; "
        "**bold** is wider than the screen.",
        "",
        "| user | page | " + " | ".join(f"{w} px" for w in widths) + " |",
        "|---|---|" + "---:|" * len(widths),
    ]
    table: dict[tuple[str, str], dict[int, dict]] = {}
    for row in rows:
        table.setdefault((row["user"], row["address"]), {})[row["viewport"]] = row
    for (user, address), by_width in table.items():
        cells = []
        for w in widths:
            row = by_width.get(w)
            if row is None:
                cells.append("")
            elif row["status"] != 200:
                cells.append(f"({row['status']})")
            elif row["scroll_width"] > w:
                cells.append(f"**{row['scroll_width']}**")
            else:
                cells.append(str(row["scroll_width"]))
        lines.append(f"| {user} | `{address}` | " + " | ".join(cells) + " |")
    wide = [r for r in rows if r["status"] == 200 and r["scroll_width"] > r["viewport"]]
    small = [r for r in rows if r["status"] == 200 and r.get("small_targets")]
    lines += [
        "",
        f"{len(wide)} of {len(rows)} page views wider than the screen; "
        f"{len(small)} with controls too small to touch.",
    ]
    (ARTIFACTS / "widths.md").write_text("\n".join(lines) + "\n")


def test_every_page_fits_a_phone(chromium: Path, phone_server: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    base = phone_server
    rows: list[dict] = []
    routes_seen: set[str] = set()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            for username in USERS:
                pages: list[tuple[str, str]] = []
                for width, height in VIEWPORTS:
                    context = browser.new_context(
                        locale="id-ID",
                        viewport={"width": width, "height": height},
                        is_mobile=True,
                        has_touch=True,
                        device_scale_factor=1,
                    )
                    context.set_default_timeout(30_000)
                    page = context.new_page()
                    log_in(page, base, username)
                    if not pages:
                        pages = _crawl(page, base)
                    for address, key in pages:
                        shot = ARTIFACTS / username / str(width) / f"{_slug(address)}.png"
                        measured = _measure(page, base, address, width, shot)
                        routes_seen.add(key.split("?")[0])
                        row = {"user": username, "viewport": width, "address": address, "route": key}
                        rows.append({**row, **measured})
                    context.close()
        finally:
            browser.close()

    _write_report(rows)
    assert len({r["address"] for r in rows}) > 20, "the crawl found too few pages"
    failed = [r for r in rows if r["status"] >= 500]
    wide = [r for r in rows if r["status"] == 200 and r["scroll_width"] > r["viewport"]]
    problems = [f"{r['address']} answered {r['status']} to {r['user']}" for r in failed]
    problems += [
        f"{r['user']} @ {r['viewport']} px: {r['address']} is {r['scroll_width']} px wide "
        f"({'; '.join(r['culprits'])})"
        for r in wide
    ]
    problems += [
        f"{r['user']} @ {r['viewport']} px: {r['address']} has controls too small to touch: "
        + "; ".join(r["small_targets"])
        for r in rows
        if r["status"] == 200 and r["small_targets"]
    ]
    unreached = sorted(
        route for route in all_routes() if not route.startswith("api/") and route not in routes_seen
    )
    (ARTIFACTS / "unreached.txt").write_text("\n".join(unreached) + "\n")
    assert not problems, "\n".join(problems)


def test_a_slow_post_shows_progress_and_cannot_be_sent_twice(chromium: Path, phone_server: str) -> None:  # noqa: F811
    """The language switch (a POST) held back by the test: the bar and "Memproses..." show
    and the button is disabled while it waits; the post still carries the button's value.

    Playwright cannot read the page while its navigation is pending, so the page reports
    what happens to the bar and the button on its console."""
    from playwright.sync_api import expect, sync_playwright

    base = phone_server
    held = []
    seen: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("console", lambda message: seen.append(message.text))
            log_in(page, base, USERS[0])
            expect(page.locator("#page-progress")).to_be_hidden()
            page.evaluate(PROGRESS_OBSERVER)
            page.route("**/i18n/setlang/", lambda route: held.append(route))
            english = page.locator("form[action='/i18n/setlang/'] button[value=en]")
            with page.expect_console_message(lambda m: m.text.startswith("progress shown"), timeout=5000):
                english.click(no_wait_after=True)
            assert "progress shown: Memproses…" in seen
            assert "button disabled" in seen
            assert len(held) == 1, "the post was sent more than once"
            assert "language=en" in (held[0].request.post_data or ""), "the button's value was not sent"
            with page.expect_navigation():
                held[0].continue_()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator("#page-progress")).to_be_hidden()
            context.close()
        finally:
            browser.close()


PROGRESS_OBSERVER = """() => {
  const bar = document.getElementById('page-progress');
  const button = document.querySelector("form[action='/i18n/setlang/'] button[value=en]");
  new MutationObserver(() => { if (!bar.hidden) console.log('progress shown: ' + bar.innerText.trim()); })
    .observe(bar, {attributes: true});
  new MutationObserver(() => { if (button.disabled) console.log('button disabled'); })
    .observe(button, {attributes: true});
}"""


def test_the_touch_check_finds_what_a_finger_cannot_hit(chromium: Path) -> None:  # noqa: F811
    """The measure itself: a 30 px button and a bare checkbox are reported; a 44 px
    button, a link inside a sentence and a hidden button are not."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            page.set_content(
                '<button style="height:30px">Simpan</button><input type="checkbox" name="pilih">'
                '<button style="height:44px">Kirim</button><p>Lihat <a href="#">daftar</a>.</p>'
                "<button hidden>Hapus</button>"
            )
            small = page.evaluate(TOUCH_SCRIPT, TOUCH_TARGETS)
        finally:
            browser.close()
    assert len(small) == 2, small
    assert small[0].startswith('button "Simpan" ') and small[0].endswith("x30")
    assert small[1].startswith("input[name=pilih]")
