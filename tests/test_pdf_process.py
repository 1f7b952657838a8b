"""The PDF engine process of `briefgen render`: same bytes as laying out here, errors as messages, no strays."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import brief, write_tree

import briefgen.formats.pdf
import briefgen.pdf_process
from briefgen import engine_check
from briefgen.cli import main
from briefgen.engine_check import INSTALL
from briefgen.errors import BriefgenError
from briefgen.pdf import write_pdf
from briefgen.pdf_process import PdfProcess

ROOT = Path(__file__).resolve().parent.parent
PAGE = '<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><h1>Engine</h1><p>{body}</p></body></html>'
CSS = "@page { size: A5; }"


@pytest.fixture
def engine() -> Iterator[PdfProcess]:
    process = PdfProcess()
    yield process
    process.close()


def test_engine_writes_the_same_bytes_as_laying_out_here(engine: PdfProcess) -> None:
    html = PAGE.format(body="Same bytes either way.")
    there = engine.write_pdf(html, CSS, name="b.yaml", variant="pdf/ua-1", policy=None)
    here = write_pdf(html, CSS, name="b.yaml", variant="pdf/ua-1", policy=None)
    assert there[0].startswith(b"%PDF-")
    assert there == here


def test_a_refused_resource_comes_back_as_the_briefs_problem(engine: PdfProcess) -> None:
    html = PAGE.format(body='<img src="http://127.0.0.1:9/x.png" alt="x">')
    with pytest.raises(BriefgenError) as caught:
        engine.write_pdf(html, CSS, name="b.yaml", variant="pdf/ua-1", policy=None)
    assert str(caught.value).startswith("b.yaml:")
    assert "refused to load 'http://127.0.0.1:9/x.png'" in str(caught.value)


def test_an_unexpected_engine_error_is_one_message(engine: PdfProcess) -> None:
    with pytest.raises(BriefgenError) as caught:
        engine.write_pdf(PAGE.format(body="x"), CSS, name="b.yaml", variant="no-such-variant", policy=None)
    assert str(caught.value) == "b.yaml: pdf: KeyError: 'no-such-variant'"


def test_an_engine_that_dies_is_one_message(engine: PdfProcess) -> None:
    engine._child.kill()
    engine._child.wait()
    with pytest.raises(BriefgenError) as caught:
        engine.write_pdf(PAGE.format(body="x"), CSS, name="b.yaml", variant="pdf/ua-1", policy=None)
    assert str(caught.value) == "b.yaml: pdf: the PDF engine stopped unexpectedly (exit code -9)"


def test_close_before_any_job_stops_the_child_at_once() -> None:
    process = PdfProcess()
    process.close()
    assert process._child.returncode == -signal.SIGKILL  # killed, not left to finish its import


def test_a_cut_answer_is_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = "pickle.dumps(('ok', (b'x' * 999, [])))"
    cut = f"import sys, pickle; sys.stdin.buffer.read(); sys.stdout.buffer.write({answer}[:40])"
    monkeypatch.setattr(briefgen.pdf_process, "_CHILD", cut)
    process = PdfProcess()
    with pytest.raises(BriefgenError) as caught:
        process.write_pdf(PAGE.format(body="x"), CSS, name="b.yaml", variant="pdf/ua-1", policy=None)
    process.close()
    assert str(caught.value) == "b.yaml: pdf: the PDF engine stopped unexpectedly (exit code 0)"


def test_a_large_job_for_a_dead_engine_is_one_message_and_closes_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(briefgen.pdf_process, "_CHILD", "import sys; sys.exit(3)")
    process = PdfProcess()
    process._child.wait()
    with pytest.raises(BriefgenError) as caught:  # 4 MB: far more than a pipe holds
        process.write_pdf(PAGE.format(body="x" * 4_000_000), CSS, name="b.yaml", variant="pdf/ua-1", policy=None)
    assert str(caught.value) == "b.yaml: pdf: the PDF engine stopped unexpectedly (exit code 3)"
    process.close()  # the unsent bytes are not an error of their own


MISSING_PANGO = (
    "import sys\n"
    "print('WeasyPrint could not import some external libraries.', file=sys.stderr)\n"
    "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file\")\n"
)
SAYS_WHAT_TO_INSTALL = (
    "pdf: cannot load the PDF engine (WeasyPrint): cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot"
    f" open shared object file; {INSTALL}"
)


def test_an_engine_that_cannot_load_weasyprint_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"weasyprint/__init__.py": MISSING_PANGO})
    monkeypatch.syspath_prepend(str(tmp_path))  # the engine starts with this process's sys.path
    process = PdfProcess()
    with pytest.raises(BriefgenError) as caught:
        process.write_pdf(PAGE.format(body="x"), CSS, name="b.yaml", variant="pdf/ua-1", policy=None)
    process.close()
    assert str(caught.value) == f"b.yaml: {SAYS_WHAT_TO_INSTALL}"
    assert "WeasyPrint could not import" not in capfd.readouterr().err  # the banner is said in that one line


def test_a_build_without_pango_says_so_instead_of_cannot_write(tmp_path: Path) -> None:
    write_tree(tmp_path, {"weasyprint/__init__.py": MISSING_PANGO, "site/briefs/a.yaml": brief("A")})
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "CI": "1"}
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "briefgen", "build", "-j", jobs, "--format", "pdf"],
            cwd=tmp_path / "site",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 1
        assert f"briefs/a.yaml: {SAYS_WHAT_TO_INSTALL}" in done.stderr.splitlines(), done.stderr
        assert "cannot write" not in done.stderr and "WeasyPrint could not import" not in done.stderr
    html = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--format", "md,html"],
        cwd=tmp_path / "site",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert html.returncode == 0, html.stderr


def test_no_fonts_is_said_before_layout(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine_check.no_fonts.cache_clear()
    fake = write_tree(project / "bin", {"fc-list": "#!/bin/sh\nexit 0\n"})
    (fake / "fc-list").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    try:
        write_tree(project, {"briefs/a.yaml": brief("A")})
        result = CliRunner().invoke(main, ["build", "-j", "1", "--format", "pdf"])
    finally:
        engine_check.no_fonts.cache_clear()
    assert result.exit_code == 1
    assert "briefs/a.yaml: pdf: fontconfig finds no font on this machine, so no PDF can be laid out" in result.stderr


def test_a_missing_subsetter_is_one_warning_per_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_check, "no_subsetter", lambda: "pdf: libharfbuzz-subset is not installed")
    monkeypatch.setattr(briefgen.formats.pdf, "no_subsetter", engine_check.no_subsetter)
    monkeypatch.setitem(briefgen.formats.pdf._told, "subsetter", False)
    write_tree(project, {"briefs/a.yaml": brief("A"), "briefs/b.yaml": brief("B")})
    result = CliRunner().invoke(main, ["build", "-j", "1", "--format", "pdf"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("libharfbuzz-subset is not installed") == 1


def test_text_printed_in_the_engine_does_not_corrupt_its_answer() -> None:
    """WeasyPrint or a library under it writing to stdout (fd 1, even from C) must not reach the answer pipe."""
    code = (
        "import os, briefgen.pdf as p\n"
        "real = p.write_pdf\n"
        "def noisy(*a, **k):\n"
        "    print('from python'); os.write(1, b'from C-level fd 1\\n')\n"
        "    return real(*a, **k)\n"
        "p.write_pdf = noisy\n"
        "from briefgen.pdf_process import _serve\n"
        "_serve()\n"
    )
    job = pickle.dumps((PAGE.format(body="x"), CSS, "b.yaml", "pdf/ua-1", None))
    done = subprocess.run([sys.executable, "-c", code], input=job, capture_output=True, cwd=ROOT, timeout=120)
    kind, (data, warnings, pages) = pickle.loads(done.stdout)
    assert (kind, data[:5], warnings, pages) == ("ok", b"%PDF-", [], 1)
    assert b"from python" in done.stderr and b"from C-level fd 1" in done.stderr


def _engines_started_in(folder: Path) -> list[int]:
    """Running PDF engines of a briefgen started in ``folder`` (its sys.path, and so the engine's command
    line, holds the folder). An orphan would have left that briefgen's process tree, so look at all."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
        except OSError:
            continue
        if b"briefgen.pdf_process import _serve" in cmdline and str(folder).encode() in cmdline:
            found.append(int(entry.name))
    return found


