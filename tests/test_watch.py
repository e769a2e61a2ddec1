"""``handouts build --watch``: a build after each settled change, errors said and the
watch going on, a new process for what the engine keeps by name, the same bytes as a
build of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from handouts.errors import CatalogError
from handouts.watch import RESTART, STOPPED, Watched, changed, snapshot, watch
from tests.test_incremental import edit


def test_a_snapshot_sees_files_added_written_and_removed_and_skips_hidden_ones(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.yaml").write_text("1")
    (tmp_path / "a" / ".one.yaml.swp").write_text("editor")
    missing = tmp_path / "handouts.yaml"
    first = snapshot([tmp_path / "a"], [missing])
    assert set(first) == {tmp_path / "a" / "one.yaml", missing} and first[missing] is None
    (tmp_path / "a" / "one.yaml").write_text("22")
    (tmp_path / "a" / "two.yaml").write_text("2")
    missing.write_text("settings")
    (tmp_path / "a" / ".one.yaml.swp").write_text("editor, again")
    second = snapshot([tmp_path / "a"], [missing])
    assert changed(first, second) == sorted([tmp_path / "a" / "one.yaml", tmp_path / "a" / "two.yaml", missing])
    (tmp_path / "a" / "two.yaml").unlink()
    assert changed(second, snapshot([tmp_path / "a"], [missing])) == [tmp_path / "a" / "two.yaml"]


def _watching(tmp_path: Path, build_once, steps, restart: tuple[Path, ...] = ()) -> tuple[str, list[str]]:
    """Run ``watch`` with ``steps`` (callables, each run once the builds so far are done)
    on another thread; stop after the last."""
    said: list[str] = []
    done = threading.Event()

    def drive():
        for step in steps:
            time.sleep(0.25)
            step()
            time.sleep(0.5)
        done.set()

    thread = threading.Thread(target=drive)
    thread.start()
    ended = watch(build_once, Watched((tmp_path / "locales",), (tmp_path / "handouts.yaml",), restart),
                  say=said.append, stop=done.is_set, poll=0.02)
    thread.join()
    return ended, said


def test_each_settled_change_builds_once_and_an_error_is_said_without_ending_the_watch(tmp_path):
    (tmp_path / "locales").mkdir()
    catalog = tmp_path / "locales" / "es.yaml"
    catalog.write_text("good")
    builds: list[str] = []

    def build_once():
        text = catalog.read_text()
        builds.append(text)
        if text == "broken":
            raise CatalogError("cannot read this", None)

    ended, said = _watching(tmp_path, build_once, [
        lambda: catalog.write_text("edited"),
        lambda: catalog.write_text("broken"),
        lambda: catalog.write_text("mended"),
        lambda: (tmp_path / "handouts.yaml").write_text("clinic: X"),  # a settings file appears
    ])
    assert ended == STOPPED
    assert builds == ["good", "edited", "broken", "mended", "mended"]
    assert any(line.startswith("error: ") and "cannot read this" in line for line in said)
    assert said.count("watching for changes (Ctrl-C stops)") == 1


def test_a_pictogram_changed_asks_for_a_new_process(tmp_path):
    (tmp_path / "locales").mkdir()
    (tmp_path / "icons").mkdir()
    builds = []
    ended, said = _watching(tmp_path, lambda: builds.append(1),
                            [lambda: (tmp_path / "icons" / "fever.svg").write_text("<svg/>")],
                            restart=(tmp_path / "icons",))
    assert ended == RESTART and len(builds) == 1
    assert "icons" in said[-1]


def _wait(stream_path: Path, text: str, start: int, timeout: float = 120) -> int:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        found = stream_path.read_text(encoding="utf-8")
        if text in found[start:]:
            return len(found)
        time.sleep(0.05)
    raise AssertionError(f"no {text!r} in: {stream_path.read_text(encoding='utf-8')[start:]}")


def ctrl_c_as_in_a_terminal() -> None:
    """In the child, before it runs: Ctrl-C's default action. A job started in the
    background (``make test &``) has it ignored, and its children inherit that: the
    watch would then never see the SIGINT this test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_the_command_builds_again_after_an_edit_as_a_build_of_its_own_would(project_copy, tmp_path):
    """Run as a translator would: `handouts build --watch` in the project, a text edited,
    a broken file saved and mended; the PDF is the bytes a separate build writes, and
    Ctrl-C stops it with status 0."""
    options = ["--locale", "es", "--handout", "overview", "--paper", "a4", "--no-large-print", "--jobs", "1"]
    log = tmp_path / "watch.log"
    catalog = project_copy / "locales" / "es" / "higm.yaml"
    with log.open("w", encoding="utf-8") as stream:
        process = subprocess.Popen([sys.executable, "-m", "handouts", "build", "--watch", *options],
                                   cwd=project_copy, stdout=subprocess.DEVNULL, stderr=stream,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=ctrl_c_as_in_a_terminal)
        try:
            seen = _wait(log, "watching for changes", 0)
            edit(catalog, "sum_what", "Un texto que el modo de vigilancia ve.")
            seen = _wait(log, "rendered 1 PDFs", seen)
            original = catalog.read_text(encoding="utf-8")
            catalog.write_text(original + "\n  broken: [\n", encoding="utf-8")
            seen = _wait(log, "nothing was written; waiting for the next change", seen)
            catalog.write_text(original, encoding="utf-8")
            seen = _wait(log, "up to date", seen)  # mended: the texts of the PDFs on disk
        finally:
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=60)
    said = log.read_text(encoding="utf-8")
    assert code == 0 and "stopped watching" in said, said
    assert "locales/es/higm.yaml" in said and "Traceback" not in said
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "handouts", "build", *options, "--output", str(fresh), "-q"],
                   cwd=project_copy, check=True, capture_output=True)
    watched = project_copy / "output" / "higm" / "es" / "overview-a4.pdf"
    assert watched.read_bytes() == (fresh / "higm" / "es" / "overview-a4.pdf").read_bytes()


