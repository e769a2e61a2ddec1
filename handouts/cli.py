"""The ``handouts`` command: thin wrappers that parse options and call the library.

Exit codes: 0 done, 1 the input has a problem (message names file, line and key),
2 the command line is wrong. No traceback reaches the user unless HANDOUTS_DEBUG=1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from handouts import __version__
from handouts.errors import HandoutsError, UsageError

EXAMPLES_BUILD = """\
examples:
  handouts build                              every handout, every condition and language, Letter and A4
  handouts build --condition NAME --locale es --paper a4
  handouts build --handout NAME --settings clinic.yaml --output print/
  handouts build --project ~/handouts-content  a project in another folder
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handouts", description="Accessible, print-ready patient handouts in many languages."
    )
    parser.add_argument("--version", action="version", version=f"handouts {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, epilog: str | None = None, project: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
        if project:
            sub.add_argument("--project", "-p", type=Path, metavar="DIR",
                             help="the project folder (default: the current folder, or the nearest one above it "
                                  "with a project.yaml)")
        return sub

    def conditions(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--condition", "-c", action="append", metavar="NAME",
                         help="only this condition (repeatable; default: all)")

    def settings(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--settings", type=Path, metavar="FILE",
                         help="clinic settings (default: handouts.yaml here, else in the project)")

    build_cmd = command("build", "build PDFs and the download pages into output/", EXAMPLES_BUILD)
    conditions(build_cmd)
    build_cmd.add_argument("--locale", "-l", action="append", metavar="TAG",
                           help="build only this locale (repeatable; default: all, or the settings' list)")
    build_cmd.add_argument("--handout", action="append", metavar="NAME",
                           help="build only this handout (repeatable; NAME, or NAME-large-print for that edition only)")
    build_cmd.add_argument("--paper", action="append", choices=("letter", "a4"),
                           help="paper size (repeatable; default: the settings' list, else both)")
    build_cmd.add_argument("--output", "-o", type=Path, default=Path("output"), help="output folder (default: output)")
    settings(build_cmd)
    edition = build_cmd.add_mutually_exclusive_group()
    edition.add_argument("--large-print", action="store_true", help="build only the large-print editions")
    edition.add_argument("--no-large-print", action="store_true", help="skip the large-print editions")
    build_cmd.add_argument("--fallback-english", action="store_true",
                           help="print missing translations in the source language, marked [EN] (never on a gated "
                                "handout such as the ER card, unless --allow-draft)")
    build_cmd.add_argument("--allow-draft", action="store_true",
                           help="build gated handouts (the ER card) even where their texts are missing or out of date")
    build_cmd.add_argument("--care-language", metavar="TAG",
                           help="the language of the care staff's texts (the card's staff side); default: the "
                                "settings' care_language, else the project's source language")
    build_cmd.add_argument("--no-site", action="store_true", help="write the PDFs only, not the download pages")
    build_cmd.add_argument("--quiet", "-q", action="store_true", help="print only errors")

    check_pdf = command("check-pdf", "check that PDFs are tagged, accessible documents (PDF/UA-1)",
                        "examples:\n  handouts check-pdf output/CONDITION/es/HANDOUT-a4.pdf\n  handouts check-pdf received/*.pdf",
                        project=False)
    check_pdf.add_argument("files", nargs="+", type=Path, metavar="FILE")

    check = command("check", "check translations: missing, stale, placeholders, fit, fonts",
                    "examples:\n  handouts check\n  handouts check --locale es --condition NAME --format json\n"
                    "exit status: 0 clean, 1 findings, 2 usage error")
    conditions(check)
    check.add_argument("--locale", "-l", action="append", metavar="TAG", help="check only this locale (repeatable)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    settings(check)

    status = command("status", "print each language's translation status, per catalog")
    conditions(status)
    status.add_argument("--locale", "-l", action="append", metavar="TAG")

    export = command("export-po", "write PO files for a translation tool",
                     "examples:\n  handouts export-po --locale es            po/<catalog>/es.po for every catalog\n"
                     "  handouts export-po --locale es --catalog NAME --output es.po")
    export.add_argument("--locale", "-l", required=True, metavar="TAG")
    export.add_argument("--catalog", metavar="NAME", help="only this catalog (shared, or a condition's)")
    conditions(export)
    export.add_argument("--output", "-o", type=Path, help="PO file to write (one catalog only; default: po/CATALOG/TAG.po)")

    importer = command("import-po", "write a PO file's translations into its catalog file",
                       "example:\n  handouts import-po po/CATALOG/es.po")
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument("--locale", "-l", metavar="TAG", help="the locale (default: the PO file's Language)")
    importer.add_argument("--catalog", metavar="NAME", help="the catalog (default: the PO file's X-Handouts-Catalog)")

    review = command("review", "record a reviewer's sign-off for a locale or some keys",
                     'example:\n  handouts review --locale es --catalog NAME --by "Dr. Ana Ruiz"')
    review.add_argument("--locale", "-l", required=True, metavar="TAG")
    review.add_argument("--catalog", metavar="NAME", help="only this catalog (default: every catalog of the locale)")
    review.add_argument("--by", required=True, metavar="NAME")
    review.add_argument("--keys", nargs="+", metavar="KEY", help="only these keys (default: all)")
    review.add_argument("--date", type=date.fromisoformat, default=None, help="review date (default: today)")

    current = command("mark-current", "record that translations match today's source text",
                      "example:\n  handouts mark-current --locale es --catalog NAME --keys GROUP.KEY")
    current.add_argument("--locale", "-l", required=True, metavar="TAG")
    current.add_argument("--catalog", metavar="NAME", help="only this catalog (default: every catalog of the locale)")
    current.add_argument("--keys", nargs="+", metavar="KEY", help="only these keys (default: every translated key)")

    scaffold = command("new-locale", "create locales/TAG/ with every text to translate",
                       "example:\n  handouts new-locale de\n  handouts new-locale de --condition NAME")
    scaffold.add_argument("tag", metavar="TAG")
    conditions(scaffold)

    serve = command("serve", "preview the download pages on this computer",
                    "example:\n  handouts serve --port 8000   then open http://127.0.0.1:8000/", project=False)
    serve.add_argument("--output", "-o", type=Path, default=Path("output"), help="the built folder (default: output)")
    serve.add_argument("--port", type=int, default=8000)

    card = commands.add_parser(
        "card", help="print one person's filled-in ER card (one sheet)", add_help=False, allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _card_options(card)

    list_cmd = command("list", "list conditions, handouts, locales and paper sizes")
    conditions(list_cmd)

    init = command("init", "write a starter project (one condition, one handout, English) into DIR",
                   "example:\n  handouts init my-handouts && cd my-handouts && handouts build", project=False)
    init.add_argument("directory", type=Path, metavar="DIR")
    return parser


EXAMPLES_CARD = """\
examples:
  handouts card --condition NAME --locale es --name "Ana Pérez" --birth-date 2019-03-04 --phone "+34 600 000 000"
  handouts card --condition NAME --locale ar --fold-over --paper a4 --output ana-card.pdf
The person options (--name, --birth-date...) are the project's person_fields (project.yaml);
`handouts card --condition NAME --help` lists those of a condition.
"""


def _card_options(card: argparse.ArgumentParser) -> None:
    """The card command's fixed options; its person options come from the manifest."""
    card.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    card.add_argument("--project", "-p", type=Path, metavar="DIR", help="the project folder")
    card.add_argument("--condition", "-c", metavar="NAME", help="the condition (required)")
    card.add_argument("--locale", "-l", metavar="TAG", help="the family's language (required)")
    card.add_argument("--handout", metavar="NAME", help="the card, when a condition has more than one")
    card.add_argument("--paper", choices=("letter", "a4"), help="paper size (default: the settings' first)")
    card.add_argument("--fold-over", action="store_true",
                      help="the one-sided fold-over sheet (default: the two-sided sheet)")
    card.add_argument("--output", "-o", type=Path, metavar="FILE",
                      help="the PDF to write (default: HANDOUT-CONDITION-LOCALE-PAPER.pdf here)")
    card.add_argument("--settings", type=Path, metavar="FILE", help="clinic settings (default: handouts.yaml)")
    card.add_argument("--care-language", metavar="TAG", help="the language of the staff's side (default: the "
                                                              "settings' care_language, else the source language)")
    card.add_argument("--allow-draft", action="store_true", help="print from draft or out-of-date texts")
    card.add_argument("--fallback-english", action="store_true", help="print missing texts in the source language")


def run_card(args: argparse.Namespace, extra: list[str]) -> int:
    from handouts.personal import default_output, make_personal_card
    from handouts.project import Project

    full = argparse.ArgumentParser(prog="handouts card", add_help=False, epilog=EXAMPLES_CARD,
                                   description="Print one person's filled-in ER card: one sheet, values typed "
                                               "into its fields, checked like any other text.",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    _card_options(full)
    project = None
    try:
        project = Project.load(args.project) if args.project else Project.find()
    except HandoutsError:
        if not args.help:
            raise
    fields = {}
    if project is not None:
        conditions = [args.condition] if args.condition in project.manifest.conditions else \
            list(project.manifest.conditions) if args.help else []
        for name in conditions:
            fields.update(project.manifest.person_fields_of(name))
    group = full.add_argument_group("person (from project.yaml)")
    for spec in fields.values():
        hint = {"date": "YYYY-MM-DD", "phone": "PHONE"}.get(spec.type, "TEXT")
        limit = f", at most {spec.max} characters" if spec.type == "text" else ""
        group.add_argument(spec.option, dest=f"person_{spec.name}", metavar=hint, help=f"{spec.type}{limit}")
    if args.help:
        full.print_help()
        return 0
    if not args.condition or not args.locale:
        raise UsageError("handouts card needs --condition and --locale (see handouts card --help)")
    assert project is not None
    project.manifest.condition(args.condition)
    try:
        values = vars(full.parse_args(extra, namespace=argparse.Namespace()))
    except SystemExit:  # argparse printed the message: an option this condition does not have
        return 2
    given = {name: values.get(f"person_{name}") for name in fields if values.get(f"person_{name}") is not None}
    settings = _settings(args, project)
    paper = args.paper or settings.papers[0]
    edition = "foldover" if args.fold_over else "standard"
    card = make_personal_card(project, settings, args.condition, args.locale, given, handout=args.handout,
                              paper=paper, edition=edition, care_language=args.care_language,
                              fallback=args.fallback_english, allow_draft=args.allow_draft)
    from handouts.files import write_atomically
    from handouts.personal import _card_spec

    output = args.output or default_output(args.condition, args.locale,
                                           _card_spec(project, args.condition, args.handout).name, paper, edition)
    write_atomically(output, card.pdf)
    print(f"wrote {output} ({len(card.values)} values filled in)", file=sys.stderr)
    return 0


def _project(args: argparse.Namespace):
    from handouts.project import Project

    return Project.load(args.project) if getattr(args, "project", None) else Project.find()


def _settings(args: argparse.Namespace, project):
    from handouts.settings import find_settings

    return find_settings(project.root, getattr(args, "settings", None), project.manifest)


def _progress(quiet: bool):
    def report(index: int, total: int, result) -> None:
        if quiet:
            return
        job = result.job
        width = len(str(total))
        print(f"[{index:>{width}}/{total}] {job.relative_path()}  {len(result.pdf) / 1024:.0f} KB  "
              f"{result.seconds * 1000:.0f} ms", file=sys.stderr)

    return report


def run_build(args: argparse.Namespace) -> int:
    from handouts.build import EDITIONS, build

    project = _project(args)
    settings = _settings(args, project)
    written = build(
        project,
        args.output,
        settings=settings,
        conditions=args.condition,
        locales=args.locale,
        handouts=args.handout,
        papers=args.paper,
        editions=("large-print",) if args.large_print else
        tuple(e for e in EDITIONS if e != "large-print") if args.no_large_print else EDITIONS,
        progress=_progress(args.quiet),
        notice=None if args.quiet else (lambda line: print(f"handouts: note: {line}", file=sys.stderr)),
        fallback_english=args.fallback_english,
        allow_draft=args.allow_draft,
        site=not args.no_site,
        care_language=args.care_language,
    )
    if not args.quiet:
        total = sum(len(result.pdf) for _, result in written)
        print(f"wrote {len(written)} PDFs ({total / 1024:.0f} KB) to {args.output}/", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from handouts.formatting import language_name
    from handouts.kinds import KINDS
    from handouts.settings import PAPER_SIZES
    from handouts.compose import placeholders
    from handouts.texts import CatalogStore

    project = _project(args)
    store = CatalogStore(project, placeholders(project))
    for name in args.condition or project.manifest.conditions:
        condition = project.manifest.condition(name)
        title = store.source(condition.catalog).messages.get(condition.title_key)
        print(f"{name}: {title.text if title else name}")
        print("  handouts:")
        for spec in condition.handouts.values():
            extras = [f"{spec.pages} page{'s' if spec.pages != 1 else ''}"] if spec.pages else []
            if spec.large_print:
                extras.append("large print")
            if spec.safety_gate:
                extras.append("safety gate")
            print(f"    {spec.name:<16} {KINDS[spec.kind].name:<12} {', '.join(extras)}")
        print("  locales:")
        for tag in store.locales(condition):
            statuses = []
            for catalog in (project.manifest.shared_catalog, condition.catalog):
                try:
                    meta = store.read(tag, catalog, allow_empty=True).meta
                    statuses.append(meta.status + (f" by {meta.reviewed_by}" if meta.status == "reviewed" else ""))
                except HandoutsError as error:
                    statuses.append(f"unreadable ({error.message})")
            status = statuses[1] if statuses[0] == statuses[1] or statuses[0] == "source" else " / ".join(statuses)
            print(f"    {tag:<8} {store.language_name(tag):<20} {language_name(tag, 'en'):<22} {status}")
    print(f"Paper sizes: {', '.join(PAPER_SIZES)}")
    return 0


def _catalog_names(project, args: argparse.Namespace, tag: str) -> list[str]:
    """The catalogs a translator command acts on: --catalog, the --condition's, or all."""
    from handouts.checks.runner import catalogs_of

    if getattr(args, "catalog", None):
        if args.catalog not in project.catalog_names():
            raise UsageError(f"unknown catalog {args.catalog!r} (this project has: {', '.join(project.catalog_names())})")
        return [args.catalog]
    names = catalogs_of(project, getattr(args, "condition", None))
    return [n for n in names if project.catalog_path(tag, n).is_file()]


def _translation(project, store, tag: str, name: str):
    if tag == project.source_locale:
        raise UsageError("the source language is not translated; give a translation's locale")
    if tag not in project.locale_tags() or not store.has(tag, name):
        raise UsageError(f"no catalog {project.catalog_path(tag, name).relative_to(project.root)} "
                         "(see `handouts list`, or `handouts new-locale`)")
    return store.read(tag, name, allow_empty=True), store.source(name)


def _store(project):
    from handouts.compose import placeholders
    from handouts.texts import CatalogStore

    return CatalogStore(project, placeholders(project))


def run_check(args: argparse.Namespace) -> int:
    from handouts.checks import SEVERITIES
    from handouts.checks.runner import run_checks
    from handouts.status_report import text_table

    project = _project(args)
    known = set(project.locale_tags())
    for tag in args.locale or []:
        if tag not in known:
            raise UsageError(f"unknown locale {tag!r} (available: {', '.join(sorted(known))})")
    for name in args.condition or []:
        project.manifest.condition(name)
    store = _store(project)
    quiet = args.format == "json" or not sys.stderr.isatty()
    findings, summaries = run_checks(
        project, _settings(args, project), store, locales=args.locale, conditions=args.condition,
        progress=None if quiet else (lambda tag: print(f"checking {tag}...", file=sys.stderr)))
    if args.format == "json":
        print(json.dumps({"findings": [f.as_dict() for f in findings],
                          "summary": [vars(s) | {"complete": round(s.complete, 1)} for s in summaries]},
                         ensure_ascii=False, indent=2))
    else:
        for locale in sorted({f.locale for f in findings}):
            for severity in SEVERITIES:
                chosen = [f for f in findings if f.locale == locale and f.severity == severity]
                if chosen:
                    print(f"{locale}: {len(chosen)} {severity}{'s' if len(chosen) != 1 else ''}")
                    for finding in chosen:
                        print(f"  {finding.line()}")
        print(text_table(summaries))
        print(f"{len(findings)} findings" if findings else "no findings")
    return 1 if findings else 0


def run_status(args: argparse.Namespace) -> int:
    from handouts.status_report import summaries, text_table

    project = _project(args)
    for name in args.condition or []:
        project.manifest.condition(name)
    print(text_table(summaries(_store(project), args.locale, args.condition)))
    return 0


def run_export_po(args: argparse.Namespace) -> int:
    from handouts.compose import where_printed
    from handouts.po import export_po
    from handouts.settings import Settings

    project = _project(args)
    store = _store(project)
    names = _catalog_names(project, args, args.locale)
    if args.output and len(names) != 1:
        raise UsageError("--output writes one PO file: give --catalog NAME (or one --condition)")
    if not names:
        raise UsageError(f"no catalog of {args.locale!r} to export (see `handouts list`)")
    for name in names:
        catalog, source = _translation(project, store, args.locale, name)
        out = args.output or Path("po") / name / f"{args.locale}.po"
        count = export_po(catalog, source, project.state_path(args.locale, name), out,
                          where_printed(project, Settings(), store, name))
        print(f"wrote {out} ({count} entries)")
    return 0


def run_import_po(args: argparse.Namespace) -> int:
    from handouts.po import import_po, po_header

    project = _project(args)
    store = _store(project)
    header = po_header(args.file)
    tag = args.locale or header.language
    if tag is None:
        raise UsageError(f"{args.file}: the PO file has no Language header; give --locale")
    name = args.catalog or header.catalog or (args.file.parent.name if args.file.parent.name in project.catalog_names()
                                               else None)
    if name is None and header.contexts:  # a tool dropped our header: the keys tell
        matches = [n for n in project.catalog_names() if header.contexts <= set(store.source(n).messages)]
        name = matches[0] if len(matches) == 1 else None
    if name is None:
        raise UsageError(f"{args.file}: which catalog is it? give --catalog ({', '.join(project.catalog_names())})")
    catalog, source = _translation(project, store, tag, name)
    changed, current = import_po(args.file, catalog, source, project.state_path(tag, name))
    print(f"{catalog.path.relative_to(project.root)}: {changed} texts changed, {current} marked current "
          "with the source text")
    return 0


def run_review(args: argparse.Namespace) -> int:
    from handouts.locale_files import review

    project = _project(args)
    store = _store(project)
    for name in _catalog_names(project, args, args.locale):
        catalog, source = _translation(project, store, args.locale, name)
        keys = [k for k in args.keys if k in source.messages] if args.keys else None
        if args.keys and not keys:
            continue
        count, complete = review(project.state_path(args.locale, name), catalog, source, args.by,
                                 args.date or date.today(), keys)
        print(f"{catalog.path.relative_to(project.root)}: {count} texts reviewed by {args.by}"
              + ("; the whole catalog is now reviewed" if complete else ""))
    return 0


def run_mark_current(args: argparse.Namespace) -> int:
    from handouts.locale_files import mark_keys_current

    project = _project(args)
    store = _store(project)
    for name in _catalog_names(project, args, args.locale):
        catalog, source = _translation(project, store, args.locale, name)
        keys = [k for k in args.keys if k in source.messages] if args.keys else None
        if args.keys and not keys:
            continue
        count = mark_keys_current(project.state_path(args.locale, name), catalog, source, keys)
        print(f"{catalog.path.relative_to(project.root)}: {count} texts marked current with the source text")
    return 0


def run_new_locale(args: argparse.Namespace) -> int:
    from handouts.checks.runner import catalogs_of
    from handouts.locale_files import new_locale

    project = _project(args)
    store = _store(project)
    for name in catalogs_of(project, args.condition):
        path = project.catalog_path(args.tag, name)
        if path.exists():
            print(f"{path.relative_to(project.root)} exists: left as it is")
            continue
        new_locale(path, project.state_path(args.tag, name), store.source(name), args.tag)
        print(f"created {path.relative_to(project.root)}")
    print(f"translate them in a text editor, or with `handouts export-po --locale {args.tag}`")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    import functools
    import http.server

    if not (args.output / "index.html").is_file():
        raise UsageError(f"{args.output}/index.html does not exist: run `handouts build` first")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.output))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"serving {args.output}/ at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
        server.serve_forever()
    return 0


def run_check_pdf(args: argparse.Namespace) -> int:
    from handouts.pdfcheck import check_pdf

    failed = 0
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        report = check_pdf(path)
        if report.ok:
            print(f"{path}: PASS (PDF/UA-1: {report.rules_passed} rules passed)")
            continue
        failed += 1
        print(f"{path}: FAIL ({len(report.problems)} problems; PDF/UA-1: {report.rules_passed} passed, "
              f"{report.rules_failed} failed)")
        for problem in report.problems:
            print(f"  - {problem}")
    return 1 if failed else 0


def run_init(args: argparse.Namespace) -> int:
    from handouts.starter import write_starter

    written = write_starter(args.directory)
    print(f"wrote a starter project in {args.directory}/ ({len(written)} files): "
          f"cd {args.directory} && handouts build")
    return 0


COMMANDS = {
    "build": run_build, "list": run_list, "check-pdf": run_check_pdf, "check": run_check, "status": run_status,
    "export-po": run_export_po, "import-po": run_import_po, "review": run_review, "mark-current": run_mark_current,
    "new-locale": run_new_locale, "serve": run_serve, "init": run_init,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "card":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if args.command == "card":
            return run_card(args, extra)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"handouts: error: {exc}", file=sys.stderr)
        return 2
    except HandoutsError as exc:
        print(f"handouts: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("handouts: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in handouts itself: one line, unless debugging
        if os.environ.get("HANDOUTS_DEBUG"):
            raise
        print(f"handouts: internal error: {type(exc).__name__}: {exc} (set HANDOUTS_DEBUG=1 for details)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
