"""Build again whenever a project's texts, templates or settings change (``build --watch``).

A translator or content editor saves a file and a moment later has the PDFs and pages
it changed. The watching process stays alive between builds: each build starts with
the engine imported and every language's fonts read (what a new command pays each time,
about 0.6 s) and forks its workers from there. Changes are found by polling every
watched file's size and time (a few milliseconds for a project of sixteen languages):
no platform's file-event interface is needed, and shared or network folders work too.
A build starts once a change has settled: written more than 50 ms ago and seen the same
at two looks in a row (the second at least 10 ms after the first), so a file caught
half-written, or truncated and not yet written, is not read.

The engine keeps a project's pictograms by name for the life of a process: a change
under ``icons/`` asks for a new process (``RESTART``) rather than risk a stale drawing.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import HandoutsError

RESTART = "restart"  # what ``watch`` returns when a new process must take over
STOPPED = "stopped"  # ``stop()`` said so, or Ctrl-C while waiting
POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.05  # a file written more recently is looked at again before it is read
# Every change is looked at a second time before it is read: a file being truncated can
# show its new size beside its old modification time for an instant (Linux's stat sees
# the size set before the times), which looks like an old, finished write of nothing.
RELOOK_SECONDS = 0.01

Snapshot = dict[Path, tuple[int, int] | None]  # path -> (size, modification time), None: absent


@dataclass(frozen=True)
class Watched:
    """What a build reads that people edit: every file under ``folders``, and ``files``
    (which may not exist yet: a settings file created later counts as a change)."""

    folders: tuple[Path, ...]
    files: tuple[Path, ...] = ()
    restart: tuple[Path, ...] = ()  # folders whose change needs a new process


def watched_inputs(project, settings_files: Iterable[Path]) -> Watched:
    """A project's catalogs, templates and manifest, its pictograms, and the clinic
    settings files a build would look for (``settings_files``)."""
    root = project.root
    return Watched(folders=(root / "locales", project.templates_dir),
                   files=(project.manifest.path, *settings_files),
                   restart=(root / "icons",))


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns)


def _walk(folder: Path, out: Snapshot) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):  # editors' swap files, caches
            continue
        try:
            if entry.is_dir(follow_symlinks=True):
                _walk(Path(entry.path), out)
            else:
                found = entry.stat()
                out[Path(entry.path)] = (found.st_size, found.st_mtime_ns)
        except OSError:
            continue


def snapshot(paths: Iterable[Path], files: Iterable[Path] = ()) -> Snapshot:
    """Size and time of every file under ``paths`` (folders) and of ``files``."""
    out: Snapshot = {}
    for folder in paths:
        _walk(folder, out)
    for path in files:
        out[path] = _stat(path)
    return out


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """The files added, removed or written between two snapshots."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def watch(build_once: Callable[[], None], inputs: Watched, *, say: Callable[[str], None],
          stop: Callable[[], bool] = lambda: False, poll: float = POLL_SECONDS) -> str:
    """Run ``build_once`` now and after every settled change to ``inputs``, until
    ``stop()`` is true or Ctrl-C (``STOPPED``), or a change needs a new process
    (``RESTART``). A build's error (a broken catalog, a text that no longer fits) is
    said, and the watch goes on: the next save builds again."""

    def look() -> tuple[Snapshot, Snapshot]:
        return snapshot(inputs.folders, inputs.files), snapshot(inputs.restart)

    current, kept_by_name = look()
    building = True
    with _interrupts_noted() as interrupted:
        try:
            _build(build_once, say)
            say("watching for changes (Ctrl-C stops)")
            while not stop() and not interrupted():
                building = False
                time.sleep(poll)
                now, icons = look()
                if now == current and icons == kept_by_name:
                    continue
                while True:  # settled: seen the same twice, and written long enough ago
                    fresh = _fresh(changed(current, now) + changed(kept_by_name, icons), now, icons)
                    time.sleep(poll if fresh else RELOOK_SECONDS)
                    again, icons_again = look()
                    if not fresh and again == now and icons_again == icons:
                        break
                    now, icons = again, icons_again
                if interrupted():
                    break
                if icons != kept_by_name:
                    say(f"changed: {_names(changed(kept_by_name, icons))}: starting again")
                    return RESTART
                edited = changed(current, now)
                current = now
                say(f"changed: {_names(edited)}")
                building = True
                _build(build_once, say)
        except KeyboardInterrupt:
            if building:
                say("stopped during a build: it wrote nothing (the output is as the last build left it)")
    return STOPPED


@contextmanager
def _interrupts_noted() -> Iterator[Callable[[], bool]]:
    """Ctrl-C raises KeyboardInterrupt as it always does, and is also noted: where the
    exception is lost (a bare ``except:`` in a library, a finalizer, whose exceptions
    Python only prints), the watch still stops, at its next look, instead of watching
    on with nobody to stop it. A Ctrl-C ignored (a job started in the background) or
    handled by whoever runs the watch is left as it is."""
    if (threading.current_thread() is not threading.main_thread()  # signals reach the main thread only
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield lambda: False
        return
    noted: list[int] = []

    def note(signum, frame):
        noted.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield lambda: bool(noted)
    finally:
        signal.signal(signal.SIGINT, previous)


def _fresh(paths: list[Path], *snapshots: Snapshot) -> bool:
    """Was one of these files written in the last ``SETTLE_SECONDS``? (It may still be
    being written: look again before reading it. Older changes are built at once.)"""
    newest = max((found[1] for path in paths for shot in snapshots if (found := shot.get(path))), default=0)
    return time.time_ns() - newest < SETTLE_SECONDS * 1e9


def _build(build_once: Callable[[], None], say: Callable[[str], None]) -> None:
    try:
        build_once()
    except HandoutsError as exc:
        say(f"error: {exc}")
        say("nothing was written; waiting for the next change")


def _names(paths: list[Path], shown: int = 3) -> str:
    names = [_short(path) for path in paths[:shown]]
    return ", ".join(names) + (f" and {len(paths) - shown} more" if len(paths) > shown else "")


def _short(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


__all__ = ["watch", "watched_inputs", "snapshot", "changed", "Watched", "RESTART", "STOPPED"]
