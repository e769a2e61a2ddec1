"""XML text and attribute escaping, as ``xml.sax.saxutils`` does it, without its import.

``xml.sax.saxutils`` imports ``urllib.request`` (and with it ``http.client``, ``ssl``,
``socket`` and the ``email`` package): 16 ms of every command that draws a PDF, for two
functions of a few lines. These give the same strings (``tests/test_fast_paths.py``
compares them).
"""

from __future__ import annotations

_ATTRIBUTE_ENTITIES = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (``saxutils.escape`` with no extra entities)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(value: str) -> str:
    """An attribute value, escaped and quoted (``saxutils.quoteattr``): in double quotes,
    or single ones when it holds a double quote but no single one."""
    value = escape(value)
    for char, entity in _ATTRIBUTE_ENTITIES.items():
        value = value.replace(char, entity)
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"{}"'.format(value.replace('"', "&quot;"))


__all__ = ["escape", "quoteattr"]
