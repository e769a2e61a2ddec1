"""The families' download pages: static checks of the built site, the web-font subsets, and
the pages in a real browser (Debian's Chromium driven by Playwright, audited with axe-core
from the npm registry, injected into each page)."""

from __future__ import annotations

import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from tests.conftest import CONDITIONS, PROJECT, handouts_of, locales_of, run_tool, texts_of

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".test-deps" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "output" / "screenshots"
CONDITION = CONDITIONS[0]
SOURCE = PROJECT.source_locale
PHONE = 360  # px: the narrowest phone the pages are made for
TOUCH = 44  # px: the smallest touch target


SPECS = PROJECT.manifest.conditions[CONDITION].handouts
CARD = next(name for name, spec in SPECS.items() if spec.kind == "wallet-card")
PAGE = max((name for name, spec in SPECS.items() if spec.kind == "page"), key=lambda name: SPECS[name].pages or 0)
CHECKLIST = next(name for name in SPECS if "check" in name)


class Html(HTMLParser):
    """A page's links, its <html> attributes, and each element's attributes and text."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.html_attrs: dict[str, str] = {}
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []  # tag, attrs, text parts
        self.open: list[int] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_attrs = attrs
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        self.elements.append((tag, attrs, []))
        if tag not in ("meta", "link", "input", "br", "img", "hr"):
            self.open.append(len(self.elements) - 1)

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.elements[self.open[depth]][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        for index in self.open:
            self.elements[index][2].append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[dict[str, str], str]]:
        """Elements by tag and attribute values (``class_``: one of its classes), with their text."""
        out = []
        for name, found, text in self.elements:
            if name == tag and all(value in found.get("class", "").split() if key == "class_" else found.get(key) == value
                                   for key, value in attrs.items()):
                out.append((found, " ".join("".join(text).split())))
        return out


def parse(path: Path) -> Html:
    parser = Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def handout_pages(output: Path):
    for condition in CONDITIONS:
        for tag in locales_of(condition):
            for handout in handouts_of(condition):
                yield condition, tag, handout, output / condition / tag / f"{handout}.html"


# ------------------------------------------------------------------- the built pages


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
            if link.startswith("#"):
                assert f'id="{link[1:]}"' in page.read_text(encoding="utf-8"), f"{page}: no {link} on the page"
                continue
            target = (page.parent / urldefrag(link)[0]).resolve()
            assert target.is_file(), f"{page}: broken link {link}"
    for stylesheet in (output / "fonts").glob("*.css"):
        for url in re.findall(r"url\('([^']+)'\)", stylesheet.read_text(encoding="utf-8")):
            assert (stylesheet.parent / url).is_file(), f"{stylesheet}: {url}"


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


def test_index_lists_every_language_in_its_own_script_with_its_conditions(built):
    html = (built[0] / "index.html").read_text(encoding="utf-8")
    for own, english in (("العربية", "Arabic"), ("Tiếng Việt", "Vietnamese"), ("한국어", "Korean"), ("Español", "Spanish")):
        assert re.search(f"<h2>{re.escape(own)}</h2> <span class=\"english\" lang=\"en\" dir=\"ltr\">{english}</span>",
                         html), own
    # one link per condition and language it is written in, to that condition's page
    assert html.count('<li><a href="') == sum(len(locales_of(c)) for c in CONDITIONS)
    for condition in CONDITIONS:
        assert f'id="{condition}"' in html
        for tag in locales_of(condition):
            assert f'href="{condition}/{tag}/index.html" hreflang="{tag}"' in html
    # each language's own "choose your language", inside the box of that language
    page = parse(built[0] / "index.html")
    for tag in {t for c in CONDITIONS for t in locales_of(c)}:
        (box, text), = page.find("li", lang=tag)
        assert texts_of(CONDITION, tag).get("site.choose_language").text in text, tag


def test_every_handout_page_links_each_of_its_pdfs_with_its_size(built):
    from handouts.site import file_size

    output, written = built
    pdfs: dict[tuple[str, str, str], dict[str, int]] = {}
    for path, result in written:
        assert result.size == path.stat().st_size, path  # the size reported is the file's
        pdfs.setdefault((result.job.condition, result.job.locale, result.job.handout), {})[path.name] = result.size
    checked = 0
    for condition, tag, handout, page in handout_pages(output):
        links = parse(page).find("a", type="application/pdf")
        expected = pdfs[(condition, tag, handout)]
        assert {a["href"] for a, _ in links} == set(expected), page
        for attrs, text in links:
            assert " ".join(file_size(expected[attrs["href"]], tag).split()) in text, (page, text)
            assert "PDF" in text
        checked += 1
    assert checked == sum(len(locales_of(c)) * len(handouts_of(c)) for c in CONDITIONS)
    large = parse(output / CONDITION / "es" / f"{PAGE}.html").find("a", type="application/pdf")
    labels = [text for _, text in large]
    assert any(texts_of(CONDITION, "es").get("site.edition_large_print").text in t for t in labels), labels


def test_every_handout_page_switches_to_the_same_handout_in_every_language(built):
    output = built[0]
    for condition, tag, handout, page in handout_pages(output):
        html = parse(page)
        switch = [(a, text) for a, text in html.find("a") if a.get("hreflang") and a.get("lang")]
        assert {a["hreflang"] for a, _ in switch} == set(locales_of(condition)), page
        for attrs, text in switch:
            other = attrs["hreflang"]
            assert attrs["href"] == f"../{other}/{handout}.html"
            assert attrs["lang"] == other
            assert text.startswith(texts_of(condition, other).name), (page, text)
        assert [a["hreflang"] for a, _ in switch if a.get("aria-current") == "page"] == [tag]
        alternates = {a["hreflang"] for a, _ in html.find("link", rel="alternate")}
        assert alternates == set(locales_of(condition)) | {"x-default"}


def test_show_in_english_on_every_translated_page(built):
    output = built[0]
    for condition, tag, handout, page in handout_pages(output):
        english = parse(page).find("a", class_="english")
        if tag == SOURCE:
            assert english == [], page
            continue
        (attrs, text), = english
        assert attrs["href"] == f"../{SOURCE}/{handout}.html" and attrs["hreflang"] == SOURCE
        assert text == texts_of(condition, tag).get("site.show_in_english").text, page


def test_translation_status_near_the_top_in_the_pages_language(built):
    from handouts.formatting import format_date

    output = built[0]
    for condition, tag, handout, page in handout_pages(output):
        html = page.read_text(encoding="utf-8")
        if tag == SOURCE:
            assert 'class="status' not in html
            continue
        texts = texts_of(condition, tag)
        status = re.search(r'<div class="status (\w+)" role="note">(.*?)</div>', html, re.S)
        assert status, page
        assert status.group(1) == "draft"  # every translation here is a draft
        said = re.sub(r"<[^>]+>", "", status.group(2))
        for text in (texts.get("site.status_draft_title").text, texts.get("site.status_draft_meaning").text,
                     texts.meta.translated_by, format_date(texts.meta.translated_on, tag)):
            assert text in said, (page, text)
        # near the top: before any of the handout's own sections after its title
        assert status.start() < html.index('<section class="section', html.index("</section>")), page


def test_a_reviewed_translation_says_so_with_reviewer_and_date(project_copy, tmp_path):
    def status_of(output: Path) -> str:
        html = (output / CONDITION / "ar" / f"{PAGE}.html").read_text(encoding="utf-8")
        return " ".join(re.sub(r"<[^>]+>", " ", re.search(r'<div class="status.*?</div>', html, re.S).group(0)).split())

    args = ("build", "--locale", "ar", "--locale", SOURCE, "--handout", PAGE, "--paper", "a4", "--no-large-print", "--site")
    cli = [sys.executable, "-m", "handouts"]
    assert run_tool(*cli, *args, "-o", str(tmp_path / "draft"), cwd=project_copy).returncode == 0
    assert run_tool(*cli, "review", "--locale", "ar", "--by", "Dr. Amal Haddad", "--date", "2026-02-03",
                    cwd=project_copy).returncode == 0
    result = run_tool(*cli, *args, "-o", str(tmp_path / "reviewed"), cwd=project_copy)
    assert result.returncode == 0, result.stderr
    texts = texts_of(CONDITION, "ar")
    draft, reviewed = status_of(tmp_path / "draft"), status_of(tmp_path / "reviewed")
    assert texts.get("site.status_draft_title").text in draft and "Dr. Amal Haddad" not in draft
    assert texts.get("site.status_reviewed_title").text in reviewed
    assert "Dr. Amal Haddad" in reviewed and "3 فبراير 2026" in reviewed


def test_pages_are_deterministic_and_fetch_nothing(built, project, tmp_path):
    from handouts.build import build
    from handouts.settings import Settings

    build(project, tmp_path, settings=Settings(), locales=["fa", "zh-Hans"], editions=("standard",))
    again = tmp_path / "again"
    build(project, again, settings=Settings(), locales=["fa", "zh-Hans"], editions=("standard",))
    # The build's own bookkeeping (.handouts-build.json records render times; caches) is
    # not site output.
    files = [p for p in tmp_path.rglob("*") if p.is_file() and again not in p.parents and p.suffix != ".pdf"
             and not any(part.startswith(".handouts") for part in p.relative_to(tmp_path).parts)]
    assert len([p for p in files if p.suffix == ".woff2"]) >= 4
    for path in files:
        assert path.read_bytes() == (again / path.relative_to(tmp_path)).read_bytes(), path
        if path.suffix == ".html":
            assert "<script" not in path.read_text(encoding="utf-8")


def test_web_fonts_are_small_subsets_of_the_pdf_faces(built):
    output = built[0]
    fonts = output / "fonts"
    files = list(fonts.iterdir())
    assert not [f for f in files if f.suffix in (".ttf", ".ttc", ".otf")]
    woff2 = [f for f in files if f.suffix == ".woff2"]
    assert all(f.read_bytes()[:4] == b"wOF2" for f in woff2)
    total = sum(f.stat().st_size for f in woff2)
    assert total < 1_000_000, total  # every script, Chinese and Korean included (2.9 MB of TTF before, without them)
    for stylesheet in fonts.glob("*.css"):
        text = stylesheet.read_text(encoding="utf-8")
        declared = set(re.findall(r"@font-face \{ font-family: '([^']+)'", text))
        named = {n for rule in re.findall(r"font-family: ([^;]+);", text) for n in re.findall(r"'([^']+)'", rule)}
        assert named <= declared, stylesheet  # no family named that the page does not ship
        page_bytes = sum((fonts / u).stat().st_size for u in re.findall(r"url\('([^']+)'\)", text))
        # One stylesheet serves every page of a language (the browser keeps its fonts
        # across pages). The largest is Traditional Chinese: AR PL UMing's Ming outlines
        # for the ~800 Han characters of the language's texts, 193 KB (Simplified: 99 KB).
        assert page_bytes < 220_000, (stylesheet.name, page_bytes)
    for tag, family in (("bn", "HindSiliguri"), ("hi", "Hind"), ("ar", "IbmPlexSansArabic"),
                        ("zh-Hans", "WqyMicrohei"), ("ko", "NanumGothic")):
        rule = re.search(rf":lang\({tag}\) \{{ font-family: '([^']+)'", (fonts / f"{tag}.css").read_text())
        assert rule and rule.group(1) == family, tag
    for page in [output / "index.html", *(p for c in CONDITIONS for p in (output / c).rglob("*.html"))]:
        css = [h for h in parse(page).links if "fonts/" in h]
        assert len(css) == 1 and (page.parent / css[0]).is_file(), page


# ------------------------------------------------------------------- small parts


def test_page_text_is_read_by_language_and_weight():
    from handouts.webfonts import page_text

    found = page_text('<html lang="en"><head><title>Tü</title><style>p{}</style></head><body><h1>Ab</h1>'
                      '<p lang="ar">سل <b>م</b></p><p>c<input type="checkbox"> d</p></body></html>', "en")
    assert found[("en", True)] == set("Ab")
    assert found[("ar", False)] == set("سل ")
    assert found[("ar", True)] == {"م"}
    assert found[("en", False)] == set("c d")  # the title and the stylesheet are not drawn with web fonts


def test_each_character_goes_to_the_family_the_pdf_uses(tmp_path):
    from handouts.errors import FontError
    from handouts.layout.fonts import stack_for
    from handouts.webfonts import PageSet

    page_set = PageSet("bn")
    page_set.add({("bn", False): set("কো IgM"), ("en", True): set("Ab")}, tmp_path / "a.html")
    hind, atkinson = stack_for("bn").families[0], stack_for("en").families[0]
    assert page_set.faces[(hind, 400)] >= set("কোIgM") | {"\u09c7", "\u09be"}  # ো and its two parts
    assert page_set.faces[(atkinson, 700)] == set("Ab")
    with pytest.raises(FontError, match=r"a\.html.*U\+16A0"):
        page_set.add({("en", False): {"\u16a0"}}, tmp_path / "a.html")  # a rune: no font has it


def test_subsets_are_deterministic_and_hold_their_characters():
    from io import BytesIO

    from fontTools.ttLib import TTFont

    from handouts.layout.fonts import stack_for
    from handouts.webfonts import subset_face

    face = stack_for("zh-Hans").families[0].regular
    first, second = subset_face(face, "中文语言"), subset_face(face, "中文语言")
    assert first == second and first[:4] == b"wOF2"
    cmap = TTFont(BytesIO(first)).getBestCmap()
    assert {ord(c) for c in "中文语言"} <= set(cmap) and ord("英") not in cmap
    assert len(first) < 10_000


def test_the_fast_glyf_transform_writes_the_bytes_fonttools_writes():
    """``woff2glyf`` against fontTools' own transform, on a face of every script the
    project sets (a spread of each face's characters: its simple and composite glyphs,
    contours with and without repeated flags, boxes kept and dropped)."""
    from fontTools.ttLib import woff2

    import handouts.webfonts as webfonts
    from handouts.layout.fonts import configured_stack

    webfonts._woff2_writer()
    fast = woff2.WOFF2GlyfTable
    faces = {}
    for tag in ("en", "vi", "ru", "ar", "hi", "bn", "zh-Hans", "zh-Hant", "ko"):
        for family in configured_stack(tag).families[:1]:
            faces[(family.regular.locate(), family.regular.index)] = family.regular
            faces[(family.bold.locate(), family.bold.index)] = family.bold
    assert len(faces) >= 14
    for face in faces.values():
        codes = sorted(webfonts._cmap(face))
        chars = [chr(code) for code in codes[::max(1, len(codes) // 250)]]
        try:
            woff2.WOFF2GlyfTable = fast.__mro__[1]  # fontTools' own
            expected = webfonts.subset_face(face, chars)
        finally:
            woff2.WOFF2GlyfTable = fast
        assert webfonts.subset_face(face, chars) == expected, face


def test_colours_come_from_the_pdf_styles_only():
    from handouts.layout import styles
    from handouts.site import ASSETS, palette_css

    css = palette_css()
    for name, colour in (("ink", styles.INK), ("accent", styles.ACCENT), ("tint", styles.TINT), ("rule", styles.RULE)):
        assert f"--{name}: #{colour.hexval()[2:].upper()};" in css
    sheet = (ASSETS / "site.css").read_text(encoding="utf-8")
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", sheet), "a colour written into site.css would drift from the PDFs"
    assert re.search(r"#[0-9a-fA-F]{6}\b", "color: #0B4F6C")  # the check can fail


def test_warning_symbol_stands_in_its_heading_and_pictograms_are_decorative():
    from handouts.document import Callout, Document, Heading, ListBlock, ListItem, Paragraph, Section, Span
    from handouts.pictograms import catalogue
    from handouts.site import HtmlWriter

    directional = next(name for name, info in catalogue().items() if info.directional)
    plain = next(name for name, info in catalogue().items() if not info.directional)
    doc = Document("x", (Span("T"),), "ar", "rtl", (Section("s", (
        Callout("warning", (Heading(2, (Span("Go now"),)), Paragraph((Span("p"),)))),
        ListBlock((ListItem((Span("a"),), directional), ListItem((Span("b"),), plain), ListItem((Span("c"),), "none"))),
    )),), speech=(("warning_symbol", (Span("تحذير"),)),))
    html = HtmlWriter(doc).sections()
    heading = re.search(r"<h2 class=\"with-symbol\">(.*?)</h2>", html, re.S).group(1)
    assert 'class="symbol" role="img" aria-label="تحذير"' in heading and "Go now" in heading
    assert html.count('aria-hidden="true"') == 2  # two pictograms that exist; "none" is left out
    assert 'class="icon mirrored"' in html and 'class="icon"' in html


def test_fill_in_fields_share_one_grid():
    from handouts.document import Document, Field, FieldRow, Paragraph, Section, Span
    from handouts.site import HtmlWriter

    doc = Document("x", (Span("T"),), "en", "ltr", (Section("s", (
        FieldRow((Field((Span("Name"),)), Field((Span("Born"),)))), Field((Span("Team"),), (Span("Immunology"),)),
        Paragraph((Span("between"),)), Field((Span("Notes"),), lines=2),
    )),))
    html = HtmlWriter(doc).sections()
    assert html.count('<div class="fields">') == 2
    first = html.split('<div class="fields">')[1].split("</div>\n</div>")[0]
    assert first.count('class="field"') == 3 and 'class="value">Immunology' in first
    assert html.count('class="blank more"') == 1


def test_a_new_pdf_edition_is_linked_without_a_template_change(project, tmp_path):
    """The build passes every PDF of a handout with its paper and edition: a fold-over card
    (an edition the card work adds) appears with its label, in the page's language."""
    from handouts.build import Builder, Job, make_plan
    from handouts.files import write_atomically
    from handouts.settings import Settings
    from handouts.site import PdfFile, edition_of, write_site

    settings = Settings()
    builder = Builder(project, settings)
    plan = make_plan(project, builder.store, settings, locales=[SOURCE, "ar"], handouts=[CARD], papers=["a4"],
                     editions=("standard",))
    pdfs = []
    for job in plan.jobs:
        builder.compose(project.handout(job.condition, job.handout), plan.texts[(job.condition, job.locale)])
        pdfs += [PdfFile(job, 3004), PdfFile(Job(job.condition, job.locale, job.handout, job.paper, "foldover"), 9004)]
    assert [edition_of(p.job) for p in pdfs[:2]] == ["standard", "foldover"]
    for relative, data in write_site(project, builder, plan, pdfs).items():
        write_atomically(tmp_path / relative, data)
    links = parse(tmp_path / CONDITION / "ar" / f"{CARD}.html").find("a", type="application/pdf")
    assert [a["href"] for a, _ in links] == [f"{CARD}-a4.pdf", f"{CARD}-foldover-a4.pdf"]
    assert texts_of(CONDITION, "ar").get("site.edition_foldover").text in links[1][1]
    assert not (tmp_path / CONDITION / "es").exists()  # what was not built is not linked, never an error


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