def test_a_file_truncated_then_written_a_moment_later_is_read_once_whole(tmp_path):
    """An editor (or a busy machine) may leave a saved file empty for a moment between
    truncating and writing it: longer than two looks (40 ms at a 20 ms poll) but less
    than the settling time. The build reads the file once, as written, never empty."""
    (tmp_path / "locales").mkdir()
    catalog = tmp_path / "locales" / "es.yaml"
    catalog.write_text("good")
    builds: list[str] = []

    def slow_save():
        with open(catalog, "w") as handle:
            handle.flush()
            time.sleep(0.04)
            handle.write("saved slowly")

    ended, _ = _watching(tmp_path, lambda: builds.append(catalog.read_text()), [slow_save])
    assert ended == STOPPED
    assert builds == ["good", "saved slowly"]


def test_ctrl_c_lost_inside_a_build_still_stops_the_watch(tmp_path):
    """A library's bare ``except:`` (or a finalizer) can swallow the KeyboardInterrupt
    Ctrl-C raises in the middle of a build: the watch notes the signal itself and stops
    at its next look, instead of watching on."""
    (tmp_path / "locales").mkdir()
    builds, looks = [], []

    def build_once() -> None:
        builds.append(1)
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # the handler runs here, in this frame
        except KeyboardInterrupt:
            pass  # swallowed, as a bare except: does

    def stop() -> bool:
        looks.append(1)
        return len(looks) > 20  # the test ends either way

    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as Python sets it in a terminal
    try:
        ended = watch(build_once, Watched((tmp_path / "locales",)), say=lambda line: None, stop=stop, poll=0.01)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back as it was
    finally:
        signal.signal(signal.SIGINT, before)
    assert ended == STOPPED
    assert len(builds) == 1 and len(looks) == 1


def test_a_ctrl_c_that_is_ignored_stays_ignored(tmp_path):
    """A watch started in the background, Ctrl-C ignored: the watch does not take it over."""
    (tmp_path / "locales").mkdir()
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    seen = []
    try:
        watch(lambda: seen.append(signal.getsignal(signal.SIGINT)), Watched((tmp_path / "locales",)),
              say=lambda line: None, stop=lambda: True, poll=0.01)
    finally:
        signal.signal(signal.SIGINT, before)
    assert seen == [signal.SIG_IGN]
