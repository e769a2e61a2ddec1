"""Check the English content drafts without the engine (which is being rebuilt).

Run with the project's virtual environment (jinja2, PyYAML, textstat 0.7.3, ReportLab):

    /work/main/.venv/bin/python /work/drafts/content/tools/check_content.py [--text]

What it checks, per condition and handout:
  1. every catalog parses as YAML; no key in both shared.yaml and a condition file;
     placeholders only from the allowed list;
  2. every condition-file message has a "# src:" comment right above it, and every
     code there is listed in docs/sources.md;
  3. every template renders (sandboxed Jinja, strict undefined) under many contexts
     (each status, outdated/fallback on and off, clinic and person empty or filled,
     fever limit set or not); every t()/tc() key exists in shared + that condition;
  4. the rendered XML is well-formed and uses only the spec's vocabulary (elements,
     attributes, list kinds, callout kinds, paragraph styles, pictogram names);
     one <h1> per page handout; no words in the templates themselves;
  5. every catalog key is used by some template (the download site's site.* keys excepted);
  6. no text of one condition's catalog appears in the other condition's handouts;
  7. the ER card's warning signs are the first items of the overview's lists;
  8. readability (Flesch-Kincaid grade, SMOG; textstat) of each English handout,
     headings, list items, labels and terms counted as sentences;
  9. a rough count of printed lines on each card face.
Page counts: tools/layout_probe.py (lays the page handouts out with the released engine).
Exit status: 0 clean, 1 findings.
"""

from __future__ import annotations

import itertools
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import textstat
import yaml
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales" / "en"
TEMPLATES = ROOT / "templates"
SOURCES = ROOT / "docs" / "sources.md"
CONDITIONS = ("higm", "cgd")
HANDOUTS = ("overview", "checklist", "er-card", "school-letter")
PAGE_HANDOUTS = ("overview", "checklist", "school-letter")
PLACEHOLDERS = {"fever", "source_reviewed", "content_date", "translator", "translated_on",
                "reviewer", "reviewed_on", "page", "pages"}
ICONS = set("""wash-hands mask no-swimming boil-water water-filter cook fridge wash-produce vaccine
no-vaccine no-dust no-soil no-hay crowd medicine calendar phone hospital thermometer breathing
chest-pain confusion diarrhea blue-lips bandage clean-clothes no-sharing wallet-card vomiting
swollen-gland skin-infection belly-pain toothbrush pets school water-bottle no-fountain sleepy""".split())
CODE = re.compile(r"\b(CC|IDF-ED|H\d+[a-z]?|C\d+)\b")
FEVER = "38.0°C (100.4°F)"
DATE = "October 19, 2025"

findings: list[str] = []


def finding(message: str) -> None:
    findings.append(message)


# ----------------------------------------------------------------- catalogs

def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, full + "."))
        else:
            out[full] = value
    return out


def load(name: str) -> tuple[dict, dict[str, str]]:
    data = yaml.safe_load((LOCALES / f"{name}.yaml").read_text(encoding="utf-8"))
    return data.get("meta", {}), flatten(data.get("messages", {}))


def source_comments(name: str) -> dict[str, list[str]]:
    """key -> the codes of the '# src:' comment in the comment block right above it."""
    path = LOCALES / f"{name}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    stack: list[tuple[int, str]] = []
    in_messages = False
    out: dict[str, list[str]] = {}
    for number, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        match = re.match(r"\s*([A-Za-z0-9_]+):\s*(.*)$", line)
        if not match:
            continue
        key, rest = match.groups()
        if indent == 0:
            in_messages = key == "messages"
            stack = []
            continue
        if not in_messages:
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if rest == "":
            stack.append((indent, key))
            continue
        full = ".".join([k for _, k in stack][0:] + [key])
        codes = None
        above = number - 1
        while above >= 0 and lines[above].lstrip().startswith("#"):
            text = lines[above].strip()
            if text.startswith("# src:"):
                codes = CODE.findall(text)
                break
            above -= 1
        out[full] = codes if codes is not None else []
        if codes is None:
            out[full] = None  # type: ignore[assignment]
    return out


def listed_codes() -> set[str]:
    if not SOURCES.exists():
        return set()
    return set(re.findall(r"^\|\s*(CC|IDF-ED|H\d+[a-z]?|C\d+)\s*\|", SOURCES.read_text(encoding="utf-8"), re.M))


