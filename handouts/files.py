"""Reading and writing files so that nothing is ever half done.

- A write goes to a temporary file in the target's folder, is flushed to disk, then
  renamed over the target: a reader never sees half a file.
- Several writes that belong together (a catalog and its translation state) form a
  ``Transaction``: every file is written first; only then is each renamed into place,
  and a failure at any point puts back what was there. A build writes into a
  ``StagingFolder`` inside the output folder and moves its files into place at the end.
- Files get the usual mode (``0o666`` less the umask, 0644 for most users); a file that
  is replaced keeps the mode it had.
- Temporary files carry the writer's process id (``.NAME.PID.XXXX.tmp``,
  ``.staging-PID-XXXX``): what a killed run left behind is removed by the next run.
- Files read as input are refused before they are read when they are not regular files
  or larger than their limit (``/dev/zero`` as settings, a 50 MB catalog).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from handouts.errors import HandoutsError, Location, UsageError, WriteError

TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")
STAGING_PREFIX = ".staging-"
STAGING_RE = re.compile(r"^\.staging-(?P<pid>\d+)-[A-Za-z0-9_]+$")


# --------------------------------------------------------------------------- modes


def default_mode() -> int:
    """The mode a new file gets: read and write for everyone, less the umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def mode_for(path: Path) -> int:
    """An existing file keeps its mode; a new one gets the usual mode."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return default_mode()


# --------------------------------------------------------------------------- leftovers


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid < 2**22  # another user's process; an impossible pid is not alive
    return True


def clean_stale(folder: Path) -> None:
    """Remove our temporary files and staging folders whose process is gone."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = TEMP_RE.match(entry.name) or STAGING_RE.match(entry.name)
        if not match or _alive(int(match.group("pid"))):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass  # best effort: another run may be cleaning too


def clean_stale_tree(root: Path) -> None:
    """``clean_stale`` in ``root`` and every folder below it (not into staging folders)."""
    for folder, dirs, _ in os.walk(root):
        clean_stale(Path(folder))
        dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]


# --------------------------------------------------------------------------- writing


def _failure(exc: OSError, path: Path) -> WriteError:
    reason = exc.strerror or str(exc)
    return WriteError(f"cannot write ({reason}); nothing was changed", Location(path))


def _write_temp(path: Path, data: bytes, mode: int) -> Path:
    """``data`` in a new temporary file next to ``path``, on disk, with ``mode``."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _backup(path: Path) -> Path:
    """A second name for the file at ``path`` (a hard link, else a copy), to put it back."""
    backup = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Transaction:
    """Writes that happen together or not at all.

    ``write`` puts each file's new bytes into a temporary file beside it; ``commit``
    renames them into place. On any failure, before or during the renames, every file
    is as it was and no temporary file is left. Used as a context manager, it commits
    when the block ends normally and discards otherwise."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (target, temporary file)
        self._created: list[Path] = []  # folders made for new files
        self._cleaned: set[Path] = set()

    def _make_folder(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self._created.append(path)

    def write(self, path: Path, data: bytes) -> None:
        try:
            if path.is_dir():
                raise WriteError("is a folder; it cannot be replaced by a file", Location(path))
            self._make_folder(path.parent)
            if path.parent not in self._cleaned:
                clean_stale(path.parent)
                self._cleaned.add(path.parent)
            self._staged.append((path, _write_temp(path, data, mode_for(path))))
        except OSError as exc:
            self.discard()
            raise _failure(exc, path) from None
        except BaseException:
            self.discard()
            raise

    @property
    def paths(self) -> list[Path]:
        return [target for target, _ in self._staged]

    def commit(self) -> None:
        done: list[tuple[Path, Path | None]] = []
        backups: list[Path] = []
        current = None
        try:
            for target, temp in self._staged:
                current = target
                backup = _backup(target) if len(self._staged) > 1 and target.exists() else None
                if backup is not None:
                    backups.append(backup)
                os.replace(temp, target)
                done.append((target, backup))
            for folder in {target.parent for target, _ in self._staged}:
                _sync_folder(folder)
        except BaseException as exc:
            _roll_back(done)
            self.discard()
            if isinstance(exc, OSError):
                raise _failure(exc, current or Path(".")) from None
            raise
        finally:
            for backup in backups:
                backup.unlink(missing_ok=True)
        self._staged = []
        self._created = []

    def discard(self) -> None:
        for _, temp in self._staged:
            temp.unlink(missing_ok=True)
        self._staged = []
        for folder in reversed(self._created):
            try:
                folder.rmdir()
            except OSError:
                pass
        self._created = []

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomically(path: Path, data: bytes) -> None:
    """Write one file: a temporary file in the same folder, renamed over the target."""
    with Transaction() as transaction:
        transaction.write(path, data)


class StagingFolder:
    """A hidden folder inside ``target`` that receives everything a build writes.

    ``commit`` moves each file into its place in ``target``; on any failure (or
    ``discard``) ``target`` is left exactly as it was, and the staging folder is removed."""

    def __init__(self, target: Path):
        self.target = target
        if target.exists() and not target.is_dir():
            raise UsageError(f"{target} is a file, not a folder: give another --output")
        self._made_target = not target.exists()
        try:
            target.mkdir(parents=True, exist_ok=True)
            clean_stale_tree(target)
            self.path = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=target))
        except OSError as exc:
            self._remove_target()
            raise _failure(exc, target) from None

    def write(self, relative: str | Path, data: bytes) -> None:
        """One file into the staging folder, written plainly: the folder is the transaction
        (``commit`` renames each file into place, ``discard`` drops them all), and a
        build's outputs need no fsync (a file damaged by a crash no longer matches the
        build's records, so the next build makes it again)."""
        path = self.path / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise _failure(exc, path) from None

    def _files(self) -> Iterator[Path]:
        for folder, dirs, files in os.walk(self.path):
            dirs.sort()
            for name in sorted(files):
                yield Path(folder) / name

    def commit(self) -> list[Path]:
        """Move every staged file into place; returns the paths written."""
        files = [f for f in self._files() if not TEMP_RE.match(f.name)]
        done: list[tuple[Path, Path | None]] = []
        made: list[Path] = []
        backups = self.path / ".backup"
        current = self.target
        try:
            for staged in files:
                relative = staged.relative_to(self.path)
                current = destination = self.target / relative
                missing = []
                folder = destination.parent
                while not folder.exists():
                    missing.append(folder)
                    folder = folder.parent
                for path in reversed(missing):
                    path.mkdir()
                    made.append(path)
                backup = None
                if destination.is_dir() and not destination.is_symlink():
                    raise WriteError("is a folder; it cannot be replaced by a file", Location(destination))
                if destination.exists():
                    backup = backups / relative
                    backup.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(destination, backup)
                    except OSError:
                        shutil.copy2(destination, backup)
                os.replace(staged, destination)
                done.append((destination, backup))
        except BaseException as exc:
            _roll_back(done)
            for path in reversed(made):
                try:
                    path.rmdir()
                except OSError:
                    pass
            self.discard()
            if isinstance(exc, OSError):
                raise _failure(exc, current) from None
            raise
        shutil.rmtree(self.path, ignore_errors=True)
        return [destination for destination, _ in done]

    def _remove_target(self) -> None:
        if self._made_target:
            try:
                self.target.rmdir()
            except OSError:
                pass

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._remove_target()


