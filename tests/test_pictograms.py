"""The pictograms: one house style, every one loads, templates name only ones that exist."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest
from reportlab.pdfgen.canvas import Canvas

from handouts.layout import icons
from handouts.pictograms import catalogue, svg_markup
from tests.conftest import ROOT, catalog_file, run_tool


def test_every_pictogram_is_in_the_house_style_and_described():
    found = catalogue()
    assert len(found) >= 30 and "warning" in found
    for name, info in found.items():
        root = ET.fromstring(info.path.read_text(encoding="utf-8"))
        assert root.get("viewBox") == "0 0 48 48", name
        assert not list(root.iter("{http://www.w3.org/2000/svg}text")), f"{name}: text in a picture"
        assert info.description, name


def test_every_pictogram_draws_as_vectors_and_mirrors(tmp_path):
    path = tmp_path / "icons.pdf"
    canvas = Canvas(str(path))
    for index, name in enumerate(sorted(catalogue())):
        icons.draw(canvas, name, 20 + (index % 10) * 50, 700 - (index // 10) * 50, 30, mirror=True)
        icons.draw(canvas, name, 20 + (index % 10) * 50, 400 - (index // 10) * 50, 30, inverse=True)
    canvas.save()
    import pikepdf

    with pikepdf.open(path) as pdf:
        operators = {str(op) for page in pdf.pages for _, op in pikepdf.parse_content_stream(page)}
    assert not operators & {"Tj", "TJ", "'", '"', "Do"}  # no text, no images: shapes only
    assert {"c", "l", "f", "S"} & operators
    images = run_tool("pdfimages", "-list", str(path)).stdout.splitlines()[2:]
    assert images == []  # no raster


def test_web_markup_is_decorative():
    markup = svg_markup("wash-hands")
    assert markup.startswith("<svg") and 'aria-hidden="true"' in markup


def test_an_unknown_pictogram_names_the_template(project_copy):
    template = project_copy / "templates" / "higm" / "checklist.xml.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("<item>", '<item icon="unicorn">', 1), encoding="utf-8")
    result = run_tool(sys.executable, "-m", "handouts", "build", "--locale", "en", cwd=project_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "templates/higm/checklist.xml.j2" in result.stderr and "unknown pictogram 'unicorn'" in result.stderr