def open_page(browser, path: Path, width: int = PHONE):
    page = browser.new_page(viewport={"width": width, "height": 740})
    requests, failed = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.external_requests = [u for u in requests if not u.startswith("file://")]
    page.failed_requests = failed
    return page


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, nodes: v.nodes.length, help: v.help}))")


AXE_PAGES = ["index.html", *(f"{CONDITION}/{tag}/{name}.html" for tag in ("en", "ar", "bn", "zh-Hans")
                             for name in ("index", *handouts_of(CONDITION))), f"{CONDITION}/hi/{PAGE}.html"]


@pytest.mark.parametrize("relative", AXE_PAGES)
def test_axe_reports_no_violations(built, browser, relative):
    page = open_page(browser, built[0] / relative)
    try:
        assert page.external_requests == [] and page.failed_requests == []
        violations = axe_violations(page)
        assert violations == [], violations
    finally:
        page.close()


def test_arabic_page_lays_out_right_to_left(built, browser):
    page = open_page(browser, built[0] / CONDITION / "ar" / f"{CHECKLIST}.html")
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
    page = open_page(browser, built[0] / CONDITION / "en" / f"{CHECKLIST}.html")
    try:
        box = page.locator("input[type=checkbox]").first
        box.check()
        assert box.is_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    finally:
        page.close()


