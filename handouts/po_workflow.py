"""The PO workflow of a project: which files to export where, which catalog and language
an imported file belongs to, and writing each command's files as one transaction.

Layout: ``po/<catalog>/<tag>.po`` per catalog and language, ``po/<catalog>/<catalog>.pot``
the template: a gettext component per catalog in Weblate (see the README).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from handouts.catalog import Catalog, parse_catalog, read_catalog_text
from handouts.errors import UsageError
from handouts.files import Transaction
from handouts.langtags import canonical, check_tag, match_language, shown
from handouts.locale_files import apply
from handouts.po import ImportResult, creation_date, plan_import, render_po, unchanged_apart_from_date
from handouts.pofile import read_po_file
from handouts.project import Project
from handouts.state import load_state

PO_DIR = "po"


def po_path(folder: Path, catalog: str, tag: str) -> Path:
    return folder / catalog / f"{tag}.po"


def pot_path(folder: Path, catalog: str) -> Path:
    return folder / catalog / f"{catalog}.pot"


def translation(project: Project, store, tag: str, name: str) -> tuple[Catalog, Catalog]:
    """A translation's catalog (read leniently: empty texts allowed) and its source."""
    check_tag(tag)
    if tag == project.source_locale:
        raise UsageError("the source language is not translated; give a translation's locale")
    if tag not in project.locale_tags() or not store.has(tag, name):
        raise UsageError(f"no catalog {project.catalog_path(tag, name).relative_to(project.root)} "
                         "(see `handouts list`, or `handouts new-locale`)")
    return store.read(tag, name, allow_empty=True), store.source(name)


@dataclass(frozen=True)
class Exported:
    path: Path
    entries: int
    written: bool  # False: the file already held these texts


class Exporter:
    """Renders PO files and templates; where each text is printed is worked out once per catalog."""

    def __init__(self, project: Project, store):
        self.project = project
        self.store = store
        self.created = creation_date()
        self._printed: dict[str, dict[str, list[str]]] = {}

    def printed_on(self, name: str) -> dict[str, list[str]]:
        from handouts.compose import where_printed
        from handouts.settings import Settings

        if name not in self._printed:
            self._printed[name] = where_printed(self.project, Settings(), self.store, name)
        return self._printed[name]

    def po(self, tag: str, name: str) -> tuple[bytes, int]:
        catalog, source = translation(self.project, self.store, tag, name)
        state = load_state(self.project.state_path(tag, name))
        return render_po(source, catalog, state, self.printed_on(name), created=self.created), len(source.messages)

    def template(self, name: str) -> tuple[bytes, int]:
        source = self.store.source(name)
        return render_po(source, None, None, self.printed_on(name), created=self.created), len(source.messages)


def write_exports(files: Sequence[tuple[Path, bytes, int]]) -> list[Exported]:
    """Write the exported files together; a file whose texts did not change is left alone."""
    out = []
    with Transaction() as transaction:
        for path, data, count in files:
            if path.exists() and not path.is_file():
                raise UsageError(f"{path} exists and is not a file")
            keep = unchanged_apart_from_date(path, data)
            if not keep:
                transaction.write(path, data)
            out.append(Exported(path, count, not keep))
    return out


def export_all(project: Project, store, folder: Path, names: Sequence[str]) -> list[Exported]:
    """Every translation of every catalog in ``names``, and each catalog's template."""
    exporter = Exporter(project, store)
    files = []
    for name in names:
        data, count = exporter.template(name)
        files.append((pot_path(folder, name), data, count))
        for tag in project.locale_tags():
            if tag != project.source_locale and store.has(tag, name):
                data, count = exporter.po(tag, name)
                files.append((po_path(folder, name, tag), data, count))
    return write_exports(files)


# --------------------------------------------------------------------------- import


def _language(project: Project, po, path: Path, locale: str | None) -> str:
    available = project.locale_tags()
    header = po.language
    if locale is not None:
        tag = check_tag(locale)
        if header and match_language(header, [*available, tag]) != tag and canonical(header) != tag:
            raise UsageError(f"{path}: the PO file's Language is {shown(header)}, not {tag!r}; nothing was "
                             "imported (give the right --locale, or correct the file's Language header)")
        return tag
    if not header:
        raise UsageError(f"{path}: the PO file has no Language header; give --locale")
    tag = match_language(header, available)
    if tag is None:
        guess = canonical(header.split("@")[0].split(".")[0])
        check_tag(guess)
        raise UsageError(f"{path}: no locale {guess!r} in this project (its Language is {shown(header)}); start it "
                         f"with `handouts new-locale {guess}`, or give --locale")
    return tag


def _catalog(project: Project, store, po, path: Path, name: str | None) -> str:
    names = project.catalog_names()
    if name is not None:
        if name not in names:
            raise UsageError(f"unknown catalog {shown(name)} (this project has: {', '.join(names)})")
        return name
    if po.catalog in names:
        return po.catalog
    if path.parent.name in names:
        return path.parent.name
    contexts = {e.context for e in po.entries if e.context}
    if contexts:  # a tool dropped our header: the keys tell
        matches = [n for n in names if contexts <= set(store.source(n).messages)]
        if len(matches) == 1:
            return matches[0]
    raise UsageError(f"{path}: which catalog is it? give --catalog ({', '.join(names)})")


def import_files(project: Project, store, files: Sequence[Path], *, locale: str | None = None,
                 catalog: str | None = None) -> list[ImportResult]:
    """Read and check every PO file, then write all their changes as one transaction."""
    results: list[ImportResult] = []
    targets: dict[tuple[str, str], Path] = {}
    for path in files:
        if path.suffix == ".pot":
            raise UsageError(f"{path} is a template (POT), not a translation: import the .po files")
        po = read_po_file(path)
        tag = _language(project, po, path, locale)
        name = _catalog(project, store, po, path, catalog)
        if (tag, name) in targets:
            raise UsageError(f"{targets[(tag, name)]} and {path} both translate {tag}/{name}: import one of them")
        targets[(tag, name)] = path
        translation(project, store, tag, name)  # exists, and is a translation
        catalog_path = project.catalog_path(tag, name)
        text = read_catalog_text(catalog_path)
        current = parse_catalog(text, catalog_path, allow_empty=True)
        results.append(plan_import(po, tag, current, text, store.source(name), project.state_path(tag, name)))
    apply([result.change for result in results])
    return results


__all__ = ["export_all", "Exporter", "write_exports", "import_files", "translation", "po_path", "pot_path",
           "PO_DIR"]
