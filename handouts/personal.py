"""One person's copy of a handout (``handouts card``): the manifest's person fields,
filled from the command line, checked like any other text, printed in one PDF.

Each value is checked before anything is drawn: its type (a phone number, a date as
YYYY-MM-DD), its length (the manifest's ``max``), and that the fonts can print every
character. Dates are written the way the care staff's language writes them (the card's
staff side is where they print). The template decides where each value goes; a value
the handout does not print is refused (nothing given is silently lost), and a value
that does not fit its line is named by its option.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date

from handouts.compose import PERSON_KEY
from handouts.document import iter_spans
from handouts.errors import HandoutsError, UsageError
from handouts.formatting import babel_locale
from handouts.project import PersonField, Project
from handouts.settings import PHONE_RE, Settings


@dataclass(frozen=True)
class PersonalCard:
    pdf: bytes
    values: dict[str, str]  # as printed


def check_value(spec: PersonField, raw: str, care_locale: str) -> str:
    """The value as it prints, or a UsageError naming the option."""
    text = " ".join(raw.split())
    if not text:
        raise UsageError(f"{spec.option}: is empty (leave the option out to keep the line blank)")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in text):
        raise UsageError(f"{spec.option}: {text!r} holds control or invisible characters")
    if spec.type == "date":
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            raise UsageError(f"{spec.option}: {text!r} is not a date written YYYY-MM-DD (e.g. 2019-03-04)") from None
        if not dt.date(1900, 1, 1) <= date <= dt.date(2100, 12, 31):
            raise UsageError(f"{spec.option}: {text} is not a plausible date")
        return format_date(date, format="medium", locale=babel_locale(care_locale))
    if spec.type == "phone" and not PHONE_RE.match(text):
        raise UsageError(f"{spec.option}: {text!r} is not a phone number (digits, spaces, + - ( ) . / only)")
    if len(text) > spec.max:
        raise UsageError(f"{spec.option}: is {len(text)} characters long; at most {spec.max} fit on the card")
    return text


def check_values(fields: Mapping[str, PersonField], given: Mapping[str, str], care_locale: str) -> dict[str, str]:
    out = {}
    for name, raw in given.items():
        if raw is None:
            continue
        out[name] = check_value(fields[name], raw, care_locale)
    return out


def check_printable(fields: Mapping[str, PersonField], values: Mapping[str, str], stack) -> None:
    """Every character of every value is in the handout's fonts (or it is refused)."""
    for name, value in values.items():
        for char in value:
            if char.isspace() or stack.font_for(char) or unicodedata.category(char).startswith("Z"):
                continue
            raise UsageError(f"{fields[name].option}: the character {char!r} (U+{ord(char):04X} "
                             f"{unicodedata.name(char, 'unnamed')}) cannot be printed in this language's fonts")


def _option_error(error: HandoutsError, fields: Mapping[str, PersonField]) -> HandoutsError:
    """A layout or font error caused by a person's value, restated with its option."""
    key = error.key or ""
    if key.startswith(PERSON_KEY) and key[len(PERSON_KEY):] in fields:
        option = fields[key[len(PERSON_KEY):]].option
        message = re.sub(r"\s*\(line \d+\)", "", error.message).replace(f"shorten {key}", "shorten this value")
        return UsageError(f"{option}: the value does not fit on the card: {message}")
    return error


def make_personal_card(project: Project, settings: Settings, condition: str, locale: str, given: Mapping[str, str],
                       *, handout: str | None = None, paper: str = "letter", edition: str = "standard",
                       care_language: str | None = None, fallback: bool = False,
                       allow_draft: bool = False) -> PersonalCard:
    """One sheet filled with one person's values."""
    from handouts.build import Builder, Job
    from handouts.kinds import KINDS
    from handouts.layout.fonts import combined, stack_for

    manifest = project.manifest
    cond = manifest.condition(condition)
    fields = manifest.person_fields_of(condition)
    spec = _card_spec(project, condition, handout)
    builder = Builder(project, settings, fallback=fallback, allow_draft=allow_draft, care_language=care_language)
    store = builder.store
    if locale not in store.locales(cond):
        raise UsageError(f"{condition} is not written in {locale!r} (available: {', '.join(store.locales(cond))})")
    values = check_values(fields, given, builder.care_language)
    stack = stack_for(locale)
    if builder.care_language != locale:
        stack = combined(stack, stack_for(builder.care_language))
    check_printable(fields, values, stack)
    texts = store.texts(cond, locale, allow_missing=fallback)
    builder.person = values
    if edition not in ("standard", *KINDS[spec.kind].editions):
        raise UsageError(f"the {spec.name} has no {edition} edition")
    try:
        document = builder.compose(spec, texts).document
        printed = {span.key[len(PERSON_KEY):] for span in iter_spans(document)
                   if span.key and span.key.startswith(PERSON_KEY)}
        for name in values:
            if name not in printed:
                raise UsageError(f"{fields[name].option}: the {spec.name} of {condition} has no place for this value")
        pdf = builder.render(Job(condition, locale, spec.name, paper, edition), texts)
    except HandoutsError as error:
        raise _option_error(error, fields) from None
    return PersonalCard(pdf, values)


def _card_spec(project: Project, condition: str, handout: str | None):
    specs = [s for s in project.manifest.condition(condition).handouts.values() if s.kind == "wallet-card"]
    if handout:
        spec = project.handout(condition, handout)
        return spec
    if len(specs) != 1:
        names = ", ".join(s.name for s in specs) or "none"
        raise UsageError(f"{condition} has {len(specs)} wallet cards ({names}): name one with --handout")
    return specs[0]


def default_output(condition: str, locale: str, handout: str, paper: str, edition: str) -> Path:
    suffix = "" if edition == "standard" else f"-{edition}"
    return Path(f"{handout}-{condition}-{locale}{suffix}-{paper}.pdf")