def _postscript_name(face) -> str:
    from fontTools.ttLib import TTFont

    return TTFont(str(face.locate()), fontNumber=face.index, lazy=True)["name"].getDebugName(6)


def _platform_fonts(page, selector: str) -> list[list[dict]]:
    """The fonts Chromium really drew each matching element's own text with (CDP)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    nodes = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
    return [session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"] for node in nodes]


@pytest.mark.parametrize("tag", ["bn", "hi", "ar", "zh-Hans"])
def test_the_pdf_faces_really_draw_each_script(built, browser, tag):
    """Chromium draws the page's own text with the PDF's face of its script (a web font, not
    a font installed on this machine), every glyph of the page with a web font, and the
    language's name on the first page with the same face."""
    from handouts.layout.fonts import stack_for

    family = stack_for(tag).families[0]
    regular = _postscript_name(family.regular)
    bold = _postscript_name(family.bold)
    page = open_page(browser, built[0] / CONDITION / tag / f"{PAGE}.html")
    try:
        (h1,) = _platform_fonts(page, "h1")
        assert h1 and h1[0]["isCustomFont"] and h1[0]["postScriptName"] == bold, h1
        paragraphs = [f for f in _platform_fonts(page, "main .section p") if f]
        assert paragraphs and all(f[0]["isCustomFont"] and f[0]["postScriptName"] == regular for f in paragraphs)
        for fonts in _platform_fonts(page, "body *"):
            assert all(f["isCustomFont"] for f in fonts), fonts  # no glyph from a system font
    finally:
        page.close()
    index = open_page(browser, built[0] / "index.html")
    try:
        (name,) = _platform_fonts(index, f'li.language[lang="{tag}"] h2')
        assert name and name[0]["isCustomFont"] and name[0]["postScriptName"] == bold, name
        for fonts in _platform_fonts(index, "body *"):
            assert all(f["isCustomFont"] for f in fonts), fonts
    finally:
        index.close()


