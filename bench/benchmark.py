"""Benchmark: build the full matrix several times; print PDFs per second, median ms per
PDF and KB per PDF. Run with `make bench` (not part of the tests)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from handouts.build import Project, build
from handouts.settings import Settings

ROUNDS = 5


def main() -> int:
    project = Project.find(Path(__file__).resolve().parent.parent)
    per_pdf_ms: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, int] = {}
    pages_of: dict[str, int] = {}
    wall = []
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(ROUNDS):
            started = time.perf_counter()
            written = build(project, Path(tmp) / str(round_), settings=Settings())
            wall.append(time.perf_counter() - started)
            count = len(written)
            for path, result in written:
                name = str(result.job.relative_path())
                per_pdf_ms[name].append(result.seconds * 1000)
                sizes[name] = len(result.pdf)
                pages_of[name] = result.pdf.count(b"/Type /Page\n") or result.pdf.count(b"/Type /Page ")
    all_ms = [ms for values in per_pdf_ms.values() for ms in values]
    best_wall = min(wall)
    print(f"matrix: {count} PDFs ({len({p.split('/')[0] for p in sizes})} locales), {ROUNDS} rounds")
    print(f"whole build (incl. catalog load and writes): best {best_wall:.2f} s, "
          f"median {statistics.median(wall):.2f} s -> {count / best_wall:.1f} PDFs/s")
    print(f"render per PDF: median {statistics.median(all_ms):.1f} ms, max {max(all_ms):.1f} ms")
    print(f"size per PDF: mean {statistics.mean(sizes.values()) / 1024:.1f} KB, "
          f"max {max(sizes.values()) / 1024:.1f} KB")
    print("per locale (pages of er-card/checklist/overview on Letter; KB and median ms summed over its PDFs):")
    by_locale: dict[str, list[str]] = defaultdict(list)
    for name in per_pdf_ms:
        by_locale[name.split("/")[0]].append(name)
    for locale in sorted(by_locale):
        names = by_locale[locale]
        pages = "/".join(str(pages_of[f"{locale}/{h}-letter.pdf"]) for h in ("er-card", "checklist", "overview"))
        kb = sum(sizes[n] for n in names) / 1024
        ms = sum(statistics.median(per_pdf_ms[n]) for n in names)
        print(f"  {locale:<8} pages {pages:<6} {kb:7.1f} KB {ms:7.1f} ms  ({len(names)} PDFs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
