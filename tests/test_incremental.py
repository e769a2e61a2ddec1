"""Builds that redo only what changed, on every core, or in slices on many machines."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handouts.build import build, make_plan, make_tasks
from handouts.errors import HandoutsError
from handouts.project import Project
from handouts.settings import Settings
from tests.conftest import PROJECT, ROOT, run_tool

SMALL = dict(conditions=["higm"], locales=["en", "es"], handouts=["overview", "er-card"], papers=["a4"], editions=("standard",))
SHAPED = dict(locales=["hi", "bn", "ar", "zh-Hans"], handouts=["overview", "er-card"], papers=["a4"],
              editions=("standard",))


def pdfs(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*.pdf"))}


def stamps(output: Path) -> dict[str, int]:
    """Every file's modification time (hidden bookkeeping aside)."""
    return {str(p.relative_to(output)): p.stat().st_mtime_ns for p in sorted(output.rglob("*"))
            if p.is_file() and not any(part.startswith(".handouts") for part in p.relative_to(output).parts)}


def site(folder: Path) -> dict[str, bytes]:
    """The download pages' files (PDFs and hidden bookkeeping aside)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix != ".pdf" and not p.relative_to(folder).parts[0].startswith(".handouts")}


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "handouts", *args], cwd=project, capture_output=True, text=True,
                          timeout=600)


def edit(path: Path, key: str, new_text: str) -> None:
    """Give ``key`` (a line ``    key: "..."``) a new text."""
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(rf'^(    {re.escape(key)}: ).*$', lambda m: m.group(1) + f'"{new_text}"', text,
                             count=1, flags=re.M)
    assert count == 1, key
    path.write_text(changed, encoding="utf-8")


def test_a_build_with_nothing_changed_reads_nothing_and_rewrites_nothing(tmp_path):
    first = build(PROJECT, tmp_path, settings=Settings(), jobs=1, **SMALL)
    assert len(first.rendered) == 4 and (tmp_path / "index.html").is_file()
    before = stamps(tmp_path)
    again = build(PROJECT, tmp_path, settings=Settings(), jobs=1, **SMALL)
    assert again.up_to_date and not again.rendered and not again.written
    assert sorted(again.kept) == sorted(path for path, _ in first.rendered)
    assert stamps(tmp_path) == before


def test_a_text_edit_redraws_only_the_handouts_that_show_it(project_copy, tmp_path):
    project = Project.load(project_copy)
    output = tmp_path / "out"
    build(project, output, settings=Settings(), jobs=1, **SMALL)
    before = pdfs(output)
    stamps_before = stamps(output)
    edit(project_copy / "locales" / "es" / "higm.yaml", "sum_what", "Un texto nuevo.")
    project = Project.load(project_copy)
    report = build(project, output, settings=Settings(), jobs=1, **SMALL)
    redrawn = sorted(str(p.relative_to(output)) for p, _ in report.rendered)
    assert redrawn == ["higm/es/overview-a4.pdf"], redrawn  # the card does not show that text
    after = pdfs(output)
    assert after["higm/es/overview-a4.pdf"] != before["higm/es/overview-a4.pdf"]
    assert {k: v for k, v in after.items() if k != "higm/es/overview-a4.pdf"} == \
        {k: v for k, v in before.items() if k != "higm/es/overview-a4.pdf"}
    stamps_after = stamps(output)
    unchanged = [name for name in stamps_before if name.endswith(".pdf") and name != "higm/es/overview-a4.pdf"]
    assert all(stamps_after[name] == stamps_before[name] for name in unchanged)  # not rewritten
    assert stamps_after["higm/es/overview.html"] != stamps_before["higm/es/overview.html"]  # its page shows it
    assert stamps_after["higm/en/overview.html"] == stamps_before["higm/en/overview.html"]


def test_pages_taken_from_the_cache_are_the_pages_a_fresh_build_writes(project_copy, tmp_path):
    """After an edit, the download pages of the other languages come from the page cache
    (and their fonts' characters with them): the site is byte for byte the one a build
    into an empty folder writes."""
    project = Project.load(project_copy)
    output = tmp_path / "out"
    build(project, output, settings=Settings(), jobs=1, **SMALL)
    assert list((output / ".handouts-cache" / "pages").glob("*.pickle"))
    edit(project_copy / "locales" / "es" / "higm.yaml", "sum_what", "Otro texto nuevo.")
    project = Project.load(project_copy)
    build(project, output, settings=Settings(), jobs=1, **SMALL)
    fresh = tmp_path / "fresh"
    build(project, fresh, settings=Settings(), jobs=1, **SMALL)

    assert site(output) == site(fresh)
    assert "Otro texto nuevo." in (output / "higm" / "es" / "overview.html").read_text(encoding="utf-8")


def test_a_catalog_broken_after_a_build_is_reported_not_taken_from_the_cache(project_copy, tmp_path):
    """The build keeps catalogs it read and checked (``.handouts-cache/parsed``); a file
    edited since is read again, and an error in it is reported as if nothing were kept."""
    project = Project.load(project_copy)
    output = tmp_path / "out"
    build(project, output, settings=Settings(), jobs=1, **SMALL)
    assert list((project_copy / ".handouts-cache" / "parsed").glob("*.pickle"))  # the project's cache
    catalog = project_copy / "locales" / "es" / "higm.yaml"
    original = catalog.read_text(encoding="utf-8")
    edit(catalog, "sum_what", "El {nombre} roto.")
    with pytest.raises(HandoutsError) as raised:
        build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    message = str(raised.value)
    assert "higm.yaml" in message and "sum_what" in message and "{nombre}" in message, message
    catalog.write_text(original, encoding="utf-8")
    again = build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    assert not [p for p in again.written if p.suffix == ".pdf"]  # the same PDFs as before the edit


def test_a_deleted_or_edited_pdf_is_made_again_and_force_redraws_all(tmp_path):
    build(PROJECT, tmp_path, settings=Settings(), jobs=1, **SMALL)
    card = tmp_path / "higm" / "es" / "er-card-a4.pdf"
    original = card.read_bytes()
    card.unlink()
    (tmp_path / "higm" / "en" / "overview-a4.pdf").write_bytes(b"%PDF-1.4 not what was built")
    report = build(PROJECT, tmp_path, settings=Settings(), jobs=1, **SMALL)
    assert sorted(str(p.relative_to(tmp_path)) for p, _ in report.rendered) == \
        ["higm/en/overview-a4.pdf", "higm/es/er-card-a4.pdf"]
    assert card.read_bytes() == original
    forced = build(PROJECT, tmp_path, settings=Settings(), jobs=1, force=True, **SMALL)
    assert len(forced.rendered) == 4 and not forced.kept
    assert not [p for p in forced.written if p.suffix == ".pdf"]  # same bytes: nothing rewritten


def test_new_settings_redraw_what_they_change(tmp_path):
    build(PROJECT, tmp_path, settings=Settings(), jobs=1, **SMALL)
    clinic = Settings(clinic={"name": "Clínica Norte", "phone": "+1 555 010 0100"})
    report = build(PROJECT, tmp_path, settings=clinic, jobs=1, **SMALL)
    assert len(report.rendered) == 4


def test_every_core_gives_the_bytes_one_process_gives(tmp_path):
    """Shaped scripts included: a glyph's private-use code and its text in the PDF's
    ToUnicode map must not depend on what the same process drew before."""
    one = build(PROJECT, tmp_path / "one", settings=Settings(), jobs=1, site=False, **SHAPED)
    two = build(PROJECT, tmp_path / "two", settings=Settings(), jobs=2, site=False, **SHAPED)
    assert len(one.rendered) == len(two.rendered) == 16
    assert pdfs(tmp_path / "one") == pdfs(tmp_path / "two")
    for tag in ("hi", "bn"):  # alone in a fresh process, after nothing else
        alone = tmp_path / f"alone-{tag}"
        build(PROJECT, alone, settings=Settings(), jobs=1, site=False, locales=[tag], handouts=["er-card"],
              papers=["a4"], editions=("standard",))
        for condition in ("higm", "cgd"):
            name = f"{condition}/{tag}/er-card-a4.pdf"
            assert (alone / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name


def test_shards_split_the_work_and_the_site_is_assembled_from_them(tmp_path):
    plan_tasks = make_tasks(make_plan(PROJECT, _store(), Settings(), **SMALL))
    parts = []
    for index in (1, 2, 3):
        output = tmp_path / f"part-{index}"
        report = build(PROJECT, output, settings=Settings(), jobs=1, shard=(index, 3), **SMALL)
        assert report.site == "left to `handouts site`" and not (output / "index.html").exists()
        parts.append(pdfs(output))
    names = [set(part) for part in parts]
    assert not (names[0] & names[1]) and not (names[1] & names[2]) and not (names[0] & names[2])
    whole = build(PROJECT, tmp_path / "whole", settings=Settings(), jobs=1, **SMALL)
    merged = tmp_path / "merged"
    for index in (1, 2, 3):
        shutil.copytree(tmp_path / f"part-{index}", merged, dirs_exist_ok=True)
    assert pdfs(merged) == pdfs(tmp_path / "whole") and len(plan_tasks) == 4
    result = cli(ROOT, "site", "--output", str(merged))
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "higm/es/overview.html", "higm/en/er-card.html"):
        assert (merged / page).read_bytes() == (tmp_path / "whole" / page).read_bytes(), page
    assert len(whole.rendered) == 4


def test_the_command_line_builds_in_parallel_and_says_what_it_kept(project_copy):
    args = ["build", "--locale", "es", "--handout", "overview", "--paper", "a4", "--no-large-print"]
    first = cli(project_copy, *args, "--jobs", "2")
    assert first.returncode == 0, first.stderr
    assert "download pages not updated for a partial build" in first.stderr
    assert not (project_copy / "output" / "index.html").exists()
    again = cli(project_copy, *args)
    assert again.returncode == 0 and "nothing changed: 2 PDFs" in again.stderr, again.stderr
    site = cli(project_copy, *args, "--site")
    assert site.returncode == 0 and (project_copy / "output" / "index.html").is_file(), site.stderr
    for bad, message in ((["--jobs", "0"], "at least 1"), (["--shard", "3/2"], "between 1 and N"),
                         (["--shard", "x"], "is not I/N")):
        result = cli(project_copy, *args, *bad)
        assert result.returncode == 2 and message in result.stderr, result.stderr
    empty = cli(project_copy, "site", "--output", "nothing-here")
    assert empty.returncode == 2 and "build the PDFs first" in empty.stderr, empty.stderr


def test_a_failing_handout_stops_a_parallel_build_and_writes_nothing(project_copy):
    """The error is raised in a worker (a glyph no font has, met while drawing) and
    reaches the user as it would from one process: file, line, no traceback."""
    (project_copy / "handouts.yaml").write_text('clinic:\n  name: "Clinic \U00013000"\n', encoding="utf-8")
    result = cli(project_copy, "build", "--locale", "en", "--locale", "es", "--paper", "a4", "--jobs", "2")
    assert result.returncode == 1, result.stderr
    assert "handouts.yaml" in result.stderr and "U+13000" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not list((project_copy / "output").rglob("*.pdf")) if (project_copy / "output").exists() else True


def _store():
    from handouts.compose import placeholders
    from handouts.texts import CatalogStore

    return CatalogStore(PROJECT, placeholders(PROJECT))


def test_a_shard_of_a_real_build_passes_qpdf(tmp_path):
    build(PROJECT, tmp_path, settings=Settings(), jobs=2, shard=(1, 2), **SHAPED)
    for path in sorted(tmp_path.rglob("*.pdf")):
        assert run_tool("qpdf", "--check", str(path)).returncode == 0, path


def test_a_build_into_a_new_folder_uses_what_the_project_kept(project_copy, tmp_path, monkeypatch):
    """Catalogs read and checked, compiled templates and pictogram operators are kept in
    the project's ``.handouts-cache`` (made from its files alone): a build into another
    output folder parses no catalog again. A project that cannot be written keeps them
    in the output folder."""
    import handouts.texts
    from handouts.buildstate import cache_home
    from handouts.layout import icons

    icons._recorded.cache_clear()  # as in a new process: nothing recorded yet
    project = Project.load(project_copy)
    build(project, tmp_path / "one", settings=Settings(), jobs=1, **SMALL)
    kept = project_copy / ".handouts-cache"
    assert {p.name for p in kept.iterdir()} >= {"parsed", "templates", "pictograms"}
    assert not (tmp_path / "one" / ".handouts-cache" / "parsed").exists()
    parsed = []
    real = handouts.texts.read_catalog
    monkeypatch.setattr(handouts.texts, "read_catalog", lambda *a, **k: parsed.append(a) or real(*a, **k))
    build(Project.load(project_copy), tmp_path / "two", settings=Settings(), jobs=1, **SMALL)
    assert parsed == []
    assert pdfs(tmp_path / "one") == pdfs(tmp_path / "two")
    monkeypatch.setattr("handouts.buildstate.os.access", lambda path, mode: False)  # a read-only checkout
    assert cache_home(project_copy, tmp_path / "three") == tmp_path / "three"


def test_pages_and_web_fonts_made_on_every_core_are_those_made_in_one_process(tmp_path, monkeypatch):
    """The download pages and the web-font subsets are made by worker processes when
    there are many: the same files as made one by one."""
    import handouts.pool
    import handouts.site

    project = Project.load(ROOT)
    options = dict(conditions=["higm"], locales=["en", "ar", "hi", "zh-Hant"], handouts=["overview", "checklist"],
                   papers=["a4"], editions=("standard",))

    monkeypatch.setattr(handouts.site, "PAGES_PER_PROCESS", 1)
    monkeypatch.setattr(handouts.pool, "default_jobs", lambda: 2)
    build(project, tmp_path / "parallel", settings=Settings(), jobs=1, **options)
    monkeypatch.setattr(handouts.pool, "default_jobs", lambda: 1)
    build(project, tmp_path / "serial", settings=Settings(), jobs=1, **options)
    parallel, serial = site(tmp_path / "parallel"), site(tmp_path / "serial")
    assert any(name.endswith(".woff2") for name in serial) and len(serial) > 8
    assert parallel == serial


def test_a_text_edit_summarises_again_only_the_catalog_it_touched(project_copy, tmp_path, monkeypatch):
    """The status page's rows are kept by the fingerprint of what each is made from: after
    one Spanish text changes, only the Spanish catalog is summarised again, and the page
    is the one a fresh build writes."""
    import handouts.checks.runner as runner

    output = tmp_path / "out"
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    summarised = []
    real = runner.summarise
    monkeypatch.setattr(runner, "summarise", lambda store, tag, name: summarised.append((tag, name)) or
                        real(store, tag, name))
    edit(project_copy / "locales" / "es" / "higm.yaml", "sum_what", "Otro texto nuevo.")
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    assert summarised == [("es", "higm")]
    monkeypatch.setattr(runner, "summarise", real)
    build(Project.load(project_copy), tmp_path / "fresh", settings=Settings(), jobs=1, **SMALL)
    page = "translation-status.html"
    assert (output / page).read_bytes() == (tmp_path / "fresh" / page).read_bytes()


_CYCLES: list = []


def _leave_a_cycle(task: int) -> tuple[int, bool, int]:
    """A task that leaves a reference cycle behind (as a ReportLab document does) and says
    how many cycles earlier tasks in its process left alive."""
    import gc
    import os
    import weakref

    alive = sum(1 for ref in _CYCLES if ref() is not None)
    cycle: list = []
    cycle.append(cycle)

    class Node:
        pass

    node = Node()
    node.self = node
    _CYCLES.append(weakref.ref(node))
    return os.getpid(), gc.isenabled(), alive


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_tasks_garbage_is_collected_after_it(jobs):
    """The pool collects garbage after each task, not during it (``handouts.pool``): no
    cycle a task leaves outlives the next task, and afterwards the collector is as it was
    (in this process, it takes the last task's garbage, with nothing frozen)."""
    import gc

    from handouts.pool import UNCOLLECTED_TASKS, run_tasks

    _CYCLES.clear()
    results = dict(run_tasks(list(range(UNCOLLECTED_TASKS * jobs + 4)), _leave_a_cycle, jobs=jobs))
    assert all(alive == 0 for _, _, alive in results.values()), results
    assert not any(enabled for _, enabled, _ in results.values())  # off while a task runs
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.collect()
    assert all(ref() is None for ref in _CYCLES)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_of_a_few_tasks_per_worker_is_not_collected(jobs):
    """Up to ``UNCOLLECTED_TASKS`` tasks per worker (an edit's run), no collection walks a
    worker's objects: the cycles earlier tasks left are still there for later ones. In
    this process the collector, on again afterwards, takes them all."""
    import gc

    from handouts.pool import UNCOLLECTED_TASKS, run_tasks

    _CYCLES.clear()
    results = dict(run_tasks(list(range(UNCOLLECTED_TASKS * jobs)), _leave_a_cycle, jobs=jobs))
    assert max(alive for _, _, alive in results.values()) >= UNCOLLECTED_TASKS - 1 if jobs == 1 else \
        any(alive > 0 for _, _, alive in results.values())
    assert not any(enabled for _, enabled, _ in results.values())
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.collect()
    assert all(ref() is None for ref in _CYCLES)


def test_a_languages_unchanged_pages_are_kept_and_a_deleted_one_made_again(project_copy, tmp_path, monkeypatch):
    """After an edit in one language, the other languages' pages are neither rendered nor
    rewritten (their record gives what the first page and the web fonts need); a page
    deleted or changed by hand since is written again; the site is the one a build into
    an empty folder writes."""
    from handouts.site import SiteWriter

    three = {**SMALL, "locales": ["en", "es", "fr"]}
    project = Project.load(project_copy)
    output = tmp_path / "out"
    build(project, output, settings=Settings(), jobs=1, **three)
    before = stamps(output)
    (output / "higm" / "en" / "overview.html").unlink()
    (output / "higm" / "en" / "er-card.html").write_text("changed by hand", encoding="utf-8")
    edit(project_copy / "locales" / "es" / "higm.yaml", "sum_what", "Un texto más.")
    rendered = []
    render = SiteWriter._render
    monkeypatch.setattr(SiteWriter, "_render", lambda self, asked: rendered.append(asked.path) or render(self, asked))
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **three)
    assert sorted(rendered) == ["higm/es/er-card.html", "higm/es/index.html", "higm/es/overview.html", "index.html"]
    after = stamps(output)
    assert all(after[name] == before[name] for name in before if name.startswith("higm/fr/"))
    assert (output / "higm" / "en" / "overview.html").is_file()  # from the page cache
    fresh = tmp_path / "fresh"
    build(Project.load(project_copy), fresh, settings=Settings(), jobs=1, **three)

    assert site(output) == site(fresh)


def test_an_edit_undone_brings_back_the_pages_and_status_page_of_before(project_copy, tmp_path):
    """The records of the first build match again once an edit is undone, but the files on
    disk are the edited build's: they are kept only if they are what the record made
    (the pages and the status page showed the edited text until this was checked). And
    the files the edited build wrote that nothing links any more are gone."""
    catalog = project_copy / "locales" / "en" / "higm.yaml"  # the source: the Spanish pages say they are outdated
    original = catalog.read_bytes()
    output = tmp_path / "out"
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    before = site(output)
    edit(catalog, "sum_what", "A text soon undone.")
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    edited = site(output)
    assert {"higm/en/overview.html", "higm/es/overview.html", "translation-status.html"} <= \
        {name for name in before if edited.get(name) != before[name]}
    catalog.write_bytes(original)
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    after = site(output)
    assert [name for name in before if after.get(name) != before[name]] == []
    assert sorted(after) == sorted(before)  # the edited build's web-font subsets removed, as the fresh build has none


def test_a_source_edit_that_makes_translations_outdated_keeps_the_web_fonts(project_copy, tmp_path):
    """The Spanish pages then show the "out of date" notice, in both weights; its
    characters are in the subsets already (a language's faces keep its texts'
    characters): no subset is made again, and the stylesheets name the same files."""
    import handouts.webfonts

    output = tmp_path / "out"
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    fonts = {name: data for name, data in site(output).items() if name.startswith("fonts/")}
    made = []
    subset = handouts.webfonts.subset_face
    handouts.webfonts.subset_face = lambda face, chars: made.append(face) or subset(face, chars)
    try:
        edit(project_copy / "locales" / "en" / "higm.yaml", "sum_what", "A source text, edited.")
        build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    finally:
        handouts.webfonts.subset_face = subset
    page = (output / "higm" / "es" / "overview.html").read_text(encoding="utf-8")
    assert "<strong>" in page and page.count("desactualizad") >= 2  # the notice, regular and bold
    assert made == []
    assert {name: data for name, data in site(output).items() if name.startswith("fonts/")} == fonts


def test_a_page_changed_by_hand_before_a_build_without_pages_is_still_made_again(project_copy, tmp_path):
    """A build that writes no pages (``site=False``) does not take a page changed since
    for the one it recorded: the next build with pages writes it again."""
    project = Project.load(project_copy)
    output = tmp_path / "out"
    build(project, output, settings=Settings(), jobs=1, **SMALL)
    page = output / "higm" / "en" / "overview.html"
    written = page.read_bytes()
    page.write_bytes(b"changed by hand")
    build(project, output, settings=Settings(), jobs=1, site=False, force=True, **SMALL)
    edit(project_copy / "locales" / "es" / "higm.yaml", "sum_what", "Y otro.")
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    assert page.read_bytes() == written


def test_cache_files_no_build_used_for_two_weeks_are_removed(project_copy, tmp_path):
    """Each edit leaves cache entries nothing asks for again: a build removes those no
    build has read or written for two weeks (at most once a day); reading one keeps it."""
    import os
    import time

    from handouts.files import prune_cache, read_cached, write_cached

    root = tmp_path / "cache"
    old, used, fresh = root / "pages" / "old.pickle", root / "pages" / "used.pickle", root / "fonts" / "new.woff2"
    for path in (old, used, fresh):
        write_cached(path, b"x")
    month_ago = time.time() - 30 * 86400
    for path in (old, used):
        os.utime(path, (month_ago, month_ago))
    assert read_cached(used) == b"x"  # read now: used
    assert prune_cache(root) == 1
    assert not old.exists() and used.exists() and fresh.exists()
    os.utime(used, (month_ago, month_ago))
    assert prune_cache(root) == 0 and used.exists()  # pruned already today

    output = tmp_path / "out"
    stale = output / ".handouts-cache" / "pages" / "from-an-old-edit.pickle"
    write_cached(stale, b"old page")
    os.utime(stale, (month_ago, month_ago))
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    assert not stale.exists()
    assert list((output / ".handouts-cache" / "pages").glob("*.pickle"))  # this build's pages are kept


def test_a_build_after_an_edit_compiles_no_template(project_copy, tmp_path, monkeypatch):
    """Handout and page templates alike come compiled from the project's cache (the page
    templates are compiled before pages are shared out, so the cache keeps them too)."""
    import jinja2

    project = Project.load(project_copy)
    output = tmp_path / "out"
    build(project, output, settings=Settings(), jobs=1, **SMALL)
    compiled = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *a, **k: compiled.append(name) or compile_(self, source, name,
                                                                                                  *a, **k))
    edit(project_copy / "locales" / "es" / "higm.yaml", "sum_what", "Otra vez.")
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **SMALL)
    assert compiled == []


