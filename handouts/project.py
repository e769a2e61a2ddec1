"""The project: a folder of content that the engine builds.

A project folder holds a manifest (``project.yaml``) that declares the conditions, each
condition's handouts with their kind and layout rules, the parameters the texts use
(with defaults) and the contact fields a clinic may fill in; ``templates/`` (shared parts
plus one folder per condition); and ``locales/<tag>/`` (the shared catalog and one catalog
per condition, with their translation state in ``locales/<tag>/state/``). The engine reads
the manifest and names no condition, handout or text of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handouts.errors import Location, ProjectError, UsageError
from handouts.kinds import KINDS, COMMON_OPTIONS
from handouts.yamlnodes import compose_file, construct, mapping_items

MANIFEST = "project.yaml"
LOCALES_DIR = "locales"
TEMPLATES_DIR = "templates"
STATE_DIR = "state"
CATALOG_SUFFIX = ".yaml"
FIELD_TYPES = ("text", "phone", "url")
PARAMETER_TYPES = ("temperature", "text")
PERSON_TYPES = ("text", "phone", "date")
PERSON_MAX = 40  # characters, unless the manifest gives a field its own max
NAME_RE = r"[a-z][a-z0-9_-]*"
MANIFEST_LIMIT = 256 << 10  # bytes
MANIFEST_ALIASES = 100  # a manifest may share a few values with YAML anchors; no more


@dataclass(frozen=True)
class Parameter:
    """A value the texts print through a placeholder (``{name}``), with its default."""

    name: str
    type: str
    default: str
    where: Location


@dataclass(frozen=True)
class PersonField:
    """A value one person's copy can be filled with (``handouts card --NAME``):
    ``text`` (at most ``max`` characters), ``phone``, or ``date`` (YYYY-MM-DD, printed
    the way the reader's language writes dates)."""

    name: str
    type: str
    max: int
    where: Location

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class HandoutSpec:
    """One handout of a condition, as the manifest declares it."""

    condition: str
    name: str
    kind: str
    template: str  # relative to templates/
    where: Location
    pages: int | None = None  # the pages it is designed for (page handouts; a longer text takes more)
    large_print: bool = False  # a large-print edition exists
    safety_gate: bool = False  # built only from complete, current translations
    layout: dict[str, float] = field(default_factory=dict)  # overrides of the layout policy (layout:)

    @property
    def label(self) -> str:
        return f"{self.condition}/{self.name}"


@dataclass(frozen=True)
class Condition:
    name: str
    catalog: str  # locales/<tag>/<catalog>.yaml
    title_key: str  # the condition's name, in each language
    handouts: dict[str, HandoutSpec]
    parameters: dict[str, str]  # defaults that differ from the project's
    where: Location
    person_fields: dict[str, PersonField] = field(default_factory=dict)  # besides the project's


@dataclass(frozen=True)
class Manifest:
    path: Path
    source_locale: str
    shared_catalog: str
    parameters: dict[str, Parameter]
    clinic_fields: dict[str, str]  # field name -> type
    conditions: dict[str, Condition]
    site_templates: str | None = None  # folder under templates/ with the download pages
    person_fields: dict[str, PersonField] = field(default_factory=dict)  # for every condition

    def person_fields_of(self, condition: str) -> dict[str, PersonField]:
        """The values a person's copy of this condition's handouts can hold."""
        return {**self.person_fields, **self.condition(condition).person_fields}

    def condition(self, name: str) -> Condition:
        try:
            return self.conditions[name]
        except KeyError:
            raise UsageError(
                f"unknown condition {name!r} (this project has: {', '.join(self.conditions)})"
            ) from None


def _string(value: object, where: Location, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProjectError("must be text", where, key)
    return value.strip()


def _name(value: str, where: Location, key: str) -> str:
    import re

    if not re.fullmatch(NAME_RE, value):
        raise ProjectError("names use lower-case letters, digits, - and _ only", where, key)
    return value


def _bool(value: object, where: Location, key: str) -> bool:
    if not isinstance(value, bool):
        raise ProjectError("must be true or false", where, key)
    return value


def _parameters(node: yaml.Node, path: Path) -> dict[str, Parameter]:
    out = {}
    for name, value_node, line in mapping_items(node, path, "parameters", ProjectError):
        where = Location(path, line)
        _name(name, where, f"parameters.{name}")
        fields = {k: (construct(v), ln) for k, v, ln in mapping_items(value_node, path, f"parameters.{name}", ProjectError)}
        unknown = set(fields) - {"type", "default"}
        if unknown:
            key = sorted(unknown)[0]
            raise ProjectError("unknown field (known: type, default)", Location(path, fields[key][1]), f"parameters.{name}.{key}")
        kind = fields.get("type", ("text", line))[0]
        if kind not in PARAMETER_TYPES:
            raise ProjectError(f"unknown type {kind!r} (known: {', '.join(PARAMETER_TYPES)})", where, f"parameters.{name}.type")
        if "default" not in fields:
            raise ProjectError("needs a default", where, f"parameters.{name}")
        default_value, default_line = fields["default"]
        out[name] = Parameter(name, kind, _string(str(default_value), Location(path, default_line), f"parameters.{name}.default"),
                              Location(path, default_line))
    return out


def _clinic_fields(node: yaml.Node, path: Path) -> dict[str, str]:
    out = {}
    for name, value_node, line in mapping_items(node, path, "clinic_fields", ProjectError):
        where = Location(path, line)
        _name(name, where, f"clinic_fields.{name}")
        kind = construct(value_node)
        if kind not in FIELD_TYPES:
            raise ProjectError(f"unknown field type {kind!r} (known: {', '.join(FIELD_TYPES)})", where, f"clinic_fields.{name}")
        out[name] = str(kind)
    return out


def _person_fields(node: yaml.Node, path: Path, what: str) -> dict[str, PersonField]:
    """``name: text`` or ``name: {type: text, max: 30}``."""
    out = {}
    for name, value_node, line in mapping_items(node, path, what, ProjectError):
        where = Location(path, line)
        key = f"{what}.{name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ProjectError("names use lower-case letters, digits and _ only", where, key)
        value = construct(value_node)
        fields = value if isinstance(value, dict) else {"type": value}
        unknown = set(fields) - {"type", "max"}
        if unknown:
            raise ProjectError(f"unknown field {sorted(unknown)[0]!r} (known: type, max)", where, key)
        kind = fields.get("type")
        if kind not in PERSON_TYPES:
            raise ProjectError(f"unknown type {kind!r} (known: {', '.join(PERSON_TYPES)})", where, key)
        limit = fields.get("max", PERSON_MAX)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 200:
            raise ProjectError("max must be a whole number of characters (1 to 200)", where, f"{key}.max")
        out[name] = PersonField(name, str(kind), limit, where)
    return out


def _handout(condition: str, name: str, node: yaml.Node, path: Path, line: int, templates: Path) -> HandoutSpec:
    key = f"conditions.{condition}.handouts.{name}"
    where = Location(path, line)
    _name(name, where, key)
    fields = {k: (construct(v), ln) for k, v, ln in mapping_items(node, path, key, ProjectError)}
    if "kind" not in fields:
        raise ProjectError(f"needs a kind (one of {', '.join(sorted(KINDS))})", where, key)
    kind_name, kind_line = fields["kind"]
    kind = KINDS.get(str(kind_name))
    if kind is None:
        raise ProjectError(f"unknown kind {kind_name!r} (known: {', '.join(sorted(KINDS))})",
                           Location(path, kind_line), f"{key}.kind")
    for option, (_, option_line) in fields.items():
        if option != "kind" and option not in kind.options | COMMON_OPTIONS:
            allowed = ", ".join(sorted(kind.options | COMMON_OPTIONS))
            raise ProjectError(f"not an option of a {kind.name} handout (allowed: {allowed})",
                               Location(path, option_line), f"{key}.{option}")
    template, template_line = fields.get("template", (f"{condition}/{name}.xml.j2", line))
    template = _string(template, Location(path, template_line), f"{key}.template")
    if not (templates / template).is_file():
        raise ProjectError(f"template {TEMPLATES_DIR}/{template} does not exist", Location(path, template_line), f"{key}.template")
    pages, pages_line = fields.get("pages", (None, line))
    if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool) or not 1 <= pages <= 50):
        raise ProjectError("must be a whole number of pages (1 to 50)", Location(path, pages_line), f"{key}.pages")
    options = {opt: _bool(value, Location(path, ln), f"{key}.{opt}")
               for opt, (value, ln) in fields.items() if opt in ("large_print", "safety_gate")}
    layout = _layout(node, path, key) if "layout" in fields else {}
    return HandoutSpec(condition, name, kind.name, template, where, pages=pages, layout=layout, **options)


