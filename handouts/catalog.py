"""Catalog files -> typed, validated messages that remember their file and line.

A catalog file (``locales/<tag>/<catalog>.yaml``) is YAML with two blocks: ``meta`` (what
language, who translated it, what status) and ``messages`` (nested mappings of strings).
Keys are flattened with dots (``group.key``). The source language's file of
the same name is the source: a translation must have exactly its keys and, per key,
exactly its placeholders.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError

from handouts.errors import CatalogError, Location
from handouts.files import read_text
from handouts.yamlnodes import compose_text, construct, mapping_items

# Limits (README, "Limits"): a catalog file is read only up to CATALOG_LIMIT bytes, and
# each text (each plural form) may have at most TEXT_LIMIT characters: the longest text
# of the handouts has about 400; a megabyte of text would take minutes to lay out.
CATALOG_LIMIT = 1 << 20  # 1 MB
TEXT_LIMIT = 2000  # characters per text
META_TEXT_LIMIT = 200  # characters per meta field (a name)

DIRECTIONS = ("ltr", "rtl")
STATUSES = ("source", "new", "draft", "reviewed")
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

# A placeholder is {name}. Doubled braces ({{ ... }}) are never placeholders: they
# print literally, so a translation can never smuggle template syntax in.
PLACEHOLDER_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
# "{name" with no closing brace, or "name}" with no opening one.
BROKEN_PLACEHOLDER_RE = re.compile(
    r"(?<![{])\{[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_}])|(?<![{A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*\}(?!\})"
)


@dataclass(frozen=True)
class Message:
    """One translatable text and where it is written."""

    key: str
    text: str
    where: Location
    raw: str | None = None  # the value as written, before surrounding space was trimmed
    plural: tuple[tuple[str, str], ...] = ()  # (CLDR category, text) for messages that vary by number

    @cached_property  # asked for each check of each translation of the key
    def placeholders(self) -> frozenset[str]:
        texts = [self.text, *(text for _, text in self.plural)]
        return frozenset(name for text in texts for name in PLACEHOLDER_RE.findall(text))


@dataclass(frozen=True)
class LocaleMeta:
    """The ``meta`` block: identity and translation status of one locale file."""

    locale: str
    name: str | None  # the language's own name; by default from CLDR
    direction: str | None  # "ltr" or "rtl"; by default from CLDR
    status: str
    translated_by: str | None
    translated_on: dt.date | None
    reviewed_by: str | None
    reviewed_on: dt.date | None
    # Only in the English source: when the content was written, and when the
    # published source it is based on was last medically reviewed.
    content_date: dt.date | None = None
    source_reviewed: dt.date | None = None
    # Keys whose translation is rightly the same as the English (a name, a loanword).
    same_as_english: tuple[str, ...] = ()



@dataclass(frozen=True)
class Catalog:
    """All messages of one catalog file, keyed by dotted key."""

    path: Path
    meta: LocaleMeta
    messages: Mapping[str, Message]

    @property
    def locale(self) -> str:
        return self.meta.locale

    @property
    def name(self) -> str:
        """The catalog's name (``shared``, or a condition's catalog)."""
        return self.path.stem

    def get(self, key: str) -> Message:
        try:
            return self.messages[key]
        except KeyError:
            raise CatalogError("missing key", Location(self.path), key) from None

    def __contains__(self, key: str) -> bool:
        return key in self.messages


# --------------------------------------------------------------------------- reading


def _is_plural(node: yaml.Node) -> bool:
    """A mapping whose keys are CLDR plural categories, "other" among them."""
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return False
    keys = {str(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    return "other" in keys and keys <= set(PLURAL_CATEGORIES)


# Characters with no place in a printed text: control characters (tab and line break
# aside), lone surrogates, the line and paragraph separators, noncharacters (U+FDD0 to
# U+FDEF, and the last two code points of every plane).
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufdd0-\ufdef"
                        + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
                        + "]")


def forbidden_character(text: str) -> str | None:
    """The first character that has no place in a printed text (``_FORBIDDEN``)."""
    found = _FORBIDDEN.search(text)
    return found.group() if found else None


def check_text(text: str, where: Location, key: str, *, limit: int = TEXT_LIMIT) -> None:
    """What every text must be, wherever it comes from (a catalog file, a PO file): at
    most ``limit`` characters, no control characters, no broken placeholder."""
    if len(text) > limit:
        raise CatalogError(f"the text has {len(text):,} characters; at most {limit:,} are allowed", where, key)
    bad = forbidden_character(text)
    if bad is not None:
        what = "lone surrogate" if 0xD800 <= ord(bad) <= 0xDFFF else "control character"
        raise CatalogError(f"contains the {what} U+{ord(bad):04X}; remove it", where, key)
    broken = BROKEN_PLACEHOLDER_RE.search(text)
    if broken:
        raise CatalogError(f"broken placeholder {broken.group(0)[:40]!r} (write {{name}})", where, key)


def _text(value_node: yaml.Node, path: Path, line: int, full: str, allow_empty: bool) -> tuple[str, str]:
    if not isinstance(value_node, yaml.ScalarNode):
        raise CatalogError("value must be text", Location(path, line), full)
    value = construct(value_node)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CatalogError(
            f"value must be text, not {type(value).__name__} (put it in quotes)", Location(path, line), full
        )
    raw = unicodedata.normalize("NFC", value)
    text = raw.strip()
    if not text and not allow_empty:
        raise CatalogError("value is empty", Location(path, line), full)
    check_text(text, Location(path, line), full)
    return raw, text


def _flatten_messages(node: yaml.Node, path: Path, prefix: str = "", allow_empty: bool = False) -> dict[str, Message]:
    out: dict[str, Message] = {}
    for key, value_node, line in mapping_items(node, path, prefix.rstrip(".") or "messages", CatalogError):
        full = prefix + key
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise CatalogError("keys use lower-case letters, digits and _ only", Location(path, line), full)
        if _is_plural(value_node):
            forms = []
            for category, form_node, form_line in mapping_items(value_node, path, full, CatalogError):
                forms.append((category, _text(form_node, path, form_line, f"{full}.{category}", allow_empty)[1]))
            other = dict(forms)["other"]
            out[full] = Message(full, other, Location(path, line), other, tuple(forms))
            continue
        if isinstance(value_node, yaml.MappingNode):
            out.update(_flatten_messages(value_node, path, full + ".", allow_empty))
            continue
        raw, text = _text(value_node, path, line, full, allow_empty)
        out[full] = Message(full, text, Location(path, line), raw)
    return out


def _meta(node: yaml.Node, path: Path) -> LocaleMeta:
    fields = {key: (construct(value), line) for key, value, line in mapping_items(node, path, "meta", CatalogError)}
    meta_line = node.start_mark.line + 1

    def get(name: str, required: bool = True) -> tuple[object, int]:
        if name not in fields:
            if required:
                raise CatalogError(f"meta.{name} is required", Location(path, meta_line))
            return None, meta_line
        return fields[name]

    def text(name: str, required: bool = True) -> str | None:
        value, line = get(name, required)
        if value is None:
            if required:
                raise CatalogError("must not be empty", Location(path, line), f"meta.{name}")
            return None
        if not isinstance(value, str) or not value.strip():
            raise CatalogError("must be text", Location(path, line), f"meta.{name}")
        check_meta_text(value.strip(), Location(path, line), f"meta.{name}")
        return value.strip()

    def date(name: str) -> dt.date | None:
        value, line = get(name, required=False)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:  # quoted, as translation tools write dates ("2026-11-25")
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise CatalogError("must be a date written YYYY-MM-DD", Location(path, line), f"meta.{name}")

    unknown = set(fields) - {
        "locale", "name", "direction", "status", "translated_by", "translated_on", "reviewed_by", "reviewed_on",
        "content_date", "source_reviewed", "same_as_english",
    }
    if unknown:
        name = sorted(unknown)[0]
        raise CatalogError("unknown meta field", Location(path, fields[name][1]), f"meta.{name}")

    locale = text("locale")
    assert locale is not None
    try:
        Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise CatalogError(f"{locale!r} is not a known BCP 47 language tag", Location(path, get("locale")[1]), "meta.locale") from None
    if locale != path.parent.name:
        raise CatalogError(
            f"locale {locale!r} does not match the folder name {path.parent.name!r}", Location(path, get("locale")[1]),
            "meta.locale",
        )
    direction = text("direction", required=False)
    if direction is not None and direction not in DIRECTIONS:
        raise CatalogError(f"must be one of {', '.join(DIRECTIONS)}", Location(path, get("direction")[1]), "meta.direction")
    status = text("status")
    if status not in STATUSES:
        raise CatalogError(f"must be one of {', '.join(STATUSES)}", Location(path, get("status")[1]), "meta.status")
    meta = LocaleMeta(
        locale=locale,
        name=text("name", required=False),
        direction=direction,
        status=status,
        translated_by=text("translated_by", required=False),
        translated_on=date("translated_on"),
        reviewed_by=text("reviewed_by", required=False),
        reviewed_on=date("reviewed_on"),
        content_date=date("content_date"),
        source_reviewed=date("source_reviewed"),
        same_as_english=_key_list(fields.get("same_as_english"), path),
    )
    if meta.status == "draft" and not (meta.translated_by and meta.translated_on):
        raise CatalogError(
            "a draft names its translator and date (translated_by, translated_on)",
            Location(path, get("status")[1]), "meta.status",
        )
    if meta.status == "reviewed" and not (meta.reviewed_by and meta.reviewed_on):
        raise CatalogError(
            "a reviewed locale names its reviewer and date (reviewed_by, reviewed_on)",
            Location(path, get("status")[1]), "meta.status",
        )
    return meta


def check_meta_text(text: str, where: Location, key: str) -> None:
    """A name or a status in the meta block: one short line of text."""
    if len(text) > META_TEXT_LIMIT:
        raise CatalogError(f"has {len(text):,} characters; at most {META_TEXT_LIMIT} are allowed", where, key)
    bad = forbidden_character(text) or next((c for c in text if c in "\t\n"), None)
    if bad is not None:
        raise CatalogError(f"contains the control character U+{ord(bad):04X}; write one line of text", where, key)


def _key_list(field: tuple[object, int] | None, path: Path) -> tuple[str, ...]:
    if field is None or field[0] is None:
        return ()
    value, line = field
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError("must be a list of keys", Location(path, line), "meta.same_as_english")
    return tuple(value)


def read_catalog(path: Path, *, allow_empty: bool = False) -> Catalog:
    """Read one locale file; checks its own shape, not its agreement with the source.

    ``allow_empty`` reads untranslated (empty) values as empty text instead of failing:
    the translators' check reports them all at once."""
    return parse_catalog(read_catalog_text(path), path, allow_empty=allow_empty)


