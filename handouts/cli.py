"""The ``handouts`` command: thin wrappers that parse options and call the library.

Exit codes: 0 done, 1 the input has a problem (message names file, line and key),
2 the command line is wrong. No traceback reaches the user unless HANDOUTS_DEBUG=1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from handouts import __version__
from handouts.build import EDITIONS, Project, Rendered, build
from handouts.catalog import SOURCE_LOCALE, load_catalogs
from handouts.compose import HANDOUTS, PLACEHOLDERS
from handouts.errors import HandoutsError, UsageError
from handouts.formatting import language_name
from handouts.pdfcheck import check_pdf
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
    build_cmd.add_argument("--quiet", "-q", action="store_true", help="print only errors")

    check_cmd = commands.add_parser(
        "check-pdf", help="check that PDFs are tagged, accessible documents (PDF/UA-1)",
        epilog="examples:\n  handouts check-pdf output/es/er-card-a4.pdf\n  handouts check-pdf received/*.pdf",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")

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
        if args.command == "check-pdf":
            return run_check_pdf(args)
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