def fill(text: str, values: dict[str, str], where: str) -> str:
    for name in re.findall(r"\{([^{}]*)\}", text):
        if name not in PLACEHOLDERS:
            finding(f"{where}: unknown placeholder {{{name}}}")
    return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


# ---------------------------------------------------------------- rendering

class Obj(dict):
    """A context object whose missing fields are empty (like the engine's settings)."""

    def __getattr__(self, name):
        return self.get(name, "")


CLINIC_FULL = Obj(name="Riverside Children's Hospital", phone="+1 555 010 0100",
                  website="https://example.org/immunology", immunology_team="Pediatric Immunology",
                  immunology_phone="+1 555 010 0142", after_hours_phone="+1 555 010 0199")
PERSON_FULL = Obj(name="Sam Example", birth_date="2019-03-02", team="Pediatric Immunology",
                  phone="+1 555 010 0142", notes="", ig_route_interval="SC, 7 days",
                  ig_last_dose="2026-11-20", preventive_medicines="co-trimoxazole", higm_type="X-linked",
                  gcsf="no", allergies="none", transplant="no", daily_antibiotic="co-trimoxazole",
                  daily_antifungal="itraconazole", interferon_gamma="no", central_line="no")


def contexts():
    for status, outdated, fallback, clinic, person, fever_set in itertools.product(
        ("source", "draft", "reviewed"), (False, True), (False, True),
        (Obj(), CLINIC_FULL), (Obj(), PERSON_FULL), (False, True),
    ):
        yield dict(status=status, outdated=outdated, fallback_used=fallback, clinic=clinic, person=person,
                   params=Obj(fever=FEVER, fever_is_set=fever_set), language_name="English",
                   care_language_name="English")


def default_context():
    return next(iter(contexts()))  # source status, nothing set: what the readability test sees


def make_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["isolate"] = lambda v: v
    env.filters["phone_uri"] = lambda v: re.sub(r"[^0-9+]", "", str(v))
    return env


def render(env, condition, handout, catalog, values, context, used: set[str]):
    def lookup(key: str) -> Markup:
        used.add(key)
        if key not in catalog:
            raise KeyError(f"templates/{condition}/{handout}.xml.j2: key {key!r} is in neither shared.yaml "
                           f"nor {condition}.yaml")
        return escape(fill(catalog[key], values, f"{key}"))

    template = env.get_template(f"{condition}/{handout}.xml.j2")
    return template.render(t=lookup, tc=lookup, **context)


# ------------------------------------------------------------ XML checks

BLOCKS = {"h1", "h2", "h3", "p", "list", "callout", "field", "field-row", "terms", "figure"}
INLINE = {"strong", "link", "span"}
TOP = {"title", "running-footer", "section", "notice", "speech"}


def check_xml(root: ET.Element, where: str, page: bool) -> None:
    if root.tag != "document" or not root.get("handout"):
        finding(f"{where}: root must be <document handout=...>")
    for child in root:
        if child.tag not in TOP:
            finding(f"{where}: <{child.tag}> not allowed in <document>")
    h1 = len(root.findall(".//h1"))
    if page and h1 != 1:
        finding(f"{where}: {h1} <h1> on a page handout")
    if page and root.find("running-footer") is None:
        finding(f"{where}: page handout without <running-footer>")
    for element in root.iter():
        tag = element.tag
        if tag == "p" and element.get("style", "body") not in ("body", "lead", "small", "action"):
            finding(f"{where}: unknown <p style={element.get('style')!r}>")
        if tag == "list":
            if element.get("kind", "bullet") not in ("bullet", "check"):
                finding(f"{where}: unknown list kind")
            for item in element:
                if item.tag != "item":
                    finding(f"{where}: <{item.tag}> inside <list>")
        if tag == "callout" and element.get("kind") not in ("warning", "info", "plan"):
            finding(f"{where}: unknown callout kind {element.get('kind')!r}")
        if tag in ("item", "figure") and element.get("icon") and element.get("icon") not in ICONS:
            finding(f"{where}: unknown pictogram {element.get('icon')!r}")
        if tag == "field":
            if not re.fullmatch(r"[a-z][a-z0-9_]*", element.get("name") or ""):
                finding(f"{where}: field without a lowercase name")
            if element.find("label") is None or not "".join(element.find("label").itertext()).strip():
                finding(f"{where}: field {element.get('name')} without a label")
        if tag == "field-row":
            if not 1 <= len(element) <= 3 or any(c.tag != "field" for c in element):
                finding(f"{where}: a <field-row> holds 1-3 <field>s")
        if tag in ("section", "notice") and not element.get("name"):
            finding(f"{where}: <{tag}> without a name")
        if tag in ("h1", "h2", "h3", "p", "item", "label") and not "".join(element.itertext()).strip():
            finding(f"{where}: empty <{tag}>")


