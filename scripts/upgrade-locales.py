"""Bring a project's locale files up to what the translators' tools write (idempotent;
run it after adding catalogs written by hand or by an older version, or after a merge):

- dates in a catalog's meta block are quoted ("2026-11-25"): translate-toolkit's YAML
  reader (what Weblate uses) reads dates only as text;
- with --keep-english, each state file also records the English text of every
  translation that is current with it (``source_text``), so that once the English
  changes a PO export can show the previous English (``#| msgid``). Without it, the
  tools record that text whenever a translation is made or marked current.

Only those lines change. Usage:
    .venv/bin/python scripts/upgrade-locales.py [--keep-english] [PROJECT]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from handouts.catalog import read_catalog
from handouts.project import Project
from handouts.state import keep_source_texts, load_state, render_state

DATE_LINE = re.compile(r"(?m)^(  [a-z_]+:[ \t]+)(\d{4}-\d{2}-\d{2})(?=\s|$)")


def quote_meta_dates(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\nmessages:")
    new = DATE_LINE.sub(r'\1"\2"', head)
    if new == head:
        return False
    path.write_text(new + sep + rest, encoding="utf-8")
    return True


def keep_english(project: Project) -> list[Path]:
    changed = []
    for tag in project.locale_tags():
        if tag == project.source_locale:
            continue
        for name in project.catalog_names():
            path = project.state_path(tag, name)
            if not path.is_file():
                continue
            source = read_catalog(project.catalog_path(project.source_locale, name))
            state = load_state(path)
            keep_source_texts(state, {k: m.text for k, m in source.messages.items()})
            data = render_state(state, list(source.messages))
            if data != path.read_bytes():
                path.write_bytes(data)
                changed.append(path)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=Path("."))
    parser.add_argument("--keep-english", action="store_true",
                        help="record the English text of current translations in the state files")
    args = parser.parse_args()
    project = Project.load(args.project)
    changed = [p for p in sorted(project.locales_dir.glob("*/*.yaml")) if quote_meta_dates(p)]
    if args.keep_english:
        changed += keep_english(project)
    for path in changed:
        print(f"updated {path.relative_to(project.root)}")


if __name__ == "__main__":
    main()
