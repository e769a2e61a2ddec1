"""The translators' workflow: checks, stale detection, PO round trip, review, scaffold, gate."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from handouts.catalog import Catalog, LocaleMeta, Message, read_catalog
from handouts.checks.translation import TEXT_CHECKS, Context
from handouts.errors import Location
from handouts.state import KeyState, fingerprint, load_state
from tests.conftest import ALL_LOCALES, catalog_file, replace_on_line, run_tool

ROOT = Path(__file__).resolve().parent.parent


def cli(project: Path, *args: str):
    return run_tool(sys.executable, "-m", "handouts", *args, cwd=project)


# --------------------------------------------------------------------- each check


def catalog(tag: str, messages: dict[str, object], path: str = "x.yaml") -> Catalog:
    out = {}
    for line, (key, value) in enumerate(messages.items(), start=1):
        if isinstance(value, dict):
            forms = tuple(value.items())
            out[key] = Message(key, value["other"], Location(Path(path), line), value["other"], forms)
        else:
            out[key] = Message(key, value.strip(), Location(Path(path), line), value)
    meta = LocaleMeta(tag, tag, "ltr", "draft", "t", None, None, None)
    return Catalog(Path(path), meta, out)


SOURCE = {"a.greeting": "Wash your hands often.", "a.fever": "Fever of {fever} or higher",
          "a.steps": {"one": "{count} step", "other": "{count} steps"}}
GOOD = {"a.greeting": "Lávese las manos a menudo.", "a.fever": "Fiebre de {fever} o más",
        "a.steps": {"one": "{count} paso", "many": "{count} pasos", "other": "{count} pasos"}}


def findings(check: str, translation: dict, tag: str = "es", state: dict | None = None) -> list:
    source = catalog("en", SOURCE, "en.yaml")
    current = {k: KeyState(source=fingerprint(m.text)) for k, m in source.messages.items()}
    ctx = Context(catalog(tag, translation, f"{tag}.yaml"), source, current if state is None else state)
    return list(TEXT_CHECKS[check](ctx))


@pytest.mark.parametrize(
    "check, broken",
    [
        ("missing", {k: v for k, v in GOOD.items() if k != "a.fever"}),
        ("obsolete", {**GOOD, "a.old": "texto viejo"}),
        ("empty", {**GOOD, "a.greeting": ""}),
        ("placeholder", {**GOOD, "a.fever": "Fiebre de {fiebre} o más"}),
        ("placeholder", {**GOOD, "a.fever": "Fiebre alta"}),
        ("markup", {**GOOD, "a.greeting": "Lávese las <b>manos</b>."}),
        ("markup", {**GOOD, "a.greeting": "Lávese las manos {{ a menudo }}."}),
        ("whitespace", {**GOOD, "a.greeting": " Lávese las manos a menudo."}),
        ("untranslated", {**GOOD, "a.greeting": "Wash your hands often."}),
        ("plural", {**GOOD, "a.steps": {"other": "{count} pasos"}}),
    ],
)
def test_each_check_passes_good_text_and_catches_broken_text(check, broken):
    assert findings(check, GOOD) == []
    found = findings(check, broken)
    assert found and all(f.check == check for f in found)
    assert all(f.where.line or f.check == "missing" for f in found)


def test_stale_check_uses_the_fingerprint_of_the_english_text():
    assert findings("stale", GOOD) == []
    old = {k: KeyState(source=fingerprint("an older English text")) for k in SOURCE}
    stale = findings("stale", GOOD, state=old)
    assert {f.key for f in stale} == set(SOURCE)


def test_plural_categories_come_from_babel():
    russian = {**GOOD, "a.steps": {"one": "{count} шаг", "other": "{count} шага"}}
    missing = findings("plural", russian, tag="ru")
    assert missing and "few" in missing[0].message and "many" in missing[0].message


# --------------------------------------------------------------------- the commands


def test_check_is_clean_on_the_repository_and_reports_json():
    result = cli(ROOT, "check", "--locale", "es", "--format", "json")
    data = json.loads(result.stdout)
    # No errors; at most the warning that a handout takes more pages than it is
    # designed for (it still prints), which names the texts to shorten.
    assert all(f["severity"] == "warning" and f["check"] == "layout" for f in data["findings"]), data["findings"]
    assert all("more than the" in f["message"] and f["key"] and f["line"] for f in data["findings"])
    assert result.returncode == 0, result.stdout  # warnings print, and do not fail
    assert data["summary"][0]["locale"] == "es" and data["summary"][0]["complete"] == 100.0


def test_check_exit_codes(project_copy):
    assert cli(project_copy, "check", "--locale", "xx").returncode == 2
    replace_on_line(catalog_file(project_copy, "es"), "fever_means: ", "{fever}", "{fiebre}")
    result = cli(project_copy, "check", "--locale", "es")
    assert result.returncode == 1
    assert re.search(r"locales/es/higm.yaml:\d+: signs.fever_means: unknown placeholder \{fiebre\}", result.stdout)


def test_changing_the_english_text_marks_exactly_those_keys_stale(project_copy):
    en = catalog_file(project_copy, "en")
    replace_on_line(en, "er_breathing:", '"Fast or hard breathing, or blue lips"', '"Hard or fast breathing, or blue lips"')
    replace_on_line(en, "    clothes:", '"Wear clean, dry clothes."', '"Wear clean clothes that are dry."')
    result = cli(project_copy, "check", "--format", "json")
    stale = {(f["locale"], f["key"]) for f in json.loads(result.stdout)["findings"] if f["check"] == "stale"}
    locales = {p.parent.name for p in (project_copy / "locales").glob("*/higm.yaml")} - {"en"}
    assert stale == {(tag, key) for tag in locales for key in ("signs.er_breathing", "checklist.clothes")}


def test_stale_card_text_stops_the_card_unless_allowed(project_copy):
    en = catalog_file(project_copy, "en")
    replace_on_line(en, "er_breathing:", '"Fast or hard breathing, or blue lips"', '"Hard or fast breathing, or blue lips"')
    blocked = cli(project_copy, "build", "--locale", "es", "--handout", "er-card", "--paper", "a4")
    assert blocked.returncode == 1 and "Traceback" not in blocked.stderr
    assert "the er-card is not built" in blocked.stderr and "signs.er_breathing" in blocked.stderr
    assert not (project_copy / "output" / "higm" / "es" / "er-card-a4.pdf").exists()
    allowed = cli(project_copy, "build", "--locale", "es", "--handout", "er-card", "--paper", "a4", "--allow-draft")
    assert allowed.returncode == 0, allowed.stderr
    text = run_tool("pdftotext", str(project_copy / "output" / "higm" / "es" / "er-card-a4.pdf"), "-").stdout
    assert "desactualizadas" in " ".join(text.split())  # the visible out-of-date line


def test_missing_text_falls_back_to_english_only_when_asked_and_visibly(project_copy):
    es = catalog_file(project_copy, "es")
    replace_on_line(es, "    clothes:", '"Use ropa limpia y seca."', '""')
    assert cli(project_copy, "build", "--locale", "es", "--handout", "checklist").returncode == 1
    result = cli(project_copy, "build", "--locale", "es", "--handout", "checklist", "--paper", "a4",
                 "--no-large-print", "--fallback-english")
    assert result.returncode == 0, result.stderr
    text = " ".join(run_tool("pdftotext", str(project_copy / "output" / "higm" / "es" / "checklist-a4.pdf"), "-").stdout.split())
    assert "[EN] Wear clean, dry clothes." in text and "[EN]" in text and "inglés" in text


def test_po_export_is_accepted_by_msgfmt_and_carries_context_comments_and_fuzzy(project_copy, tmp_path):
    en = catalog_file(project_copy, "en")
    replace_on_line(en, "er_breathing:", '"Fast or hard breathing, or blue lips"', '"Hard or fast breathing, or blue lips"')
    po_path = tmp_path / "es.po"
    result = cli(project_copy, "export-po", "--locale", "es", "--catalog", "higm", "--output", str(po_path))
    assert result.returncode == 0, result.stderr
    checked = run_tool("msgfmt", "-c", "-o", str(tmp_path / "es.mo"), str(po_path))
    assert checked.returncode == 0, checked.stderr
    with po_path.open("rb") as handle:
        po = read_po(handle)
    entries = {m.context: m for m in po if m.id}
    assert len(entries) == len(read_catalog(en).messages)
    fever = entries["signs.fever_means"]
    assert fever.id == "Fever means {fever} or higher, unless your team set another limit." and "{fever}" in fever.string
    assert any("wallet card" in c for c in entries["signs.er_fever"].auto_comments)
    assert entries["signs.er_breathing"].fuzzy and not fever.fuzzy
    assert any("placeholders" in c.lower() or "keep" in c.lower() for m in po for c in m.auto_comments)


def test_po_round_trip_is_lossless(project_copy, tmp_path):
    es = catalog_file(project_copy, "es")
    state = project_copy / "locales" / "es" / "state" / "higm.yaml"
    before, state_before = es.read_bytes(), state.read_bytes()
    po_path = tmp_path / "es.po"
    assert cli(project_copy, "export-po", "--locale", "es", "--catalog", "higm", "--output", str(po_path)).returncode == 0
    result = cli(project_copy, "import-po", str(po_path))
    assert result.returncode == 0, result.stderr
    assert es.read_bytes() == before and state.read_bytes() == state_before


def test_po_import_writes_changes_keeps_comments_and_refuses_broken_placeholders(project_copy, tmp_path):
    es = catalog_file(project_copy, "es")
    po_path = tmp_path / "es.po"
    cli(project_copy, "export-po", "--locale", "es", "--catalog", "higm", "--output", str(po_path))
    with po_path.open("rb") as handle:
        po = read_po(handle)
    po.get("Fast or hard breathing, or blue lips", context="signs.er_breathing").string = "Dificultad para respirar"
    with po_path.open("wb") as handle:
        write_po(handle, po, width=0)
    assert cli(project_copy, "import-po", str(po_path)).returncode == 0
    text = es.read_text(encoding="utf-8")
    assert 'Dificultad para respirar' in text
    assert "# The warning signs: ER card and overview." in text  # comments kept
    assert read_catalog(es).get("signs.er_breathing").text == "Dificultad para respirar"
    # a broken placeholder: the whole file is refused, nothing written
    po.get("Fever means {fever} or higher, unless your team set another limit.",
           context="signs.fever_means").string = "Fiebre de {fiebre} o más"
    with po_path.open("wb") as handle:
        write_po(handle, po, width=0)
    before = es.read_bytes()
    refused = cli(project_copy, "import-po", str(po_path))
    assert refused.returncode == 1 and "signs.fever_means" in refused.stderr and "Traceback" not in refused.stderr
    assert es.read_bytes() == before


def test_review_signs_off_and_an_edit_undoes_it(project_copy):
    result = cli(project_copy, "review", "--locale", "es", "--by", "Dr. Ana Ruiz", "--date", "2026-11-20")
    assert result.returncode == 0, result.stderr
    catalog = read_catalog(catalog_file(project_copy, "es"))
    assert catalog.meta.status == "reviewed" and catalog.meta.reviewed_by == "Dr. Ana Ruiz"
    assert "# Spanish" in catalog_file(project_copy, "es").read_text(encoding="utf-8")
    build = cli(project_copy, "build", "--locale", "es", "--handout", "checklist", "--paper", "a4", "--no-large-print")
    assert build.returncode == 0, build.stderr
    text = " ".join(run_tool("pdftotext", str(project_copy / "output" / "higm" / "es" / "checklist-a4.pdf"), "-").stdout.split())
    assert "Dr. Ana Ruiz" in text and "20 de noviembre de 2026" in text
    # a text edited after review is no longer reviewed, and the printed status says so
    replace_on_line(catalog_file(project_copy, "es"), "    clothes:", "limpia", "bien limpia")
    status = cli(project_copy, "status").stdout
    reviewed, total = map(int, re.search(r"^es\s+higm .* (\d+)/(\d+)\s+\d+%$", status, re.M).groups())
    assert reviewed == total - 1
    cli(project_copy, "build", "--locale", "es", "--handout", "checklist", "--paper", "a4", "--no-large-print",
        "--allow-draft")
    text = " ".join(run_tool("pdftotext", str(project_copy / "output" / "higm" / "es" / "checklist-a4.pdf"), "-").stdout.split())
    assert "Dr. Ana Ruiz" not in text


def test_a_new_language_from_scaffold_to_print(project_copy, tmp_path):
    """Scaffold German, translate it through a PO file, check it clean, print it."""
    assert cli(project_copy, "new-locale", "de").returncode == 0
    de = catalog_file(project_copy, "de")
    scaffold = de.read_text(encoding="utf-8")
    assert "# en: Fever means {fever} or higher" in scaffold
    assert "direction: ltr" in catalog_file(project_copy, "de", "shared").read_text(encoding="utf-8")
    assert "one, other" in scaffold  # plural categories from Babel
    assert cli(project_copy, "check", "--locale", "de").returncode == 1  # everything empty
    assert cli(project_copy, "export-po", "--locale", "de").returncode == 0  # po/<catalog>/de.po
    for po_path in sorted((project_copy / "po").glob("*/de.po")):
        with po_path.open("rb") as handle:
            po = read_po(handle)
        for message in po:
            if message.id:  # a stand-in translation: the English with its first letter's case swapped
                text = message.id
                message.string = text[0].swapcase() + text[1:] if text[0].isalpha() else "» " + text
        po.last_translator = "Test Übersetzerin <t@example.org>"
        with po_path.open("wb") as handle:
            write_po(handle, po, width=0)
        imported_po = cli(project_copy, "import-po", str(po_path))
        assert imported_po.returncode == 0, imported_po.stderr
    imported = read_catalog(de)
    assert imported.meta.status == "draft" and imported.meta.translated_by.startswith("Test Übersetzerin")
    check = cli(project_copy, "check", "--locale", "de")
    assert check.returncode == 0, check.stdout
    build = cli(project_copy, "build", "--locale", "de", "--paper", "a4", "--site")
    assert build.returncode == 0, build.stderr
    assert (project_copy / "output" / "higm" / "de" / "er-card-a4.pdf").is_file()
    assert (project_copy / "output" / "translation-status.html").is_file()


def test_status_report_html_is_an_accessible_table(built):
    html = (built[0] / "translation-status.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<caption>" in html and 'scope="col"' in html
    assert html.count('<th scope="row">') == len(list((ROOT / "locales").glob("*/*.yaml"))) - len(
        list((ROOT / "locales" / "en").glob("*.yaml")))


def test_fallback_also_covers_an_untranslated_text_with_a_placeholder(project_copy):
    es = catalog_file(project_copy, "es")
    replace_on_line(es, "fever_means: ", "Fiebre es {fever} o más, salvo que su equipo haya fijado otro límite.", "")
    result = cli(project_copy, "build", "--locale", "es", "--handout", "overview", "--paper", "a4",
                 "--no-large-print", "--fallback-english")
    assert result.returncode == 0, result.stderr
    text = " ".join(run_tool("pdftotext", str(project_copy / "output" / "higm" / "es" / "overview-a4.pdf"), "-").stdout.split())
    assert "[EN] Fever means 100.4°F" in text  # English stands in, its placeholder filled the English way
