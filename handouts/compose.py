"""Catalog + template + clinic settings -> semantic document, for one handout and locale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from handouts.catalog import Catalog
from handouts.docxml import parse_document
from handouts.document import Document
from handouts.formatting import format_date, format_fever_threshold, language_name
from handouts.settings import Settings
from handouts.templating import LATE_PLACEHOLDERS, make_environment, render_template, translator

HANDOUTS = ("er-card", "checklist", "overview")

# Every placeholder a catalog text may use. The pipeline fills each one.
PLACEHOLDERS = (
    "fever",
    "source_reviewed",
    "content_date",
    "translator",
    "translated_on",
    "reviewer",
    "reviewed_on",
    *LATE_PLACEHOLDERS,
)


def placeholder_values(catalog: Catalog, source: Catalog, settings: Settings) -> dict[str, str]:
    """Locale-formatted values for the placeholders (all but the per-page ones)."""
    tag = catalog.locale
    meta = catalog.meta
    values = {"fever": format_fever_threshold(settings.fever.celsius, settings.fever.fahrenheit, tag)}
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


def status_key(catalog: Catalog) -> str:
    status = "draft" if catalog.meta.status == "new" else catalog.meta.status
    return f"common.status_{status}"


def isolate(value: str) -> str:
    """Wrap a number or address in Unicode isolates (LRI ... PDI), so that inside
    right-to-left text "+1 555 010 0100" stays one left-to-right piece."""
    return f"\u2066{value}\u2069"


def phone_uri(number: str) -> str:
    """``+1 (555) 010-0100`` -> ``+15550100100`` for a tel: link."""
    return re.sub(r"[^0-9+]", "", number.split("ext")[0].split("x")[0])


@dataclass
class Composer:
    """Renders handout templates into documents; one per build, reused across locales."""

    templates_dir: Path
    settings: Settings

    def __post_init__(self) -> None:
        self.env = make_environment(self.templates_dir)
        self.env.filters["phone_uri"] = phone_uri
        self.env.filters["isolate"] = isolate

    def compose(self, handout: str, catalog: Catalog, source: Catalog, *, fallback: bool = False,
                status: str | None = None, outdated: bool = False) -> Document:
        """The handout's document; with ``fallback``, English stands in (marked) for
        missing translations. ``status`` overrides the status line's key suffix."""
        name = f"{handout}.xml.j2"
        values = placeholder_values(catalog, source, self.settings)
        context = {
            "t": translator(catalog, values, source if fallback else None,
                            placeholder_values(source, source, self.settings)),
            "clinic": self.settings.clinic,
            "status_key": f"common.status_{status}" if status else status_key(catalog),
            "language_name": language_name(catalog.locale),
            "outdated": outdated,
            "fallback_used": fallback and any(
                not (m := catalog.messages.get(key)) or not m.text for key in source.messages
            ),
        }
        xml = render_template(self.env, self.templates_dir, name, context)
        return parse_document(xml, catalog, self.templates_dir / name, source if fallback else None)