def test_a_parent_reaches_a_handout_its_pdf_and_english_in_three_taps(built, browser):
    """On a 360 px phone: first page -> their language -> a handout (2 taps); its PDF, or
    the same handout in English for the nurse, is the third. Every tap is a target of 44 px
    or more, on the screen."""
    output = built[0]
    tag = "bn"

    def tap(page, locator, taps: list[str]) -> None:
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box["height"] >= TOUCH and box["width"] >= TOUCH, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
        taps.append(locator.get_attribute("href"))
        locator.click()

    def to_handout(page, taps):
        tap(page, page.locator(f'li.language[lang="{tag}"] ul.topics a').first, taps)
        page.wait_for_url(f"**/{CONDITION}/{tag}/index.html")
        tap(page, page.locator(f'a.read[href="{PAGE}.html"]'), taps)
        page.wait_for_url(f"**/{CONDITION}/{tag}/{PAGE}.html")
        assert page.locator("h1").first.inner_text() == texts_of(CONDITION, tag).get(f"{PAGE}.title").text

    page = open_page(browser, output / "index.html")
    try:
        taps: list[str] = []
        to_handout(page, taps)
        # the translation status is on the first screen
        assert page.locator("div.status").bounding_box()["y"] < 740
        with page.expect_request(lambda r: r.url.endswith(f"/{tag}/{PAGE}-a4.pdf")):
            tap(page, page.locator(f'a.pdf[href="{PAGE}-a4.pdf"]'), taps)
        assert len(taps) == 3
    finally:
        page.close()
    page = open_page(browser, output / "index.html")
    try:
        taps = []
        to_handout(page, taps)
        tap(page, page.locator("a.tool.english"), taps)
        page.wait_for_url(f"**/{CONDITION}/{SOURCE}/{PAGE}.html")
        assert page.evaluate("document.documentElement.lang") == SOURCE and len(taps) == 3
    finally:
        page.close()


