"""Benchmark of the whole project: the figures for issue 14's performance note.

Not a timed test: it asserts nothing. It measures, prints a report (and, with
``--json FILE``, the same numbers as JSON), and prints each target of the note beside
the measured figure with a pass/miss mark. The lead re-runs it on a quiet machine; on a
shared one the absolute times drift (ratios against the peers, run in the same session,
hold better).

What it measures, and why:

1. Full build, as a user runs it: ``python -m handouts build --force`` in a temp copy of
   the project (project.yaml, locales/, templates/; the engine is the installed
   package), with the default worker count and with ``--jobs 1``: wall time, CPU time
   (user + sys of the command and its worker processes, from ``RUSAGE_CHILDREN``
   before/after), CPU % (cpu / wall: above 100 % means more than one core was busy),
   PDFs per second, and peak memory. Peak memory is read inside the command's own
   process (it is started through a small launcher that runs ``handouts`` exactly as
   ``python -m`` does, then writes its ``RUSAGE_SELF`` and ``RUSAGE_CHILDREN`` maximum
   resident sizes): the main process and the largest worker, separately, for this one
   build. (The benchmark's own ``RUSAGE_CHILDREN`` maximum would be the largest of every
   process it ever waited for, main processes included, so it cannot tell one build's
   worker from another.)
2. Render time per PDF by locale and by handout: ``build()`` in-process, ``jobs=1``,
   ``force=True``, from ``Rendered.seconds`` (drawing only, after composing).
3. No-change rebuild: the same command again into the same output folder.
4. One-text edit: one translated text of ``locales/es/<condition>.yaml`` changed (the
   first letter's case swapped, so no line gets longer), built again: wall time and the
   PDFs re-rendered ("rendered N PDFs" in the summary); then the same for one key of the
   English source (every language's PDFs showing that key follow). Each file is
   restored, and the output brought back in step, before the next measurement. Then
   both edits again with ``handouts build --watch`` running (one process that stays on):
   from the edited file written to the rebuild's summary line, its polling included.
5. One handout from the command line (``--locale es --handout overview --paper a4
   --no-large-print``) into a fresh folder (it renders), then again (nothing changed).
6. Warm render of one overview per script: compose once, then render the same job N
   times in-process (``Builder.render``): median ms; the first (cold) render is shown too.
7. 64 synthetic locales: another temp copy with locale folders added (copies of an
   existing locale of the same script under real language tags, so fonts and CLDR data
   apply) until there are 64; figures 1, 3, 4 and 5 again, and the growth: seconds per
   locale of the full build against the 16-locale project, and whether the one-handout
   command slows down as locales are added.
8. Peers (../shared/bench-peers): WeasyPrint and Typst (reused compiler) render a
   comparable two-page handout as many times as the full build made PDFs, in the same
   run: the ratios of the full build to WeasyPrint, and of the warm overview to Typst.

Each timed figure is the median of ``--rounds`` rounds (default 3; ``--quick``: 1 round
and fewer warm renders, a smoke test). Every file is written in temp folders, removed at
the end; nothing is written into the repository.

    python bench/benchmark.py                       # everything (about 17 min on 2 shared cores; --quick: 6)
    python bench/benchmark.py --quick --skip-synthetic --skip-peers
    python bench/benchmark.py --json bench.json     # the numbers as JSON too
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("project.yaml", "locales", "templates")
PEERS_DIR = REPO.parent / "shared" / "bench-peers"
PEER_PYTHON = Path("/work/peers/venv/bin/python")
PEER_FONTS = Path("/work/peers/fonts")

SYNTHETIC_COUNT = 64
# Warm-render locales: one or more per script the project prints.
WARM_LOCALES = ("en", "es", "ru", "vi", "ar", "fa", "hi", "bn", "zh-Hans", "zh-Hant", "ko")
# New language tags for the synthetic locales, each with the locale it copies (same script).
SYNTHETIC_TAGS = (
    [(tag, "es") for tag in "it de nl pl sv da nb fi cs sk ro hu hr sl lt lv et id ms sw tr ca gl eu af sq "
                            "is ga cy mt lb fo".split()]
    + [(tag, "ru") for tag in "uk bg mk kk ky mn be".split()]
    + [("ps", "fa"), ("ckb", "ar"), ("sd", "ur"), ("ug", "ar")]
    + [("mr", "hi"), ("ne", "hi"), ("as", "bn")]
    + [(tag, "es") for tag in "uz so zu xh yo ha ig mg rw ln st tn ny bs".split()]  # spares
)

# Targets of the note (printed beside the figures, never asserted).
TARGET_PEER_RATIO = 4.0  # full build at least 4x faster than WeasyPrint for as many PDFs
TARGET_CPU_PERCENT = 150.0  # both cores busy
TARGET_NO_CHANGE_S = 1.0
TARGET_EDIT_S = 2.0
TARGET_ONE_HANDOUT_S = 0.5
TARGET_TYPST_FACTOR = 5.0  # warm overview within 5x of Typst's reused compiler
GROWTH_TOLERANCE = 1.25  # "linear": per-locale cost and command cost may drift by 25 % (noise)

PEER_LINE = re.compile(r"^(?P<name>\S+)\s+(?P<count>\d+) PDFs\s+wall\s+(?P<wall>[\d.]+) s\s+cpu\s+(?P<cpu>[\d.]+) s"
                       r"\s+(?P<ms>[\d.]+) ms/PDF\s+(?P<kb>[\d.]+) KB/PDF")
RENDERED_LINE = re.compile(r"^rendered (\d+) PDFs", re.MULTILINE)

# Runs `handouts` as `python -m handouts` does, then records this process's and its
# workers' peak memory (in KB, Linux) in the file $BENCH_RUSAGE. Forked workers leave
# through os._exit, so only the main process writes it.
LAUNCHER = """\
import atexit, json, os, resource, runpy, sys
def _record():
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.environ["BENCH_RUSAGE"], "w") as out:
        json.dump({"main_kb": own.ru_maxrss, "worker_kb": workers.ru_maxrss}, out)
