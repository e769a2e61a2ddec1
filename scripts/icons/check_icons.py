"""Check every pictogram against the house rules and load it with svglib.

    python3 check_icons.py        (exit status 1 when something is wrong)

Rules checked: viewBox 0 0 48 48, no width/height; only path/circle/ellipse/rect/line/
polyline/polygon/g; only presentation attributes (fill, stroke, stroke-width, stroke-linecap,
stroke-linejoin, fill-rule, transform with translate/rotate/scale); colours #000/#fff/none;
black strokes 3 wide (a thinner black stroke is allowed only on a black-filled shape, where it
just rounds the corners); file under 3 KB; every file listed in icons.yaml with description,
directional and licence, and nothing listed that has no file; svglib loads it with no warning.
"""

from __future__ import annotations

import logging
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ICON_DIR = HERE.parent.parent / "handouts" / "icons"
NS = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 3 * 1024

GEOMETRY = {
    "svg": {"viewBox", "xmlns"},
    "g": set(),
    "path": {"d"},
    "circle": {"cx", "cy", "r"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "rect": {"x", "y", "width", "height", "rx", "ry"},
    "line": {"x1", "y1", "x2", "y2"},
    "polyline": {"points"},
    "polygon": {"points"},
}
PRESENTATION = {"fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "fill-rule", "transform"}
COLOURS = {"#000", "#fff", "none"}
TRANSFORM = re.compile(r"^(\s*(translate|rotate|scale)\(\s*-?[\d.]+(\s*[ ,]\s*-?[\d.]+)*\s*\)\s*)+$")


def check_file(path: Path) -> list[str]:
    errors: list[str] = []
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        errors.append(f"{len(raw)} bytes (limit {MAX_BYTES})")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag != NS + "svg":
        errors.append("root is not an <svg> in the SVG namespace")
    if root.get("viewBox") != "0 0 48 48":
        errors.append(f"viewBox is {root.get('viewBox')!r}")
    for attr in ("width", "height"):
        if attr in root.attrib:
            errors.append(f"root has a {attr} attribute")

    def walk(el, inherited: dict):
        tag = el.tag.replace(NS, "")
        if tag not in GEOMETRY:
            errors.append(f"element <{tag}> is not allowed")
            return
        if (el.text or "").strip():
            errors.append(f"<{tag}> contains text")
        state = dict(inherited)
        for key, value in el.attrib.items():
            if key not in GEOMETRY[tag] and key not in PRESENTATION:
                errors.append(f"<{tag}> attribute {key!r} is not allowed")
            if key in ("fill", "stroke") and value not in COLOURS:
                errors.append(f"<{tag}> {key}={value!r}: only #000, #fff or none")
            if key == "transform" and not TRANSFORM.match(value):
                errors.append(f"<{tag}> transform {value!r}: translate/rotate/scale only")
            if key in PRESENTATION:
                state[key] = value
        if tag != "svg" and tag != "g":
            stroke = state.get("stroke", "none")
            width = float(state.get("stroke-width", "1"))
            fill = state.get("fill", "#000")
            if stroke == "#000" and abs(width - 3) > 1e-6 and fill != "#000":
                errors.append(f"<{tag}> black stroke {width} wide on an unfilled shape (house stroke is 3)")
        for child in el:
            walk(child, state)

    walk(root, {})
    return errors


def read_yaml() -> dict:
    text = (ICON_DIR / "icons.yaml").read_text(encoding="utf-8")
    try:
        import yaml  # type: ignore
    except ImportError:  # minimal reader for the flat layout build_icons.py writes
        icons: dict = {}
        current = None
        for line in text.splitlines():
            m = re.match(r"^  ([a-z0-9-]+):\s*$", line)
            if m:
                current = icons.setdefault(m.group(1), {})
                continue
            m = re.match(r"^    ([a-z_]+):\s*(.*)$", line)
            if m and current is not None:
                value = m.group(2).strip().strip('"')
                current[m.group(1)] = {"true": True, "false": False}.get(value, value)
        return {"icons": icons}
    return yaml.safe_load(text)


class _Collect(logging.Handler):
    """Keeps svglib's warnings and errors, and its debug notes about nodes it ignored."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.problems: list[str] = []

    def emit(self, record):
        msg = record.getMessage()
        if record.levelno >= logging.WARNING or msg.startswith("Ignoring"):
            self.problems.append(f"{record.levelname.lower()}: {msg}")


def svglib_warnings(path: Path) -> list[str]:
    from svglib.svglib import svg2rlg

    handler = _Collect()
    logger = logging.getLogger("svglib.svglib")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)  # svglib reports ignored nodes at debug level only
    try:
        drawing = svg2rlg(str(path))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    problems = handler.problems
    if drawing is None:
        problems.append("svg2rlg returned None")
    elif abs(drawing.width - drawing.height) > 1e-6:
        problems.append(f"svglib size {drawing.width}x{drawing.height}, expected a square")
    return problems


def main() -> int:
    failures = 0
    files = sorted(ICON_DIR.glob("*.svg"))
    meta = read_yaml().get("icons", {})
    for path in files:
        problems = check_file(path) + [f"svglib: {w}" for w in svglib_warnings(path)]
        entry = meta.get(path.stem)
        if entry is None:
            problems.append("not listed in icons.yaml")
        else:
            for key in ("description", "directional", "licence"):
                if key not in entry:
                    problems.append(f"icons.yaml entry has no {key}")
            if not isinstance(entry.get("directional"), bool):
                problems.append("icons.yaml directional is not true/false")
        for p in problems:
            print(f"FAIL {path.name}: {p}")
        failures += bool(problems)
    for name in meta:
        if not (ICON_DIR / f"{name}.svg").exists():
            print(f"FAIL icons.yaml lists {name} but {name}.svg is missing")
            failures += 1
    print(f"{len(files) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
