"""The translation status table: printed by ``handouts status``, written by the build
as ``output/translation-status.html`` (an accessible HTML table)."""

from __future__ import annotations

from html import escape

from handouts.checks.runner import Summary, summaries

COLUMNS = ("Locale", "Catalog", "Language", "Status", "Translated", "Stale", "Missing", "Reviewed", "Complete")


def rows(summaries: list[Summary]) -> list[tuple[str, ...]]:
    return [
        (s.locale, s.catalog, s.name, s.status, f"{s.translated}/{s.total}", str(s.stale), str(s.missing),
         f"{s.reviewed}/{s.total}", f"{s.complete:.0f}%")
        for s in summaries
    ]


def text_table(summaries: list[Summary]) -> str:
    table = [COLUMNS, *rows(summaries)]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def html_page(summaries: list[Summary]) -> str:
    body = []
    for summary, row in zip(summaries, rows(summaries)):
        cells = [f'<th scope="row">{escape(row[0])}</th>',
                 f"<td>{escape(row[1])}</td>",
                 f'<td lang="{escape(summary.locale)}">{escape(row[2])}</td>',
                 *(f"<td>{escape(cell)}</td>" for cell in row[3:])]
        body.append("      <tr>" + "".join(cells) + "</tr>")
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in COLUMNS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Translation status: handouts</title>
  <style>
    body {{ font-family: system-ui, sans-serif; margin: 1rem; color: #111; }}
    table {{ border-collapse: collapse; }}
    th, td {{ border: 1px solid #5a6b73; padding: 0.3rem 0.6rem; text-align: start; }}
    thead th {{ background: #e8f1f5; }}
  </style>
</head>
<body>
  <main>
    <h1>Translation status</h1>
    <table>
      <caption>Per locale and catalog: keys translated, out of date (stale), missing, reviewed; complete means translated and current.</caption>
      <thead><tr>{head}</tr></thead>
      <tbody>
{chr(10).join(body)}
      </tbody>
    </table>
  </main>
</body>
</html>
"""


__all__ = ["text_table", "html_page", "summaries"]