atexit.register(_record)
sys.argv[0] = "handouts"
runpy.run_module("handouts", run_name="__main__", alter_sys=True)
"""


# --- running the command line ---------------------------------------------------------


@dataclass
class Run:
    """One `handouts` command: wall and CPU seconds, peak memory (MB), its stderr."""

    wall: float
    cpu: float
    main_mb: float
    worker_mb: float
    stderr: str
    stdout: str = ""

    @property
    def rendered(self) -> int | None:
        """The PDFs it rendered, from its summary line (0 when nothing had changed)."""
        if "nothing changed" in self.stderr:
            return 0
        match = RENDERED_LINE.search(self.stderr)
        return int(match.group(1)) if match else None


# The command runs as it does for a user: Python keeps the engine's compiled modules
# (an installed wheel has them; PYTHONDONTWRITEBYTECODE, set on some CI machines, would
# charge every command for compiling the engine again: about 0.09 s).
CLI_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_engine() -> None:
    """The engine's modules compiled once, before anything is timed."""
    import handouts

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(handouts.__file__).parent)], env=CLI_ENV,
                   check=False, capture_output=True)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def handouts_cli(project: Path, *args: str, quiet: bool = True, check: bool = True) -> Run:
    """Run ``python -m handouts ARGS --project PROJECT`` (in PROJECT) and time it."""
    with tempfile.NamedTemporaryFile(suffix=".json") as usage_file:
        env = {**CLI_ENV, "BENCH_RUSAGE": usage_file.name}
        command = [sys.executable, "-c", LAUNCHER, *args, "--project", str(project), *(["-q"] if quiet else [])]
        cpu, started = children_cpu(), time.perf_counter()
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
        if check and done.returncode != 0:
            raise RuntimeError(f"`handouts {' '.join(args)}` failed ({done.returncode}):\n{done.stderr.strip()}")
        try:
            usage = json.loads(Path(usage_file.name).read_text())
        except (OSError, ValueError):
            usage = {"main_kb": 0, "worker_kb": 0}
    return Run(wall, cpu, usage["main_kb"] / 1024, usage["worker_kb"] / 1024, done.stderr, done.stdout)


def cli_build(project: Path, output: Path, *extra: str, quiet: bool = True, check: bool = True) -> Run:
    return handouts_cli(project, "build", "--output", str(output), *extra, quiet=quiet, check=check)


