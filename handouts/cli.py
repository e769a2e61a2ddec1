"""The ``handouts`` command: thin wrappers that parse options and call the library.

Exit codes: 0 done, 1 the input has a problem (message names file, line and key),
2 the command line is wrong. No traceback reaches the user unless HANDOUTS_DEBUG=1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from handouts import __version__
from handouts.errors import HandoutsError, UsageError

EXAMPLES_BUILD = """\
examples:
  handouts build                              every handout, every condition and language, Letter and A4
  handouts build --condition NAME --locale es --paper a4
  handouts build --handout NAME --settings clinic.yaml --output print/
  handouts build --project ~/handouts-content  a project in another folder
  handouts build --jobs 4 --force             four processes; render everything again
  handouts build --shard 2/8 --output part-2  the 2nd of 8 slices (one machine of a batch), no site
A build renders only what changed since the last one in the same --output. A build of
part of the matrix (--condition, --locale, --handout, --paper) leaves the download
pages as they are (add --site to update them); a full build writes them too.
"""

EXAMPLES_SITE = """\
examples:
  handouts site                               the download pages for the PDFs in output/
  handouts site --output merged/              after copying every shard's output into merged/
"""


def _shard(text: str) -> tuple[int, int]:
    """``I/N``: the I-th of N slices."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N (for example 2/8)") from None
    if count < 1 or not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"{text!r}: I must be between 1 and N")
    return index, count


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give at least 1 process")
    return value


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
    site_choice = build_cmd.add_mutually_exclusive_group()
    site_choice.add_argument("--site", action="store_true", default=None,
                             help="update the download pages (default: on a full build only)")
    site_choice.add_argument("--no-site", action="store_false", dest="site",
                             help="write the PDFs only, not the download pages")
    build_cmd.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                           help="render with N processes (default: one per core)")
    build_cmd.add_argument("--force", action="store_true",
                           help="render every PDF again, even those whose inputs did not change")
    build_cmd.add_argument("--shard", type=_shard, metavar="I/N",
                           help="build only the I-th of N equal slices of the work, and no download pages "
                                "(for a batch of machines; then `handouts site`)")
    build_cmd.add_argument("--watch", action="store_true",
                           help="stay on: build again each time a catalog, template or the settings change "
                                "(Ctrl-C stops)")
    build_cmd.add_argument("--quiet", "-q", action="store_true", help="print only errors")

    site_cmd = command("site", "write the download pages for the PDFs already in output/", EXAMPLES_SITE)
    site_cmd.add_argument("--output", "-o", type=Path, default=Path("output"),
                          help="the folder with the PDFs (default: output)")
    settings(site_cmd)
    site_cmd.add_argument("--fallback-english", action="store_true",
                          help="as the build was made: missing translations shown in the source language")
    site_cmd.add_argument("--force", action="store_true", help="write the pages even if nothing changed")
    site_cmd.add_argument("--quiet", "-q", action="store_true", help="print only errors")

    check_pdf = command("check-pdf", "check that PDFs are tagged, accessible documents (PDF/UA-1)",
                        "examples:\n  handouts check-pdf output/CONDITION/es/HANDOUT-a4.pdf\n  handouts check-pdf received/*.pdf",
                        project=False)
    check_pdf.add_argument("files", nargs="+", type=Path, metavar="FILE")

    check = command("check", "check translations: missing, stale, placeholders, fit, fonts",
                    "examples:\n  handouts check\n  handouts check --locale es --condition NAME --format json\n"
                    "exit status: 0 no errors (warnings are printed), 1 errors (or warnings with --strict), 2 usage error")
    conditions(check)
    check.add_argument("--locale", "-l", action="append", metavar="TAG", help="check only this locale (repeatable)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true",
                       help="exit 1 on warnings too (a text that makes a handout take more pages than designed)")
    check.add_argument("--quiet", "-q", action="store_true", help="no progress lines, no notes")
    settings(check)

    status = command("status", "print each language's translation status, per catalog")
    conditions(status)
    status.add_argument("--locale", "-l", action="append", metavar="TAG")

    export = command("export-po", "write PO files (and templates) for translation tools",
                     "examples:\n  handouts export-po --all                  po/CATALOG/TAG.po for every language, "
                     "po/CATALOG/CATALOG.pot\n"
                     "  handouts export-po --locale es            po/CATALOG/es.po for every catalog\n"
                     "  handouts export-po --template             po/CATALOG/CATALOG.pot for every catalog\n"
                     "  handouts export-po --locale es --catalog NAME --output es.po")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--locale", "-l", metavar="TAG", help="one language's PO files")
    what.add_argument("--all", action="store_true", help="every language's PO files and every template")
    what.add_argument("--template", action="store_true", help="the templates (POT): English, no translations")
    export.add_argument("--catalog", metavar="NAME", help="only this catalog (shared, or a condition's)")
    conditions(export)
    export.add_argument("--output", "-o", type=Path,
                        help="the file to write (one catalog only), or with --all the folder (default: the "
                             "project's po/)")

    importer = command("import-po", "write PO files' translations into their catalog files",
                       "examples:\n  handouts import-po po/CATALOG/es.po\n  handouts import-po po/*/*.po   "
                       "every file, all or nothing")
    importer.add_argument("files", nargs="+", type=Path, metavar="FILE")
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


