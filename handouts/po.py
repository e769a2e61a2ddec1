"""PO files for translation tools (Poedit, Weblate, Crowdin, msgmerge), one per catalog
and language (``po/<catalog>/<tag>.po``), and a template per catalog (``<catalog>.pot``).

Export: msgctxt = the key, msgid = the English text (``msgid_plural`` for a text that
varies by number, with a ``msgstr[n]`` per plural form of the language), msgstr = the
translation; the translator comments of the English file and where the text is printed
as extracted comments; ``fuzzy`` and the previous English text (``#| msgid``) on stale
translations; a header with real dates, the translators the catalog names, the
language's Plural-Forms and the catalog (``X-Handouts-Catalog``).

Import: the whole file is read and checked before anything is written (``pofile``
reads it strictly; every text passes the catalog loader's checks, placeholders must
match); the changed values are then written into the catalog file, only their lines,
together with the translation state (``locale_files``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog as POCatalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import write_po

from handouts import __version__
from handouts.catalog import PLACEHOLDER_RE, Catalog, Message, check_meta_text, check_text
from handouts.errors import CatalogError, Location
from handouts.formatting import language_name
from handouts.locale_files import CatalogChange, checked_edit, state_bytes
from handouts.pofile import PoFile, plural_categories
from handouts.state import KeyState, is_stale, load_state, mark_current

CATALOG_HEADER = "X-Handouts-Catalog"  # which catalog file (shared, or a condition's) the PO file translates
DATE_FORMAT = "%Y-%m-%d %H:%M%z"


# --------------------------------------------------------------------------- export


def _comments_by_key(text: str) -> dict[str, list[str]]:
    """The ``#`` comment lines written directly above each key of a YAML file."""
    comments: dict[str, list[str]] = {}
    stack: list[tuple[int, str]] = []
    pending: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        match = re.match(r"^(\s*)([a-z][a-z0-9_]*):", line)
        if not match:
            pending = []
            continue
        indent = len(match.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match.group(2)))
        names = [name for _, name in stack]
        if names and names[0] == "messages":
            key = ".".join(names[1:])
            if key and pending:
                comments[key] = pending
        pending = []
    return comments


def creation_date() -> dt.datetime:
    """Now, to the minute (UTC); ``SOURCE_DATE_EPOCH`` fixes it for reproducible exports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)


def _english_ids(message: Message) -> str | tuple[str, str]:
    """The msgid (and msgid_plural) of a source message."""
    if not message.plural:
        return message.text
    forms = dict(message.plural)
    return forms.get("one", forms["other"]), forms["other"]


def _po_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _header(fields: list[tuple[str, str]], comments: list[str], fuzzy: bool) -> str:
    lines = [f"# {line}".rstrip() for line in comments]
    if fuzzy:
        lines.append("#, fuzzy")
    lines += ['msgid ""', 'msgstr ""']
    lines += [_po_string(f"{name}: {value}\n") for name, value in fields]
    return "\n".join(lines) + "\n\n"


def _translators(catalog: Catalog, state: dict[str, KeyState]) -> tuple[list[str], dt.date | None]:
    """The header comment's credits, and the date of the latest known change."""
    meta = catalog.meta
    credits = []
    if meta.translated_by:
        credits.append(f"{meta.translated_by}, {meta.translated_on.year if meta.translated_on else ''}".rstrip(", "))
    reviewers: dict[str, dt.date | None] = {}
    for key_state in state.values():
        if key_state.reviewed_by:
            known = reviewers.get(key_state.reviewed_by)
            reviewers[key_state.reviewed_by] = max(d for d in (known, key_state.reviewed_on) if d) \
                if (known or key_state.reviewed_on) else None
    if meta.reviewed_by and meta.reviewed_by not in reviewers:
        reviewers[meta.reviewed_by] = meta.reviewed_on
    lines = []
    if credits:
        lines += ["Translators:", *credits]
    for name, on in reviewers.items():
        lines.append(f"Reviewed by {name}" + (f", {on.isoformat()}." if on else "."))
    dates = [d for d in (meta.translated_on, meta.reviewed_on, *reviewers.values()) if d]
    return lines, max(dates) if dates else None


