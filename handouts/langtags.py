"""Language tags (BCP 47) as folder names: checked before anything is created or read.

A tag names a folder (``locales/<tag>/``), so it must be a well-formed, canonical tag of
a real language that Babel (CLDR) knows: ``de``, ``pt-BR``, ``zh-Hant``; not
``de.yaml``, ``de@euro``, ``DE``, ``und`` or a 300-character string. A PO file's
``Language`` header (``de_DE``, ``pt_BR``, ``zh_TW``) is matched to the folders that exist.
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

from handouts.errors import UsageError

MAX_TAG = 35  # RFC 5646's advice for the longest tag worth supporting
TAG_RE = re.compile(
    r"(?P<language>[a-z]{2,3})(?:-(?P<script>[A-Z][a-z]{3}))?(?:-(?P<region>[A-Z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
)
NOT_LANGUAGES = {"und", "mul", "zxx", "mis"}  # undetermined, multiple, no content, uncoded


def shown(text: str, limit: int = 40) -> str:
    """A user's string, quoted and cut short for an error message."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def canonical(tag: str) -> str:
    """``DE_de`` -> ``de-DE``, ``zh_hant`` -> ``zh-Hant``: BCP 47's letter case and hyphens."""
    parts = re.split(r"[-_]", tag.strip())
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def check_tag(tag: str) -> str:
    """``tag`` if it is a canonical language tag Babel knows; else a usage error that
    says what to write."""
    if len(tag) > MAX_TAG:
        raise UsageError(f"{shown(tag)} is {len(tag)} characters long; a language tag has at most {MAX_TAG}")
    if not TAG_RE.fullmatch(tag):
        guess = canonical(tag)
        if guess != tag and TAG_RE.fullmatch(guess):
            raise UsageError(f"{shown(tag)} is not written as a language tag: write {guess!r}")
        raise UsageError(f"{shown(tag)} is not a language tag (BCP 47, like de, pt-PT or zh-Hant)")
    if tag.split("-")[0] in NOT_LANGUAGES:
        raise UsageError(f"{tag!r} names no language (BCP 47, like de, pt-PT or zh-Hant)")
    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"{tag!r}: Babel (CLDR) has no data for this language") from None
    return tag


def match_language(language: str, available: list[str]) -> str | None:
    """The folder a PO file's ``Language`` belongs to: the tag itself, else the same
    language and script without the region (``de_DE`` -> ``de``, ``zh_TW`` -> ``zh-Hant``);
    never another region (``pt_PT`` is not ``pt-BR``)."""
    tag = canonical(language.split("@")[0].split(".")[0])
    if tag in available:
        return tag
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    candidates = []
    if locale.script:
        candidates.append(f"{locale.language}-{locale.script}")
    candidates.append(locale.language)
    for candidate in candidates:
        if candidate in available and (candidate == locale.language or locale.script):
            return candidate
    return None