def _layout(node: yaml.Node, path: Path, key: str) -> dict[str, float]:
    """A handout's overrides of the layout policy (``layout: {body: 13}``), each in its range."""
    from handouts.layout.policy import OVERRIDES

    layout_node = next(value for name, value, _ in mapping_items(node, path, key, ProjectError) if name == "layout")
    out = {}
    for option, value_node, line in mapping_items(layout_node, path, f"{key}.layout", ProjectError):
        where, option_key = Location(path, line), f"{key}.layout.{option}"
        if option not in OVERRIDES:
            raise ProjectError(f"unknown layout option (known: {', '.join(OVERRIDES)})", where, option_key)
        value = construct(value_node)
        low, high = OVERRIDES[option]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ProjectError(f"must be a type size in points from {low:g} to {high:g}", where, option_key)
        out[option] = float(value)
    return out


def _condition(name: str, node: yaml.Node, path: Path, line: int, templates: Path, parameters: dict[str, Parameter]) -> Condition:
    key = f"conditions.{name}"
    where = Location(path, line)
    _name(name, where, key)
    items = {k: (v, ln) for k, v, ln in mapping_items(node, path, key, ProjectError)}
    unknown = set(items) - {"catalog", "title", "handouts", "parameters", "person_fields"}
    if unknown:
        option = sorted(unknown)[0]
        raise ProjectError("unknown field (known: catalog, title, handouts, parameters, person_fields)",
                           Location(path, items[option][1]), f"{key}.{option}")
    if "handouts" not in items:
        raise ProjectError("a condition needs handouts", where, key)
    if "title" not in items:
        raise ProjectError("a condition needs a title (the catalog key of its name)", where, key)
    catalog = _name(_string(construct(items["catalog"][0]), where, f"{key}.catalog"), where, f"{key}.catalog") \
        if "catalog" in items else name
    title_key = _string(construct(items["title"][0]), Location(path, items["title"][1]), f"{key}.title")
    handouts = {
        handout: _handout(name, handout, value, path, ln, templates)
        for handout, value, ln in mapping_items(items["handouts"][0], path, f"{key}.handouts", ProjectError)
    }
    if not handouts:
        raise ProjectError("a condition needs at least one handout", Location(path, items["handouts"][1]), f"{key}.handouts")
    overrides = {}
    if "parameters" in items:
        for param, value_node, ln in mapping_items(items["parameters"][0], path, f"{key}.parameters", ProjectError):
            if param not in parameters:
                raise ProjectError(f"unknown parameter (declared: {', '.join(parameters) or 'none'})",
                                   Location(path, ln), f"{key}.parameters.{param}")
            overrides[param] = _string(str(construct(value_node)), Location(path, ln), f"{key}.parameters.{param}")
    person = _person_fields(items["person_fields"][0], path, f"{key}.person_fields") \
        if "person_fields" in items else {}
    return Condition(name, catalog, title_key, handouts, overrides, where, person)


