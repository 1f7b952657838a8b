"""What the PDF engine needs from the system, said in a writer's words when it is missing: Pango and
HarfBuzz for WeasyPrint, fonts for fontconfig (without any, WeasyPrint crashes), and HarfBuzz's subsetter
(without it, fonts are embedded whole and the PDF's bytes differ from a normal build). No WeasyPrint here."""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import os
import shutil
import subprocess
from collections.abc import Iterator

INSTALL = (
    "on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
    "fonts-noto-core fonts-noto-cjk (or run scripts/setup-system.sh); --format html,md needs none of it"
)


def engine_missing(exc: BaseException) -> str:
    """Why WeasyPrint could not be loaded, and what to install."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"pdf: cannot load the PDF engine (WeasyPrint): {reason}; {INSTALL}"


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Keep what a failing import prints on fd 2 (WeasyPrint's banner about missing libraries) off the
    terminal: briefgen says it in one line instead."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@functools.cache
def no_fonts() -> str:
    """A problem message when fontconfig finds no font at all (WeasyPrint then dies of SIGSEGV), else ""."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:  # fontconfig's tools are not installed: nothing to ask, let WeasyPrint try
        return ""
    try:
        listed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    if listed.strip():
        return ""
    return f"pdf: fontconfig finds no font on this machine, so no PDF can be laid out; {INSTALL}"


@functools.cache
def no_subsetter() -> str:
    """A warning when HarfBuzz's subsetter is missing, else ""; asked once per process."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return ""
    return (
        "pdf: libharfbuzz-subset is not installed: fonts are embedded whole, so the PDF is larger and its "
        "bytes differ from a build that has it (apt-get install libharfbuzz-subset0)"
    )
