"""The content: each condition's handouts say only that condition's things, every medical
sentence is traceable to a cited source, and each handout has its PEMAT-P assessment."""

from __future__ import annotations

import re
from itertools import permutations
from pathlib import Path

import pytest

from handouts.document import iter_spans
from tests.conftest import CONDITIONS, PROJECT, ROOT, compose, handouts_of, locales_of, texts_of

DOCS = ROOT / "docs"


def sentences(text: str) -> list[str]:
    """The sentences of a text with four words or more (shorter ones: headings, labels)."""
    parts = re.split(r"(?<=[.!?。！？])\s*", text)
    return [s.strip() for s in parts if len(s.split()) >= 4 or (len(s.strip()) >= 12 and " " not in s.strip())]


def condition_texts(condition: str, tag: str) -> list[tuple[str, str]]:
    """(key, text) of a condition's own catalog in one language (the shared one left out)."""
    catalog = texts_of(condition, tag).catalogs[-1]
    return [(key, m.text) for key, m in catalog.messages.items() if m.text]


PAIRS = [(a, b, tag) for a, b in permutations(CONDITIONS, 2) for tag in locales_of(a) if tag in locales_of(b)]


@pytest.mark.parametrize("condition, other, tag", PAIRS)
def test_no_sentence_of_one_condition_appears_in_another_conditions_handouts(condition, other, tag):
    printed = " ".join(" ".join(span.text for span in iter_spans(compose(condition, h, tag)))
                       for h in handouts_of(condition))
    printed = " ".join(printed.split())
    found = []
    for key, text in condition_texts(other, tag):
        for sentence in sentences(" ".join(text.split())):
            if sentence in printed:
                found.append(f"{other}:{key}: {sentence!r}")
    assert not found, found


def test_the_separation_check_can_fail():
    printed = "Stay away from mulch and hay. Take your medicines."
    assert "Stay away from mulch and hay." in sentences(printed)


def test_every_medical_text_names_its_sources():
    """Every key of a condition's English catalog has a `# src:` comment above it, and
    every code it names is listed in docs/sources.md."""
    listed = set(re.findall(r"^\| ([A-Za-z0-9-]+) \|", (DOCS / "sources.md").read_text(encoding="utf-8"), re.M))
    assert len(listed) > 20
    for condition in PROJECT.manifest.conditions.values():
        path = PROJECT.catalog_path(PROJECT.source_locale, condition.catalog)
        lines = path.read_text(encoding="utf-8").splitlines()
        in_messages = False
        pending: list[str] = []
        for number, line in enumerate(lines, start=1):
            if line.startswith("messages:"):
                in_messages = True
                continue
            if not in_messages:
                continue
            stripped = line.strip()
            if stripped.startswith("# src:"):
                pending = [c.strip() for c in stripped[len("# src:"):].split(";") if c.strip()]
                continue
            if stripped.startswith("#") or not stripped:
                continue
            match = re.match(r"^\s+([a-z][a-z0-9_]*):\s*(\S.*)?$", line)
            if match and match.group(2):  # a key with a value (a group header has none)
                assert pending, f"{path.name}:{number}: {match.group(1)} has no '# src:' comment"
                codes = [re.sub(r"\s.*", "", c) for c in pending]
                assert set(codes) <= listed, f"{path.name}:{number}: unknown source codes {set(codes) - listed}"
                pending = []


@pytest.mark.parametrize("condition, handout", [(c, h) for c in CONDITIONS for h in handouts_of(c)])
def test_each_handout_has_a_pemat_assessment_of_80_percent_or_more(condition, handout):
    path = DOCS / "pemat" / f"{condition}-{handout}.md"
    text = path.read_text(encoding="utf-8")
    scores = [int(s) for s in re.findall(r"(\d+)\s*%", text)]
    understand = re.search(r"[Uu]nderstandability[^\n]*?(\d+)\s*%", text)
    action = re.search(r"[Aa]ctionability[^\n]*?(\d+)\s*%", text)
    assert understand and action, path
    assert int(understand.group(1)) >= 80 and int(action.group(1)) >= 80, path
    assert scores
