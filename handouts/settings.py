"""Clinic settings (``handouts.yaml``): who prints the handouts, and what to build.

Every value is validated with its file and line, like the catalog. Which contact fields a
clinic may fill in and which parameters it may set is declared by the project's manifest;
with no settings file the handouts print blank lines for the family to fill in by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from handouts.catalog import forbidden_character
from handouts.errors import Location, SettingsError, UsageError, shorten
from handouts.formatting import celsius_to_fahrenheit, fahrenheit_to_celsius
from handouts.project import Manifest, Parameter
from handouts.yamlnodes import compose_file, construct, mapping_items

PAPER_SIZES = ("letter", "a4")
PHONE_RE = re.compile(r"^\+?\(?[0-9][0-9 ().\-/]{2,28}[0-9](\s*(ext\.?|x)\s*[0-9]{1,6})?$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
TEMPERATURE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9])?)\s*°?\s*([CF])\s*$")
SETTINGS_FILE = "handouts.yaml"
SETTINGS_LIMIT = 64 << 10  # bytes: a settings file is a few lines


class Values(Mapping[str, str]):
    """Declared fields and their values (empty string when not set); templates read them
    as ``clinic.phone``. A name the manifest does not declare is an error, not a blank."""

    def __init__(self, declared: Mapping[str, str], values: Mapping[str, str]):
        self._declared = dict(declared)
        self._values = {name: values.get(name, "") for name in declared}

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def is_empty(self) -> bool:
        return not any(self._values.values())

    def __repr__(self) -> str:
        return f"Values({self._values!r})"


@dataclass(frozen=True)
class Temperature:
    """A temperature in both units, as the reader's language shows it."""

    celsius: Decimal
    fahrenheit: Decimal


@dataclass(frozen=True)
class ParameterValue:
    """A parameter's value and whether the clinic set it (rather than the project's default)."""

    name: str
    type: str
    value: str | Temperature
    is_set: bool


@dataclass(frozen=True)
class Settings:
    clinic: Mapping[str, str] = field(default_factory=dict)
    papers: tuple[str, ...] = PAPER_SIZES
    locales: tuple[str, ...] | None = None  # None: every locale
    conditions: tuple[str, ...] | None = None  # None: every condition
    parameters: Mapping[str, tuple[str, Location]] = field(default_factory=dict)  # raw, validated
    condition_parameters: Mapping[str, Mapping[str, tuple[str, Location]]] = field(default_factory=dict)
    care_language: str | None = None  # the language of the care staff's texts; None: the project's source
    site_url: str | None = None  # where the download pages are published (https://...): QR codes point there
    path: Path | None = None

    def page_url(self, condition: str, locale: str, handout: str) -> str:
        """The address of a handout's web page, or "" when no site address is set."""
        if not self.site_url:
            return ""
        return f"{self.site_url.rstrip('/')}/{condition}/{locale}/{handout}.html"

    def clinic_values(self, manifest: Manifest) -> Values:
        return Values(manifest.clinic_fields, self.clinic)

    def parameter_values(self, manifest: Manifest, condition: str) -> dict[str, ParameterValue]:
        """Each parameter for a condition: the clinic's value for that condition, else its
        value for all conditions, else the condition's default, else the project's."""
        out = {}
        declared = manifest.conditions[condition].parameters
        for name, parameter in manifest.parameters.items():
            clinic = self.condition_parameters.get(condition, {}).get(name) or self.parameters.get(name)
            if clinic is not None:
                out[name] = ParameterValue(name, parameter.type, parse_parameter(parameter, clinic[0], clinic[1]), True)
            else:
                raw = declared.get(name, parameter.default)
                out[name] = ParameterValue(name, parameter.type, parse_parameter(parameter, raw, parameter.where), False)
        return out


def _text(value: object, where: Location, key: str, limit: int = 80) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise SettingsError("must be text (put it in quotes)", where, key)
    text = str(value).strip()
    if not text:
        raise SettingsError("must not be empty (remove the line instead)", where, key)
    if len(text) > limit:
        raise SettingsError(f"is {len(text)} characters long; at most {limit} fit on the handouts", where, key)
    bad = forbidden_character(text) or next((c for c in text if c in "\t\n"), None)
    if bad is not None:
        raise SettingsError(f"contains the control character U+{ord(bad):04X}; write one line of text", where, key)
    return text


def _phone(value: object, where: Location, key: str) -> str:
    text = _text(value, where, key, limit=32)
    if not PHONE_RE.match(text):
        raise SettingsError(f"{shorten(text)} is not a phone number (digits, spaces, + - ( ) . / only)", where, key)
    return text


def _url(value: object, where: Location, key: str) -> str:
    text = _text(value, where, key, limit=80)
    if not URL_RE.match(text):
        raise SettingsError(f"{shorten(text)} is not a web address starting with https://", where, key)
    return text


FIELD_VALIDATORS = {"text": _text, "phone": _phone, "url": _url}


def parse_temperature(value: object, where: Location, key: str) -> Temperature:
    match = TEMPERATURE_RE.match(str(value)) if isinstance(value, (str, int, float)) else None
    if not match:
        raise SettingsError(f"{shorten(value)} is not a temperature such as '38.0 C' or '100.4 F'", where, key)
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        raise SettingsError(f"{shorten(value)} is not a number", where, key) from None
    if match.group(2) == "F":
        if not 99 <= number <= 106:
            raise SettingsError("a body temperature is between 99 and 106 °F", where, key)
        return Temperature(fahrenheit_to_celsius(number), number)
    if not Decimal("37.2") <= number <= 41:
        raise SettingsError("a body temperature is between 37.2 and 41 °C", where, key)
    return Temperature(number, celsius_to_fahrenheit(number))


