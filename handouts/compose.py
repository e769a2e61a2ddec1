"""Catalog texts + template + clinic settings -> semantic document, for one handout.

Each document is rendered once: the translator records the keys the template asks for,
and the blocks that depend on them (``when="outdated"``, ``when="fallback"``) are kept
or dropped when the XML is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from handouts.document import Document
from handouts.errors import Location
from handouts.docxml import parse_document
from handouts.formatting import bracketed, format_date, format_temperatures
from handouts.project import HandoutSpec, Project
from handouts.settings import ParameterValue, Settings, Temperature
from handouts.templating import LATE_PLACEHOLDERS, Translator, make_environment, render_template
from handouts.texts import Texts
from handouts.typography import LRI, PDI, unbreakable
from handouts.typography import isolate as typography_isolate

if TYPE_CHECKING:
    import jinja2

# Placeholders the engine fills in every text, besides the project's parameters.
ENGINE_PLACEHOLDERS = (
    "source_reviewed",
    "content_date",
    "translator",
    "translated_on",
    "reviewer",
    "reviewed_on",
    *LATE_PLACEHOLDERS,
)


def placeholders(project: Project) -> tuple[str, ...]:
    """Every placeholder a catalog text of this project may use."""
    return (*ENGINE_PLACEHOLDERS, *project.manifest.parameters)


def format_parameter(value: ParameterValue, tag: str) -> str:
    if isinstance(value.value, Temperature):
        return format_temperatures(value.value.celsius, value.value.fahrenheit, tag)
    return value.value


def placeholder_values(texts: Texts, source: Texts, parameters: Mapping[str, ParameterValue]) -> dict[str, str]:
    """Locale-formatted values for the placeholders (all but the per-page ones)."""
    tag = texts.locale
    meta = texts.meta
    values = {name: format_parameter(value, tag) for name, value in parameters.items()}
    for name, date in (
        ("source_reviewed", source.meta.source_reviewed),
        ("content_date", source.meta.content_date),
        ("translated_on", meta.translated_on),
        ("reviewed_on", meta.reviewed_on),
    ):
        if date is not None:
            values[name] = format_date(date, tag)
    values["translator"] = meta.translated_by or "?"
    values["reviewer"] = meta.reviewed_by or "?"
    values.setdefault("translated_on", "?")
    values.setdefault("reviewed_on", "?")
    return values


def check_pictograms(document: Document, where: Location) -> None:
    """Every pictogram a template names exists (one clear error, before any drawing)."""
    from handouts.document import ListBlock, iter_blocks
    from handouts.pictograms import icon

    for section in document.sections:
        for block in iter_blocks(section.blocks):
            for item in block.items if isinstance(block, ListBlock) else ():
                if item.icon:
                    icon(item.icon, where)


def isolate(value: str) -> str:
    """A phone number or address in a left-to-right isolate (LRI ... PDI), with no-break
    spaces: inside right-to-left text "+1 555 010 0100" stays one piece, in order."""
    if isinstance(value, Markup):  # a person's value, already a keyed element
        return Markup(LRI) + value + Markup(PDI)
    return f"{LRI}{unbreakable(value)}{PDI}"


def isolate_text(value: str) -> str:
    """A clinic's text (its name, a team) in a first-strong isolate: one piece in the
    sentence around it, in the direction of its own first letter."""
    return typography_isolate(value) if value else value


PERSON_KEY = "person."  # the pseudo-key of a person's value: a layout error names its option


def short_address(url: str) -> str:
    """``https://example.org/a/b.html`` -> ``example.org/a/b.html``: what a person types."""
    return re.sub(r"^https://", "", url)


def phone_uri(number: str) -> str:
    """``+1 (555) 010-0100`` -> ``+15550100100`` for a tel: link."""
    return re.sub(r"[^0-9+]", "", number.split("ext")[0].split("x")[0])


class PersonValues(Mapping[str, str]):
    """The values one person's copy is filled with (``person.name`` in templates); a
    value not given is empty, so the line stays blank for the family to fill in.

    A value comes as a ``<t k="person.NAME">`` element, in a first-strong isolate (a
    name in Latin letters stays whole in Arabic text, and the other way round), so a
    value that does not fit or cannot print is named by its option."""

    def __init__(self, values: Mapping[str, str]):
        self._values = dict(values)

    def __getitem__(self, name: str) -> str:
        value = self._values.get(name, "")
        if not value:
            return ""
        return Markup('<t k="{}">\u2068{}\u2069</t>').format(PERSON_KEY + name, value)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Composed:
    """A handout's document and what it printed: the keys used, the keys shown from the
    source language because their translation is missing."""

    document: Document
    keys: frozenset[str]
    missing: frozenset[str]
    care_keys: frozenset[str] = frozenset()  # keys printed in the care language (when it differs)
    # Every key whose text the composition read, in the family's language and in the care
    # language (``t()``, ``tc()`` and the document's text elements): what it is made from.
    reads: frozenset[str] = frozenset()
    care_reads: frozenset[str] = frozenset()


