"""Page weight on a weak link: raw and gzip-compressed size of each page and its assets.

    .venv/bin/python bench/page_sizes.py [--database sqlite:////path/to/seeded.sqlite3]
        [--users desa.operator,jambi.operator] [--pages-per-user 80] [--top 40]

Without ``--database`` a throwaway SQLite database is created under a temporary directory
and seeded like the browser tests (the demo's provinces, ``seed_demo``), which takes a
minute or two; with it, an already seeded database is read (and not changed: pages are
only fetched with GET).

Each demo user (one per role, demo/seed.py USERS) is logged in through Django's test
client and follows links from the home page: one address per URL route and set of query
parameters, downloads and the API left out. For each page it reports the HTML's raw and
gzip size (level 6, as a web server would send it) and the stylesheets, scripts and
images the page loads (read from the static files finders), which a first visit
downloads and later visits take from the cache (WhiteNoise serves hashed names as
immutable), with the fonts the stylesheets load. Heaviest first by the compressed HTML; the
last column is what a first visit downloads compressed.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import posixpath
import re
import subprocess
import sys
import tempfile
from collections import deque
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the crawl's rule is the phone test's (tests/crawl.py)
from tests.crawl import page_key  # noqa: E402

FONT = re.compile(r'url\("?([^")?#]+\.woff2)')
HREF = re.compile(r'<a\s[^>]*?href="([^"#]+)', re.I)
ASSET = re.compile(
    r'<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]*href|script[^>]+src|img[^>]+src)="([^"]+)"', re.I
)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def seed(url: str, work: Path) -> None:
    """The demo in a fresh SQLite database (the browser tests' provinces)."""
    from tests.browser_server import province_args

    env = {**os.environ, "DATABASE_URL": url, "JARING_VAR_DIR": str(work)}
    jaring = str(VENV_BIN / "jaring")
    for command in (["migrate", "--noinput"], ["load_regions", *province_args()], ["seed_demo"]):
        print(f"# jaring {' '.join(command)}", file=sys.stderr)
        subprocess.run([jaring, *command], env=env, check=True, stdout=subprocess.DEVNULL)


def asset_sizes(url: str, cache: dict) -> tuple[int, int]:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    if url not in cache:
        name = urlsplit(url).path.removeprefix(settings.STATIC_URL)
        found = finders.find(name)
        data = Path(found).read_bytes() if found else b""
        raw, packed = len(data), gz(data)
        if name.endswith(".css"):
            # The fonts a stylesheet loads (a browser takes the first format it reads: woff2).
            for font in dict.fromkeys(FONT.findall(data.decode("utf-8", "replace"))):
                font_file = finders.find(posixpath.normpath(posixpath.join(posixpath.dirname(name), font)))
                if font_file:
                    size = Path(font_file).stat().st_size
                    raw, packed = raw + size, packed + size  # already compressed
        cache[url] = (raw, packed)
    return cache[url]


def crawl(client, limit: int) -> list[tuple[str, bytes, int]]:
    seen = {""}
    queue = deque(["/"])
    pages = []
    while queue and len(pages) < limit:
        address = queue.popleft()
        try:
            response = client.get(address)
        except OSError:  # a document whose file is not in this var/ directory
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content
        pages.append((address, body, response.status_code))
        for href in HREF.findall(body.decode("utf-8", "replace")):
            key = page_key(href)
            if key is not None and key[1] not in seen:
                seen.add(key[1])
                queue.append(key[0])
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", help="DATABASE_URL of a seeded database (default: seed a throwaway one)"
    )
    parser.add_argument("--users", help="comma-separated usernames (default: every demo user)")
    parser.add_argument("--pages-per-user", type=int, default=80)
    parser.add_argument("--top", type=int, default=40, help="rows of the table (0: all)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jaring-sizes-") as work:
        os.environ["DATABASE_URL"] = args.database or f"sqlite:///{Path(work) / 'sizes.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
        os.environ.pop("JARING_ENV", None)
        import django

        django.setup()
        if not args.database:
            seed(os.environ["DATABASE_URL"], Path(work))
        from django.test import Client
        from django.test.utils import setup_test_environment

        from jaring.accounts.models import User
        from jaring.demo.seed import USERS

        setup_test_environment()  # the test client's "testserver" host is allowed
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # pages refused on purpose

        usernames = args.users.split(",") if args.users else [demo.username for demo in USERS]
        assets: dict[str, tuple[int, int]] = {}
        rows = []
        for username in usernames:
            client = Client()
            client.force_login(User.objects.get(username=username))
            for address, body, _status in crawl(client, args.pages_per_user):
                urls = list(dict.fromkeys(ASSET.findall(body.decode("utf-8", "replace"))))
                sizes = [asset_sizes(unescape(u), assets) for u in urls if "/static/" in u]
                rows.append(
                    {
                        "user": username,
                        "page": address,
                        "html": len(body),
                        "html_gz": gz(body),
                        "assets": sum(s[0] for s in sizes),
                        "assets_gz": sum(s[1] for s in sizes),
                    }
                )

    # Heaviest first by the page itself: its assets are cached after the first visit.
    rows.sort(key=lambda r: (r["html_gz"], r["assets_gz"]), reverse=True)
    kb = lambda n: f"{n / 1024:,.1f}"  # noqa: E731
    print(f"{len(rows)} pages of {len(usernames)} users; sizes in KiB (gzip level 6); one row per path\n")
    print("| user | page | HTML | HTML gz | assets | assets gz | first visit gz |")
    print("|---|---|---:|---:|---:|---:|---:|")
    # One row per page (its path), for the user who gets the heaviest version of it.
    distinct, paths = [], set()
    for r in rows:
        if urlsplit(r["page"]).path not in paths:
            paths.add(urlsplit(r["page"]).path)
            distinct.append(r)
    for r in distinct[: args.top or None]:
        total = r["html_gz"] + r["assets_gz"]
        print(
            f"| {r['user']} | `{r['page'][:60]}` | {kb(r['html'])} | {kb(r['html_gz'])} "
            f"| {kb(r['assets'])} | {kb(r['assets_gz'])} | {kb(total)} |"
        )
    print("\n| static asset | raw | gz |\n|---|---:|---:|")
    for url, (raw, packed) in sorted(assets.items(), key=lambda item: -item[1][1]):
        print(f"| `{url}` | {kb(raw)} | {kb(packed)} |")
    sizes = sorted(r["html_gz"] for r in rows)
    print(f"\nHTML compressed: median {kb(sizes[len(sizes) // 2])} KiB, largest {kb(sizes[-1])} KiB")
    heaviest = max(rows, key=lambda r: r["html_gz"])
    print(
        f"\nheaviest HTML: {heaviest['page']} ({heaviest['user']}) {kb(heaviest['html'])} KiB, "
        f"{kb(heaviest['html_gz'])} KiB compressed"
    )


if __name__ == "__main__":
    main()