def parse_parameter(parameter: Parameter, raw: str, where: Location) -> str | Temperature:
    key = f"parameters.{parameter.name}"
    if parameter.type == "temperature":
        return parse_temperature(raw, where, key)
    return _text(raw, where, key)


def _string_list(value: object, where: Location, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise SettingsError("must be a name or a list of names", where, key)
    return tuple(i.strip() for i in items)


KNOWN = ("clinic", "paper", "locales", "conditions", "parameters", "care_language", "site_url")


def _parameter_block(node, path: Path, what: str, manifest: Manifest) -> dict[str, tuple[str, Location]]:
    out = {}
    for name, value_node, line in mapping_items(node, path, what, SettingsError):
        where = Location(path, line)
        parameter = manifest.parameters.get(name)
        if parameter is None:
            raise SettingsError(f"unknown parameter (this project has: {', '.join(manifest.parameters) or 'none'})",
                                where, f"{what}.{name}")
        value = construct(value_node)
        if value is None:
            continue
        parse_parameter(parameter, str(value), where)  # validate now: the error names this line
        out[name] = (str(value), where)
    return out


def read_settings(path: Path, manifest: Manifest) -> Settings:
    """Read and validate a clinic settings file against the project's manifest."""
    root = compose_file(path, SettingsError, limit=SETTINGS_LIMIT, what="settings file")
    clinic: dict[str, str] = {}
    papers = PAPER_SIZES
    locales = conditions = None
    parameters: dict[str, tuple[str, Location]] = {}
    condition_parameters: dict[str, dict[str, tuple[str, Location]]] = {}
    care_language = site_url = None
    for key, node, line in mapping_items(root, path, "the settings file", SettingsError):
        where = Location(path, line)
        if key == "clinic":
            for ckey, cnode, cline in mapping_items(node, path, "clinic", SettingsError):
                cwhere = Location(path, cline)
                kind = manifest.clinic_fields.get(ckey)
                if kind is None:
                    raise SettingsError(f"unknown clinic field (known: {', '.join(manifest.clinic_fields)})",
                                        cwhere, f"clinic.{ckey}")
                value = construct(cnode)
                if value is not None:
                    clinic[ckey] = FIELD_VALIDATORS[kind](value, cwhere, f"clinic.{ckey}")
        elif key == "paper":
            papers = tuple(p.lower() for p in _string_list(construct(node), where, key))
            for paper in papers:
                if paper not in PAPER_SIZES:
                    raise SettingsError(f"unknown paper size {shorten(paper)} (use {' or '.join(PAPER_SIZES)})", where, key)
        elif key == "locales":
            value = construct(node)
            locales = None if value == "all" else _string_list(value, where, key)
        elif key == "conditions":
            value = construct(node)
            if isinstance(value, dict):
                for name, cnode, cline in mapping_items(node, path, "conditions", SettingsError):
                    if name not in manifest.conditions:
                        raise SettingsError(f"unknown condition (this project has: {', '.join(manifest.conditions)})",
                                            Location(path, cline), f"conditions.{name}")
                    for option, onode, oline in mapping_items(cnode, path, f"conditions.{name}", SettingsError):
                        if option != "parameters":
                            raise SettingsError("unknown field (known: parameters)", Location(path, oline),
                                                f"conditions.{name}.{option}")
                        condition_parameters[name] = _parameter_block(onode, path, f"conditions.{name}.parameters",
                                                                      manifest)
            else:
                conditions = None if value == "all" else _string_list(value, where, key)
                for name in conditions or ():
                    if name not in manifest.conditions:
                        raise SettingsError(f"unknown condition {shorten(name)} (this project has: "
                                            f"{', '.join(manifest.conditions)})", where, key)
        elif key == "parameters":
            parameters = _parameter_block(node, path, "parameters", manifest)
        elif key == "care_language":
            care_language = _text(construct(node), where, key, limit=35)
        elif key == "site_url":
            site_url = _url(construct(node), where, key)
            if not site_url.startswith("https://"):
                raise SettingsError(f"{site_url!r}: the site's address starts with https://", where, key)
        else:
            raise SettingsError(f"unknown setting (known: {', '.join(KNOWN)})", where, key)
    return Settings(clinic=clinic, papers=papers, locales=locales, conditions=conditions, parameters=parameters,
                    condition_parameters=condition_parameters, care_language=care_language, site_url=site_url,
                    path=path)


def find_settings(project_root: Path, explicit: Path | None, manifest: Manifest) -> Settings:
    """``--settings FILE``, else ``handouts.yaml`` in the current folder, else in the project."""
    if explicit is not None:
        if not explicit.exists():
            raise UsageError(f"--settings {explicit}: no such file")
        if explicit.is_dir():
            raise UsageError(f"--settings {explicit}: is a folder; give the settings file")
        if not explicit.is_file():
            raise UsageError(f"--settings {explicit}: is not a regular file")
        return read_settings(explicit, manifest)
    for candidate in settings_files(project_root, None):
        if candidate.is_file():
            return read_settings(candidate, manifest)
    return Settings()


def settings_files(project_root: Path, explicit: Path | None) -> list[Path]:
    """Where ``find_settings`` looks, in its order (what ``build --watch`` watches)."""
    return [explicit] if explicit is not None else [Path.cwd() / SETTINGS_FILE, project_root / SETTINGS_FILE]