def read_manifest(root: Path) -> Manifest:
    """Read and check ``project.yaml``; every problem names its line."""
    path = root / MANIFEST
    top_node = compose_file(path, ProjectError, limit=MANIFEST_LIMIT, aliases=MANIFEST_ALIASES, what="manifest")
    top = {k: (v, ln) for k, v, ln in mapping_items(top_node, path, "the manifest", ProjectError)}
    known = {"source_locale", "shared_catalog", "parameters", "clinic_fields", "conditions", "site", "person_fields"}
    for name, (_, line) in top.items():
        if name not in known:
            raise ProjectError(f"unknown field (known: {', '.join(sorted(known))})", Location(path, line), name)
    if "conditions" not in top:
        raise ProjectError("the manifest needs a 'conditions:' block", Location(path, 1))

    def text(name: str, default: str) -> str:
        if name not in top:
            return default
        node, line = top[name]
        return _string(construct(node), Location(path, line), name)

    parameters = _parameters(top["parameters"][0], path) if "parameters" in top else {}
    clinic_fields = _clinic_fields(top["clinic_fields"][0], path) if "clinic_fields" in top else {}
    templates = root / TEMPLATES_DIR
    conditions = {
        name: _condition(name, node, path, line, templates, parameters)
        for name, node, line in mapping_items(top["conditions"][0], path, "conditions", ProjectError)
    }
    if not conditions:
        raise ProjectError("the manifest declares no condition", Location(path, top["conditions"][1]), "conditions")
    site = None
    if "site" in top:
        site_node, site_line = top["site"]
        site_fields = {k: (construct(v), ln) for k, v, ln in mapping_items(site_node, path, "site", ProjectError)}
        for option, (_, ln) in site_fields.items():
            if option != "templates":
                raise ProjectError("unknown field (known: templates)", Location(path, ln), f"site.{option}")
        if "templates" in site_fields:
            value, ln = site_fields["templates"]
            site = _string(value, Location(path, ln), "site.templates")
            if not (templates / site).is_dir():
                raise ProjectError(f"folder {TEMPLATES_DIR}/{site} does not exist", Location(path, ln), "site.templates")
    person = _person_fields(top["person_fields"][0], path, "person_fields") if "person_fields" in top else {}
    for condition in conditions.values():
        for name, spec in condition.person_fields.items():
            if name in person:
                raise ProjectError("declared for every condition already (person_fields)", spec.where,
                                   f"conditions.{condition.name}.person_fields.{name}")
    return Manifest(path, text("source_locale", "en"), text("shared_catalog", "shared"), parameters, clinic_fields,
                    conditions, site, person)


