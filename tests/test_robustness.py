"""Issue 13: translators' and clinics' inputs handled like a mature localisation tool.

One test (or more) per numbered case of the issue, ``test_NN_...``. Every bad input gets
one clear line (file, line, key) and exit 1 (input) or 2 (usage), never an internal
error, never a half-applied change; every write is one transaction with the usual mode.
"""

from __future__ import annotations

import difflib
import errno
import io
import json
import os
import re
import resource
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from handouts import cli
from handouts.catalog import read_catalog
from handouts.state import load_state
from tests.conftest import catalog_file, run_tool

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _content() -> dict[str, str]:
    """Keys the tests break on purpose, chosen from the repository's content (so that the
    tests follow the content as it changes): two plain texts the checklist prints, the
    checklist's title, a plain text of the shared catalog."""
    from handouts.compose import Composer, placeholders
    from handouts.settings import Settings
    from handouts.texts import CatalogStore
    from tests.conftest import PROJECT

    store = CatalogStore(PROJECT, placeholders(PROJECT))
    condition = PROJECT.manifest.conditions["higm"]
    source = store.source_texts(condition)
    composed = Composer(PROJECT, Settings(), "higm").compose(PROJECT.handout("higm", "checklist"), source, source)
    title = next(span.key for span in composed.document.title if span.key)
    catalog = store.source(condition.catalog)
    plain = [k for k, m in catalog.messages.items()
             if k in composed.keys and k != title and not m.placeholders and not m.plural and 8 < len(m.text) < 120
             and '"' not in m.text and "\\" not in m.text]
    shared = store.source(PROJECT.manifest.shared_catalog)
    shared_key = next(k for k, m in shared.messages.items() if not m.placeholders and not m.plural)
    return {"key": plain[0], "other": plain[1], "title": title, "shared": shared_key,
            "english": catalog.messages[plain[0]].text, "other_english": catalog.messages[plain[1]].text}


CONTENT = _content()
KEY, OTHER, TITLE, SHARED_KEY = CONTENT["key"], CONTENT["other"], CONTENT["title"], CONTENT["shared"]
ENGLISH, OTHER_ENGLISH = CONTENT["english"], CONTENT["other_english"]


def changed(text: str, words: str = "again") -> str:
    """An English text edited a little (msgmerge still matches it to the old one)."""
    return f"{text[:-1]}, {words}." if text.endswith(".") else f"{text} {words}"


def forget_source_text(root: Path, tag: str, key: str, catalog: str = "higm") -> None:
    """The state of an older version, which kept only the fingerprint of the English."""
    path = root / "locales" / tag / "state" / f"{catalog}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line.startswith(f"  {key}: "):
            lines[index] = re.sub(r", source_text: .*(?=\}$)", "", line)
            assert "source_text" not in lines[index], line
    path.write_text("\n".join(lines), encoding="utf-8")


def set_english(root: Path, key: str, text: str) -> None:
    set_value(catalog_file(root, "en"), key, json.dumps(text, ensure_ascii=False))




# --------------------------------------------------------------------------- helpers


