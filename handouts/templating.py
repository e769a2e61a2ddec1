"""Templates -> document XML: a sandboxed Jinja environment that treats text as data.

Templates hold structure only. Catalog text enters through ``t("key")``, which returns
the text already escaped and wrapped in a ``<t k="key">`` element, so a translation
containing ``{{ }}``, ``<`` or ``&`` prints literally and is never evaluated.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from handouts.catalog import fill
from handouts.errors import CatalogError, HandoutsError, Location, TemplateError
from handouts.typography import isolate, mark_value, typeset

# Placeholders the renderer fills per page, after layout.
LATE_PLACEHOLDERS = ("page", "pages")


def make_environment(templates_dir: Path, cache: jinja2.BytecodeCache | None = None) -> SandboxedEnvironment:
    """The templates' environment; with a ``cache`` (a build's), compiled templates are
    kept (Jinja checks each against its source) so a short command does not compile
    them again."""
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


FALLBACK_MARK = "[EN] "  # shown before source text standing in for a missing translation


class Translator:
    """The ``t()`` templates call: catalog text, placeholders filled, as escaped markup.

    It records every key the template asks for, in order, so the build knows what a
    handout prints from one rendering. With a ``fallback`` (the source language), a
    missing or empty translation is replaced by the source text, visibly marked and
    tagged with the source language; without one, a key the catalogs lack is an error."""

    def __init__(self, texts, values: Mapping[str, str], fallback=None,
                 fallback_values: Mapping[str, str] | None = None, *, lang: str | None = None):
        late = {name: "{" + name + "}" for name in LATE_PLACEHOLDERS}
        self.texts = texts
        self.values = {name: mark_value(value) for name, value in {**values, **late}.items()}
        self.fallback = fallback
        self.fallback_values = {name: mark_value(value)
                                for name, value in {**(fallback_values or values), **late}.items()}
        self.lang = lang  # set when this text is in another language than the document's
        self.used: dict[str, None] = {}  # keys in first-use order
        self.missing: dict[str, None] = {}  # keys printed from the fallback

    def _source_text(self, key: str, count: int | None) -> str:
        fallback = self.fallback
        text = fill(fallback.get(key), self.fallback_values, count=count, tag=fallback.locale)
        text = typeset(text, fallback.locale, fallback.direction == "rtl")
        # In a right-to-left document, the source language's text is one isolated piece.
        return isolate(text) if self.texts.direction == "rtl" and fallback.direction != "rtl" else text

    def _text(self, key: str, count: int | None) -> str:
        text = fill(self.texts.get(key), self.values, count=count, tag=self.texts.locale)
        return typeset(text, self.texts.locale, self.texts.direction == "rtl")

    def _is_missing(self, key: str) -> bool:
        message = self.texts.messages.get(key)
        return (message is None or not message.text) and self.fallback is not None

    def text(self, key: str, count: int | None = None) -> str:
        """The filled text alone, for HTML pages (the caller escapes it)."""
        self.used.setdefault(key, None)
        return self._source_text(key, count) if self._is_missing(key) else self._text(key, count)

    def __call__(self, key: str, count: int | None = None) -> Markup:
        self.used.setdefault(key, None)
        if self._is_missing(key):
            self.missing.setdefault(key, None)
            text = FALLBACK_MARK + self._source_text(key, count)
            return Markup('<span lang="{}"><t k="{}">{}</t></span>').format(self.fallback.locale, key, text)
        text = self._text(key, count)
        if self.lang:
            return Markup('<span lang="{}"><t k="{}">{}</t></span>').format(self.lang, key, text)
        return Markup('<t k="{}">{}</t>').format(key, text)


def _template_line(templates_dir: Path) -> Location | None:
    """The template file and line being rendered when an exception was raised."""
    tb = sys.exc_info()[2]
    found = None
    root = str(templates_dir.resolve())
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(root):
            found = Location(Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_template(
    env: SandboxedEnvironment, templates_dir: Path, name: str, context: Mapping[str, Any]
) -> str:
    """Render one template, turning every failure into one line with file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(Path(exc.filename or templates_dir / name), exc.lineno or 0)
        raise TemplateError(f"template syntax: {exc.message}", where) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {exc.name!r} not found", Location(templates_dir)) from None
    except CatalogError as exc:
        where = _template_line(templates_dir)
        used_at = f" (used at {where})" if where else ""
        raise CatalogError(exc.message + used_at, exc.where, exc.key) from None
    except HandoutsError:
        raise
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"undefined: {exc.message}", _template_line(templates_dir)) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(str(exc), _template_line(templates_dir)) from None