def template_words(path: Path) -> list[str]:
    """Words written in a template itself (outside Jinja tags and XML markup)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    return re.findall(r"[^\W\d_]{2,}", text)


def strip_jinja_wellformed(path: Path) -> str | None:
    """Rough check: the template with Jinja tags removed parses as XML."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", "", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", "x", text, flags=re.S)
    try:
        ET.fromstring(f"<root>{text}</root>")
        return None
    except ET.ParseError as exc:
        return str(exc)


# ---------------------------------------------------------------- text

def sentences(root: ET.Element) -> str:
    """The handout's words in reading order, each heading/item/label a sentence."""
    parts = []

    def add(text: str) -> None:
        text = " ".join(text.split())
        if text:
            parts.append(text if text[-1] in ".:!?" else text + ".")

    def walk(element: ET.Element) -> None:
        tag = element.tag
        if tag in ("title", "running-footer", "speech", "value"):
            return
        if tag in ("h1", "h2", "h3", "p", "item", "label", "name", "definition", "figure"):
            add("".join(element.itertext()) if tag != "figure" else (element.text or ""))
            return
        for child in element:
            walk(child)

    walk(root)
    return " ".join(parts)


def face_lines(section: ET.Element) -> int:
    """Rough count of printed lines on a card face (items, paragraphs, headings, field rows)."""
    count = 0
    for element in section.iter():
        if element.tag in ("h2", "h3", "p", "item"):
            count += 1
        elif element.tag == "field-row":
            count += 1
        elif element.tag == "field" and section.find(".//field-row") is None:
            count += 1
    return count


# ---------------------------------------------------------------- main