def count_pdfs(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.pdf"))


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# --- the project copies ---------------------------------------------------------------


def copy_project(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name)
        else:
            shutil.copy2(path, target / name)
    return target


def first_condition(project: Path, handout: str = "overview") -> str:
    from handouts.project import Project

    conditions = Project.load(project).manifest.conditions
    return next((name for name, c in conditions.items() if handout in c.handouts), next(iter(conditions)))


def swap_case_edit(path: Path, key: str) -> bytes:
    """Change the text of ``key`` (dotted, under ``messages``) in a catalog file in place:
    its first letter's case swapped (the same length, valid YAML). Returns the original
    bytes, to restore."""
    import yaml

    original = path.read_bytes()
    text = original.decode("utf-8")
    node = yaml.compose(text)
    for part in ["messages", *key.split(".")]:
        node = next((value for name, value in node.value if name.value == part), None) if node else None
        if node is None:
            raise RuntimeError(f"{path}: no key {key}")
    if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
        raise RuntimeError(f"{path}: {key} is not a one-line text")
    lines = text.splitlines(keepends=True)
    line = lines[node.start_mark.line]
    start, end = node.start_mark.column, node.end_mark.column
    value = line[start:end]
    index = next(i for i, char in enumerate(value) if char.isalpha())
    value = value[:index] + value[index].swapcase() + value[index + 1:]
    lines[node.start_mark.line] = line[:start] + value + line[end:]
    path.write_text("".join(lines), encoding="utf-8")
    return original


# --- figures 1, 3, 4, 5: the command line ---------------------------------------------


def measure_command_line(project: Path, work: Path, options: argparse.Namespace) -> dict:
    """Full builds (default workers and --jobs 1), no-change rebuild, one-text edits and
    the one-handout command, each over the rounds; the medians, and every round's value."""
    condition = options.edit_condition or first_condition(project)
    rounds: dict[str, list] = defaultdict(list)
    output, single = work / "out", work / "out-jobs1"
    for round_ in range(options.rounds):
        engine_before = engine_files()
        full = cli_build(project, output, "--force")
        rounds["full_wall"].append(full.wall)
        rounds["full_cpu"].append(full.cpu)
        rounds["full_main_mb"].append(full.main_mb)
        rounds["full_worker_mb"].append(full.worker_mb)
        rounds["pdfs"].append(count_pdfs(output))
        unchanged = cli_build(project, output, quiet=False)
        rounds["no_change"].append(unchanged.wall)
        rounds["no_change_rendered"].append(unchanged.rendered)
        for name, locale, key in (("edit", "es", options.edit_key), ("source_edit", None, options.source_edit_key)):
            catalog = project / "locales" / (locale or source_locale(project)) / f"{catalog_of(project, condition)}.yaml"
            original = swap_case_edit(catalog, key)
            try:
                edited = cli_build(project, output, quiet=False, check=False)
            finally:
                catalog.write_bytes(original)
            failed = edited.rendered is None
            rounds[f"{name}_wall"].append(None if failed else edited.wall)
            rounds[f"{name}_rendered"].append(edited.rendered)
            if failed:
                rounds[f"{name}_error"].append(last_line(edited.stderr))
            cli_build(project, output)  # the output back in step with the restored file
        for name, wall, rendered in measure_watch(project, output, condition, options):
            rounds[f"watch_{name}_wall"].append(wall)
            rounds[f"watch_{name}_rendered"].append(rendered)
        one = cli_build(project, single, "--force", "--jobs", "1")
        rounds["single_wall"].append(one.wall)
        rounds["single_cpu"].append(one.cpu)
        rounds["single_main_mb"].append(one.main_mb)
        fresh = work / f"one-handout-{round_}"
        handout_args = ("--locale", "es", "--handout", "overview", "--paper", "a4", "--no-large-print")
        first = cli_build(project, fresh, *handout_args)
        rounds["one_handout_fresh"].append(first.wall)
        rounds["one_handout_pdfs"].append(count_pdfs(fresh))
        again = cli_build(project, fresh, *handout_args, quiet=False)
        rounds["one_handout_again"].append(again.wall)
        rounds["one_handout_again_rendered"].append(again.rendered)
        shutil.rmtree(fresh)
        engine_after = engine_files()
        changed = sorted(name for name in engine_before.keys() | engine_after.keys()
                         if engine_before.get(name) != engine_after.get(name))
        if changed:
            rounds["engine_changed_error"].append(f"round {round_ + 1}: {', '.join(changed[:6])}")
    result = {name: "; ".join(values) if name.endswith("_error") else
              round(median(values)) if name.endswith(("_rendered", "_pdfs", "pdfs")) and median(values) is not None
              else median(values) for name, values in rounds.items()}
    result["locales"] = len(locale_tags(project))
    result["edit_condition"] = condition
    result["edit_key"], result["source_edit_key"] = options.edit_key, options.source_edit_key
    result["rounds"] = {name: values for name, values in rounds.items()}
    for prefix in ("full", "single"):
        wall, cpu = result[f"{prefix}_wall"], result[f"{prefix}_cpu"]
        result[f"{prefix}_cpu_percent"] = 100 * cpu / wall
        result[f"{prefix}_pdfs_per_s"] = result["pdfs"] / wall
    return result


WATCH_BUILT = re.compile(r"download pages [^\n]*\n|nothing was written; waiting for the next change\n")


def measure_watch(project: Path, output: Path, condition: str, options: argparse.Namespace):
    """Figure 4 with ``handouts build --watch`` (one process that stays on between
    builds): from the edited file written to the rebuild's summary, as the translator
    waits (the watch's polling included). Yields (name, wall, PDFs rendered)."""
    with tempfile.NamedTemporaryFile(mode="w+", suffix=".log") as log:
        process = subprocess.Popen([sys.executable, "-m", "handouts", "build", "--watch", "--project", str(project),
                                    "--output", str(output)], cwd=project, env={**CLI_ENV, "PYTHONUNBUFFERED": "1"},
                                   stdout=subprocess.DEVNULL, stderr=log, text=True,
                                   # Ctrl-C's default, as in a terminal: a benchmark started in the background
                                   # has SIGINT ignored, and the watch could not be stopped with it.
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

        def said() -> str:
            return Path(log.name).read_text(encoding="utf-8")

        def wait(pattern: re.Pattern, start: int, timeout: float = 300) -> re.Match:
            began = time.perf_counter()
            while time.perf_counter() - began < timeout:
                found = pattern.search(said(), start)
                if found:
                    return found
                if process.poll() is not None:
                    break
                time.sleep(0.01)
            raise RuntimeError(f"`handouts build --watch` did not build: {said()[start:].strip()[-600:]}")

        try:
            wait(re.compile("watching for changes"), 0)
            for name, locale, key in (("edit", "es", options.edit_key), ("source_edit", None, options.source_edit_key)):
                catalog = (project / "locales" / (locale or source_locale(project))
                           / f"{catalog_of(project, condition)}.yaml")
                start = len(said())
                began = time.perf_counter()
                original = swap_case_edit(catalog, key)
                try:
                    end = wait(WATCH_BUILT, start)
                    wall = time.perf_counter() - began
                finally:
                    catalog.write_bytes(original)
                rendered = RENDERED_LINE.search(said(), start, end.end())
                yield name, wall if rendered else None, int(rendered.group(1)) if rendered else None
                wait(WATCH_BUILT, end.end())  # the restored file built too
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def engine_files() -> dict[str, tuple[int, int]]:
    """The installed engine's files (name -> mtime, size): the build fingerprints every
    one of them, so an edit to the engine during a round makes that round's rebuilds
    render everything again (other engineers may be changing it while this runs)."""
    import handouts

    root = Path(handouts.__file__).resolve().parent
    return {str(path.relative_to(root)): (path.stat().st_mtime_ns, path.stat().st_size)
            for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts}


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def source_locale(project: Path) -> str:
    from handouts.project import Project

    return Project.load(project).source_locale


def catalog_of(project: Path, condition: str) -> str:
    from handouts.project import Project

    return Project.load(project).manifest.conditions[condition].catalog


def locale_tags(project: Path) -> list[str]:
    from handouts.project import Project

    return Project.load(project).locale_tags()


# --- figures 2 and 6: in-process ------------------------------------------------------


def measure_per_pdf(project_dir: Path, work: Path) -> dict:
    """ms per PDF (drawing only) by locale and by handout, from one in-process build."""
    from handouts.build import build
    from handouts.project import Project
    from handouts.settings import Settings

    report = build(Project.load(project_dir), work / "in-process", settings=Settings(), jobs=1, force=True,
                   site=False)
    by_locale: dict[str, list[float]] = defaultdict(list)
    by_handout: dict[str, list[float]] = defaultdict(list)
    kinds = {}
    project = Project.load(project_dir)
    for _, rendered in report.rendered:
        job = rendered.job
        by_locale[job.locale].append(rendered.seconds * 1000)
        by_handout[job.name].append(rendered.seconds * 1000)
        kinds[job.name] = project.handout(job.condition, job.handout).kind
    summary = lambda values: {"pdfs": len(values), "median_ms": statistics.median(values), "max_ms": max(values),
                              "total_s": sum(values) / 1000}
    return {
        "build_seconds": report.seconds,
        "pdfs": len(report.rendered),
        "by_locale": {tag: summary(values) for tag, values in by_locale.items()},
        "by_handout": {name: {"kind": kinds[name], **summary(values)} for name, values in sorted(by_handout.items())},
    }


def measure_warm(project_dir: Path, renders: int, handout: str = "overview") -> dict:
    """Compose one overview per locale, then render the same job ``renders`` times."""
    from handouts.build import STANDARD, Builder, make_plan
    from handouts.project import Project
    from handouts.settings import Settings

    project = Project.load(project_dir)
    condition = first_condition(project_dir, handout)
    known = set(project.locale_tags())
    results = {}
    for tag in WARM_LOCALES:
        if tag not in known:
            results[tag] = {"skipped": "no such locale in the project"}
            continue
        settings = Settings()
        builder = Builder(project, settings)
        plan = make_plan(project, builder.store, settings, conditions=[condition], locales=[tag],
                         handouts=[handout], papers=["letter"], editions=(STANDARD,))
        job, texts = plan.jobs[0], plan.texts[(condition, tag)]
        started = time.perf_counter()
        pdf = builder.render(job, texts)  # cold: composes, reads the fonts
        cold = time.perf_counter() - started
        times = []
        for _ in range(renders):
            started = time.perf_counter()
            builder.render(job, texts)
            times.append(time.perf_counter() - started)
        results[tag] = {"cold_ms": cold * 1000, "median_ms": statistics.median(times) * 1000,
                        "min_ms": min(times) * 1000, "renders": renders, "kb": len(pdf) / 1024,
                        "job": str(job.relative_path())}
    return results


# --- figure 7: synthetic locales ------------------------------------------------------


def add_synthetic_locales(project: Path, count: int) -> list[str]:
    """Copy locale folders under new tags (same script) until ``count`` locales exist; a
    tag the engine refuses is replaced by the next candidate. Returns the added tags."""
    existing = set(locale_tags(project))
    candidates = [(tag, source) for tag, source in SYNTHETIC_TAGS if tag not in existing and source in existing]
    added: list[str] = []
    while len(existing) + len(added) < count:
        if not candidates:
            raise RuntimeError(f"not enough language tags for {count} locales (have {len(existing) + len(added)})")
        needed = count - len(existing) - len(added)
        batch, candidates = candidates[:needed], candidates[needed:]
        for tag, source in batch:
            copy_locale(project, source, tag)
        added.extend(tag for tag, _ in batch)
        added = drop_refused(project, added)
    return added


def copy_locale(project: Path, source: str, tag: str) -> None:
    target = project / "locales" / tag
    shutil.copytree(project / "locales" / source, target)
    for catalog in target.glob("*.yaml"):  # the meta block: the new tag, the name from CLDR
        text = catalog.read_text(encoding="utf-8")
        text = re.sub(rf"^(\s+locale:\s*){re.escape(source)}\s*$", rf"\g<1>{tag}", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"^  name:.*\n", "", text, count=1, flags=re.MULTILINE)
        catalog.write_text(text, encoding="utf-8")


def drop_refused(project: Path, added: list[str]) -> list[str]:
    """Check that `handouts list` shows every added tag and that a build of one small
    handout in all of them works; remove the folder of any tag that fails."""
    while added:
        listed = handouts_cli(project, "list", quiet=False, check=False)
        failing = refused_tag(listed.stderr, added)
        if failing is None:
            if "error" in listed.stderr:
                raise RuntimeError(f"`handouts list` failed with the synthetic locales:\n{listed.stderr.strip()}")
            missing = [tag for tag in added if not re.search(rf"^\s+{re.escape(tag)}\s", listed.stdout, re.M)]
            failing = missing[0] if missing else None
        if failing is None:
            trial = trial_build(project, added)
            failing = refused_tag(trial.stderr, added) if trial.rendered is None else None
            if failing is None and trial.rendered is None:
                failing = bisect_failing(project, added)
            if failing is None and trial.rendered is None:
                raise RuntimeError(f"a build of the synthetic locales failed:\n{trial.stderr.strip()[-2000:]}")
        if failing is None:
            return added
        print(f"  note: the engine refused synthetic locale {failing}; trying another tag", file=sys.stderr)
        shutil.rmtree(project / "locales" / failing)
        added = [tag for tag in added if tag != failing]
    return added


def trial_build(project: Path, tags: list[str]) -> Run:
    """One small handout (the one-page school letter, A4) in each of ``tags``."""
    with tempfile.TemporaryDirectory() as scratch:
        return cli_build(project, Path(scratch) / "out", "--handout", "school-letter", "--paper", "a4",
                         "--no-large-print", *[arg for tag in tags for arg in ("--locale", tag)],
                         check=False, quiet=False)


def bisect_failing(project: Path, tags: list[str]) -> str | None:
    """The tag a failing build does not name (an error about a font, say): halve the
    tags until one fails alone."""
    while len(tags) > 1:
        half = tags[: len(tags) // 2]
        tags = half if trial_build(project, half).rendered is None else tags[len(tags) // 2:]
    return tags[0] if tags and trial_build(project, tags).rendered is None else None


def refused_tag(stderr: str, tags: list[str]) -> str | None:
    """The added tag an error message names (its folder, or the tag in quotes), if any."""
    if "error" not in stderr:
        return None
    for tag in tags:
        if re.search(rf"locales/{re.escape(tag)}/|['\"“‘]{re.escape(tag)}['\"”’]", stderr):
            return tag
    return None


# --- figure 8: peers ------------------------------------------------------------------


def run_peers(options: argparse.Namespace, count: int) -> dict:
    """compare.py COUNT with the peers' python and fonts: their wall, cpu, ms and KB per PDF."""
    python, folder, fonts = Path(options.peer_python), Path(options.peers_dir), Path(options.peer_fonts)
    for what, path in (("peer python", python), ("peers folder", folder / "compare.py"), ("peer fonts", fonts)):
        if not path.exists():
            return {"skipped": f"no {what} at {path}"}
    env = {**os.environ, "PEER_FONTS": str(fonts), "FONTCONFIG_PATH": str(fonts)}
    done = subprocess.run([str(python), "compare.py", str(count)], cwd=folder, env=env, capture_output=True,
                          text=True)
    if done.returncode != 0:
        return {"skipped": f"compare.py failed ({done.returncode}): {last_line(done.stderr)}"}
    peers = {}
    for line in done.stdout.splitlines():
        match = PEER_LINE.match(line.strip())
        if match:
            peers[match["name"]] = {"pdfs": int(match["count"]), "wall": float(match["wall"]),
                                    "cpu": float(match["cpu"]), "ms_per_pdf": float(match["ms"]),
                                    "kb_per_pdf": float(match["kb"])}
    return peers or {"skipped": f"no result lines in compare.py's output: {done.stdout.strip()[:200]}"}


# --- the report -----------------------------------------------------------------------


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[cell if isinstance(cell, str) else fmt(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    line = lambda row: "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                                 for i, (cell, w) in enumerate(zip(row, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(row) for row in cells)])


def fmt(value, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else "pass" if ok else "MISS"


def print_command_line(title: str, m: dict) -> None:
    print(f"\n{title}: {m['locales']} locales, {m['pdfs']} PDFs, median of {len(m['rounds']['full_wall'])} round(s)")
    print(table(["build", "wall s", "cpu s", "cpu %", "PDFs/s", "main MB", "worker MB"], [
        ["full, default workers", m["full_wall"], m["full_cpu"], fmt(m["full_cpu_percent"], 0),
         fmt(m["full_pdfs_per_s"], 1), fmt(m["full_main_mb"], 0), fmt(m["full_worker_mb"], 0)],
        ["full, --jobs 1", m["single_wall"], m["single_cpu"], fmt(m["single_cpu_percent"], 0),
         fmt(m["single_pdfs_per_s"], 1), fmt(m["single_main_mb"], 0), "-"],
    ]))
    print(table(["rebuild", "wall s", "PDFs rendered"], [
        ["nothing changed", m["no_change"], m["no_change_rendered"]],
        [f"one text edited (es, {m['edit_condition']} {m['edit_key']})", m["edit_wall"], m["edit_rendered"]],
        [f"one source text edited (en, {m['edit_condition']} {m['source_edit_key']})", m["source_edit_wall"],
         m["source_edit_rendered"]],
        [f"one text edited, build --watch (es, {m['edit_condition']} {m['edit_key']})", m.get("watch_edit_wall"),
         m.get("watch_edit_rendered")],
        [f"one source text edited, build --watch (en, {m['edit_condition']} {m['source_edit_key']})",
         m.get("watch_source_edit_wall"), m.get("watch_source_edit_rendered")],
        [f"one handout, fresh folder ({m['one_handout_pdfs']} PDFs)", m["one_handout_fresh"],
         m["one_handout_pdfs"]],
        ["one handout, again (nothing changed)", m["one_handout_again"], m["one_handout_again_rendered"]],
    ]))
    if m.get("engine_changed_error"):
        print(f"  WARNING: the engine's files changed during {m['engine_changed_error']}; the build "
              "fingerprints them, so rebuilds in that round rendered again: re-run for clean figures")
    for name in ("edit", "source_edit"):
        if m.get(f"{name}_error"):
            print(f"  {name.replace('_', ' ')} build failed: {m[name + '_error']}")


def print_per_pdf(per_pdf: dict) -> None:
    print(f"\nRender time per PDF (in-process build, jobs=1, force; {per_pdf['pdfs']} PDFs in "
          f"{per_pdf['build_seconds']:.1f} s)")
    rows = [[tag, v["pdfs"], fmt(v["median_ms"], 0), fmt(v["max_ms"], 0), fmt(v["total_s"], 1)]
            for tag, v in sorted(per_pdf["by_locale"].items(), key=lambda item: -item[1]["median_ms"])]
    print(table(["locale", "PDFs", "median ms", "max ms", "total s"], rows))
    rows = [[name, v["kind"], v["pdfs"], fmt(v["median_ms"], 0), fmt(v["max_ms"], 0), fmt(v["total_s"], 1)]
            for name, v in per_pdf["by_handout"].items()]
    print(table(["handout", "kind", "PDFs", "median ms", "max ms", "total s"], rows))


def print_warm(warm: dict, typst_ms: float | None) -> None:
    print("\nWarm render of one overview (composed once, rendered again and again), by script")
    rows = []
    for tag, v in warm.items():
        if "skipped" in v:
            rows.append([tag, "-", "-", "-", "-", v["skipped"]])
            continue
        ratio = v["median_ms"] / typst_ms if typst_ms else None
        rows.append([tag, fmt(v["cold_ms"], 0), fmt(v["median_ms"], 1), fmt(v["kb"], 0),
                     fmt(ratio, 2) + ("x" if ratio else ""),
                     mark(ratio <= TARGET_TYPST_FACTOR if ratio else None)])
    print(table(["locale", "cold ms", "warm ms", "KB", "vs Typst", f"<= {TARGET_TYPST_FACTOR:.0f}x Typst"], rows))
    job = next((v["job"] for v in warm.values() if "job" in v), "")
    print(f"  ({job} and the same job in each locale; Typst: its two-page peer sample, one mixed-script document)")


def print_peers(peers: dict, base: dict) -> None:
    print("\nPeers (../shared/bench-peers/compare.py, same run)")
    if "skipped" in peers:
        print(f"  skipped: {peers['skipped']}")
        return
    rows = [[name, v["pdfs"], v["wall"], v["cpu"], fmt(v["ms_per_pdf"], 1), fmt(v["kb_per_pdf"], 1)]
            for name, v in peers.items()]
    rows.append(["handouts (full build)", base["pdfs"], base["full_wall"], base["full_cpu"],
                 fmt(1000 * base["full_wall"] / base["pdfs"], 1), "-"])
    print(table(["renderer", "PDFs", "wall s", "cpu s", "ms/PDF", "KB/PDF"], rows))


def print_growth(base: dict, synthetic: dict) -> dict:
    per_locale = lambda m: m["full_wall"] / m["locales"]
    growth = {
        "seconds_per_locale": {str(base["locales"]): per_locale(base), str(synthetic["locales"]): per_locale(synthetic)},
        "per_locale_ratio": per_locale(synthetic) / per_locale(base),
        "one_handout_ratio": synthetic["one_handout_fresh"] / base["one_handout_fresh"],
        "one_handout_again_ratio": synthetic["one_handout_again"] / base["one_handout_again"],
    }
    print(f"\nGrowth from {base['locales']} to {synthetic['locales']} locales")
    print(table(["figure", f"{base['locales']} locales", f"{synthetic['locales']} locales", "ratio"], [
        ["full build, s per locale", per_locale(base), per_locale(synthetic), growth["per_locale_ratio"]],
        ["full build, ms per PDF", 1000 * base["full_wall"] / base["pdfs"],
         1000 * synthetic["full_wall"] / synthetic["pdfs"],
         (synthetic["full_wall"] / synthetic["pdfs"]) / (base["full_wall"] / base["pdfs"])],
        ["one handout, fresh folder s", base["one_handout_fresh"], synthetic["one_handout_fresh"],
         growth["one_handout_ratio"]],
        ["one handout, again s", base["one_handout_again"], synthetic["one_handout_again"],
         growth["one_handout_again_ratio"]],
        ["nothing changed s", base["no_change"], synthetic["no_change"], synthetic["no_change"] / base["no_change"]],
    ]))
    return growth


def print_targets(base: dict, warm: dict, peers: dict, synthetic: dict | None, growth: dict | None) -> list:
    weasy = peers.get("weasyprint")
    typst = peers.get("typst-reused")
    rows = []
    if weasy:  # WeasyPrint's time scaled to the build's PDF count (it ran that count unless told otherwise)
        weasy_wall = weasy["wall"] * base["pdfs"] / weasy["pdfs"]
        ratio = weasy_wall / base["full_wall"]
        rows.append(["full build vs WeasyPrint, same PDFs", f">= {TARGET_PEER_RATIO:.0f}x faster",
                     f"{ratio:.1f}x ({base['full_wall']:.1f} s vs {weasy_wall:.1f} s)", mark(ratio >= TARGET_PEER_RATIO)])
    else:
        rows.append(["full build vs WeasyPrint, same PDFs", f">= {TARGET_PEER_RATIO:.0f}x faster", "no peers",
                     mark(None)])
    figures = [(base, f"{base['locales']} locales")] + ([(synthetic, f"{synthetic['locales']} locales")]
                                                         if synthetic else [])
    for m, label in figures:
        rows += [
            [f"CPU, full build ({label})", f"> {TARGET_CPU_PERCENT:.0f} %", f"{m['full_cpu_percent']:.0f} %",
             mark(m["full_cpu_percent"] > TARGET_CPU_PERCENT)],
            [f"nothing changed ({label})", f"< {TARGET_NO_CHANGE_S:.1f} s", f"{m['no_change']:.2f} s",
             mark(m["no_change"] < TARGET_NO_CHANGE_S)],
            [f"one text edited, es ({label})", f"< {TARGET_EDIT_S:.1f} s", timed(m["edit_wall"], m["edit_rendered"]),
             mark(None if m["edit_wall"] is None else m["edit_wall"] < TARGET_EDIT_S)],
            [f"one source text edited, en ({label})", f"< {TARGET_EDIT_S:.1f} s",
             timed(m["source_edit_wall"], m["source_edit_rendered"]),
             mark(None if m["source_edit_wall"] is None else m["source_edit_wall"] < TARGET_EDIT_S)],
            [f"one text edited, es, build --watch ({label})", f"< {TARGET_EDIT_S:.1f} s",
             timed(m.get("watch_edit_wall"), m.get("watch_edit_rendered")),
             mark(None if m.get("watch_edit_wall") is None else m["watch_edit_wall"] < TARGET_EDIT_S)],
            [f"one source text edited, en, build --watch ({label})", f"< {TARGET_EDIT_S:.1f} s",
             timed(m.get("watch_source_edit_wall"), m.get("watch_source_edit_rendered")),
             mark(None if m.get("watch_source_edit_wall") is None else m["watch_source_edit_wall"] < TARGET_EDIT_S)],
            [f"one handout, command line ({label})", f"< {TARGET_ONE_HANDOUT_S:.1f} s",
             f"{m['one_handout_fresh']:.2f} s", mark(m["one_handout_fresh"] < TARGET_ONE_HANDOUT_S)],
            [f"one handout again, unchanged ({label})", f"< {TARGET_ONE_HANDOUT_S:.1f} s",
             f"{m['one_handout_again']:.2f} s", mark(m["one_handout_again"] < TARGET_ONE_HANDOUT_S)],
        ]
    for tag, v in warm.items():
        if "median_ms" not in v:
            continue
        factor = v["median_ms"] / typst["ms_per_pdf"] if typst else None
        rows.append([f"warm overview, {tag}", f"<= {TARGET_TYPST_FACTOR:.0f}x Typst",
                     f"{v['median_ms']:.1f} ms" + (f" = {factor:.2f}x ({typst['ms_per_pdf']:.1f} ms)" if typst else ""),
                     mark(factor <= TARGET_TYPST_FACTOR if factor else None)])
    if growth:
        rows += [
            ["growth: s per locale, 64 vs 16", f"<= {GROWTH_TOLERANCE:.2f}x (linear)",
             f"{growth['per_locale_ratio']:.2f}x", mark(growth["per_locale_ratio"] <= GROWTH_TOLERANCE)],
            ["growth: one-handout command, 64 vs 16", f"<= {GROWTH_TOLERANCE:.2f}x (no per-command cost)",
             f"{growth['one_handout_ratio']:.2f}x", mark(growth["one_handout_ratio"] <= GROWTH_TOLERANCE)],
        ]
    else:
        rows.append(["growth per added locale", "linear", "not measured (--skip-synthetic)", mark(None)])
    print("\nTargets (for the note; not asserted)")
    print(table(["figure", "target", "measured", "mark"], rows))
    return rows


def timed(wall: float | None, rendered: int | None) -> str:
    return "failed" if wall is None else f"{wall:.2f} s ({rendered} PDFs)"


# --- main -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each timed figure, median reported (3)")
    parser.add_argument("--quick", action="store_true", help="a smoke test: 1 round, fewer warm renders")
    parser.add_argument("--skip-synthetic", action="store_true", help=f"no {SYNTHETIC_COUNT}-locale part")
    parser.add_argument("--skip-peers", action="store_true", help="do not run WeasyPrint and Typst")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the numbers to FILE as JSON too")
    parser.add_argument("--project", type=Path, default=REPO, help="the project to copy (default: this repository)")
    parser.add_argument("--warm-renders", type=int, help="renders per locale for the warm figure (10; --quick: 3)")
    parser.add_argument("--edit-condition", help="the condition whose catalog is edited (default: the first)")
    parser.add_argument("--edit-key", default="signs.call_fever",
                        help="the key edited in locales/es/ (default: signs.call_fever)")
    parser.add_argument("--source-edit-key", default="signs.call_belly",
                        help="the key edited in the English source; one not on a gated handout, or the gated "
                             "build refuses the now stale translations (default: signs.call_belly)")
    parser.add_argument("--peer-python", default=os.environ.get("BENCH_PEER_PYTHON", str(PEER_PYTHON)),
                        help=f"python with WeasyPrint and Typst (env BENCH_PEER_PYTHON; default {PEER_PYTHON})")
    parser.add_argument("--peers-dir", default=os.environ.get("BENCH_PEERS_DIR", str(PEERS_DIR)),
                        help=f"the folder of compare.py (env BENCH_PEERS_DIR; default {PEERS_DIR})")
    parser.add_argument("--peer-fonts", default=os.environ.get("PEER_FONTS", str(PEER_FONTS)),
                        help=f"the peers' fonts (env PEER_FONTS; default {PEER_FONTS})")
    parser.add_argument("--peer-count", type=int, help="PDFs each peer renders (default: as many as the full build)")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds = 1
    options.warm_renders = options.warm_renders or (3 if options.quick else 10)
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    started = time.perf_counter()
    results: dict = {"options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()}}
    print(f"handouts benchmark: {options.rounds} round(s), python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    compile_engine()
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as scratch:
        work = Path(scratch)
        project = copy_project(options.project, work / "project")
        base = measure_command_line(project, work / "base", options)
        results["project"] = base
        print_command_line("Full project (command line)", base)
        per_pdf = measure_per_pdf(project, work / "base")
        results["per_pdf"] = per_pdf
        print_per_pdf(per_pdf)
        warm = measure_warm(project, options.warm_renders)
        results["warm"] = warm
        if options.skip_peers:
            peers = {"skipped": "--skip-peers"}
        else:
            peers = run_peers(options, options.peer_count or base["pdfs"])
        results["peers"] = peers
        print_warm(warm, peers.get("typst-reused", {}).get("ms_per_pdf"))
        print_peers(peers, base)
        synthetic = growth = None
        if not options.skip_synthetic:
            many = copy_project(options.project, work / "synthetic")
            added = add_synthetic_locales(many, SYNTHETIC_COUNT)
            print(f"\n{SYNTHETIC_COUNT} synthetic locales: added {len(added)} ({' '.join(added)})")
            synthetic = measure_command_line(many, work / "synthetic-out", options)
            synthetic["added"] = added
            results["synthetic"] = synthetic
            print_command_line(f"{SYNTHETIC_COUNT} locales (command line)", synthetic)
            growth = print_growth(base, synthetic)
            results["growth"] = growth
        results["targets"] = print_targets(base, warm, peers, synthetic, growth)
    results["seconds"] = time.perf_counter() - started
    print(f"\nbenchmark took {results['seconds']:.0f} s")
    if options.json:
        options.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"numbers written to {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