def read_catalog_text(path: Path) -> str:
    """A catalog file's text (a regular UTF-8 file of at most ``CATALOG_LIMIT`` bytes)."""
    return read_text(path, CatalogError, CATALOG_LIMIT, "catalog file")


def parse_catalog(text: str, path: Path, *, allow_empty: bool = False) -> Catalog:
    """A catalog from the text of ``path`` (read, or about to be written)."""
    root = compose_text(text, path, CatalogError, key_root="messages")
    top = dict((key, (value, line)) for key, value, line in mapping_items(root, path, "the file", CatalogError))
    for required in ("meta", "messages"):
        if required not in top:
            raise CatalogError(f"the file needs a top-level '{required}:' block", Location(path, 1))
    extra = set(top) - {"meta", "messages"}
    if extra:
        name = sorted(extra)[0]
        raise CatalogError("unknown top-level block (only meta and messages)", Location(path, top[name][1]), name)
    meta = _meta(top["meta"][0], path)
    messages = _flatten_messages(top["messages"][0], path, allow_empty=allow_empty)
    return Catalog(path=path, meta=meta, messages=messages)


# --------------------------------------------------------------------------- checking


def check_source(source: Catalog, known_placeholders: Iterable[str], *, dated: bool = False) -> None:
    """The source may only use placeholders the pipeline knows how to fill; a ``dated``
    catalog (a condition's) says when it was written and when its source was reviewed."""
    known = set(known_placeholders)
    if source.meta.status != "source":
        raise CatalogError("the source language's status must be 'source'", Location(source.path), "meta.status")
    for name in ("content_date", "source_reviewed") if dated else ():
        if getattr(source.meta, name) is None:
            raise CatalogError("the source must give this date (YYYY-MM-DD)", Location(source.path), f"meta.{name}")
    for message in source.messages.values():
        unknown = sorted(message.placeholders - known)
        if unknown:
            raise CatalogError(
                f"unknown placeholder {{{unknown[0]}}} (known: {', '.join(sorted(known))})", message.where, message.key
            )


