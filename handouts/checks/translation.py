"""Checks of the text itself, against the English source and the translation state."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from babel import Locale

from handouts.catalog import BROKEN_PLACEHOLDER_RE, PLACEHOLDER_RE, PLURAL_CATEGORIES, Catalog, Message
from handouts.checks import Finding
from handouts.errors import Location
from handouts.state import KeyState, is_stale

MARKUP_RE = re.compile(r"<[/a-zA-Z][^>]*>|&[a-zA-Z#][a-zA-Z0-9]*;|\{\{|\}\}|\{%|%\}")


class Context:
    """What every check may look at for one locale."""

    def __init__(self, catalog: Catalog, source: Catalog, state: dict[str, KeyState]):
        self.catalog = catalog
        self.source = source
        self.state = state

    def finding(self, severity: str, check: str, where: Location, key: str | None, message: str) -> Finding:
        return Finding(self.catalog.locale, severity, check, where, key, message)

    def pairs(self) -> Iterator[tuple[Message, Message]]:
        for key, english in self.source.messages.items():
            message = self.catalog.messages.get(key)
            if message is not None:
                yield english, message


def missing_keys(ctx: Context) -> Iterator[Finding]:
    """A key of the English source has no translation in this file."""
    for key, english in ctx.source.messages.items():
        if key not in ctx.catalog.messages:
            yield ctx.finding("error", "missing", Location(ctx.catalog.path), key,
                              f"missing: translate the English text at {english.where}")


def obsolete_keys(ctx: Context) -> Iterator[Finding]:
    """A key that no longer exists in the English source (removed, or misspelled)."""
    for key, message in ctx.catalog.messages.items():
        if key not in ctx.source.messages:
            yield ctx.finding("warning", "obsolete", message.where, key, "not in the English source: remove it or fix its name")


def empty_values(ctx: Context) -> Iterator[Finding]:
    """A key is present but has no text yet."""
    for english, message in ctx.pairs():
        if not message.text:
            yield ctx.finding("error", "empty", message.where, message.key, "not translated yet (empty)")


def stale(ctx: Context) -> Iterator[Finding]:
    """The English text changed after this translation was made."""
    for english, message in ctx.pairs():
        if message.text and is_stale(ctx.state.get(message.key), english.text):
            known = ctx.state.get(message.key) is not None and ctx.state[message.key].source is not None
            why = "the English text changed since this was translated" if known else \
                "not yet confirmed against the English text"
            yield ctx.finding("error", "stale", message.where, message.key,
                              f"out of date: {why}; revise it, then `handouts mark-current` or import a PO file")


def placeholders(ctx: Context) -> Iterator[Finding]:
    """Placeholders must match the English text: none missing, none extra or misspelled."""
    for english, message in ctx.pairs():
        if not message.text:
            continue
        broken = BROKEN_PLACEHOLDER_RE.search(message.text)
        if broken:
            yield ctx.finding("error", "placeholder", message.where, message.key, f"broken placeholder {broken.group(0)!r}")
        for name in sorted(message.placeholders - english.placeholders):
            yield ctx.finding("error", "placeholder", message.where, message.key,
                              f"unknown placeholder {{{name}}}: the English text has "
                              f"{', '.join('{' + p + '}' for p in sorted(english.placeholders)) or 'none'}")
        for name in sorted(english.placeholders - message.placeholders):
            yield ctx.finding("error", "placeholder", message.where, message.key, f"placeholder {{{name}}} is missing")


def markup(ctx: Context) -> Iterator[Finding]:
    """Tags, entities and template braces print literally: they are almost always a mistake."""
    for english, message in ctx.pairs():
        found = set(MARKUP_RE.findall(message.text)) - set(MARKUP_RE.findall(english.text))
        if found:
            yield ctx.finding("warning", "markup", message.where, message.key,
                              f"{', '.join(sorted(found))} will print literally (no markup is interpreted)")
        if message.text.count("(") != message.text.count(")") and english.text.count("(") == english.text.count(")"):
            yield ctx.finding("warning", "markup", message.where, message.key, "unbalanced brackets ( )")


def whitespace(ctx: Context) -> Iterator[Finding]:
    """Leading or trailing spaces that the English text does not have."""
    for english, message in ctx.pairs():
        raw = message.raw if message.raw is not None else message.text
        eng = english.raw if english.raw is not None else english.text
        if message.text and (raw[:1].isspace() != eng[:1].isspace() or raw[-1:].isspace() != eng[-1:].isspace()):
            yield ctx.finding("warning", "whitespace", message.where, message.key,
                              "leading or trailing space differs from the English text")


def untranslated(ctx: Context) -> Iterator[Finding]:
    """A copy of the English text where the language should differ."""
    if ctx.catalog.locale.split("-")[0] == "en":
        return
    for english, message in ctx.pairs():
        words = re.findall(r"[^\W\d_]{4,}", english.text)
        if message.text == english.text and len(words) >= 2 and message.key not in ctx.catalog.meta.same_as_english:
            yield ctx.finding("warning", "untranslated", message.where, message.key,
                              "same as the English text (if that is right, list the key under meta.same_as_english)")


def plurals(ctx: Context) -> Iterator[Finding]:
    """Where a text varies by number, every plural category of the language is there."""
    needed = set(Locale.parse(ctx.catalog.locale.replace("-", "_")).plural_form.tags) | {"other"}
    for english, message in ctx.pairs():
        if not english.plural:
            continue
        have = {category for category, _ in message.plural} if message.plural else {"other"}
        missing = [c for c in PLURAL_CATEGORIES if c in needed - have]
        if missing:
            yield ctx.finding("error", "plural", message.where, message.key,
                              f"plural forms missing for {', '.join(missing)} (this language needs "
                              f"{', '.join(c for c in PLURAL_CATEGORIES if c in needed)})")
        extra = [c for c in PLURAL_CATEGORIES if c in have - needed]
        if extra:
            yield ctx.finding("warning", "plural", message.where, message.key,
                              f"plural forms this language does not use: {', '.join(extra)}")


TEXT_CHECKS: dict[str, Callable[[Context], Iterator[Finding]]] = {
    "missing": missing_keys,
    "obsolete": obsolete_keys,
    "empty": empty_values,
    "stale": stale,
    "placeholder": placeholders,
    "markup": markup,
    "whitespace": whitespace,
    "untranslated": untranslated,
    "plural": plurals,
}
