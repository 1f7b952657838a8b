"""A PDF engine in another process, started first, so that importing WeasyPrint (about 0.8 s) overlaps with
loading, validating and templating the brief here. For one brief on two cores this hides briefgen's own work.

The engine is a bare ``python -c`` child talking pickles over its stdin and stdout, not a multiprocessing
pool: a spawned pool worker first re-imports the CLI and the multiprocessing machinery (about 0.15 s
before it can begin importing WeasyPrint), which is most of what briefgen would add to the bare CLI's time.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from briefgen.engine_check import engine_missing, quiet_stderr
from briefgen.errors import BriefgenError
from briefgen.formats import FORMATS, chosen

if TYPE_CHECKING:
    from briefgen.resources import Policy

# The child lays out one PDF and is killed: the cyclic collector (a tenth of a layout, and busy while WeasyPrint
# is imported) would only free memory that nobody needs again, so it is off from the first line.
_CHILD = (
    "import gc; gc.disable(); import sys; sys.path[:] = {path!r}; "
    "from briefgen.pdf_process import _serve; _serve(parent={parent})"
)


def _die_with(parent: int) -> None:
    """Have Linux kill this process when ``parent`` dies, even by SIGKILL (an orphan would lay out a PDF
    nobody waits for). Elsewhere, a dead parent is noticed only when the answer cannot be sent."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None, *, parent: int | None = None) -> None:
    """The child: import WeasyPrint at once, then lay out the one job the parent sends and answer it.

    Whatever happens is an answer or a quiet exit, never a traceback: the parent reports it.
    """
    if parent is not None:
        _die_with(parent)
    if stdout is None:  # answers go on a private copy of fd 1; anything else printed goes to stderr
        stdout = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)
    stdin = stdin or sys.stdin.buffer
    try:
        try:
            with quiet_stderr():  # WeasyPrint prints a banner before it raises; the parent says it in one line
                from briefgen.pdf import write_pdf
        except Exception as exc:  # e.g. Pango missing: say so once the parent asks for a PDF
            failed = engine_missing(exc)
        else:
            failed = ""
        try:
            html, css, name, variant, policy = pickle.load(stdin)
        except Exception:  # no job (the brief did not validate) or a cut one (the parent was killed)
            return
        answer: tuple[str, object]
        if failed:
            answer = ("error", failed)
        else:
            try:
                answer = ("ok", write_pdf(html, css, name=name, variant=variant, policy=policy))
            except BriefgenError as exc:
                answer = ("problems", exc)
            except Exception as exc:
                answer = ("error", f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(BrokenPipeError):  # the parent is gone: nobody is waiting
            pickle.dump(answer, stdout)
            stdout.flush()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; the parent reports it
        sys.exit(130)


class PdfProcess:
    """One child process that imports WeasyPrint at once and lays out one PDF when asked."""

    @classmethod
    def start_for(cls, formats: Sequence[str] | None) -> PdfProcess | None:
        """Start an engine if one of ``formats`` needs it; None when none does, or no interpreter can start
        (an unusual install: the PDF is then laid out in this process)."""
        if not any(FORMATS[name].needs_pdf_engine for name in chosen(formats)):
            return None
        try:
            return cls()
        except OSError:
            return None

    def __init__(self) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-c", _CHILD.format(path=sys.path, parent=os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def write_pdf(
        self, html: str, css: str, *, name: str, variant: str, policy: Policy | None
    ) -> tuple[bytes, list[str], int]:
        """Same contract as pdf.write_pdf."""
        stdin, stdout = self._child.stdin, self._child.stdout
        assert stdin is not None and stdout is not None
        try:
            pickle.dump((html, css, name, variant, policy), stdin)
            stdin.close()
            kind, value = pickle.load(stdout)
        except Exception:  # the child died before, or while, answering (EOF, a cut pickle, a broken pipe)
            if self._child.poll() is None:
                self._child.kill()
            code = self._child.wait()
            raise BriefgenError.at(name, f"pdf: the PDF engine stopped unexpectedly (exit code {code})") from None
        if kind == "problems":
            assert isinstance(value, BriefgenError)
            raise value
        if kind == "error":
            raise BriefgenError.at(name, str(value) if str(value).startswith("pdf: ") else f"pdf: {value}")
        data, warnings, pages = value
        return data, warnings, pages

    def close(self) -> None:
        """Stop the child if it is still working (say the brief did not validate); reap it."""
        if self._child.poll() is None:
            self._child.kill()
        self._child.wait()
        for stream in (self._child.stdin, self._child.stdout):
            with contextlib.suppress(OSError):  # unsent bytes of a job to a dead child: nothing to report
                if stream:
                    stream.close()
