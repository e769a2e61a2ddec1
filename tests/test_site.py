"""The families' download pages, in a real browser: Debian's Chromium driven by Playwright,
audited with axe-core (from the npm registry) injected into each page."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from tests.conftest import CONDITIONS, locales_of, texts_of

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".test-deps" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "output" / "screenshots"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.html_attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = {k: v or "" for k, v in attrs.items()}
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_link_on_every_page_resolves_to_a_local_file(built):
    output = built[0]
    pages = list(output.rglob("*.html"))
    assert len(pages) > 16 * 4
    for page in pages:
        for link in parse(page).links:
            url = urlparse(link)
            assert not url.netloc, f"{page}: {link} leaves the site"
            if url.scheme in ("tel", "mailto"):
                continue
            assert not url.scheme, f"{page}: {link}"
            target = (page.parent / urldefrag(link)[0]).resolve()
            assert target.is_file(), f"{page}: broken link {link}"


def test_each_page_has_the_right_lang_and_dir(built):
    output = built[0]
    for condition in CONDITIONS:
        for tag in locales_of(condition):
            for page in (output / condition / tag).glob("*.html"):
                attrs = parse(page).html_attrs
                assert attrs.get("lang") == tag, page
                assert attrs.get("dir") == texts_of(condition, tag).direction, page
    index = parse(output / "index.html")
    assert index.html_attrs.get("lang") == "en"


def test_index_lists_every_condition_and_its_languages_in_their_own_script(built):
    html = (built[0] / "index.html").read_text(encoding="utf-8")
    for own, english in (("العربية", "Arabic"), ("Tiếng Việt", "Vietnamese"), ("한국어", "Korean"), ("Español", "Spanish")):
        assert re.search(f">{re.escape(own)}</a> <span class=\"english\" lang=\"en\">{english}</span>", html), own
    assert html.count('<li><a href="') == sum(len(locales_of(c)) for c in CONDITIONS)
    for condition in CONDITIONS:
        assert f'id="{condition}"' in html


def test_pages_are_deterministic_and_fetch_nothing(built, project, tmp_path):
    from handouts.build import build
    from handouts.settings import Settings

    build(project, tmp_path, settings=Settings(), locales=["fa"], editions=("standard",))
    again = tmp_path / "again"
    build(project, again, settings=Settings(), locales=["fa"], editions=("standard",))
    pages = list((tmp_path / "higm" / "fa").glob("*.html"))
    assert pages
    for page in pages:
        assert page.read_bytes() == (again / "higm" / "fa" / page.name).read_bytes()
        assert "<script" not in page.read_text(encoding="utf-8")


# ------------------------------------------------------------------- in the browser

from playwright import sync_api as playwright  # noqa: E402  (a test dependency: never skipped)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright; tests using it are marked ``browser``."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `make test`, which fetches it from the npm registry")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


def open_page(browser, path: Path, width: int = 360):
    page = browser.new_page(viewport={"width": width, "height": 740})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.external_requests = [u for u in requests if not u.startswith("file://")]
    return page


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, nodes: v.nodes.length, help: v.help}))")


@pytest.mark.parametrize("relative", ["index.html", "higm/es/index.html", "higm/es/checklist.html",
                                      "higm/ar/index.html", "higm/ar/er-card.html", "higm/zh-Hans/overview.html"])
def test_axe_reports_no_violations(built, browser, relative):
    page = open_page(browser, built[0] / relative)
    try:
        assert page.external_requests == []
        violations = axe_violations(page)
        assert violations == [], violations
    finally:
        page.close()


def test_arabic_page_lays_out_right_to_left(built, browser):
    page = open_page(browser, built[0] / "higm" / "ar" / "checklist.html")
    try:
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        box = page.locator("ul.check-list li").first.locator("input").bounding_box()
        label = page.locator("ul.check-list li").first.locator("label").bounding_box()
        assert box["x"] > label["x"], "the tick box stands right of its text in Arabic"
        heading = page.locator("h1").first.bounding_box()
        assert heading["x"] + heading["width"] > 300  # flush right on a 360 px screen
    finally:
        page.close()


def test_checkboxes_tick_without_javascript_and_nothing_overflows_a_phone(built, browser):
    page = open_page(browser, built[0] / "higm" / "en" / "checklist.html")
    try:
        box = page.locator("input[type=checkbox]").first
        box.check()
        assert box.is_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        page.close()


@pytest.mark.parametrize("relative", ["higm/es/index.html", "higm/ar/overview.html", "higm/zh-Hans/checklist.html"])
def test_phone_width_screenshots(built, browser, relative):
    """Screenshots at 360 px for a Latin, an Arabic and a Chinese page (looked at by a person)."""
    page = open_page(browser, built[0] / relative)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / (relative.replace("/", "-").replace(".html", ".png"))
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 5000
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        page.close()


def test_serve_previews_the_site_on_a_loopback_port(built):
    import subprocess
    import sys
    import urllib.request

    server = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--output", str(built[0]), "--port", "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url + "higm/ar/index.html", timeout=10) as response:
            page = response.read().decode("utf-8")
        assert 'lang="ar" dir="rtl"' in page
    finally:
        server.terminate()
        server.wait(timeout=10)