def handouts(project: Path, *args, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """The command in a fresh process, as a user runs it."""
    return subprocess.run([PY, "-m", "handouts", *args], cwd=project, capture_output=True, text=True,
                          timeout=timeout, **kwargs)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def in_process(project: Path, monkeypatch, *args: str) -> Result:
    """The command in this process (so that a failure can be injected)."""
    monkeypatch.chdir(project)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse
            code = exc.code
    return Result(code, out.getvalue(), err.getvalue())


def error_line(result, code: int = 1, *fragments: str) -> str:
    """Exactly one error line, the expected exit status, no internal error."""
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, (result.returncode, result.stderr, result.stdout)
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` (hidden ones too): bytes and mode."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(root))] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return out


def export(project: Path, tag: str = "es", catalog: str = "higm", out: Path | None = None) -> Path:
    out = out or project.parent / f"{tag}-{catalog}.po"
    result = handouts(project, "export-po", "--locale", tag, "--catalog", catalog, "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def load_po(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def save_po(po, path: Path) -> None:
    with path.open("wb") as handle:
        write_po(handle, po, width=0)


def previous_msgid(path: Path, key: str) -> str | None:
    """The ``#| msgid`` of an entry (Babel's reader drops these lines)."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if f'\nmsgctxt "{key}"' in "\n" + block:
            parts, collecting = [], False
            for line in block.splitlines():
                if not line.startswith("#| "):
                    continue
                field = line[3:]
                if not field.startswith('"'):
                    collecting = field.startswith("msgid ")
                if collecting:
                    parts += re.findall(r'"((?:[^"\\]|\\.)*)"', field)
            return "".join(parts) if parts else None
    raise AssertionError(key)


def set_translation(path: Path, key: str, text: str) -> None:
    po = load_po(path)
    for message in po:
        if message.context == key:
            message.string = text
            break
    else:
        raise AssertionError(key)
    save_po(po, path)


def _value_span(lines: list[str], key: str) -> tuple[int, int]:
    """(first, end) line indexes of ``key``'s value: its line and any continuation lines."""
    parts = key.split(".")
    path_in_file = parts if parts[0] == "meta" else ["messages", *parts]
    index = 0
    for depth, name in enumerate(path_in_file):
        pattern = re.compile(rf"^{' ' * (2 * depth)}{re.escape(name)}:(\s|$)")
        while not pattern.match(lines[index]):
            index += 1
    indent = len(lines[index]) - len(lines[index].lstrip())
    end = index + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    while end - 1 > index and not lines[end - 1].strip():  # trailing blank lines are not the value's
        end -= 1
    return index, end


def value_lines(path: Path, key: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    first, end = _value_span(lines, key)
    return lines[first:end]


def set_value(path: Path, key: str, raw: str) -> int:
    """Replace the value of ``key`` (dotted; ``meta.field`` for the meta block) with ``raw``
    YAML (its continuation lines too); returns the key's line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    first, end = _value_span(lines, key)
    line = lines[first]
    lines[first:end] = [line[: line.index(":") + 1] + " " + raw]
    path.write_text("\n".join(lines), encoding="utf-8")
    return first + 1


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line and not line.lstrip().startswith("#"):
            return number
    raise AssertionError(fragment)


@pytest.fixture
def read_only():
    """Make a folder unwritable for the test: chmod for a user, ``chattr +i`` for root
    (root ignores permissions); undone afterwards."""
    undo = []

    def make(path: Path) -> None:
        if os.geteuid() != 0:
            mode = path.stat().st_mode
            path.chmod(0o555)
            undo.append(lambda: path.chmod(mode))
            return
        if shutil.which("chattr") is None:
            pytest.skip("chattr is needed to make a folder read-only for root")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i failed: {done.stderr!r}")
        undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=True))

    yield make
    for action in reversed(undo):
        action()


def hidden_leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*") if p.name.endswith(".tmp") or p.name.startswith(".staging")]


DEAD_PID = 99999999  # above any pid_max: no such process


# --------------------------------------------------------------------------- 1


def test_01_every_command_works_after_a_review(project_copy, tmp_path):
    reviewed = handouts(project_copy, "review", "--locale", "es", "--by", "Dr. Ana Ruiz", "--date", "2026-11-20")
    assert reviewed.returncode == 0, reviewed.stderr
    po = export(project_copy)
    set_translation(po, KEY, "Dificultad para respirar")
    imported = handouts(project_copy, "import-po", str(po))
    assert imported.returncode == 0, imported.stderr
    assert read_catalog(catalog_file(project_copy, "es")).get(KEY).text == "Dificultad para respirar"
    for args in (("mark-current", "--locale", "es"), ("review", "--locale", "es", "--by", "Dr. Ana Ruiz")):
        result = handouts(project_copy, *args)
        assert result.returncode == 0, result.stderr
    state = load_state(project_copy / "locales" / "es" / "state" / "higm.yaml")
    assert state[KEY].reviewed_on == date.today()
    assert state[OTHER].reviewed_by == "Dr. Ana Ruiz"


def test_01_a_state_file_with_quoted_dates_is_read_and_rewritten(project_copy):
    assert handouts(project_copy, "review", "--locale", "es", "--by", "Ana", "--date", "2026-11-20").returncode == 0
    state = project_copy / "locales" / "es" / "state" / "higm.yaml"
    state.write_text(state.read_text(encoding="utf-8").replace("reviewed_on: 2026-11-20", "reviewed_on: '2026-11-20'"),
                     encoding="utf-8")
    result = handouts(project_copy, "mark-current", "--locale", "es", "--catalog", "higm")
    assert result.returncode == 0, result.stderr
    assert "'2026-11-20'" not in state.read_text(encoding="utf-8")
    assert load_state(state)[OTHER].reviewed_on == date(2026, 11, 20)


# --------------------------------------------------------------------------- 2


@pytest.mark.parametrize("text", ["Prevenga {a b} infecciones", "x} {y", "Use ropa {limpia"])
def test_02_import_refuses_what_the_catalog_loader_would_refuse(project_copy, text):
    po = export(project_copy)
    set_translation(po, KEY, text)
    before = snapshot(project_copy / "locales")
    result = handouts(project_copy, "import-po", str(po))
    error_line(result, 1, po.name, KEY)
    assert snapshot(project_copy / "locales") == before
    build = handouts(project_copy, "build", "--locale", "es", "--handout", "checklist", "--paper", "a4",
                     "--no-large-print", "-q")
    assert build.returncode == 0, build.stderr


# --------------------------------------------------------------------------- 3


def test_03_a_po_file_whose_header_lies_about_its_charset_is_refused(project_copy):
    po = export(project_copy)
    po.write_bytes(re.sub(rb"charset=utf-8", b"charset=ISO-8859-1", po.read_bytes(), flags=re.I))
    assert b"charset=ISO-8859-1" in po.read_bytes()
    before = snapshot(project_copy / "locales")
    error_line(handouts(project_copy, "import-po", str(po)), 1, po.name, "charset")
    assert snapshot(project_copy / "locales") == before


LATIN1_PO = """\
msgid ""
msgstr ""
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset={charset}\\n"
"Content-Transfer-Encoding: 8bit\\n"
"X-Handouts-Catalog: higm\\n"

msgctxt "{key}"
msgid "{english}"
msgstr "Le cuesta respirar, señal de alarma"
"""


def test_03_a_real_latin1_po_file_is_imported_correctly(project_copy, tmp_path):
    po = tmp_path / "es.po"
    po.write_bytes(LATIN1_PO.format(charset="ISO-8859-1", key=KEY, english=ENGLISH).encode("latin-1"))
    result = handouts(project_copy, "import-po", str(po))
    assert result.returncode == 0, result.stderr
    assert read_catalog(catalog_file(project_copy, "es")).get(KEY).text == "Le cuesta respirar, señal de alarma"


def test_03_an_unknown_charset_is_refused(project_copy, tmp_path):
    po = tmp_path / "es.po"
    po.write_bytes(LATIN1_PO.format(charset="KLINGON-8", key=KEY, english=ENGLISH).encode("utf-8"))
    before = snapshot(project_copy / "locales")
    error_line(handouts(project_copy, "import-po", str(po)), 1, "KLINGON-8")
    assert snapshot(project_copy / "locales") == before


# --------------------------------------------------------------------------- 4


def test_04_a_po_file_of_another_language_is_refused(project_copy):
    po = export(project_copy, "es")
    before = snapshot(project_copy / "locales")
    line = error_line(handouts(project_copy, "import-po", str(po), "--locale", "vi"), 2, "es", "vi")
    assert "Language" in line
    assert snapshot(project_copy / "locales") == before


@pytest.mark.parametrize("content", [
    b"",
    b"hello world\nthis is not a PO file\n",
    bytes(range(256)) * 4,
    b'msgid "Nothing like our English"\nmsgstr "Nada"\n',
], ids=["empty", "text", "binary", "foreign-entry"])
def test_04_a_file_that_is_not_a_translation_of_the_catalog_is_refused(project_copy, tmp_path, content):
    po = tmp_path / "es.po"
    po.write_bytes(content)
    before = snapshot(project_copy / "locales")
    error_line(handouts(project_copy, "import-po", str(po), "--locale", "es", "--catalog", "higm"), 1, "es.po")
    assert snapshot(project_copy / "locales") == before


def test_04_a_language_with_a_region_finds_its_language_folder(project_copy, tmp_path):
    assert handouts(project_copy, "new-locale", "de").returncode == 0
    po = export(project_copy, "de", "shared")
    set_translation(po, SHARED_KEY, "Allgemeine Informationen.")
    po.write_bytes(po.read_bytes().replace(b'"Language: de\\n"', b'"Language: de_DE\\n"'))
    assert b"Language: de_DE" in po.read_bytes()
    result = handouts(project_copy, "import-po", str(po))
    assert result.returncode == 0, result.stderr
    assert read_catalog(catalog_file(project_copy, "de", "shared"), allow_empty=True).get(
        SHARED_KEY).text == "Allgemeine Informationen."
    # pt_PT is not pt-BR: no folder matches, nothing is written
    po.write_bytes(po.read_bytes().replace(b'"Language: de_DE\\n"', b'"Language: pt_PT\\n"'))
    before = snapshot(project_copy / "locales")
    error_line(handouts(project_copy, "import-po", str(po)), 2, "pt-PT")
    assert snapshot(project_copy / "locales") == before


# --------------------------------------------------------------------------- 5


def add_plural_key(root: Path, translations: dict[str, dict[str, str]]) -> None:
    """A message that varies by number, in the English shared catalog and some translations."""
    def add(path: Path, forms: dict[str, str]) -> None:
        lines = "".join(f'      {category}: "{text}"\n' for category, text in forms.items())
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n  counts:\n    days:\n" + lines, encoding="utf-8")

    add(catalog_file(root, "en", "shared"), {"one": "One day", "other": "Several days"})
    for tag, forms in translations.items():
        add(catalog_file(root, tag, "shared"), forms)


def test_05_plural_entries_keep_every_form(project_copy):
    add_plural_key(project_copy, {"es": {"one": "Un día", "many": "Muchos días", "other": "Varios días"},
                                  "ru": {"one": "день", "few": "дня", "many": "дней", "other": "дня"}})
    po = export(project_copy, "ru", "shared")
    entry = load_po(po).get(("One day", "Several days"), context="counts.days")
    assert entry is not None and entry.pluralizable, "the entry is a gettext plural entry"
    assert list(entry.string) == ["день", "дня", "дней"]
    checked = run_tool("msgfmt", "-c", "-o", os.devnull, str(po))
    assert checked.returncode == 0, checked.stderr
    catalog = load_po(po)
    catalog.get(("One day", "Several days"), context="counts.days").string = ("1 день", "2 дня", "5 дней")
    save_po(catalog, po)
    result = handouts(project_copy, "import-po", str(po))
    assert result.returncode == 0, result.stderr
    forms = dict(read_catalog(catalog_file(project_copy, "ru", "shared")).get("counts.days").plural)
    assert (forms["one"], forms["few"], forms["many"]) == ("1 день", "2 дня", "5 дней")


def test_05_a_msgctxt_that_appears_twice_is_refused(project_copy):
    po = export(project_copy)
    text = po.read_text(encoding="utf-8")
    entry = re.search(rf'msgctxt "{re.escape(KEY)}"\nmsgid "[^"\n]*"\nmsgstr "[^"\n]*"\n', text).group(0)
    po.write_text(text + "\n" + entry.replace('msgstr "', 'msgstr "Otra traducción '), encoding="utf-8")
    before = snapshot(project_copy / "locales")
    error_line(handouts(project_copy, "import-po", str(po)), 1, KEY, "twice")
    assert snapshot(project_copy / "locales") == before


# --------------------------------------------------------------------------- 6


@pytest.mark.parametrize("name", ["", "   ", "Ana\nRuiz", "Ana\x00"])
def test_06_review_by_an_empty_or_broken_name_is_refused(project_copy, name):
    before = snapshot(project_copy / "locales")
    error_line(handouts(project_copy, "review", "--locale", "es", "--by", name.replace("\x00", "\x01")), 2, "--by")
    assert snapshot(project_copy / "locales") == before
    assert handouts(project_copy, "list").returncode == 0


# --------------------------------------------------------------------------- 7


def test_07_a_new_locale_blocks_no_other_language(project_copy):
    assert handouts(project_copy, "new-locale", "de").returncode == 0
    listed = handouts(project_copy, "list")
    assert listed.returncode == 0 and "de " in listed.stdout, listed.stderr
    build = handouts(project_copy, "build", "--handout", "checklist", "--paper", "a4", "--no-large-print", "-q")
    assert build.returncode == 0, build.stderr
    assert (project_copy / "output" / "higm" / "es" / "checklist-a4.pdf").is_file()
    assert not (project_copy / "output" / "higm" / "de").exists()
    check = handouts(project_copy, "check", "--locale", "es", "--locale", "de", "--format", "json")
    assert check.returncode == 1  # asked for: its empty texts are findings
    check = handouts(project_copy, "check")
    assert check.returncode == 0, check.stdout[-2000:]
    notes = [line for line in check.stderr.splitlines() if "note:" in line]
    assert len(notes) == 1 and "de" in notes[0], check.stderr
    assert handouts(project_copy, "status").returncode == 0


# --------------------------------------------------------------------------- 8


def changed_po(project: Path) -> Path:
    po = export(project)
    set_translation(po, KEY, "Dificultad para respirar")
    return po


def stale_po(project: Path) -> Path:
    """A PO file whose import changes both the catalog and its state: the English of one
    text changed, and the translator updated its translation."""
    set_english(project, KEY, changed(ENGLISH))
    po = export(project)
    catalog = load_po(po)
    entry = catalog.get(changed(ENGLISH), context=KEY)
    assert entry.fuzzy
    entry.flags.discard("fuzzy")
    entry.string = "Dificultad para respirar"
    save_po(catalog, po)
    return po


def test_08_an_unwritable_state_folder_leaves_catalog_and_state_as_they_were(project_copy, read_only):
    po = stale_po(project_copy)
    before = snapshot(project_copy / "locales")
    read_only(project_copy / "locales" / "es" / "state")
    error_line(handouts(project_copy, "import-po", str(po)), 1, "locales/es/state")
    assert snapshot(project_copy / "locales") == before
    assert hidden_leftovers(project_copy / "locales") == []


def test_08_a_failure_between_two_renames_is_rolled_back(project_copy, monkeypatch):
    import handouts.files as files

    po = stale_po(project_copy)
    before = snapshot(project_copy / "locales")
    calls = []
    real = os.replace

    def failing_replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(files.os, "replace", failing_replace)
    result = in_process(project_copy, monkeypatch, "import-po", str(po))
    monkeypatch.setattr(files.os, "replace", real)
    error_line(result, 1, "No space left on device")
    assert len(calls) >= 2
    assert snapshot(project_copy / "locales") == before
    assert hidden_leftovers(project_copy / "locales") == []


def test_08_a_build_that_fails_on_a_full_disk_leaves_output_as_it_was(project_copy, monkeypatch):
    import handouts.files as files

    first = handouts(project_copy, "build", "--locale", "en", "--handout", "checklist", "--paper", "a4",
                     "--no-large-print", "-q")
    assert first.returncode == 0, first.stderr
    output = project_copy / "output"
    before = snapshot(output)
    written = []

    class FullDisk(io.FileIO):
        """A file on a disk that fills up: the second PDF written no longer fits."""

        def write(self, data):
            written.append(self.name)
            if len(written) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(data)

    # The build writes its PDFs into a staging folder (``StagingFolder.write``), then
    # renames them into place: the disk fills up in between.
    monkeypatch.setattr(files, "open", lambda path, mode="r": FullDisk(path, mode), raising=False)
    result = in_process(project_copy, monkeypatch, "build", "--locale", "es", "--locale", "fr", "--handout",
                        "checklist", "--paper", "a4", "--no-large-print", "-q")
    monkeypatch.delattr(files, "open")
    assert len(written) == 2  # the build stops at the first write that fails
    error_line(result, 1, "No space left on device")
    assert snapshot(output) == before
    assert hidden_leftovers(output) == []


def test_08_a_file_written_in_place_stops_on_a_full_disk_and_is_left_as_it_was(tmp_path, monkeypatch):
    """What writes a user's own file (a translation imported, settings) checks that the
    bytes reached the disk (fsync) before the file is replaced."""
    import handouts.files as files

    target = tmp_path / "es.yaml"
    target.write_text("old", encoding="utf-8")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    from handouts.errors import WriteError

    with pytest.raises(WriteError, match="No space left on device"):
        files.write_atomically(target, b"new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["es.yaml"]


def test_08_a_failing_site_template_writes_no_pdf(project_copy):
    output = project_copy / "output"
    index = project_copy / "templates" / "site" / "index.html.j2"
    text = index.read_text(encoding="utf-8")
    at = text.rfind("{% endblock %}") if "{% endblock %}" in text else len(text)
    index.write_text(text[:at] + "{{ no_such_variable }}" + text[at:], encoding="utf-8")
    result = handouts(project_copy, "build", "--locale", "es", "--handout", "checklist", "--paper", "a4",
                      "--no-large-print", "--site", "-q")
    error_line(result, 1, "index.html.j2")
    assert not output.exists() or snapshot(output) == {}


def test_08_temporary_files_of_a_killed_run_are_cleaned(project_copy):
    output = project_copy / "output"
    staging = output / f".staging-{DEAD_PID}-abcd1234"
    (staging / "higm" / "es").mkdir(parents=True)
    (staging / "higm" / "es" / "checklist-a4.pdf").write_bytes(b"%PDF-half")
    (output / "higm" / "es").mkdir(parents=True, exist_ok=True)
    old_temp = output / "higm" / "es" / f".checklist-a4.pdf.{DEAD_PID}.x1y2z3.tmp"
    old_temp.write_bytes(b"half")
    locale_temp = project_copy / "locales" / "es" / f".higm.yaml.{DEAD_PID}.q1w2e3.tmp"
    locale_temp.write_bytes(b"half")
    result = handouts(project_copy, "build", "--locale", "es", "--handout", "checklist", "--paper", "a4",
                      "--no-large-print", "-q")
    assert result.returncode == 0, result.stderr
    assert hidden_leftovers(output) == []
    result = handouts(project_copy, "mark-current", "--locale", "es", "--catalog", "higm")
    assert result.returncode == 0, result.stderr
    assert not locale_temp.exists()


# --------------------------------------------------------------------------- 9


def test_09_written_files_get_the_usual_mode(project_copy):
    result = subprocess.run(
        ["sh", "-c", f"umask 027 && exec {PY} -m handouts build --locale es --handout checklist --paper a4 "
                     "--no-large-print -q"],
        cwd=project_copy, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    modes = {str(p.relative_to(project_copy)): oct(stat.S_IMODE(p.stat().st_mode))
             for p in (project_copy / "output").rglob("*") if p.is_file()}
    assert modes and set(modes.values()) == {oct(0o640)}, modes
    result = handouts(project_copy, "new-locale", "de")
    assert result.returncode == 0, result.stderr
    for path in (catalog_file(project_copy, "de"), project_copy / "locales" / "de" / "state" / "higm.yaml"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask(), path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_09_an_edited_file_keeps_its_mode(project_copy):
    es = catalog_file(project_copy, "es")
    state = project_copy / "locales" / "es" / "state" / "higm.yaml"
    es.chmod(0o664)
    state.chmod(0o660)
    state_before = state.read_bytes()
    po = stale_po(project_copy)
    result = handouts(project_copy, "import-po", str(po))
    assert result.returncode == 0, result.stderr
    assert "Dificultad para respirar" in es.read_text(encoding="utf-8") and state.read_bytes() != state_before
    assert stat.S_IMODE(es.stat().st_mode) == 0o664 and stat.S_IMODE(state.stat().st_mode) == 0o660


# --------------------------------------------------------------------------- 10


ALIAS_BOMB = """\
parameters:
  fever:
    - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    - &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    - &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    - &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    - &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    - &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    - &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    - &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def test_10_a_yaml_alias_bomb_in_the_settings_is_refused_at_once(project_copy):
    (project_copy / "handouts.yaml").write_text("clinic:\n  name: Clinic\n" + ALIAS_BOMB, encoding="utf-8")
    started = time.monotonic()
    result = handouts(project_copy, "build", "--locale", "es", timeout=60, preexec_fn=_limit_memory)
    assert time.monotonic() - started < 30
    line = error_line(result, 1, "handouts.yaml:", "alias")
    assert len(line) < 300


def test_10_a_yaml_alias_in_a_catalog_is_refused(project_copy):
    es = catalog_file(project_copy, "es")
    line = set_value(es, KEY, "&x \"Le cuesta respirar\"")
    set_value(es, OTHER, "*x")
    error_line(handouts(project_copy, "build", "--locale", "es"), 1, f"locales/es/higm.yaml:{line}", "anchor")


def test_10_a_text_longer_than_the_limit_is_refused_with_its_line(project_copy):
    es = catalog_file(project_copy, "es")
    line = set_value(es, KEY, '"' + "palabra " * 300 + '"')
    error_line(handouts(project_copy, "build", "--locale", "es"), 1, f"locales/es/higm.yaml:{line}", KEY, "2,000")
    set_value(es, KEY, '"' + "a" * 2000 + '"')
    assert read_catalog(es).get(KEY).text == "a" * 2000  # at the limit: read


def test_10_a_huge_text_in_a_po_file_is_refused(project_copy):
    po = export(project_copy)
    set_translation(po, KEY, "respirar " * 12_000)
    before = snapshot(project_copy / "locales")
    started = time.monotonic()
    error_line(handouts(project_copy, "import-po", str(po)), 1, po.name, KEY, "2,000")
    assert time.monotonic() - started < 30
    assert snapshot(project_copy / "locales") == before


@pytest.mark.parametrize("which", ["catalog", "settings", "po"])
def test_10_files_over_the_size_limit_are_refused(project_copy, tmp_path, which):
    padding = "# " + "x" * 78 + "\n"
    if which == "catalog":
        es = catalog_file(project_copy, "es")
        es.write_text(es.read_text(encoding="utf-8") + padding * 14_000, encoding="utf-8")
        result = handouts(project_copy, "build", "--locale", "es")
        error_line(result, 1, "locales/es/higm.yaml", "MB")
    elif which == "settings":
        (project_copy / "handouts.yaml").write_text("clinic:\n  name: Clinic\n" + padding * 1000, encoding="utf-8")
        error_line(handouts(project_copy, "build", "--locale", "es"), 1, "handouts.yaml", "KB")
    else:
        po = export(project_copy)
        po.write_text(po.read_text(encoding="utf-8") + padding * 60_000, encoding="utf-8")
        error_line(handouts(project_copy, "import-po", str(po)), 1, po.name, "MB")


# --------------------------------------------------------------------------- 11


@contextmanager
def serving(folder: Path):
    process = subprocess.Popen([PY, "-m", "handouts", "serve", "--output", str(folder), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        port = int(re.search(r":(\d+)/", line).group(1))
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_11_serve_lists_no_folder_and_survives_a_nul(tmp_path):
    site = tmp_path / "site"
    (site / "higm" / "es").mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    (site / "higm" / "es" / "index.html").write_text("<!DOCTYPE html><title>es</title>", encoding="utf-8")
    (site / "higm" / "es" / "checklist-a4.pdf").write_bytes(b"%PDF-1.7")
    (site / ".staging-1-x").mkdir()
    with serving(site) as base:
        assert fetch(base + "/") == 200
        assert fetch(base + "/higm/es/") == 200  # a folder with an index page
        assert fetch(base + "/higm/") == 404  # no listing of a folder's files
        assert fetch(base + "/.staging-1-x/") == 404
        assert fetch(base + "/%00") in (400, 404)
        assert fetch(base + "/higm/es/checklist-a4.pdf%00.html") in (400, 404)
        assert fetch(base + "/higm/es/checklist-a4.pdf") == 200  # still answering


# --------------------------------------------------------------------------- 12


def _set(path: Path, key: str, raw: str):
    set_value(path, key, raw)


def _settings(root: Path, text: str) -> None:
    (root / "handouts.yaml").write_text(text, encoding="utf-8")


def _state(root: Path, text: str | bytes) -> None:
    path = root / "locales" / "es" / "state" / "higm.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def _replace_with_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _symlink_loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.name)


LONG_TAG = "x" * 300
BUILD = ("build", "--locale", "es", "--handout", "checklist", "--paper", "a4", "--no-large-print")


@pytest.fixture
def port_in_use():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


SCENARIOS = {
    "python-tag": (lambda r, t: _set(catalog_file(r, "es"), KEY, "!!python/name:os.system ''"), BUILD),
    "int-tag": (lambda r, t: _set(catalog_file(r, "es"), KEY, '!!int "abc"'), BUILD),
    "timestamp-tag": (lambda r, t: _settings(r, 'clinic:\n  name: !!timestamp "x"\n'), BUILD),
    "impossible-date-meta": (lambda r, t: _set(catalog_file(r, "es"), "meta.translated_on", "2026-13-45"), BUILD),
    "impossible-date-text": (lambda r, t: _set(catalog_file(r, "es"), KEY, "2026-13-45"), BUILD),
    "surrogate-catalog": (lambda r, t: _set(catalog_file(r, "es"), KEY, '"\\ud800 respirar"'), BUILD),
    "surrogate-settings": (lambda r, t: _settings(r, 'clinic:\n  name: "\\udfff"\n'), BUILD),
    "settings-folder": (lambda r, t: (r / "folder").mkdir(), (*BUILD, "--settings", "folder")),
    "settings-dev-zero": (lambda r, t: None, (*BUILD, "--settings", "/dev/zero")),
    "state-list": (lambda r, t: _state(r, "keys: [1, 2]\n"), BUILD),
    "state-sequence": (lambda r, t: _state(r, "- a\n- b\n"), BUILD),
    "state-nested": (lambda r, t: _state(r, "keys:\n  signs.fever: {source: [1, 2]}\n"), BUILD),
    "state-binary": (lambda r, t: _state(r, bytes(range(256))), BUILD),
    "state-bad-date": (lambda r, t: _state(r, "keys:\n  signs.fever: {source: abc, reviewed_on: 2026-13-45}\n"),
                       BUILD),
    "state-folder": (lambda r, t: _replace_with_folder(r / "locales" / "es" / "state" / "higm.yaml"),
                     ("mark-current", "--locale", "es")),
    "catalog-folder": (lambda r, t: _replace_with_folder(catalog_file(r, "es")), BUILD),
    "catalog-symlink-loop": (lambda r, t: _symlink_loop(catalog_file(r, "es")), BUILD),
    "long-tag-build": (lambda r, t: None, ("build", "--locale", LONG_TAG)),
    "long-tag-new-locale": (lambda r, t: None, ("new-locale", LONG_TAG)),
    "long-tag-export": (lambda r, t: None, ("export-po", "--locale", LONG_TAG)),
    "long-tag-review": (lambda r, t: None, ("review", "--locale", LONG_TAG, "--by", "Ana")),
    "output-is-a-file": (lambda r, t: (r / "out.pdf").write_bytes(b"x"), (*BUILD, "--output", "out.pdf")),
    "output-read-only": ("read-only:output", (*BUILD, "--output", "output")),
    "import-read-only": ("read-only:locales/es", ("import-po", "{po}")),
    "review-read-only": ("read-only:locales/es", ("review", "--locale", "es", "--by", "Ana")),
    "new-locale-read-only": ("read-only:locales", ("new-locale", "de")),
    "serve-port-in-use": ("port", ("serve", "--output", "output", "--port", "{port}")),
    "serve-port-out-of-range": ("site", ("serve", "--output", "output", "--port", "70000")),
    "po-not-utf8": ("po-bytes", ("import-po", "{po}")),
    "deep-nesting": (lambda r, t: _settings(r, "clinic: " + "[" * 5000 + "]" * 5000 + "\n"), BUILD),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_12_bad_input_is_one_clear_error(project_copy, tmp_path, read_only, port_in_use, name):
    setup, args = SCENARIOS[name]
    values = {}
    if callable(setup):
        setup(project_copy, tmp_path)
    elif setup.startswith("read-only:"):
        target = project_copy / setup.split(":", 1)[1]
        target.mkdir(exist_ok=True)
        if "{po}" in args:
            values["po"] = str(changed_po(project_copy))
        read_only(target)
    elif setup in ("port", "site"):
        (project_copy / "output").mkdir()
        (project_copy / "output" / "index.html").write_text("<!DOCTYPE html>", encoding="utf-8")
        values["port"] = str(port_in_use)
    elif setup == "po-bytes":
        po = changed_po(project_copy)
        po.write_bytes(po.read_bytes().replace("Dificultad".encode(), b"Dificultad \xff\xfe"))
        values["po"] = str(po)
    args = [a.format(**values) for a in args]
    before = snapshot(project_copy / "locales")
    result = handouts(project_copy, *args, timeout=60)
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    line = error_line(result, result.returncode)
    assert line.startswith("handouts: error: ") and len(line) < 400, line
    assert snapshot(project_copy / "locales") == before


def test_12_output_on_a_read_only_file_system(project_copy):
    output = project_copy / "output"
    output.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(output)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a read-only file system needs root")
    try:
        result = handouts(project_copy, *BUILD)
        error_line(result, 1, "output", "Read-only file system")
    finally:
        subprocess.run(["umount", str(output)], check=True)


def test_12_a_command_line_that_is_not_text_is_refused(project_copy):
    before = snapshot(project_copy / "locales")
    result = subprocess.run([PY.encode(), b"-m", b"handouts", b"review", b"--locale", b"es", b"--by", b"Ana \xff"],
                            cwd=project_copy, capture_output=True, timeout=60)
    result = Result(result.returncode, result.stdout.decode(), result.stderr.decode("utf-8", "replace"))
    error_line(result, 2, "--by")
    assert snapshot(project_copy / "locales") == before


# --------------------------------------------------------------------------- 13


@pytest.mark.parametrize("escape, shown", [("\\0", "U+0000"), ("\\a", "U+0007"), ("\\x1b", "U+001B"),
                                           ("\\x85", "U+0085")])
def test_13_a_control_character_names_the_locale_file_line_and_key(project_copy, escape, shown):
    es = catalog_file(project_copy, "es")
    line = set_value(es, KEY, f'"Use ropa{escape} limpia y seca."')
    error_line(handouts(project_copy, *BUILD), 1, f"locales/es/higm.yaml:{line}", KEY, shown)


def test_13_an_overlong_word_names_its_key_not_reportlab(project_copy):
    es = catalog_file(project_copy, "es")
    line = set_value(es, TITLE, '"' + "a" * 1900 + '"')
    result = handouts(project_copy, *BUILD)
    text = error_line(result, 1, f"locales/es/higm.yaml:{line}", TITLE)
    assert text.startswith("handouts: error: locales/es/higm.yaml:") and "raised by" not in text and "0x" not in text


def test_13_a_language_name_no_font_has_names_the_file_that_declares_it(project_copy):
    """A language whose own name (CLDR's, when its files give none) has a letter no face
    has: the error names that language's shared file, not the clinic settings."""
    shutil.copytree(project_copy / "locales" / "es", project_copy / "locales" / "az")
    for path in (project_copy / "locales" / "az").glob("*.yaml"):
        text = re.sub(r"(?m)^  locale: .*$", "  locale: az", path.read_text(encoding="utf-8"))
        path.write_text(re.sub(r"(?m)^  name: .*\n", "", text), encoding="utf-8")
    result = handouts(project_copy, "build", "--locale", "az", "--handout", "overview", "--paper", "a4",
                      "--no-large-print", "--output", "az-out")
    text = error_line(result, 1, "locales/az/shared.yaml", "meta.name", "U+0259")
    assert "clinic settings" not in text and not (project_copy / "az-out").exists()


# --------------------------------------------------------------------------- 14


@pytest.mark.parametrize("tag", ["de.yaml", "de@euro", "root", "und", "en", "DE", "../de", "de/x", "-de", "de_DE"])
def test_14_new_locale_refuses_what_is_not_a_language_tag(project_copy, tag):
    before = sorted(p.name for p in (project_copy / "locales").iterdir())
    error_line(handouts(project_copy, "new-locale", tag), 2)
    assert sorted(p.name for p in (project_copy / "locales").iterdir()) == before


# --------------------------------------------------------------------------- 15


def test_15_check_into_a_closed_pipe_ends_quietly(project_copy):
    assert handouts(project_copy, "new-locale", "de").returncode == 0
    process = subprocess.Popen([PY, "-m", "handouts", "check", "--locale", "de"], cwd=project_copy,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=120)
    assert "internal error" not in stderr and "Traceback" not in stderr and "Exception" not in stderr, stderr
    assert code != 3


def test_15_check_reports_progress_and_takes_settings(project_copy):
    result = handouts(project_copy, "check", "--locale", "es", "--locale", "fr")
    assert result.returncode == 0, result.stdout
    progress = [line for line in result.stderr.splitlines() if line.startswith("checking ")]
    assert len(progress) == 2 and "es" in progress[0] and "fr" in progress[1], result.stderr
    quiet = handouts(project_copy, "check", "--locale", "es", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    _settings(project_copy, 'clinic:\n  phone: "call us"\n')
    error_line(handouts(project_copy, "check", "--locale", "es", "--settings", "handouts.yaml"), 1,
               "handouts.yaml:2", "clinic.phone")


# --------------------------------------------------------------------------- 16


def test_16_a_phone_number_with_parentheses_is_accepted(project_copy):
    _settings(project_copy, 'clinic:\n  name: "Clinic"\n  phone: "(617) 555-0123"\n')
    result = handouts(project_copy, *BUILD, "-q")
    assert result.returncode == 0, result.stderr
    text = run_tool("pdftotext", str(project_copy / "output" / "higm" / "es" / "checklist-a4.pdf"), "-").stdout
    assert "(617) 555-0123" in text


def test_16_settings_in_the_current_folder_are_used_and_named(project_copy):
    work = project_copy / "clinic"
    work.mkdir()
    (work / "handouts.yaml").write_text('clinic:\n  name: "Harbor Clinic"\n', encoding="utf-8")
    result = handouts(work, "build", "--project", str(project_copy), "--locale", "es",
                      "--handout", "checklist", "--paper", "a4", "--no-large-print", "--output", "out")
    assert result.returncode == 0, result.stderr
    assert any("handouts.yaml" in line and "settings" in line for line in result.stderr.splitlines()), result.stderr
    text = run_tool("pdftotext", str(work / "out" / "higm" / "es" / "checklist-a4.pdf"), "-").stdout
    assert "Harbor Clinic" in text


def test_16_large_print_names_and_flags(project_copy):
    result = handouts(project_copy, "build", "--locale", "es", "--handout", "overview-large-print", "--paper", "a4",
                      "-q")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project_copy / "output" / "higm" / "es").glob("*.pdf")) == \
        ["overview-large-print-a4.pdf"]
    error_line(handouts(project_copy, "build", "--handout", "er-card", "--large-print"), 2, "er-card", "large-print")


# --------------------------------------------------------------------------- 17


def test_17_export_all_writes_every_language_and_a_template(project_copy):
    result = handouts(project_copy, "export-po", "--all")
    assert result.returncode == 0, result.stderr
    po_dir = project_copy / "po"
    for name in ("shared", "higm"):
        pot = po_dir / name / f"{name}.pot"
        assert pot.is_file(), sorted(po_dir.rglob("*"))
        template = load_po(pot)
        assert len(template) == len(read_catalog(catalog_file(project_copy, "en", name)).messages)
        assert all(not m.string for m in template if m.id)
        tags = sorted(p.parent.name for p in (project_copy / "locales").glob(f"*/{name}.yaml") if p.parent.name != "en")
        assert sorted(p.stem for p in (po_dir / name).glob("*.po")) == tags
        for po in (po_dir / name).glob("*.po"):
            checked = run_tool("msgfmt", "-c", "-o", os.devnull, str(po))
            assert checked.returncode == 0, (po, checked.stderr)
    again = handouts(project_copy, "export-po", "--all")
    assert again.returncode == 0
    template = handouts(project_copy, "export-po", "--template", "--catalog", "higm", "--output", "higm.pot")
    assert template.returncode == 0, template.stderr
    assert load_po(project_copy / "higm.pot").get(ENGLISH, context=KEY).string == ""


def test_17_the_header_has_real_dates_and_the_known_translators(project_copy):
    assert handouts(project_copy, "review", "--locale", "es", "--by", "Dr. Ana Ruiz", "--date", "2026-11-20"
                    ).returncode == 0
    po = export(project_copy)
    text = po.read_text(encoding="utf-8")
    assert "2000-01-01" not in text and "FIRST AUTHOR" not in text and "YEAR-MO-DA" not in text
    meta = read_catalog(catalog_file(project_copy, "es")).meta
    catalog = load_po(po)
    assert meta.translated_by in catalog.last_translator
    assert catalog.revision_date.date() == max(d for d in (meta.translated_on, meta.reviewed_on) if d)
    assert catalog.creation_date.year >= 2025
    assert meta.translated_by in text.split("msgid")[0] and "Dr. Ana Ruiz" in text.split("msgid")[0]


def test_17_a_stale_entry_shows_the_previous_english(project_copy):
    # marking a translation current records the English text it matches
    assert handouts(project_copy, "mark-current", "--locale", "es", "--keys", KEY).returncode == 0
    forget_source_text(project_copy, "es", OTHER)  # as an older state file has it
    set_english(project_copy, KEY, changed(ENGLISH))
    set_english(project_copy, OTHER, changed(OTHER_ENGLISH))
    po = export(project_copy)
    assert load_po(po).get(changed(ENGLISH), context=KEY).fuzzy
    assert previous_msgid(po, KEY) == ENGLISH
    assert f'#| msgid {json.dumps(ENGLISH, ensure_ascii=False)}' in po.read_text(encoding="utf-8")
    assert run_tool("msgfmt", "-c", "-o", os.devnull, str(po)).returncode == 0
    parsed = run_tool("msgcat", "-o", os.devnull, str(po))  # gettext reads #| lines as strings
    assert parsed.returncode == 0 and not parsed.stderr, parsed.stderr
    # a translation recorded before the English text was kept (older state files): no #| line, no error
    assert load_po(po).get(changed(OTHER_ENGLISH), context=OTHER).fuzzy
    assert previous_msgid(po, OTHER) is None
    # the translator updates it: the import records the new English, so the next change shows it
    catalog = load_po(po)
    catalog.get(changed(OTHER_ENGLISH), context=OTHER).flags.discard("fuzzy")
    save_po(catalog, po)
    assert handouts(project_copy, "import-po", str(po)).returncode == 0
    set_english(project_copy, OTHER, changed(OTHER_ENGLISH, "once more"))
    po = export(project_copy)
    assert previous_msgid(po, OTHER) == changed(OTHER_ENGLISH)


def diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_17_an_import_changes_only_the_lines_it_must(project_copy):
    es = catalog_file(project_copy, "es")
    # a long folded text, as an editor might wrap it, must survive an unrelated import
    indent = " " * (2 * len(OTHER.split(".")) + 2)
    set_value(es, OTHER, f">-\n{indent}Es un grupo de enfermedades raras del sistema inmunitario\n{indent}que se heredan.")
    assert handouts(project_copy, "mark-current", "--locale", "es", "--catalog", "higm").returncode == 0
    before = es.read_text(encoding="utf-8")
    old_lines = value_lines(es, KEY)
    name = KEY.split(".")[-1]
    po = changed_po(project_copy)
    result = handouts(project_copy, "import-po", str(po))
    assert result.returncode == 0, result.stderr
    changes = diff(before, es.read_text(encoding="utf-8"))
    key_indent = old_lines[0][: len(old_lines[0]) - len(old_lines[0].lstrip())]
    assert changes == [f"-{line}" for line in old_lines] + [f'+{key_indent}{name}: "Dificultad para respirar"'], \
        changes
    # changing the folded text replaces its lines only
    before = es.read_text(encoding="utf-8")
    set_translation(po, OTHER, "Un grupo de enfermedades raras.")
    assert handouts(project_copy, "import-po", str(po)).returncode == 0
    changes = diff(before, es.read_text(encoding="utf-8"))
    other = OTHER.split(".")[-1]
    assert changes == [f"-{key_indent}{other}: >-",
                       f"-{indent}Es un grupo de enfermedades raras del sistema inmunitario",
                       f"-{indent}que se heredan.",
                       f'+{key_indent}{other}: "Un grupo de enfermedades raras."'], changes


def test_17_poedit_rewrapping_changes_nothing(project_copy, tmp_path):
    es = catalog_file(project_copy, "es")
    state = project_copy / "locales" / "es" / "state" / "higm.yaml"
    before = snapshot(project_copy / "locales")
    po = export(project_copy)
    rewrapped = tmp_path / "rewrapped.po"
    done = run_tool("msgcat", "--width=79", "-o", str(rewrapped), str(po))
    assert done.returncode == 0, done.stderr
    assert rewrapped.read_bytes() != po.read_bytes()
    result = handouts(project_copy, "import-po", str(rewrapped))
    assert result.returncode == 0, result.stderr
    assert "0 texts changed" in result.stdout
    assert snapshot(project_copy / "locales") == before, (es, state)


def test_17_a_translator_round_trip_through_msgmerge(project_copy, tmp_path):
    assert handouts(project_copy, "export-po", "--all").returncode == 0
    po = project_copy / "po" / "higm" / "es.po"
    set_english(project_copy, KEY, changed(ENGLISH))
    set_english(project_copy, OTHER, changed(OTHER_ENGLISH))
    assert handouts(project_copy, "export-po", "--template").returncode == 0
    merged = run_tool("msgmerge", "--previous", "--quiet", "-U", str(po), str(project_copy / "po" / "higm" / "higm.pot"))
    assert merged.returncode == 0, merged.stderr
    catalog = load_po(po)
    entry = catalog.get(changed(ENGLISH), context=KEY)
    assert entry.fuzzy and previous_msgid(po, KEY) == ENGLISH
    assert catalog.get(changed(OTHER_ENGLISH), context=OTHER).fuzzy
    entry.string = "Le cuesta respirar mucho"
    entry.flags.discard("fuzzy")
    save_po(catalog, po)
    result = handouts(project_copy, "import-po", str(po))
    assert result.returncode == 0, result.stderr
    assert read_catalog(catalog_file(project_copy, "es")).get(KEY).text == "Le cuesta respirar mucho"
    check = json.loads(handouts(project_copy, "check", "--locale", "es", "--format", "json").stdout)
    stale = {f["key"] for f in check["findings"] if f["check"] == "stale"}
    assert stale == {OTHER}


def test_17_a_language_started_from_the_template(project_copy, tmp_path):
    assert handouts(project_copy, "export-po", "--template", "--catalog", "shared").returncode == 0
    assert handouts(project_copy, "new-locale", "de").returncode == 0
    po = project_copy / "po" / "shared" / "de.po"
    started = run_tool("msginit", "--no-translator", "-l", "de", "-i", str(project_copy / "po" / "shared" / "shared.pot"),
                       "-o", str(po))
    assert started.returncode == 0, started.stderr
    set_translation(po, SHARED_KEY, "Dieses Blatt gibt allgemeine Auskünfte.")
    result = handouts(project_copy, "import-po", str(po))
    assert result.returncode == 0, result.stderr
    catalog = read_catalog(catalog_file(project_copy, "de", "shared"), allow_empty=True)
    assert catalog.get(SHARED_KEY).text == "Dieses Blatt gibt allgemeine Auskünfte."
    assert catalog.meta.status == "draft"


def test_17_translate_toolkit_reads_the_catalogs_and_writes_them_back(project_copy, tmp_path):
    yaml_storage = pytest.importorskip("translate.storage.yaml")
    for path in sorted((project_copy / "locales").glob("*/*.yaml")):
        store = yaml_storage.YAMLFile.parsestring(path.read_bytes())
        assert len([u for u in store.units if u.getid().startswith("messages")]) > 10, path
    bin_dir = Path(PY).parent
    en, es = catalog_file(project_copy, "en"), catalog_file(project_copy, "es")
    po = tmp_path / "es.po"
    done = run_tool(str(bin_dir / "yaml2po"), "-t", str(en), "-i", str(es), "-o", str(po))
    assert done.returncode == 0 and "Error" not in done.stderr, done.stderr
    out = tmp_path / "es" / "higm.yaml"
    out.parent.mkdir()
    done = run_tool(str(bin_dir / "po2yaml"), "-t", str(en), "-i", str(po), "-o", str(out))
    assert done.returncode == 0 and "Error" not in done.stderr, done.stderr
    assert _messages(yaml.safe_load(out.read_text(encoding="utf-8"))["messages"]) == \
        {k: " ".join(m.text.split()) for k, m in read_catalog(es).messages.items()}
    # The meta block is handouts' own: a monolingual converter keeps only the template's
    # (English) units, so the README recommends PO components over YAML ones.


def _messages(tree: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_messages(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = " ".join(str(value).split())
    return out


def test_17_pofilter_and_pocount_accept_the_exported_files(project_copy):
    assert handouts(project_copy, "new-locale", "de").returncode == 0
    assert handouts(project_copy, "export-po", "--all").returncode == 0
    bin_dir = Path(PY).parent
    counted = run_tool(str(bin_dir / "pocount"), "--short", str(project_copy / "po"))
    assert counted.returncode == 0 and "Error" not in counted.stderr, counted.stderr
    assert "es.po" in counted.stdout
    for po in sorted((project_copy / "po").glob("*/*.po")):
        out = project_copy / f"filtered-{po.parent.name}-{po.stem}.po"
        done = run_tool(str(bin_dir / "pofilter"), "-t", "pythonbraceformat", "-t", "nplurals", "-t", "escapes",
                        "-t", "newlines", "-t", "tabs", str(po), str(out))
        assert done.returncode == 0, done.stderr
        flagged = [m for m in load_po(out) if m.id] if out.exists() else []
        assert flagged == [], (po, [(m.context, m.auto_comments) for m in flagged][:3])