def test_the_language_switch_leads_to_the_same_handout(built, browser):
    """From the top of an Arabic handout: "Languages" jumps to the list, and its Bengali
    entry opens the same handout in Bengali."""
    page = open_page(browser, built[0] / CONDITION / "ar" / f"{PAGE}.html")
    try:
        page.locator('.top a.tool[href="#languages"]').click()
        page.wait_for_function("location.hash === '#languages'")
        switch = page.locator("nav#languages").bounding_box()
        assert 0 <= switch["y"] < 740  # scrolled to it
        page.locator('nav#languages a[hreflang="bn"]').click()
        page.wait_for_url(f"**/{CONDITION}/bn/{PAGE}.html")
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["bn", "ltr"]
        assert page.locator("h1").first.inner_text() == texts_of(CONDITION, "bn").get(f"{PAGE}.title").text
    finally:
        page.close()


@pytest.mark.parametrize("relative", ["index.html", *(f"{CONDITION}/{tag}/{PAGE}.html" for tag in ("en", "ar", "bn", "zh-Hans")),
                                      f"{CONDITION}/ar/index.html", f"{CONDITION}/zh-Hans/{CARD}.html"])
def test_phone_width_screenshots(built, browser, relative):
    """The first page and a handout in Latin, Arabic, Bengali and Chinese at 360 px, the first
    screen and the whole page (looked at by a person); nothing wider than the phone, and
    every link a finger can hit."""
    page = open_page(browser, built[0] / relative)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = relative.replace("/", "-").replace(".html", "")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 5000
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
        small = page.evaluate(f"""[...document.querySelectorAll('.top a, a.pdf, ul.topics a, a.read, ul.versions a, .bottom a')]
            .map(a => [a.getAttribute('href'), a.getBoundingClientRect().height, a.getBoundingClientRect().width])
            .filter(([h, height, width]) => height < {TOUCH} || width < {TOUCH})""")
        assert small == []
    finally:
        page.close()


def test_serve_previews_the_site_on_a_loopback_port(built):
    import subprocess
    import urllib.request

    server = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--output", str(built[0]), "--port", "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url + f"{CONDITION}/ar/index.html", timeout=10) as response:
            page = response.read().decode("utf-8")
        assert 'lang="ar" dir="rtl"' in page
    finally:
        server.terminate()
        server.wait(timeout=10)

