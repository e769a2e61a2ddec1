"""The English source reads at grade 6 or below (Flesch-Kincaid) and SMOG 8 or below (textstat)."""

from __future__ import annotations

import pytest
import textstat

from handouts.document import Field, FieldRow, Heading, ListBlock, Paragraph, Terms, iter_blocks, plain_text
from tests.conftest import CONDITIONS, compose, handouts_of


def handout_sentences(document) -> str:
    """The handout's text as sentences: headings and list items count as sentences."""
    parts = []
    for section in document.sections:
        for block in iter_blocks(section.blocks):
            texts = []
            if isinstance(block, (Heading, Paragraph)):
                texts = ["".join(s.text for s in block.content)]
            elif isinstance(block, ListBlock):
                texts = ["".join(s.text for s in item.content) for item in block.items]
            elif isinstance(block, Terms):
                texts = [plain_text(term.name) + ": " + plain_text(term.definition) for term in block.items]
            elif isinstance(block, Field):
                texts = [plain_text(block.label)]
            elif isinstance(block, FieldRow):
                texts = [plain_text(f.label) for f in block.fields]
            for text in texts:
                text = text.strip()
                parts.append(text if text[-1] in ".:!?" else text + ".")
    return " ".join(parts)


@pytest.mark.parametrize("condition, handout", [(c, h) for c in CONDITIONS for h in handouts_of(c)])
def test_english_text_reads_at_grade_6_or_below(condition, handout):
    document = compose(condition, handout, "en")
    text = handout_sentences(document)
    assert len(text.split()) > 80
    fk = textstat.flesch_kincaid_grade(text)
    smog = textstat.smog_index(text)
    assert fk <= 6, f"{handout}: Flesch-Kincaid grade {fk}"
    assert smog <= 8, f"{handout}: SMOG grade {smog}"


def test_readability_check_can_fail():
    hard = (
        "Immunoglobulin replacement therapy necessitates meticulous pharmacological administration. "
        "Granulocyte colony-stimulating factor ameliorates neutropenia-associated susceptibility. "
    ) * 5
    assert textstat.flesch_kincaid_grade(hard) > 8
    assert textstat.smog_index(hard) > 8
