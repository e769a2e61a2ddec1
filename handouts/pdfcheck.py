"""``handouts check-pdf``: is a PDF a tagged, accessible document?

Checks, each with a tool this project did not write where one exists:
- the independent PDF/UA-1 checker ``page-validation`` (104 rules);
- poppler's ``pdffonts``: every font embedded, with a ToUnicode map;
- poppler's ``pdfinfo -struct-text``: a structure tree is present and holds text;
- and one of its own, read with pikepdf: every text-showing operator on every page
  sits inside marked content that is either tagged (has an MCID) or an Artifact.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


@dataclass
class Report:
    path: Path
    problems: list[str] = field(default_factory=list)
    rules_passed: int = 0
    rules_failed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def untagged_text(path: Path) -> list[str]:
    """Pages where text is drawn outside tagged content and outside artifacts."""
    problems = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            stack: list[bool] = []  # per open BDC/BMC: does it make content tagged or artifact?
            count = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    tag = str(operands[0])
                    props = operands[1] if op == "BDC" and len(operands) > 1 else None
                    has_mcid = isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                    stack.append(tag == "/Artifact" or has_mcid)
                elif op == "EMC":
                    if stack:
                        stack.pop()
                elif op in TEXT_OPERATORS and not any(stack):
                    count += 1
            if count:
                problems.append(f"page {number}: {count} text operations are neither tagged nor artifacts")
    return problems


def _fonts(path: Path) -> list[str]:
    if not shutil.which("pdffonts"):
        return ["pdffonts (poppler-utils) is not installed"]
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    problems = []
    for line in out:
        columns = line.split()
        if len(columns) >= 5 and (columns[-5] != "yes" or columns[-3] != "yes"):
            problems.append(f"font {columns[0]} is not embedded or has no ToUnicode map")
    return problems


def _structure(path: Path) -> list[str]:
    if not shutil.which("pdfinfo"):
        return ["pdfinfo (poppler-utils) is not installed"]
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True).stdout
    if "Document" not in out and '"' not in out:
        return ["no structure tree (the PDF is not tagged)"]
    return []


def check_pdf(path: Path) -> Report:
    report = Report(path)
    try:
        from page import ValidationProfile, validate_pdf
    except ImportError:
        report.problems.append("the PDF/UA checker page-validation is not installed (pip install page-validation)")
    else:
        try:
            result = validate_pdf(str(path), profile=ValidationProfile.PDF_UA_1)
        except Exception as exc:  # the checker's parser rejects files that are not PDF
            report.problems.append(f"not a readable PDF ({exc})")
            return report
        report.rules_passed, report.rules_failed = result.rules.passed, result.rules.failed
        report.problems += [f"PDF/UA {f.rule_id}: {f.message}" for f in result.failures]
    try:
        report.problems += untagged_text(path)
    except pikepdf.PdfError as exc:
        report.problems.append(f"not a readable PDF: {exc}")
        return report
    report.problems += _fonts(path)
    report.problems += _structure(path)
    return report
