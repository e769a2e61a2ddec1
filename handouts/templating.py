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

# Placeholders the renderer fills per page, after layout.
LATE_PLACEHOLDERS = ("page", "pages")


def make_environment(templates_dir: Path) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
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
        self.values = {**values, **late}
        self.fallback = fallback
        self.fallback_values = {**(fallback_values or values), **late}
        self.lang = lang  # set when this text is in another language than the document's
        self.used: dict[str, None] = {}  # keys in first-use order
        self.missing: dict[str, None] = {}  # keys printed from the fallback

    def text(self, key: str, count: int | None = None) -> str:
        """The filled text alone, for HTML pages (the caller escapes it)."""
        self.used.setdefault(key, None)
        message = self.texts.messages.get(key)
        if (message is None or not message.text) and self.fallback is not None:
            return fill(self.fallback.get(key), self.fallback_values, count=count, tag=self.fallback.locale)
        return fill(self.texts.get(key), self.values, count=count, tag=self.texts.locale)

    def __call__(self, key: str, count: int | None = None) -> Markup:
        self.used.setdefault(key, None)
        message = self.texts.messages.get(key)
        if (message is None or not message.text) and self.fallback is not None:
            self.missing.setdefault(key, None)
            source = self.fallback.get(key)
            text = FALLBACK_MARK + fill(source, self.fallback_values, count=count, tag=self.fallback.locale)
            return Markup('<span lang="{}"><t k="{}">{}</t></span>').format(self.fallback.locale, key, text)
        message = self.texts.get(key)
        text = fill(message, self.values, count=count, tag=self.texts.locale)
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
