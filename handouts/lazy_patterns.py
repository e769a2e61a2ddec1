"""One of ReportLab's regular expressions compiled when first used, not when imported.

``reportlab.platypus.paragraph`` compiles, as it is imported, a pattern for web
addresses (used only to hyphenate them, which handouts never asks for) whose
Unicode ranges take 28 ms to compile: a twentieth of a one-handout command. A finder
on ``sys.meta_path`` (installed by the package, before anything imports ReportLab)
runs that one module with ``re.compile`` answering for that pattern with a stand-in
that compiles it on first use; every other pattern compiles as usual.
"""

from __future__ import annotations

import importlib.machinery
import re
import sys

MODULE = "reportlab.platypus.paragraph"
_compile = re.compile


class LazyPattern:
    """A compiled pattern, made when an attribute is first asked for."""

    def __init__(self, pattern: str, flags: int):
        self._pattern, self._flags = pattern, flags
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = _compile(self._pattern, self._flags)
        return getattr(self._compiled, name)


def _lazy_compile(pattern, flags=0):
    if isinstance(pattern, str) and pattern.startswith("(^(?:[a-z0-9\\.\\-\\+]*)://)"):  # the address pattern
        return LazyPattern(pattern, flags)
    return _compile(pattern, flags)


class _Finder:
    """A meta path finder (the protocol: ``find_spec``), not a subclass of
    ``importlib.abc.MetaPathFinder``: importing ``importlib.abc`` costs a command 13 ms."""

    def find_spec(self, name, path, target=None):
        if name != MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            re.compile = _lazy_compile
            try:
                execute(module)
            finally:
                re.compile = _compile

        spec.loader.exec_module = exec_module
        return spec


def install() -> None:
    """Idempotent; does nothing once ReportLab's module is imported."""
    if MODULE not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
