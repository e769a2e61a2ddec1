"""Write docs/sources.md: every source code cited in the catalogs' "# src:" comments,
with its full citation copied from the facts sheets' source tables.

    .venv/bin/python scripts/content/make_sources.py   # facts sheets in ../shared/, or SHARED=DIR
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project folder (this script is in scripts/content/)
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))  # the facts sheets
CODE = re.compile(r"\b(CC|IDF-ED|H\d+[a-z]?|C\d+)\b")

# Sources named in content-facts.md without a code in the tables of the other sheets.
EXTRA = {
    "CC": ("Cleveland Clinic Health Library, \"Hyper-IgM Syndrome\", medically reviewed 2025-10-19 "
           "(summarised in /work/shared/content-facts.md; same page as H32)",
           "https://my.clevelandclinic.org/health/diseases/hyper-igm-syndrome",
           "main source of the HIgM handouts; {source_reviewed} = 2025-10-19"),
    "IDF-ED": ("Immune Deficiency Foundation, \"Preparedness key when visiting the emergency department with PI\", "
               "2025 (cited in /work/shared/content-facts.md, \"Further facts\")",
               "primaryimmune.org (no address given in the facts sheet)",
               "code made up for this draft: the facts sheets give this source no code"),
}


def cited() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name in ("higm", "cgd"):
        for line in (ROOT / "locales" / "en" / f"{name}.yaml").read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("# src:"):
                for code in CODE.findall(line):
                    out.setdefault(code, set()).add(name)
    return out


def table_rows() -> dict[str, str]:
    rows = {}
    for sheet in ("content-facts-higm-er.md", "content-facts-cgd.md"):
        for line in (SHARED / sheet).read_text(encoding="utf-8").splitlines():
            match = re.match(r"^\|\s*(H\d+[a-z]?|C\d+)\s*\|", line)
            if match:
                rows[match.group(1)] = line.strip()
    return rows


def order(code: str):
    match = re.match(r"([A-Z-]+?)(\d+)?([a-z]?)$", code)
    prefix, number, suffix = match.groups() if match else (code, None, "")
    return ({"CC": 0, "IDF-ED": 1, "H": 2, "C": 3}.get(prefix, 9), int(number or 0), suffix)


def main() -> None:
    codes = cited()
    rows = table_rows()
    lines = [
        "# Sources cited in the English catalogs",
        "",
        "Every code used in a `# src:` comment of `locales/en/higm.yaml` or `locales/en/cgd.yaml`,",
        "with the full citation copied from the source tables of the facts sheets",
        "(`/work/shared/content-facts-higm-er.md`, `/work/shared/content-facts-cgd.md`) or, for CC",
        "and IDF-ED, from `/work/shared/content-facts.md`. Written by `scripts/content/make_sources.py`.",
        "Only cited codes are listed. \"Used by\" names the catalog(s) that cite the code.",
        "",
        "| Code | Source | URL / ID | Notes | Used by |",
        "|---|---|---|---|---|",
    ]
    for code in sorted(codes, key=order):
        used = ", ".join(sorted(codes[code]))
        if code in EXTRA:
            source, url, notes = EXTRA[code]
            lines.append(f"| {code} | {source} | {url} | {notes} | {used} |")
        elif code in rows:
            lines.append(f"{rows[code]} {used} |")
        else:
            lines.append(f"| {code} | NOT FOUND in the facts sheets | | | {used} |")
    (ROOT / "docs" / "sources.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(codes)} codes written")


if __name__ == "__main__":
    main()