WIDE = dict(conditions=["higm"], locales=["en", "es", "ar"], handouts=["overview", "checklist", "er-card"],
            papers=["a4"], editions=("standard",))


def _documents(output: Path) -> dict[str, str]:
    """Each handout's document fingerprint, as the build recorded it."""
    from handouts.buildstate import BuildState, state_path

    return {name: record.shown for name, record in BuildState.load(state_path(output, None)).documents.items()}


@pytest.mark.parametrize("records", ["with the keys read", "from a build that kept no keys"])
def test_an_edit_composes_again_only_the_handouts_that_read_it_and_builds_what_a_fresh_build_does(
        project_copy, tmp_path, monkeypatch, records):
    """A handout is composed again only when a text its composing read changed (or its
    out-of-date mark, the status it prints, a catalog's meta), not for any edit of its
    catalogs: an English text printed by the overview composes the overview in each
    language (the translations now show "out of date") and not the checklist or the
    card. After each edit (a text; a line added at the top of the English file, which
    moves every English text's line; a translation; a text of the download pages only;
    all undone) the PDFs, the pages and every document are those of a build into an
    empty folder. The keys a document read are checked from its record (or, in a record
    an older build left, from the document itself)."""
    import json

    from handouts.compose import Composer

    output = tmp_path / "out"
    import handouts.build

    def build(*args, **kwargs):  # the build, from records as ``records`` says
        state = output / ".handouts-build.json"
        if records != "with the keys read" and args[1] == output and state.is_file():
            data = json.loads(state.read_text(encoding="utf-8"))
            for record in data["documents"].values():
                record.pop("reads", None)
                record.pop("care_reads", None)
            state.write_text(json.dumps(data), encoding="utf-8")
        return handouts.build.build(*args, **kwargs)

    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **WIDE)
    composed = []
    compose = Composer.compose
    monkeypatch.setattr(Composer, "compose", lambda self, spec, texts, *args, **kwargs: composed.append(
        (spec.name, texts.locale)) or compose(self, spec, texts, *args, **kwargs))
    english, spanish = project_copy / "locales" / "en" / "higm.yaml", project_copy / "locales" / "es" / "higm.yaml"
    originals = {english: english.read_bytes(), spanish: spanish.read_bytes()}

    def fresh_and_incremental(step: str) -> None:
        fresh = tmp_path / f"fresh-{step}"
        build(Project.load(project_copy), fresh, settings=Settings(), jobs=1, **WIDE)
        assert pdfs(output) == pdfs(fresh), step
        assert site(output) == site(fresh), step
        assert _documents(output) == _documents(fresh), step

    edit(english, "sum_what", "A source text, edited.")
    report = build(Project.load(project_copy), output, settings=Settings(), jobs=1, **WIDE)
    assert sorted(set(composed)) == [("overview", "ar"), ("overview", "en"), ("overview", "es")]
    assert sorted(str(p.relative_to(output)) for p, _ in report.rendered) == \
        ["higm/ar/overview-a4.pdf", "higm/en/overview-a4.pdf", "higm/es/overview-a4.pdf"]
    fresh_and_incremental("text")

    english.write_text("# A note for reviewers.\n" + english.read_text(encoding="utf-8"), encoding="utf-8")
    composed.clear()
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **WIDE)
    assert {locale for _, locale in composed} >= {"en"}  # every English text's line moved
    fresh_and_incremental("lines")

    edit(spanish, "hands", "Lávese las manos con agua y jabón.")
    composed.clear()
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **WIDE)
    assert set(composed) == {("checklist", "es")}
    fresh_and_incremental("translation")

    shared = project_copy / "locales" / "es" / "shared.yaml"  # a text of the pages, not of the handouts
    originals[shared] = shared.read_bytes()
    edit(shared, "print_heading", "Imprimir o guardar como PDF")
    composed.clear()
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **WIDE)
    assert composed == []
    assert "guardar como PDF" in (output / "higm" / "es" / "checklist.html").read_text(encoding="utf-8")
    fresh_and_incremental("page text")

    for path, data in originals.items():
        path.write_bytes(data)
    build(Project.load(project_copy), output, settings=Settings(), jobs=1, **WIDE)
    fresh_and_incremental("undone")