def _note(args: argparse.Namespace, line: str) -> None:
    if not getattr(args, "quiet", False):
        print(f"handouts: note: {line}", file=sys.stderr)


def _settings(args: argparse.Namespace, project):
    from handouts.errors import Location
    from handouts.settings import find_settings

    settings = find_settings(project.root, getattr(args, "settings", None), project.manifest)
    if settings.path is not None:
        _note(args, f"clinic settings from {Location(settings.path)}")
    return settings


def _progress(quiet: bool):
    def report(index: int, total: int, result) -> None:
        if quiet:
            return
        job = result.job
        width = len(str(total))
        print(f"[{index:>{width}}/{total}] {job.relative_path()}  {result.size / 1024:.0f} KB  "
              f"{result.seconds * 1000:.0f} ms", file=sys.stderr)

    return report


def run_build(args: argparse.Namespace) -> int:
    if args.watch:
        return _watch(args)
    _build_once(args)
    return 0


def _watch(args: argparse.Namespace) -> int:
    """``build --watch``: build, then build again after every change, in this process."""
    from handouts.build import warm_up
    from handouts.settings import settings_files
    from handouts.watch import RESTART, watch, watched_inputs

    if args.shard:
        raise UsageError("--watch builds the whole of what it is asked: not with --shard")
    project = _project(args)
    inputs = watched_inputs(project, settings_files(project.root, args.settings))

    warm = []

    def build_once() -> None:
        _build_once(args)
        if not warm:  # once, after the first build: later builds (and their workers) start from here
            warm.append(True)
            try:
                warm_up(project)
            except HandoutsError:
                pass  # only time: the build that needs what could not be loaded says why

    def say(line: str) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        print(f"handouts: [{stamp}] {line}", file=sys.stderr, flush=True)

    ended = watch(build_once, inputs, say=say)
    if ended == RESTART:
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, "-m", "handouts", *args.argv])
    say("stopped watching")
    return 0


def _build_once(args: argparse.Namespace) -> None:
    from handouts.build import EDITIONS, build

    project = _project(args)
    settings = _settings(args, project)
    partial = bool(args.condition or args.locale or args.handout or args.paper or args.large_print
                   or args.no_large_print)
    site = args.site if args.site is not None else not partial
    report = build(
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
        site=site,
        care_language=args.care_language,
        jobs=args.jobs,
        force=args.force,
        shard=args.shard,
    )
    if not args.quiet:
        print(_summary(report, args.output, site, partial), file=sys.stderr, flush=True)


def _summary(report, output: Path, site: bool, partial: bool) -> str:
    if report.up_to_date:
        return (f"nothing changed: {len(report.kept)} PDFs in {output}/ are up to date "
                f"({report.seconds:.2f} s; --force renders them again)")
    size = sum(result.size for _, result in report.rendered)
    pdfs = sum(1 for path in report.written if path.suffix == ".pdf")
    lines = [f"rendered {len(report.rendered)} PDFs ({size / 1024:.0f} KB), {pdfs} of them changed; "
             f"{len(report.kept)} unchanged; {report.seconds:.1f} s"]
    if report.site == "written":
        lines.append(f"download pages written: {output}/index.html")
    elif report.site == "up to date":
        lines.append("download pages up to date")
    elif report.site.startswith("left"):
        lines.append("download pages not written for one shard: run `handouts site` on the merged output")
    elif partial and not site:
        lines.append("download pages not updated for a partial build: add --site, or run `handouts site`")
    return "\n".join(lines)