def check_translation(catalog: Catalog, source: Catalog, allow_missing: bool = False) -> None:
    """A translation must mirror the source: same keys, same placeholders per key.

    With ``allow_missing`` (English fallback asked for), missing or empty texts pass."""
    if not allow_missing:
        for key, source_message in source.messages.items():
            if key not in catalog.messages:
                raise CatalogError(
                    f"missing key (the English text is at {source_message.where})", Location(catalog.path), key
                )
    for key, message in catalog.messages.items():
        source_message = source.messages.get(key)
        if source_message is None:
            raise CatalogError("key is not in the English source (misspelled or removed?)", message.where, key)
        if not message.text:  # untranslated: English stands in, placeholders and all
            continue
        extra = sorted(message.placeholders - source_message.placeholders)
        if extra:
            raise CatalogError(
                f"unknown placeholder {{{extra[0]}}} (the English text uses "
                f"{', '.join('{' + p + '}' for p in sorted(source_message.placeholders)) or 'none'})",
                message.where, key,
            )
        missing = sorted(source_message.placeholders - message.placeholders)
        if missing:
            raise CatalogError(f"placeholder {{{missing[0]}}} is missing", message.where, key)


def plural_category(tag: str, count: int) -> str:
    """The CLDR plural category of ``count`` in the language (Babel's plural rules)."""
    return Locale.parse(tag.replace("-", "_")).plural_form(count)


def fill(message: Message, values: Mapping[str, str], *, count: int | None = None, tag: str = "en") -> str:
    """Replace each {placeholder} with its formatted value; nothing else is interpreted.

    A message that varies by number uses the form for ``count`` in the language."""
    text = message.text
    if message.plural and count is not None:
        forms = dict(message.plural)
        text = forms.get(plural_category(tag, count), forms["other"])

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise CatalogError(f"no value for placeholder {{{name}}}", message.where, message.key)
        return values[name]

    return PLACEHOLDER_RE.sub(replace, text)
