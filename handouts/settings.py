"""Clinic settings (``handouts.yaml``): who prints the handouts, and what to build.

Every value is validated with its file and line, like the catalog. With no settings file
the handouts print with blank contact fields for the family to fill in by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from handouts.errors import Location, SettingsError
from handouts.formatting import celsius_to_fahrenheit, fahrenheit_to_celsius
from handouts.yamlnodes import compose_file, construct, mapping_items

PAPER_SIZES = ("letter", "a4")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().\-/]{2,28}[0-9](\s*(ext\.?|x)\s*[0-9]{1,6})?$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
FEVER_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9])?)\s*°?\s*([CF])\s*$")

# The facts sheet's threshold: a fever of 103 °F; 39.4 °C is its exact conversion.
DEFAULT_FEVER_F = Decimal(103)


@dataclass(frozen=True)
class Clinic:
    """Contact details printed on every handout; every field is optional."""

    name: str | None = None
    phone: str | None = None
    immunology_team: str | None = None
    immunology_phone: str | None = None
    after_hours_phone: str | None = None
    website: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


@dataclass(frozen=True)
class FeverThreshold:
    """The temperature at which the family goes to the emergency room, in both units."""

    celsius: Decimal
    fahrenheit: Decimal


@dataclass(frozen=True)
class Settings:
    clinic: Clinic = field(default_factory=Clinic)
    papers: tuple[str, ...] = PAPER_SIZES
    locales: tuple[str, ...] | None = None  # None: every locale in locales/
    fever: FeverThreshold = field(
        default_factory=lambda: FeverThreshold(fahrenheit_to_celsius(DEFAULT_FEVER_F), DEFAULT_FEVER_F)
    )
    path: Path | None = None


def _text(value: object, where: Location, key: str, limit: int = 80) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise SettingsError("must be text (put it in quotes)", where, key)
    text = str(value).strip()
    if not text:
        raise SettingsError("must not be empty (remove the line instead)", where, key)
    if len(text) > limit:
        raise SettingsError(f"is {len(text)} characters long; at most {limit} fit on the handouts", where, key)
    return text


def _phone(value: object, where: Location, key: str) -> str:
    text = _text(value, where, key, limit=32)
    if not PHONE_RE.match(text):
        raise SettingsError(f"{text!r} is not a phone number (digits, spaces, + - ( ) . only)", where, key)
    return text


def _url(value: object, where: Location, key: str) -> str:
    text = _text(value, where, key, limit=80)
    if not URL_RE.match(text):
        raise SettingsError(f"{text!r} is not a web address starting with https://", where, key)
    return text


CLINIC_FIELDS = {
    "name": _text,
    "phone": _phone,
    "immunology_team": _text,
    "immunology_phone": _phone,
    "after_hours_phone": _phone,
    "website": _url,
}


def _string_list(value: object, where: Location, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise SettingsError("must be a name or a list of names", where, key)
    return tuple(i.strip() for i in items)


def _fever(value: object, where: Location, key: str) -> FeverThreshold:
    match = FEVER_RE.match(str(value)) if isinstance(value, (str, int, float)) else None
    if not match:
        raise SettingsError(f"{value!r} is not a temperature such as '103 F' or '39.5 C'", where, key)
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        raise SettingsError(f"{value!r} is not a number", where, key) from None
    if match.group(2) == "F":
        if not 99 <= number <= 106:
            raise SettingsError("a fever threshold is between 99 and 106 °F", where, key)
        return FeverThreshold(fahrenheit_to_celsius(number), number)
    if not Decimal("37.2") <= number <= 41:
        raise SettingsError("a fever threshold is between 37.2 and 41 °C", where, key)
    return FeverThreshold(number, celsius_to_fahrenheit(number))


def read_settings(path: Path) -> Settings:
    """Read and validate a clinic settings file."""
    root = compose_file(path, SettingsError)
    clinic: dict[str, str] = {}
    papers = PAPER_SIZES
    locales = None
    fever = Settings().fever
    for key, node, line in mapping_items(root, path, "the settings file", SettingsError):
        where = Location(path, line)
        if key == "clinic":
            for ckey, cnode, cline in mapping_items(node, path, "clinic", SettingsError):
                cwhere = Location(path, cline)
                if ckey not in CLINIC_FIELDS:
                    raise SettingsError(
                        f"unknown clinic field (known: {', '.join(CLINIC_FIELDS)})", cwhere, f"clinic.{ckey}"
                    )
                value = construct(cnode)
                if value is not None:
                    clinic[ckey] = CLINIC_FIELDS[ckey](value, cwhere, f"clinic.{ckey}")
        elif key == "paper":
            papers = tuple(p.lower() for p in _string_list(construct(node), where, key))
            for paper in papers:
                if paper not in PAPER_SIZES:
                    raise SettingsError(f"unknown paper size {paper!r} (use {' or '.join(PAPER_SIZES)})", where, key)
        elif key == "locales":
            value = construct(node)
            locales = None if value == "all" else _string_list(value, where, key)
        elif key == "fever_threshold":
            fever = _fever(construct(node), where, key)
        else:
            raise SettingsError("unknown setting (known: clinic, paper, locales, fever_threshold)", where, key)
    return Settings(clinic=Clinic(**clinic), papers=papers, locales=locales, fever=fever, path=path)
