"""The compiled templates' folder kept small: at most once a day, a process removes the compiled templates not
used for MAX_UNUSED seconds, then the least recently used ones until the folder holds at most MAX_BYTES, and
Jinja's temporary files a process left behind.

A compiled template is marked used (its modification time set to now) when it is read and was last marked more
than a day ago, so "not used for 30 days" holds on a file system mounted noatime too. The day is kept by the stamp
file STAMP in the folder: a process start costs one stat of it. Only the files Jinja writes there (their names
and this user's regular files) are ever removed; links, folders and any other file are left alone, the folder is
read through one descriptor (a folder swapped for a link while pruning is not followed), and two processes that
are due at once do not both prune (a lock on the stamp; the loser skips). The cache is an optimisation: every
failure is silent."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

DAY = 24 * 60 * 60
MAX_UNUSED = 30 * DAY  # a compiled template not read for this long is removed
MAX_BYTES = 32 * 1024 * 1024  # ~1,100 compiled templates, some versions and themes of every language
STAMP = ".pruned"  # its modification time: when the folder was last pruned (empty: never)

# compiled when pruning, not at every process start
_KEPT = r"[0-9a-f]{64}\.j2c"  # template_labels.KeptTemplates: a sha256 key, pattern "%s.j2c"
_LEFT = _KEPT + r"[a-z0-9_]+\.tmp"  # Jinja's tempfile before its os.replace
_checked: set[str] = set()  # the folders this process has looked at: the stamp is read once


def mark_used(fd: int, found: os.stat_result) -> None:
    """Set the modification time of a compiled template just read (``fd``, ``found`` its fstat) to now, if it
    was set more than a day ago: what pruning reads as its last use."""
    if not 0 <= time.time() - found.st_mtime < DAY:
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(fd)


def prune_now_and_then(folder: Path) -> None:
    """Prune ``folder`` if this process has not looked at it yet and the stamp says it is a day since the last
    pruning; a stat and a time otherwise."""
    if str(folder) in _checked:
        return
    _checked.add(str(folder))
    try:
        found = os.stat(folder / STAMP, follow_symlinks=False)
        if _recent(found, time.time()):
            return
    except OSError:
        pass  # no stamp yet: due
    with contextlib.suppress(OSError, ImportError, ValueError):  # (no fcntl, no scandir of a descriptor)
        prune(folder)


def prune(folder: Path, now: float | None = None) -> bool:
    """Prune ``folder`` unless it was pruned less than a day before ``now`` or another process is pruning it;
    whether it was pruned. Raises OSError when the folder cannot be opened as this user's private folder."""
    import fcntl  # POSIX only, as the cache is (template_labels.cache_folder)

    now = time.time() if now is None else now
    nofollow = os.O_NOFOLLOW | os.O_CLOEXEC
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | nofollow)
    try:
        if not _private(os.fstat(dir_fd)):
            return False
        stamp = os.open(STAMP, os.O_RDWR | os.O_CREAT | nofollow, 0o600, dir_fd=dir_fd)
        try:
            found = os.fstat(stamp)
            if not stat.S_ISREG(found.st_mode) or found.st_uid != os.getuid():
                return False
            try:
                fcntl.flock(stamp, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # another process is pruning it now
            if _recent(os.fstat(stamp), now):
                return False  # another process pruned it between our stat and our lock
            _remove_stale(dir_fd, now)
            os.ftruncate(stamp, 0)
            os.write(stamp, b"briefgen: compiled templates pruned\n")
            os.utime(stamp, (now, now))
            return True
        finally:
            os.close(stamp)  # and the lock with it
    finally:
        os.close(dir_fd)


def _remove_stale(dir_fd: int, now: float) -> None:
    """Remove the compiled templates unused for MAX_UNUSED, then the oldest until MAX_BYTES, and temporary files
    older than a day (a process died writing them: one writing now is younger)."""
    kept: list[tuple[float, int, str]] = []
    ours = re.compile(f"{_KEPT}|{_LEFT}")
    with os.scandir(dir_fd) as entries:
        for entry in entries:
            if not ours.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                found = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(found.st_mode) and found.st_uid == os.getuid():
                    kept.append((found.st_mtime, found.st_size, entry.name))
    kept.sort(reverse=True)  # the most recently used first
    total = 0
    for used, size, name in kept:
        stale = now - used > (DAY if name.endswith(".tmp") else MAX_UNUSED)
        if name.endswith(".tmp") and not stale:
            continue  # another process may be writing it now, whatever the folder's size
        if not stale and total + size <= MAX_BYTES:
            total += size
            continue
        if not stale:
            total = MAX_BYTES + 1  # full: every older file goes too, the least recently used first
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=dir_fd)


def _recent(found: os.stat_result, now: float) -> bool:
    """Whether a stamp says the folder was pruned less than a day before ``now`` (an empty one: never)."""
    return stat.S_ISREG(found.st_mode) and found.st_size > 0 and 0 <= now - found.st_mtime < DAY


def _private(found: os.stat_result) -> bool:
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not stat.S_IMODE(found.st_mode) & 0o077
