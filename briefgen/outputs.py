"""Writing output files safely: through temporaries in the same folder, all or nothing, one build at a time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path

from briefgen.errors import BriefgenError


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder, so no reader sees half a file."""
    write_all({target: data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary first and rename them only when all are written: a full disk
    leaves each target as it was. An OSError names the target, not the temporary."""
    temporaries = {target: target.with_name(f".{target.name}.{os.getpid()}.tmp") for target in files}
    try:
        for target, tmp in temporaries.items():
            try:
                tmp.write_bytes(files[target])
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
        for target, tmp in temporaries.items():
            os.replace(tmp, target)
    finally:
        for tmp in temporaries.values():
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder for one build at a time (another build, a preview server).

    The lock is on the folder itself, so no lock file ends up among the published files.
    """
    handle = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BriefgenError.at(str(out_dir), "another briefgen build is writing here; try again after it") from None
        yield
    finally:
        os.close(handle)  # closing releases the lock


_TEMPORARY = re.compile(r"^\..+\.\d+\.tmp$")


def remove_leftover_temporaries(out_dir: Path) -> None:
    """Clear temporary files left by a build that was killed while writing (the lock keeps out live ones)."""
    for leftover in out_dir.glob(".*.tmp"):
        if _TEMPORARY.match(leftover.name):
            leftover.unlink(missing_ok=True)