# --------------------------------------------------------------------------- caches


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    """Undo renames already made, last first: each file back from its backup, or removed
    where there was none before."""
    for target, backup in reversed(done):
        try:
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - the disk failed under us twice
            pass


def write_cached(path: Path, data: bytes) -> None:
    """A cache file: its bytes after their own SHA-256, renamed into place (no fsync: a
    cache file lost in a power cut is only made again)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(hashlib.sha256(data).digest() + data)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def read_cached(path: Path) -> bytes | None:
    """A cache file's bytes, or None when missing or damaged. A file read is marked as
    used (its modification time: ``prune_cache`` keeps what builds use)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    data = raw[32:]
    if len(raw) < 32 or hashlib.sha256(data).digest() != raw[:32]:
        return None
    try:
        os.utime(path)
    except OSError:
        pass
    return data


CACHE_KEEP_DAYS = 14  # a cache file no build has read or written for this long is removed
_PRUNED = ".pruned"  # in a cache folder: when it was last pruned


def prune_cache(root: Path, *, keep_days: float = CACHE_KEEP_DAYS) -> int:
    """Remove the files under the cache folder ``root`` that no build has read or
    written for ``keep_days`` (each edit leaves entries behind that nothing asks for
    again); at most once a day per folder. Returns how many files went. A file that
    cannot be removed is left: a cache only costs space."""
    now = time.time()
    marker = root / _PRUNED
    try:
        if now - marker.stat().st_mtime < 86400:
            return 0
    except OSError:
        if not root.is_dir():
            return 0
    cutoff = now - keep_days * 86400
    removed = 0
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path == marker:
                continue
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
    try:
        marker.touch()
    except OSError:
        pass
    return removed


# --------------------------------------------------------------------------- reading


def size_text(size: int) -> str:
    if size >= 1 << 20 and size % (1 << 20) == 0:
        return f"{size >> 20} MB"
    if size >= 1 << 10 and size % (1 << 10) == 0:
        return f"{size >> 10} KB"
    return f"{size:,} bytes"


def read_bytes(path: Path, error: type[HandoutsError], limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is ``error``."""
    where = Location(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error("file not found", where) from None
    except OSError as exc:
        raise error(f"cannot read it ({exc.strerror or exc})", where) from None
    if stat.S_ISDIR(info.st_mode):
        raise error("is a folder, not a file", where)
    if not stat.S_ISREG(info.st_mode):
        raise error("is not a regular file", where)
    too_big = f"is larger than {size_text(limit)}, the most a {what} may be"
    if info.st_size > limit:
        raise error(f"{too_big} ({info.st_size:,} bytes)", where)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read it ({exc.strerror or exc})", where) from None
    if len(data) > limit:
        raise error(too_big, where)
    return data


def read_text(path: Path, error: type[HandoutsError], limit: int, what: str = "file") -> str:
    """``read_bytes`` decoded as UTF-8 (a byte-order mark is dropped)."""
    data = read_bytes(path, error, limit, what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start:,})", Location(path, line)) from None
    return text.removeprefix("\ufeff")