def run_site(args: argparse.Namespace) -> int:
    from handouts.build import assemble_site

    project = _project(args)
    settings = _settings(args, project)
    report = assemble_site(project, args.output, settings=settings, fallback_english=args.fallback_english,
                           force=args.force)
    if not args.quiet:
        print(f"download pages {report.site}: {args.output}/index.html ({len(report.kept)} PDFs linked, "
              f"{len(report.written)} files written, {report.seconds:.1f} s)", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from handouts.formatting import language_name
    from handouts.kinds import KINDS
    from handouts.settings import PAPER_SIZES

    project = _project(args)
    store = _store(project)
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


def _catalog_names(project, args: argparse.Namespace, tag: str | None) -> list[str]:
    """The catalogs a translator command acts on: --catalog, the --condition's, or all."""
    from handouts.checks.runner import catalogs_of
    from handouts.langtags import shown

    if getattr(args, "catalog", None):
        if args.catalog not in project.catalog_names():
            raise UsageError(f"unknown catalog {shown(args.catalog)} (this project has: "
                             f"{', '.join(project.catalog_names())})")
        return [args.catalog]
    names = catalogs_of(project, getattr(args, "condition", None))
    return names if tag is None else [n for n in names if project.catalog_path(tag, n).is_file()]


def _locale(project, tag: str) -> str:
    """A translation's language tag, checked; its folder must exist."""
    from handouts.langtags import check_tag

    check_tag(tag)
    if tag == project.source_locale:
        raise UsageError("the source language is not translated; give a translation's locale")
    if tag not in project.locale_tags():
        raise UsageError(f"no locale {tag!r} in this project (see `handouts list`, or `handouts new-locale {tag}`)")
    return tag


def _store(project):
    from handouts.compose import placeholders
    from handouts.texts import CatalogStore

    return CatalogStore(project, placeholders(project))


def run_check(args: argparse.Namespace) -> int:
    from handouts.checks import SEVERITIES
    from handouts.checks.runner import run_checks
    from handouts.langtags import shown
    from handouts.status_report import text_table

    project = _project(args)
    known = set(project.locale_tags())
    for tag in args.locale or []:
        if tag not in known:
            raise UsageError(f"unknown locale {shown(tag)} (available: {', '.join(sorted(known))})")
    for name in args.condition or []:
        project.manifest.condition(name)
    store = _store(project)
    settings = _settings(args, project)

    def progress(tag: str, index: int, total: int) -> None:
        if not args.quiet:
            print(f"checking {tag} ({index}/{total})...", file=sys.stderr, flush=True)

    findings, summaries = run_checks(
        project, settings, store, locales=args.locale, conditions=args.condition, progress=progress,
        notice=lambda line: _note(args, line))
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
        errors = sum(f.severity == "error" for f in findings)
        print(f"{errors} errors, {len(findings) - errors} warnings" if findings else "no findings")
    failing = findings if args.strict else [f for f in findings if f.severity == "error"]
    return 1 if failing else 0


def run_status(args: argparse.Namespace) -> int:
    from handouts.status_report import summaries, text_table

    project = _project(args)
    for name in args.condition or []:
        project.manifest.condition(name)
    print(text_table(summaries(_store(project), args.locale, args.condition)))
    return 0


def run_export_po(args: argparse.Namespace) -> int:
    from handouts.po_workflow import PO_DIR, Exporter, export_all, po_path, pot_path, write_exports

    project = _project(args)
    store = _store(project)
    folder = project.root / PO_DIR
    if args.all:
        exported = export_all(project, store, args.output or folder, _catalog_names(project, args, None))
    else:
        tag = _locale(project, args.locale) if args.locale else None
        names = _catalog_names(project, args, tag)
        if args.output and len(names) != 1:
            raise UsageError("--output writes one file: give --catalog NAME (or one --condition)")
        if not names:
            raise UsageError(f"no catalog of {tag!r} to export (see `handouts list`)")
        exporter = Exporter(project, store)
        files = []
        for name in names:
            data, count = exporter.po(tag, name) if tag else exporter.template(name)
            files.append((args.output or (po_path(folder, name, tag) if tag else pot_path(folder, name)), data, count))
        exported = write_exports(files)
    for item in exported:
        shown = item.path.relative_to(project.root) if item.path.is_relative_to(project.root) else item.path
        print(f"{'wrote' if item.written else 'unchanged'} {shown} ({item.entries} entries)")
    return 0


def run_import_po(args: argparse.Namespace) -> int:
    from handouts.po_workflow import import_files

    project = _project(args)
    for result in import_files(project, _store(project), args.files, locale=args.locale, catalog=args.catalog):
        path = result.change.catalog_path.relative_to(project.root)
        skipped = f"; {len(result.skipped)} incomplete plural entries skipped ({', '.join(result.skipped[:3])})" \
            if result.skipped else ""
        print(f"{path}: {result.changed} texts changed, {result.current} marked current with the source text"
              f"{skipped}")
    return 0


def run_review(args: argparse.Namespace) -> int:
    from handouts.locale_files import apply, check_name, review
    from handouts.po_workflow import translation

    project = _project(args)
    store = _store(project)
    tag = _locale(project, args.locale)
    by = check_name(args.by, "--by")
    planned = []
    for name in _catalog_names(project, args, tag):
        catalog, source = translation(project, store, tag, name)
        keys = [k for k in args.keys if k in source.messages] if args.keys else None
        if args.keys and not keys:
            continue
        count, complete, change = review(project.state_path(tag, name), catalog, source, by,
                                         args.date or date.today(), keys)
        planned.append((catalog, count, complete, change))
    apply([change for *_, change in planned])
    for catalog, count, complete, _ in planned:
        print(f"{catalog.path.relative_to(project.root)}: {count} texts reviewed by {by}"
              + ("; the whole catalog is now reviewed" if complete else ""))
    return 0


def run_mark_current(args: argparse.Namespace) -> int:
    from handouts.locale_files import apply, mark_keys_current
    from handouts.po_workflow import translation

    project = _project(args)
    store = _store(project)
    tag = _locale(project, args.locale)
    planned = []
    for name in _catalog_names(project, args, tag):
        catalog, source = translation(project, store, tag, name)
        keys = [k for k in args.keys if k in source.messages] if args.keys else None
        if args.keys and not keys:
            continue
        count, change = mark_keys_current(project.state_path(tag, name), catalog, source, keys)
        planned.append((catalog, count, change))
    apply([change for *_, change in planned])
    for catalog, count, _ in planned:
        print(f"{catalog.path.relative_to(project.root)}: {count} texts marked current with the source text")
    return 0


def run_new_locale(args: argparse.Namespace) -> int:
    from handouts.checks.runner import catalogs_of
    from handouts.langtags import check_tag
    from handouts.locale_files import apply, new_locale

    project = _project(args)
    tag = check_tag(args.tag)
    if tag == project.source_locale:
        raise UsageError(f"{tag} is the source language of this project")
    store = _store(project)
    planned = []
    for name in catalogs_of(project, args.condition):
        path = project.catalog_path(tag, name)
        if path.exists() or path.is_symlink():
            print(f"{path.relative_to(project.root)} exists: left as it is")
            continue
        planned.append(new_locale(path, project.state_path(tag, name), store.source(name), tag))
    apply(planned)
    for change in planned:
        print(f"created {change.catalog_path.relative_to(project.root)}")
    print(f"translate them in a text editor, or with `handouts export-po --locale {tag}`")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from handouts.serve import serve

    serve(args.output, args.port, lambda line: print(line, flush=True))
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
    "build": run_build, "site": run_site, "list": run_list, "check-pdf": run_check_pdf, "check": run_check, "status": run_status,
    "export-po": run_export_po, "import-po": run_import_po, "review": run_review, "mark-current": run_mark_current,
    "new-locale": run_new_locale, "serve": run_serve, "init": run_init,
}


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Options that become text in files (names, tags, keys) must be valid Unicode text:
    bytes that are not UTF-8 reach Python as lone surrogates and could not be written."""
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and any("\ud800" <= c <= "\udfff" for c in item):
                raise UsageError(f"--{name.replace('_', '-')}: not valid UTF-8 text")


def _stdout_gone() -> int:
    """The reader of our output went away (``handouts check | head``): stop quietly, as
    tools killed by SIGPIPE do (exit status 141)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 141


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # what a new process is started with (--watch)
    if extra and args.command != "card":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        _check_text_arguments(args)
        code = run_card(args, extra) if args.command == "card" else COMMANDS[args.command](args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_gone()
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


def run() -> None:
    """The ``handouts`` command: ``main()``, then the process ends at once.

    A build leaves hundreds of thousands of objects behind (fonts, shaped text,
    documents). Python's own exit frees them one by one, 0.1 s after an edit's build,
    where the operating system takes the whole process back at once. The exit handlers
    still run (``atexit``: what libraries and profilers save at exit) and the output
    streams are flushed; while a thread of ours still runs, Python's own exit waits for it."""
    code = main()
    _end_process(code)


def _end_process(code: int) -> None:
    import atexit
    import threading

    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