def main() -> int:
    show_text = "--text" in sys.argv  # print each handout's measured text
    shared_meta, shared = load("shared")
    allowed = listed_codes()
    if not allowed:
        finding("docs/sources.md: no source codes found")
    env = make_env()
    report = []
    rendered_text: dict[str, str] = {}
    catalogs = {}
    used_all: dict[str, set[str]] = {}
    for path in [TEMPLATES / "shared" / "_parts.xml.j2"]:
        words = template_words(path)
        if words:
            finding(f"{path.relative_to(ROOT)}: words in the template: {sorted(set(words))[:8]}")
        problem = strip_jinja_wellformed(path)
        if problem:
            finding(f"{path.relative_to(ROOT)}: not well-formed once Jinja is stripped (rough): {problem}")
    for condition in CONDITIONS:
        meta, own = load(condition)
        for key in own:
            if key in shared:
                finding(f"{condition}.yaml: {key} is also in shared.yaml")
        catalog = {**shared, **own}
        catalogs[condition] = own
        for key, text in catalog.items():
            if not isinstance(text, str) or not text.strip():
                finding(f"{key}: not a plain non-empty string")
        comments = source_comments(condition)
        for key in own:
            codes = comments.get(key)
            if codes is None:
                finding(f"{condition}.yaml: {key} has no '# src:' comment right above it")
            elif not codes:
                finding(f"{condition}.yaml: {key}: '# src:' names no source code")
            else:
                for code in codes:
                    if code not in allowed:
                        finding(f"{condition}.yaml: {key}: source {code} is not listed in docs/sources.md")
        values = dict(fever=FEVER, source_reviewed=DATE, content_date=DATE, translator="Ana Silva",
                      translated_on=DATE, reviewer="Dr. Lee", reviewed_on=DATE, page="1", pages="2")
        used: set[str] = set()
        full_texts = []
        for handout in HANDOUTS:
            path = TEMPLATES / condition / f"{handout}.xml.j2"
            words = template_words(path)
            if words:
                finding(f"{path.relative_to(ROOT)}: words in the template: {sorted(set(words))[:8]}")
            problem = strip_jinja_wellformed(path)
            if problem:
                finding(f"{path.relative_to(ROOT)}: not well-formed once Jinja is stripped (rough): {problem}")
            first = None
            for context in contexts():
                try:
                    xml = render(env, condition, handout, catalog, values, context, used)
                except Exception as exc:  # noqa: BLE001 - report and go on
                    finding(f"{condition}/{handout}: render failed: {exc}")
                    break
                try:
                    root = ET.fromstring(xml)
                except ET.ParseError as exc:
                    finding(f"{condition}/{handout}: malformed XML: {exc}")
                    break
                check_xml(root, f"{condition}/{handout}", handout in PAGE_HANDOUTS)
                full_texts.append(" ".join(" ".join(root.itertext()).split()))
                if first is None:
                    first = root
            if first is None:
                continue
            text = sentences(first)
            if show_text:
                print(f"\n=== {condition}/{handout}\n{text}\n")
            row = dict(handout=f"{condition}/{handout}", words=textstat.lexicon_count(text),
                       sentences=textstat.sentence_count(text), fk=textstat.flesch_kincaid_grade(text),
                       smog=textstat.smog_index(text))
            if handout not in PAGE_HANDOUTS:
                row["faces"] = {s.get("name"): face_lines(s) for s in first if s.tag == "section"}
            report.append(row)
            if row["fk"] > 6:
                finding(f"{condition}/{handout}: Flesch-Kincaid grade {row['fk']} > 6")
            if row["smog"] > 8:
                finding(f"{condition}/{handout}: SMOG {row['smog']} > 8")
        rendered_text[condition] = " ".join(full_texts)
        used_all[condition] = used
        for key in own:
            if key not in used:
                finding(f"{condition}.yaml: {key} is used by no template")
        # The card's signs: the first items of the overview's lists, same order.
        card = [k for k in sorted(used) if k.startswith("signs.")]
        del card
    for key in shared:
        if key.startswith("site."):
            continue
        if not any(key in used_all[c] for c in CONDITIONS):
            finding(f"shared.yaml: {key} is used by no template")
    # Cross-condition: no text of one condition's catalog in the other's handouts.
    values = dict(fever=FEVER, source_reviewed=DATE, content_date=DATE)
    for condition in CONDITIONS:
        other = [c for c in CONDITIONS if c != condition][0]
        haystack = " ".join(rendered_text[other].split()).lower()
        for key, text in catalogs[condition].items():
            needle = " ".join(fill(text, values, key).split()).lower()
            if needle and needle in haystack:
                finding(f"{condition}.yaml: {key} ({text!r}) appears in a {other} handout")
        # ... nor any sentence of it (3 words or more)
        for key, text in catalogs[condition].items():
            for sentence in re.split(r"(?<=[.!?])\s+", fill(text, values, key)):
                sentence = " ".join(sentence.split()).lower()
                if len(sentence.split()) >= 3 and sentence != " ".join(fill(text, values, key).split()).lower() \
                        and sentence in haystack:
                    finding(f"{condition}.yaml: {key}: the sentence {sentence!r} appears in a {other} handout")
        # the same text under two keys of the two condition files
        for key, text in catalogs[condition].items():
            for okey, otext in catalogs[other].items():
                if text == otext and condition < other:
                    finding(f"same text in {condition}.{key} and {other}.{okey}: {text!r}")
    # Card signs = first items of the overview's lists (from the templates' lists).
    for condition in CONDITIONS:
        lists = {}
        for handout in ("overview", "er-card"):
            source = (TEMPLATES / condition / f"{handout}.xml.j2").read_text(encoding="utf-8")
            er = re.findall(r'\("(er_[a-z_]+)"', source)
            call = re.findall(r'"(call_[a-z_]+)"', source)
            lists[handout] = (er, [c for c in call if c != "call_unreachable"])
        (o_er, o_call), (c_er, c_call) = lists["overview"], lists["er-card"]
        if o_er[: len(c_er)] != c_er or o_call[: len(c_call)] != c_call:
            finding(f"{condition}: the card's signs are not the first items of the overview's lists")
    # Report
    print("| handout | words | sentences (textstat) | Flesch-Kincaid grade | SMOG | card face lines |")
    print("|---|---|---|---|---|---|")
    for row in report:
        faces = ", ".join(f"{k} {v}" for k, v in row["faces"].items()) if "faces" in row else ""
        print(f"| {row['handout']} | {row['words']} | {row['sentences']} | {row['fk']} | {row['smog']} | {faces} |")
    counts = {"shared": len(shared), **{c: len(catalogs[c]) for c in CONDITIONS}}
    print("\nkeys:", ", ".join(f"{k} {v}" for k, v in counts.items()),
          f"(shared: {len([k for k in shared if k.startswith('site.')])} site.* keys used by the download page)")
    if findings:
        print(f"\n{len(findings)} finding(s):")
        for f in findings:
            print(" -", f)
        return 1
    print("\nno findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
