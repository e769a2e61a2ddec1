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
from handouts.build import EDITIONS, Project, Rendered, build
from handouts.catalog import SOURCE_LOCALE, load_catalogs
from handouts.compose import HANDOUTS, PLACEHOLDERS
from handouts.errors import HandoutsError, UsageError
from handouts.formatting import language_name
from handouts.checks import SEVERITIES
from handouts.checks.runner import read_locales, run_checks, summarise
from handouts.locale_files import mark_keys_current, new_locale, review
from handouts.pdfcheck import check_pdf
from handouts.po import export_po, import_po, po_language
from handouts.status_report import text_table
from handouts.settings import PAPER_SIZES

EXAMPLES_BUILD = """\
examples:
  handouts build                          every handout, every locale, Letter and A4
  handouts build --locale es --paper a4   Spanish only, A4 only
  handouts build --handout er-card --settings clinic.yaml --output print/
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handouts", description="Accessible, print-ready patient handouts in many languages."
    )
    parser.add_argument("--version", action="version", version=f"handouts {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser(
        "build", help="build PDFs into output/", epilog=EXAMPLES_BUILD,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build_cmd.add_argument("--locale", "-l", action="append", metavar="TAG",
                           help="build only this locale (repeatable; default: all, or the settings' list)")
    build_cmd.add_argument("--handout", action="append", choices=HANDOUTS, metavar="NAME",
                           help=f"build only this handout (repeatable; one of {', '.join(HANDOUTS)})")
    build_cmd.add_argument("--paper", action="append", choices=PAPER_SIZES,
                           help="paper size (repeatable; default: the settings' list, else both)")
    build_cmd.add_argument("--output", "-o", type=Path, default=Path("output"), help="output folder (default: output)")
    build_cmd.add_argument("--settings", type=Path, metavar="FILE",
                           help="clinic settings file (default: handouts.yaml if present)")
    edition = build_cmd.add_mutually_exclusive_group()
    edition.add_argument("--large-print", action="store_true",
                         help="build only the large-print editions (18 pt; overview and checklist)")
    edition.add_argument("--no-large-print", action="store_true", help="skip the large-print editions")
    build_cmd.add_argument("--fallback-english", action="store_true",
                           help="print missing translations in English, marked [EN] (never on the ER card)")
    build_cmd.add_argument("--allow-draft", action="store_true",
                           help="build the ER card even where its translation is missing or out of date")
    build_cmd.add_argument("--quiet", "-q", action="store_true", help="print only errors")

    check_cmd = commands.add_parser(
        "check-pdf", help="check that PDFs are tagged, accessible documents (PDF/UA-1)",
        epilog="examples:\n  handouts check-pdf output/es/er-card-a4.pdf\n  handouts check-pdf received/*.pdf",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")

    check = commands.add_parser(
        "check", help="check translations: missing, stale, placeholders, fit, fonts",
        epilog="examples:\n  handouts check\n  handouts check --locale es --format json\n"
               "exit status: 0 clean, 1 findings, 2 usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--locale", "-l", action="append", metavar="TAG", help="check only this locale (repeatable)")
    check.add_argument("--format", choices=("text", "json"), default="text")

    commands.add_parser("status", help="print each locale's translation status")

    export = commands.add_parser("export-po", help="write a PO file for a translation tool",
                                 epilog="example:\n  handouts export-po --locale es  (writes es.po)",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("--locale", "-l", required=True, metavar="TAG")
    export.add_argument("--output", "-o", type=Path, help="PO file to write (default: TAG.po)")

    importer = commands.add_parser("import-po", help="write a PO file's translations into its locale file",
                                   epilog="example:\n  handouts import-po es.po",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument("--locale", "-l", metavar="TAG", help="the locale (default: the PO file's Language)")

    review = commands.add_parser("review", help="record a reviewer's sign-off for a locale or some keys",
                                 epilog='example:\n  handouts review --locale es --by "Dr. Ana Ruiz"',
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    review.add_argument("--locale", "-l", required=True, metavar="TAG")
    review.add_argument("--by", required=True, metavar="NAME")
    review.add_argument("--keys", nargs="+", metavar="KEY", help="only these keys (default: all)")
    review.add_argument("--date", type=date.fromisoformat, default=None, help="review date (default: today)")

    current = commands.add_parser("mark-current", help="record that translations match today's English text",
                                  epilog="example:\n  handouts mark-current --locale es --keys signs.fever",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    current.add_argument("--locale", "-l", required=True, metavar="TAG")
    current.add_argument("--keys", nargs="+", metavar="KEY", help="only these keys (default: every translated key)")

    scaffold = commands.add_parser("new-locale", help="create locales/TAG.yaml with every key to translate",
                                   epilog="example:\n  handouts new-locale de",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    scaffold.add_argument("tag", metavar="TAG")

    serve = commands.add_parser("serve", help="preview the download pages on this computer",
                                epilog="example:\n  handouts serve --port 8000   then open http://127.0.0.1:8000/",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--output", "-o", type=Path, default=Path("output"), help="the built folder (default: output)")
    serve.add_argument("--port", type=int, default=8000)

    list_cmd = commands.add_parser("list", help="list locales, handouts and paper sizes that can be built")
    list_cmd.add_argument("--settings", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    return parser


def _progress(quiet: bool):
    def report(index: int, total: int, result: Rendered) -> None:
        if quiet:
            return
        job = result.job
        width = len(str(total))
        print(
            f"[{index:>{width}}/{total}] {job.relative_path()}  {len(result.pdf) / 1024:.0f} KB  "
            f"{result.seconds * 1000:.0f} ms",
            file=sys.stderr,
        )

    return report


def run_build(args: argparse.Namespace) -> int:
    project = Project.find()
    settings = project.settings(args.settings)
    written = build(
        project,
        args.output,
        settings=settings,
        locales=args.locale,
        handouts=args.handout,
        papers=args.paper,
        editions=("large-print",) if args.large_print else ("standard",) if args.no_large_print else EDITIONS,
        progress=_progress(args.quiet),
        fallback_english=args.fallback_english,
        allow_draft=args.allow_draft,
    )
    if not args.quiet:
        total = sum(len(result.pdf) for _, result in written)
        print(f"wrote {len(written)} PDFs ({total / 1024:.0f} KB) to {args.output}/", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    project = Project.find()
    catalogs = load_catalogs(project.locales_dir, PLACEHOLDERS)
    print("Locales:")
    for tag, catalog in sorted(catalogs.items(), key=lambda item: (item[0] != SOURCE_LOCALE, item[0])):
        meta = catalog.meta
        status = meta.status
        if meta.status == "reviewed":
            status += f" by {meta.reviewed_by}, {meta.reviewed_on}"
        elif meta.status == "draft":
            status += f" ({meta.translated_on}), not yet reviewed"
        print(f"  {tag:<8} {language_name(tag):<14} {language_name(tag, 'en'):<12} {meta.direction}  {status}")
    print("Handouts:")
    for handout in HANDOUTS:
        print(f"  {handout}")
    print(f"Paper sizes: {', '.join(PAPER_SIZES)}")
    return 0


def _catalog(project: Project, tag: str):
    source, catalogs = read_locales(project.locales_dir, [tag])
    if tag == SOURCE_LOCALE:
        raise UsageError("the English source is not translated; give a translation's locale")
    if tag not in catalogs:
        raise UsageError(f"no locale file locales/{tag}.yaml (see `handouts list`)")
    catalog = catalogs[tag]
    if isinstance(catalog, HandoutsError):
        raise catalog
    return catalog, source


def run_check(args: argparse.Namespace) -> int:
    project = Project.find()
    known = {p.stem for p in project.locales_dir.glob("*.yaml")}
    for tag in args.locale or []:
        if tag not in known:
            raise UsageError(f"unknown locale {tag!r} (available: {', '.join(sorted(known))})")
    findings, summaries = run_checks(project.locales_dir, project.templates_dir, project.settings(), args.locale)
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
    project = Project.find()
    source, catalogs = read_locales(project.locales_dir)
    summaries = [summarise(c, source, project.locales_dir) for c in catalogs.values() if not isinstance(c, HandoutsError)]
    print(text_table(summaries))
    return 0


def run_export_po(args: argparse.Namespace) -> int:
    project = Project.find()
    catalog, source = _catalog(project, args.locale)
    out = args.output or Path(f"{args.locale}.po")
    count = export_po(catalog, source, project.locales_dir, out)
    print(f"wrote {out} ({count} entries)")
    return 0


def run_import_po(args: argparse.Namespace) -> int:
    project = Project.find()
    tag = args.locale or po_language(args.file)
    catalog, source = _catalog(project, tag)
    changed, current = import_po(args.file, catalog, source, project.locales_dir)
    print(f"{catalog.path.name}: {changed} texts changed, {current} marked current with the English text")
    return 0


def run_review(args: argparse.Namespace) -> int:
    project = Project.find()
    catalog, source = _catalog(project, args.locale)
    count, complete = review(project.locales_dir, catalog, source, args.by, args.date or date.today(), args.keys)
    print(f"{catalog.path.name}: {count} texts reviewed by {args.by}"
          + ("; the whole locale is now reviewed" if complete else ""))
    return 0


def run_mark_current(args: argparse.Namespace) -> int:
    project = Project.find()
    catalog, source = _catalog(project, args.locale)
    count = mark_keys_current(project.locales_dir, catalog, source, args.keys)
    print(f"{catalog.path.name}: {count} texts marked current with the English text")
    return 0


def run_new_locale(args: argparse.Namespace) -> int:
    project = Project.find()
    source, _ = read_locales(project.locales_dir, ["-"])
    path = new_locale(project.locales_dir, source, args.tag)
    print(f"created {path}: translate it in a text editor, or with `handouts export-po --locale {args.tag}`")
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


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return run_build(args)
        if args.command == "list":
            return run_list(args)
        commands = {
            "check-pdf": run_check_pdf, "check": run_check, "status": run_status, "export-po": run_export_po,
            "import-po": run_import_po, "review": run_review, "mark-current": run_mark_current,
            "new-locale": run_new_locale, "serve": run_serve,
        }
        if args.command in commands:
            return commands[args.command](args)
        parser.error(f"unknown command {args.command}")
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
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
