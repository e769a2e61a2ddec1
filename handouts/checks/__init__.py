"""Translators' checks: each a small function that returns findings for one locale.

A finding names the file, line and key, says what is wrong in one line, and has a
severity: ``error`` (wrong or unsafe on paper: missing, stale, broken placeholder,
does not fit, cannot be printed) or ``warning`` (worth a look: an English copy,
stray markup, surrounding space). Run them all with ``run_checks``.
"""

from __future__ import annotations

from dataclasses import dataclass

from handouts.errors import Location

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    locale: str
    severity: str
    check: str
    where: Location
    key: str | None
    message: str

    def line(self) -> str:
        parts = [str(self.where)]
        if self.key:
            parts.append(self.key)
        parts.append(self.message)
        return ": ".join(parts)

    def as_dict(self) -> dict:
        return {
            "locale": self.locale, "severity": self.severity, "check": self.check,
            "file": str(self.where.path), "line": self.where.line, "key": self.key, "message": self.message,
        }