@dataclass(frozen=True)
class Project:
    """A project folder and its manifest."""

    root: Path
    manifest: Manifest = field(compare=False)
    # (kind, language, catalog) -> its file's path: asked for thousands of times a build,
    # and each path made afresh was three pathlib joins.
    _paths: dict[tuple[str, str, str], Path] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, root: Path) -> "Project":
        root = root.resolve()
        if not (root / MANIFEST).is_file():
            raise UsageError(f"{root} is not a handouts project (no {MANIFEST}); give --project DIR, "
                             "or start one with `handouts init DIR`")
        return cls(root, read_manifest(root))

    @classmethod
    def find(cls, start: Path | None = None) -> "Project":
        """The project in ``start`` (default: the current folder) or the nearest folder above it."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / MANIFEST).is_file():
                return cls.load(candidate)
        raise UsageError(f"no {MANIFEST} in {here} or above: give --project DIR, or start a project with "
                         "`handouts init DIR`")

    @property
    def locales_dir(self) -> Path:
        return self.root / LOCALES_DIR

    @property
    def templates_dir(self) -> Path:
        return self.root / TEMPLATES_DIR

    @property
    def source_locale(self) -> str:
        return self.manifest.source_locale

    def catalog_names(self) -> list[str]:
        """The shared catalog, then each condition's, in manifest order."""
        names = [self.manifest.shared_catalog]
        for condition in self.manifest.conditions.values():
            if condition.catalog not in names:
                names.append(condition.catalog)
        return names

    def catalog_path(self, tag: str, catalog: str) -> Path:
        return self._path("catalog", tag, catalog)

    def state_path(self, tag: str, catalog: str) -> Path:
        return self._path("state", tag, catalog)

    def _path(self, kind: str, tag: str, catalog: str) -> Path:
        key = (kind, tag, catalog)
        path = self._paths.get(key)
        if path is None:
            folder = self.locales_dir / tag
            path = self._paths[key] = (folder / STATE_DIR if kind == "state" else folder) / f"{catalog}{CATALOG_SUFFIX}"
        return path

    def locale_tags(self) -> list[str]:
        """Every language folder under ``locales/`` (the source first)."""
        if not self.locales_dir.is_dir():
            return []
        tags = sorted(p.name for p in self.locales_dir.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and p.name != STATE_DIR)
        return sorted(tags, key=lambda tag: tag != self.source_locale)

    def handout(self, condition: str, name: str) -> HandoutSpec:
        spec = self.manifest.condition(condition).handouts.get(name)
        if spec is None:
            known = ", ".join(self.manifest.condition(condition).handouts)
            raise UsageError(f"condition {condition!r} has no handout {name!r} (it has: {known})")
        return spec