def test_a_state_file_edited_by_hand_makes_no_internal_error(project_copy, tmp_path):
    """Keys read that are not a list of texts are dropped (read from the document
    instead); a document record without its fingerprints makes a full build. Either way
    the build ends as a build into an empty folder would."""
    import json

    from handouts.buildstate import BuildState

    options = dict(settings=Settings(), conditions=["higm"], locales=["es"], handouts=["overview", "checklist"],
                   papers=["a4"], editions=("standard",), jobs=1)
    output = tmp_path / "out"
    build(Project.load(project_copy), output, **options)
    state = output / ".handouts-build.json"
    spanish = project_copy / "locales" / "es" / "higm.yaml"
    for damage in ("keys read", "fingerprints"):
        data = json.loads(state.read_text(encoding="utf-8"))
        for index, record in enumerate(data["documents"].values()):
            if damage == "keys read":
                record["reads"], record["care_reads"] = ([1, 2], "garbage") if index % 2 else ("garbage", [None])
            else:
                record["shown"] = 7
        state.write_text(json.dumps(data), encoding="utf-8")
        loaded = BuildState.load(state)
        assert (loaded.documents and all(r.reads is None for r in loaded.documents.values())) \
            if damage == "keys read" else not loaded.outputs
        edit(spanish, "hands", f"Lávese las manos ({damage}).")
        build(Project.load(project_copy), output, **options)
        fresh = tmp_path / f"fresh-{damage.replace(' ', '-')}"
        build(Project.load(project_copy), fresh, **options)
        assert pdfs(output) == pdfs(fresh), damage


class _DiskFull(OSError):
    pass


_STARTED: list[int] = []


def _fill_the_disk_at_three(task: int) -> int:
    _STARTED.append(task)
    if task == 3:
        raise _DiskFull("No space left on device")
    return task


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_error_the_run_stops_on_is_raised_at_once(jobs):
    """``stop_on`` (the build's: a write that failed) ends the run when it comes: in this
    process no later task starts; with workers the pool is stopped."""
    from handouts.pool import run_tasks

    _STARTED.clear()
    with pytest.raises(_DiskFull):
        list(run_tasks(list(range(40)), _fill_the_disk_at_three, jobs=jobs, stop_on=(_DiskFull,)))
    if jobs == 1:
        assert _STARTED == [0, 1, 2, 3]
    with pytest.raises(_DiskFull):  # without it, the run finishes and then raises the earliest failure
        list(run_tasks(list(range(8)), _fill_the_disk_at_three, jobs=1))