class Composer:
    """Renders one condition's handout templates into documents."""

    def __init__(self, project: Project, settings: Settings, condition: str, *,
                 template_cache: jinja2.BytecodeCache | None = None):
        self.project = project
        self.settings = settings
        self.condition = project.manifest.condition(condition)
        self.parameters = settings.parameter_values(project.manifest, condition)
        self.clinic = settings.clinic_values(project.manifest)
        self.env = make_environment(project.templates_dir, template_cache)
        self.env.filters["phone_uri"] = phone_uri
        self.env.filters["isolate"] = isolate
        self.env.filters["isolate_text"] = isolate_text
        self.env.filters["bracketed"] = bracketed

    def compose(self, spec: HandoutSpec, texts: Texts, source: Texts, *, fallback: bool = False,
                status: str | None = None, stale: frozenset[str] = frozenset(), care: Texts | None = None,
                care_stale: frozenset[str] = frozenset(), person: Mapping[str, str] | None = None) -> Composed:
        """The handout's document. With ``fallback``, the source text stands in (marked) for
        missing translations. ``status`` is printed ("source", "draft", "reviewed").
        ``care``: the texts in the language of the care staff (``tc()`` in templates; by
        default the family's own); ``person``: values a personal copy is filled with."""
        values = placeholder_values(texts, source, self.parameters)
        source_values = placeholder_values(source, source, self.parameters)
        t = Translator(texts, values, source if fallback else None, source_values if fallback else None)
        care = care or texts
        if care.locale == texts.locale:
            tc = t
        else:
            tc = Translator(care, placeholder_values(care, source, self.parameters), source if fallback else None,
                            source_values if fallback else None, lang=care.locale)
        context: dict[str, Any] = {
            "t": t,
            "tc": tc,
            "care_language_name": care.name,
            "person": PersonValues(person or {}),
            "page_url": self.settings.page_url(self.condition.name, texts.locale, spec.name),
            "page_address": short_address(self.settings.page_url(self.condition.name, texts.locale, spec.name)),
            "clinic": self.clinic,
            "params": {name: format_parameter(v, texts.locale) for name, v in self.parameters.items()}
            | {f"{name}_is_set": v.is_set for name, v in self.parameters.items()},
            # The same values written the care staff's way (the card's staff side).
            "care_params": {name: format_parameter(v, care.locale) for name, v in self.parameters.items()},
            "status": status or texts.status,
            "language_name": texts.name,
            "locale": texts.locale,
            "direction": texts.direction,
        }
        xml = render_template(self.env, self.project.templates_dir, spec.template, context)
        keys = frozenset(t.used)
        care_keys = frozenset(tc.used) if tc is not t else frozenset()
        looked: dict[bool, set[str]] = {False: set(), True: set()}  # in the care language?

        def lookup(key: str, lang: str | None):
            """Where a text is written: the care language's file, the family's, or the source."""
            in_care = lang == care.locale and care is not texts
            looked[in_care].add(key)
            for candidate in ((care,) if in_care else ()) + (texts, source):
                message = candidate.messages.get(key)
                if message is not None and message.text:
                    return message
            return None

        document = parse_document(
            xml, lookup, self.project.templates_dir / spec.template, lang=texts.locale,
            direction=texts.direction, handout=spec.name,
            conditions={"outdated": bool(keys & stale or care_keys & care_stale),
                        "fallback": bool(t.missing) or (tc is not t and bool(tc.missing))},
        )
        check_pictograms(document, Location(self.project.templates_dir / spec.template))
        missing = frozenset(t.missing) | (frozenset(tc.missing) if tc is not t else frozenset())
        return Composed(document, keys, missing, care_keys, keys | looked[False], care_keys | looked[True])


def where_printed(project: Project, settings: Settings, store, catalog: str) -> dict[str, list[str]]:
    """For each key of a catalog, the handouts that print it (from one rendering of each
    source document): translators see where a text goes and how much room it has."""
    from handouts.kinds import KINDS

    out: dict[str, list[str]] = {}
    for condition in project.manifest.conditions.values():
        if catalog not in (condition.catalog, project.manifest.shared_catalog):
            continue
        source = store.source_texts(condition)
        composer = Composer(project, settings, condition.name)
        for spec in condition.handouts.values():
            keys = composer.compose(spec, source, source).keys
            budget = f", {spec.pages} page{'s' if spec.pages != 1 else ''}" if spec.pages else ""
            label = f"{spec.label} ({KINDS[spec.kind].summary}{budget})"
            for key in keys:
                out.setdefault(key, []).append(label)
    return out
