"""Templates -> document XML: a sandboxed Jinja environment that treats text as data.

Templates hold structure only. Catalog text enters through ``t("key")``, which returns
the text already escaped and wrapped in a ``<t k="key">`` element, so a translation
containing ``{{ }}``, ``<`` or ``&`` prints literally and is never evaluated.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from handouts.catalog import Catalog, fill
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


FALLBACK_MARK = "[EN] "  # shown before English text standing in for a missing translation


def translator(
    catalog: Catalog,
    values: Mapping[str, str],
    fallback: Catalog | None = None,
    fallback_values: Mapping[str, str] | None = None,
) -> Callable[..., Markup]:
    """The ``t()`` templates call: catalog text, placeholders filled, as escaped markup.

    With a ``fallback`` (English), a missing or empty translation is replaced by the
    English text, visibly marked and tagged as English."""
    late = {name: "{" + name + "}" for name in LATE_PLACEHOLDERS}
    all_values = {**values, **late}

    def t(key: str, count: int | None = None) -> Markup:
        message = catalog.messages.get(key)
        if (message is None or not message.text) and fallback is not None:
            english = fallback.get(key)
            text = FALLBACK_MARK + fill(english, {**(fallback_values or values), **late}, count=count, tag="en")
            return Markup('<span lang="en"><t k="{}">{}</t></span>').format(key, text)
        message = catalog.get(key)
        text = fill(message, all_values, count=count, tag=catalog.locale)
        return Markup('<t k="{}">{}</t>').format(key, text)

    return t


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
    """Render one handout template to document XML, turning every failure into one line."""
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