def render_po(source: Catalog, catalog: Catalog | None = None, state: dict[str, KeyState] | None = None,
              printed_on: dict[str, list[str]] | None = None, *, created: dt.datetime | None = None) -> bytes:
    """The PO file of ``catalog`` (a translation of ``source``), or with no catalog the
    template (POT) of ``source``."""
    state = state or {}
    created = created or creation_date()
    comments = _comments_by_key(source.path.read_text(encoding="utf-8")) if source.path.is_file() else {}
    where = f"{source.path.parent.parent.name}/{source.path.parent.name}/{source.path.name}"
    if catalog is None:
        po = POCatalog(charset="utf-8", fuzzy=True)
        tag = None
        header_comments = [f'Template (POT) of the handouts catalog "{source.name}" ({where}).',
                           "A new language starts from a copy (msginit, Weblate), or from",
                           "`handouts new-locale TAG` and `handouts export-po --locale TAG`."]
        fields = [("Project-Id-Version", f"handouts {source.name}"), ("Report-Msgid-Bugs-To", ""),
                  ("POT-Creation-Date", created.strftime(DATE_FORMAT)),
                  ("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"), ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
                  ("Language-Team", "LANGUAGE <LL@li.org>"), ("Language", ""), ("MIME-Version", "1.0"),
                  ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit")]
        # No Plural-Forms in a template: msginit and Weblate add the language's (Babel's
        # reader cannot read gettext's "nplurals=INTEGER" placeholder).
        slots: list[str | None] = []
    else:
        tag = catalog.locale
        locale_id = tag.replace("-", "_")
        po = POCatalog(locale=locale_id, charset="utf-8", fuzzy=False)
        credits, latest = _translators(catalog, state)
        header_comments = [f'{language_name(tag, "en")} ({tag}) translation of the handouts catalog '
                           f'"{source.name}" ({catalog.path.parent.parent.name}/{catalog.path.parent.name}/'
                           f'{catalog.path.name}).',
                           f"Import it with: handouts import-po po/{source.name}/{tag}.po", *([""] + credits
                                                                                           if credits else [])]
        plural = get_plural(locale_id)
        revised = dt.datetime.combine(latest, dt.time(), dt.timezone.utc) if latest else created
        fields = [("Project-Id-Version", f"handouts {source.name}"), ("Report-Msgid-Bugs-To", ""),
                  ("POT-Creation-Date", created.strftime(DATE_FORMAT)),
                  ("PO-Revision-Date", revised.strftime(DATE_FORMAT)),
                  ("Last-Translator", catalog.meta.translated_by or ""),
                  ("Language-Team", language_name(tag, "en")), ("Language", locale_id), ("MIME-Version", "1.0"),
                  ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit"),
                  ("Plural-Forms", f"nplurals={plural.num_plurals}; plural={plural.plural_expr};")]
        slots = plural_categories(tag, plural.num_plurals, plural.plural_expr, Location(catalog.path))
    fields += [("X-Generator", f"handouts {__version__}"), (CATALOG_HEADER, source.name)]
    previous_ids: dict[str, str] = {}
    for key, english in source.messages.items():
        message = catalog.messages.get(key) if catalog is not None else None
        flags = set()
        previous = None
        if english.plural:
            forms = dict(message.plural) if message is not None and message.plural else {}
            if catalog is None:
                string: str | tuple[str, ...] = ("", "")
            else:
                string = tuple(forms.get(c or "other", forms.get("other", "")) if forms else "" for c in slots)
            translated = any(string)
        else:
            string = message.text if message is not None else ""
            translated = bool(string)
        if translated and is_stale(state.get(key), english.text):
            flags.add("fuzzy")
            old = state.get(key).source_text if state.get(key) else None
            if old and old != english.text and not english.plural:
                previous = [old]
        if english.placeholders:
            flags.add("python-brace-format")
        auto = [*comments.get(key, [])]
        if printed_on and key in printed_on:
            auto.append("Printed on: " + "; ".join(printed_on[key]))
        if previous:
            previous_ids[key] = previous[0]
        added = po.add(_english_ids(english), string, context=key, auto_comments=auto, flags=flags,
                       locations=[(source.path.name, english.where.line)])
        # Babel guesses printf formats from a "%" in the text ("100% size"): ours are plain text.
        added.flags.discard("python-format")
    buffer = io.BytesIO()
    write_po(buffer, po, width=0, omit_header=True, sort_output=False)
    body = buffer.getvalue().decode("utf-8").lstrip("\n")
    for key, old in previous_ids.items():
        # Babel wraps "#| msgid" as a comment, cutting its string in two; gettext reads
        # it as a string: one line, written here.
        context = f"msgctxt {_po_string(key)}\n"
        body = body.replace(context, f"#| msgid {_po_string(old)}\n{context}", 1)
    return (_header(fields, header_comments, fuzzy=catalog is None) + body).encode("utf-8")


def _without_creation_date(data: bytes) -> bytes:
    return re.sub(rb'"POT-Creation-Date: [^"]*"\n', b"", data, count=1)


def unchanged_apart_from_date(path: Path, data: bytes) -> bool:
    """True when ``path`` already holds ``data`` but for its POT-Creation-Date: an export
    of unchanged texts leaves the file (and its history) alone."""
    try:
        return path.is_file() and _without_creation_date(path.read_bytes()) == _without_creation_date(data)
    except OSError:
        return False


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    """What one PO file changes in one catalog, checked and ready to write."""

    po_path: Path
    change: CatalogChange
    changed: int = 0
    current: int = 0
    skipped: list[str] = field(default_factory=list)  # incomplete plural entries


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _key_of(entry, source: Catalog, po: PoFile, by_english: dict[str, list[str]]) -> str:
    where = Location(po.path, entry.line)
    if entry.context is not None:
        key = entry.context
        if key not in source.messages:
            raise CatalogError(f"msgctxt is not a key of the English source ({source.path.name})", where,
                               key[:80])
        return key
    keys = by_english.get(_normal(entry.msgid), [])
    if len(keys) == 1:  # a tool dropped msgctxt: the English text tells, when it is unique
        return keys[0]
    if keys:
        raise CatalogError(f"the entry has no msgctxt and its English text is that of {len(keys)} keys "
                           f"({', '.join(keys[:3])}); give each entry its key as msgctxt", where)
    raise CatalogError(f"the entry has no msgctxt, and its msgid is no English text of {source.path.name}: is "
                       "this PO file for this catalog?", where)


def plan_import(po: PoFile, tag: str, catalog: Catalog, catalog_text: str, source: Catalog,
                state_path: Path) -> ImportResult:
    """Check every entry of ``po`` against the source and plan the catalog's new text and
    state; raises (and nothing is written) at the first problem."""
    seen: dict[str, int] = {}
    by_english: dict[str, list[str]] = {}
    for key, english in source.messages.items():
        ids = _english_ids(english)
        by_english.setdefault(_normal(ids if isinstance(ids, str) else ids[0]), []).append(key)
    count, expression = po.plural_forms(tag)
    slots: list[str | None] | None = None
    values: dict[str, str | tuple[tuple[str, str], ...]] = {}
    current: list[str] = []
    skipped: list[str] = []
    for entry in po.entries:
        where = Location(po.path, entry.line)
        key = _key_of(entry, source, po, by_english)
        if key in seen:
            raise CatalogError(f"the key appears twice (lines {seen[key]} and {entry.line}); keep one entry and "
                               "import again (nothing was imported)", where, key)
        seen[key] = entry.line
        english = source.messages[key]
        existing = catalog.messages.get(key)
        if english.plural:
            if entry.msgid_plural is None:
                raise CatalogError("the English text varies by number: the entry needs msgid_plural and a msgstr[n] "
                                   "per plural form", where, key)
            if slots is None:
                slots = plural_categories(tag, count, expression, Location(po.path, po.header_line))
            forms = dict(existing.plural) if existing is not None and existing.plural else {}
            given = {}
            for index, text in entry.strings.items():
                category = slots[index] if index < len(slots) else None
                text = _normal(text)
                if category is None:
                    if text:
                        raise CatalogError(f"msgstr[{index}] is more plural forms than the language has ({count})",
                                           where, key)
                    continue
                if text:
                    check_text(text, where, f"{key}.{category}")
                    given[category] = text
            if not given:
                continue
            forms.update(given)
            needed = [c for c in ("zero", "one", "two", "few", "many", "other")
                      if c in set(Locale.parse(tag.replace("-", "_")).plural_form.tags) | {"other"}]
            for category in needed:  # a category no integer reaches (Russian "other"): the last form
                if category not in forms and category not in slots:
                    forms[category] = given[[c for c in slots if c in given][-1]]
            if any(category not in forms for category in needed):
                skipped.append(key)
                continue
            value: str | tuple[tuple[str, str], ...] = tuple((c, forms[c]) for c in
                                                             ("zero", "one", "two", "few", "many", "other")
                                                             if c in forms)
            texts = [text for _, text in value]
            unchanged = existing is not None and existing.plural == value
            is_current = not entry.fuzzy and (_normal(entry.msgid), _normal(entry.msgid_plural)) == \
                tuple(_normal(t) for t in _english_ids(english))
        else:
            if entry.msgid_plural is not None:
                raise CatalogError("the English text does not vary by number, but the entry has plural forms",
                                   where, key)
            text = _normal(entry.strings.get(0, ""))
            if not text:
                continue
            check_text(text, where, key)
            value, texts = text, [text]
            unchanged = existing is not None and existing.text == text and not existing.plural
            is_current = not entry.fuzzy and _normal(entry.msgid) == english.text
        for text in texts:
            have, want = set(PLACEHOLDER_RE.findall(text)), english.placeholders
            if have != want or text.count("{") != text.count("}"):
                raise CatalogError(
                    f"placeholders {sorted(have)} do not match the English text's {sorted(want)}; nothing was "
                    "imported", where, key)
        if not unchanged:
            values[key] = value
        if is_current:
            current.append(key)
    meta: dict[str, object] = {}
    translator = po.last_translator
    if translator is not None:
        try:
            check_meta_text(translator, Location(po.path), "Last-Translator")
        except CatalogError:
            translator = None  # a broken header does not block the translations
    if values and (catalog.meta.status == "new" or (translator and not catalog.meta.translated_by)):
        # The first translation of a scaffold: it becomes a draft, by the PO file's translator.
        meta = {"status": "draft" if catalog.meta.status == "new" else catalog.meta.status,
                "translated_by": translator or catalog.meta.translated_by or "unknown",
                "translated_on": dt.date.today()}
    new_text = checked_edit(catalog_text, catalog.path, source, values, meta) if values or meta else None
    state = load_state(state_path)
    for key in current:  # recorded when the translation is made or changes, not re-recorded
        if key in values or is_stale(state.get(key), source.messages[key].text):
            mark_current(state, key, source.messages[key].text)
    change = CatalogChange(catalog.path, state_path, catalog_text=new_text, state=state_bytes(state, source))
    return ImportResult(po.path, change, len(values), len(current), skipped)


__all__ = ["render_po", "plan_import", "ImportResult", "unchanged_apart_from_date", "creation_date",
           "CATALOG_HEADER"]