# in the engine only, importing WeasyPrint takes 30 s more: an engine the CLI forgot would outlive it for
# sure, not by luck (a sitecustomize, so that it reaches the engine briefgen starts)
SLOW_ENGINE = """
import sys, time

class SlowWeasyPrint:
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint":
            time.sleep(30)
        return None

if any("_serve" in arg for arg in sys.orig_argv):
    sys.meta_path.insert(0, SlowWeasyPrint())
"""


def _slow_engine_site(tmp_path: Path) -> Path:
    """A folder holding SLOW_ENGINE as sitecustomize.py, for a briefgen started with it on PYTHONPATH."""
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(SLOW_ENGINE, encoding="utf-8")
    return slow


def test_a_brief_that_does_not_validate_leaves_no_engine_running(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: [unclosed\n", encoding="utf-8")
    slow = _slow_engine_site(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "render", str(bad), "--format", "pdf", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(slow)},
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].startswith("bad.yaml:3:1: invalid YAML")
    assert not (tmp_path / "out").exists()
    assert _engines_started_in(tmp_path) == []


def _render_with_a_slow_engine(tmp_path: Path) -> subprocess.Popen[str]:
    """`briefgen render --format pdf` of the example brief, returned once its engine is importing WeasyPrint."""
    slow = _slow_engine_site(tmp_path)
    brief = ROOT / "briefs/example-port-strike.yaml"
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "render", str(brief), "--format", "pdf", "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(slow)},
    )
    deadline = time.monotonic() + 60
    while not _engines_started_in(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _engines_started_in(tmp_path), "the engine never started"
    time.sleep(1)  # past the engine's start-up, and briefgen at the point where it waits for the engine
    return process


def test_sigterm_during_render_stops_briefgen_and_its_engine(tmp_path: Path) -> None:
    process = _render_with_a_slow_engine(tmp_path)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == "interrupted" and "Traceback" not in stderr
    assert not (tmp_path / "out").exists()
    assert _engines_started_in(tmp_path) == []


def test_an_engine_does_not_outlive_a_killed_briefgen(tmp_path: Path) -> None:
    """SIGKILL gives briefgen no chance to stop its engine: the kernel must (PR_SET_PDEATHSIG)."""
    process = _render_with_a_slow_engine(tmp_path)
    process.kill()
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while _engines_started_in(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _engines_started_in(tmp_path) == []
