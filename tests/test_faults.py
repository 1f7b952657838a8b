"""Faults that lose nothing: an unwritable output folder, a full disk, a brief deleted mid-build, SIGTERM during a
parallel build and a damaged manifest. Each ends with a clear message (no traceback), no temporary files, and
every output listed in manifest.json matching its hash; outputs that were good before stay good.

Builds are Markdown and HTML with one job unless the fault needs more (the SIGTERM test: PDF, two workers).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import PNG, REAL_BRIEF, brief, write_tree

import briefgen.formats.md
import briefgen.outputs
import briefgen.produce
from briefgen import __version__

Run = Callable[..., Result]
FAST = ("--format", "md,html", "-j", "1")
SUMMARY = re.compile(r"built (\d+), unchanged (\d+), failed (\d+) in \d+\.\d s")
PROGRESS = re.compile(r"(built|failed|unchanged) \S+( \(\d+\.\d s\))?")


@pytest.fixture
def project(project: Path) -> Path:
    """The project with briefs a, b and c."""
    return write_tree(project, {f"briefs/{n}.yaml": brief(f"Brief {n.upper()}") for n in "abc"})


def build(run: Run, *args: str) -> Result:
    return run("build", *FAST, *args)


def counts(result: Result) -> tuple[int, int, int]:
    match = SUMMARY.fullmatch(result.stderr.splitlines()[-1]) if result.stderr else None
    assert match, result.stderr
    return int(match[1]), int(match[2]), int(match[3])


def messages(result: Result) -> list[str]:
    """stderr without the per-brief progress lines and the closing summary."""
    return [line for line in result.stderr.splitlines() if not (PROGRESS.fullmatch(line) or SUMMARY.fullmatch(line))]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_problems(out: Path) -> list[str]:
    """What is wrong with the manifest: every output it lists must exist and match its hash."""
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    wrong = []
    for entry in data["briefs"]:
        for name, digest in entry["outputs"].items():
            path = out / name
            if not path.is_file():
                wrong.append(f"{entry['source']}: {name} is missing")
            elif sha256(path.read_bytes()) != digest:
                wrong.append(f"{entry['source']}: {name} does not match its hash")
    return wrong


def listed(out: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {Path(entry["source"]).name: entry for entry in data["briefs"]}


def assert_clean_exit(result: Result, code: int) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, result.output


# --- the output folder cannot be written


def test_output_path_that_is_a_file(project: Path, run: Run) -> None:
    (project / "output").write_text("not a folder", encoding="utf-8")
    result = build(run)
    assert_clean_exit(result, 1)
    assert messages(result) == ["output: cannot use the output folder: File exists"]
    assert (project / "output").read_text(encoding="utf-8") == "not a folder"


def test_output_folder_under_a_file(project: Path, run: Run) -> None:
    (project / "file").write_text("x", encoding="utf-8")
    result = build(run, "--out", "file/output")
    assert_clean_exit(result, 1)
    assert messages(result) == ["file/output: cannot use the output folder: Not a directory"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder without write permission")
def test_output_folder_without_write_permission(project: Path, run: Run) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    (project / "briefs" / "a.yaml").write_text(brief("Brief A, revised"), encoding="utf-8")
    out.chmod(0o500)
    try:
        result = build(run)
    finally:
        out.chmod(0o700)
    assert_clean_exit(result, 1)
    assert any("Permission denied" in line for line in messages(result)), result.stderr
    assert snapshot(out) == good


def _refuse_writes(monkeypatch: pytest.MonkeyPatch, match: Callable[[Path], bool]) -> None:
    """Make write_all fail as a folder without write permission does, for the targets ``match`` picks: in
    produce (the outputs of render_brief) and in outputs (write_atomic: the manifest and the index page)."""
    write_all = briefgen.outputs.write_all

    def refusing(files: dict[Path, bytes]) -> None:
        for target in files:
            if match(target):
                raise PermissionError(errno.EACCES, "Permission denied", str(target))
        write_all(files)

    monkeypatch.setattr(briefgen.produce, "write_all", refusing)
    monkeypatch.setattr(briefgen.outputs, "write_all", refusing)


def test_unwritable_outputs_are_one_line_each_and_keep_the_old_ones(
    project: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    (project / "briefs" / "a.yaml").write_text(brief("Brief A, revised"), encoding="utf-8")
    _refuse_writes(monkeypatch, lambda target: target.name.startswith("a."))
    result = build(run)
    assert_clean_exit(result, 1)
    assert messages(result) == ["briefs/a.yaml: cannot write output/a.md: Permission denied"]
    assert counts(result) == (0, 2, 1)
    assert {name: data for name, data in snapshot(out).items() if name.startswith(("a.", "b.", "c."))} == {
        name: data for name, data in good.items() if name.startswith(("a.", "b.", "c."))
    }
    assert manifest_problems(out) == []
    assert listed(out)["a.yaml"]["outputs"] == listed_before(good)["a.yaml"]["outputs"]


def listed_before(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    return {Path(e["source"]).name: e for e in json.loads(files["manifest.json"])["briefs"]}


def test_unwritable_manifest_is_one_line_and_keeps_the_old_one(
    project: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    _refuse_writes(monkeypatch, lambda target: target.name in ("manifest.json", "index.html"))
    result = build(run, "--force")
    assert_clean_exit(result, 1)
    assert messages(result) == [
        "output: cannot write the manifest or index: Permission denied; the previous ones are unchanged"
    ]
    assert snapshot(out)["manifest.json"] == good["manifest.json"]
    assert temporaries(out) == []


# --- disk full


@dataclass
class DiskFull:
    """Once armed, the second temporary file written fills the disk half-way (ENOSPC); the others go through."""

    armed: bool = False
    written: list[str] = field(default_factory=list)

    def arm(self) -> None:
        self.armed, self.written = True, []


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> DiskFull:
    state = DiskFull()
    write_bytes = Path.write_bytes

    def filling(self: Path, data: Any) -> int:
        if state.armed and self.name.endswith(".tmp"):
            state.written.append(self.name)
            if len(state.written) == 2:
                with open(self, "wb") as handle:
                    handle.write(bytes(data)[: len(data) // 2])
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", filling)
    return state


def _revise_all(project: Path) -> None:
    for name in "abc":
        (project / "briefs" / f"{name}.yaml").write_text(brief(f"Brief {name.upper()}, revised"), encoding="utf-8")


def test_disk_full_is_a_clear_message_and_leaves_no_temporary(project: Path, run: Run, disk_full: DiskFull) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    _revise_all(project)
    disk_full.arm()
    result = build(run)
    assert_clean_exit(result, 1)
    assert disk_full.written[1].startswith(".a.html.")  # a.md went through, then the disk was full
    [message] = messages(result)
    assert message.startswith("briefs/a.yaml: cannot write ") and message.endswith(": No space left on device")
    assert "a.html" in message
    assert counts(result) == (2, 0, 1)
    assert temporaries(out) == []
    assert snapshot(out)["a.html"] == good["a.html"]
    for name in ("b.md", "b.html", "c.md", "c.html"):  # built after the failure, whole and listed
        assert "revised" in (out / name).read_text(encoding="utf-8")
        assert listed(out)[f"{name[0]}.yaml"]["outputs"][name] == sha256((out / name).read_bytes())
    # and the next build, with room again, completes the failed brief
    disk_full.armed = False
    again = build(run)
    assert (again.exit_code, counts(again)) == (0, (1, 2, 0))
    assert manifest_problems(out) == []


def test_disk_full_keeps_every_previous_output_of_the_failed_brief(
    project: Path, run: Run, disk_full: DiskFull
) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    _revise_all(project)
    disk_full.arm()
    build(run)
    assert (snapshot(out)["a.md"], snapshot(out)["a.html"]) == (good["a.md"], good["a.html"])
    assert manifest_problems(out) == []


def test_disk_full_message_names_the_output_not_its_temporary(project: Path, run: Run, disk_full: DiskFull) -> None:
    assert build(run).exit_code == 0
    _revise_all(project)
    disk_full.arm()
    result = build(run)
    assert messages(result) == ["briefs/a.yaml: cannot write output/a.html: No space left on device"]


# --- a brief deleted while the build runs


def test_brief_deleted_mid_build(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    victim = project / "briefs" / "a.yaml"
    render_markdown = briefgen.formats.md.render_markdown

    def deleting(brief: Any, *args: Any, **kwargs: Any) -> str:
        if brief.title.startswith("Brief A"):  # validated, now being rendered
            victim.unlink(missing_ok=True)
        return render_markdown(brief, *args, **kwargs)

    monkeypatch.setattr(briefgen.formats.md, "render_markdown", deleting)
    result = build(run, "--force")
    assert_clean_exit(result, result.exit_code)
    assert result.exit_code in (0, 1)  # built from the bytes read, or failed with a message; never a crash
    assert all(line.startswith("briefs/a.yaml: ") for line in messages(result)), result.stderr
    assert not victim.exists()
    assert temporaries(out) == []
    assert manifest_problems(out) == []

    # the next build notices it is gone: its outputs go, and so does its entry and its card on the index
    monkeypatch.setattr(briefgen.formats.md, "render_markdown", render_markdown)
    after = build(run)
    assert_clean_exit(after, 0)
    assert sorted(p.name for p in out.iterdir()) == ["b.html", "b.md", "c.html", "c.md", "index.html", "manifest.json"]
    assert sorted(listed(out)) == ["b.yaml", "c.yaml"]
    assert "Brief A" not in (out / "index.html").read_text(encoding="utf-8")
    assert manifest_problems(out) == []


def test_brief_deleted_between_builds(project: Path, run: Run) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    (project / "briefs" / "b.yaml").unlink()
    result = build(run)
    assert_clean_exit(result, 0)
    assert not list(out.glob("b.*"))
    assert sorted(listed(out)) == ["a.yaml", "c.yaml"]
    assert manifest_problems(out) == []


# --- SIGTERM during a parallel build


def _read_until(proc: subprocess.Popen[str], prefix: str, timeout: float = 180) -> list[str]:
    """Read stderr lines until one starts with ``prefix``; return them all."""
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith(prefix):
            return lines
    proc.kill()
    proc.communicate()
    pytest.fail(f"the build never printed a line starting with {prefix!r}: {lines}")


@dataclass
class Stopped:
    """A parallel build stopped with SIGTERM, over good outputs of an earlier build."""

    project: Path
    good: dict[str, bytes]  # the output folder before
    returncode: int
    stderr: str


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory) -> Stopped:
    project = tmp_path_factory.mktemp("sigterm")
    briefs = project / "briefs"
    briefs.mkdir()
    paths = [str(Path(briefgen.build.__file__).parent.parent), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "CI": "1", "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    env.pop("SOURCE_DATE_EPOCH", None)
    command = [sys.executable, "-m", "briefgen", "build", "--format", "md,html,pdf"]
    # first a quick good build of four small briefs: the outputs that must survive
    for n in range(1, 5):
        (briefs / f"copy-{n}.yaml").write_text(brief(f"Small brief {n}"), encoding="utf-8")
    first = subprocess.run([*command, "-j", "1"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    good = snapshot(project / "output")

    # then four copies of the real brief (seconds of PDF layout each), stopped once the first is built
    real = REAL_BRIEF.read_text(encoding="utf-8")
    for n in range(1, 5):
        text = real.replace("title: China seeks", f"title: Copy {n} of China seeks", 1)
        assert text != real
        (briefs / f"copy-{n}.yaml").write_text(text, encoding="utf-8")
    proc = subprocess.Popen(
        [*command, "-j", "2"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: workers left behind can be stopped with it
    )
    try:
        before = _read_until(proc, "built briefs/")
        assert proc.poll() is None, "the build finished before it could be stopped"
        proc.send_signal(signal.SIGTERM)  # to the main process only, as `kill PID` does
        proc.wait(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # workers of a main process that died (none when all is well)
        _, rest = proc.communicate(timeout=60)
    return Stopped(project, good, proc.returncode, "\n".join(before) + "\n" + rest)


def test_sigterm_stops_a_parallel_build_with_130_and_a_message(stopped: Stopped) -> None:
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert re.search(r"^interrupted: ", stopped.stderr, re.M), stopped.stderr
    assert temporaries(stopped.project) == []
    json.loads((stopped.project / "output" / "manifest.json").read_text(encoding="utf-8"))


def test_sigterm_keeps_every_brief_listed(stopped: Stopped) -> None:
    out = stopped.project / "output"
    for n in range(1, 5):
        entry = listed(out)[f"copy-{n}.yaml"]
        assert entry["title"] == f"Small brief {n}" or entry["title"].startswith(f"Copy {n} of "), entry["title"]
        assert sorted(entry["outputs"]) == [f"copy-{n}.{fmt}" for fmt in ("html", "md", "pdf")]


def test_sigterm_leaves_every_listed_output_matching_its_hash(stopped: Stopped) -> None:
    out = stopped.project / "output"
    assert manifest_problems(out) == []
    built = [line.split()[1] for line in stopped.stderr.splitlines() if re.fullmatch(r"built \S+ \(\d+\.\d s\)", line)]
    for n in range(1, 5):
        entry = listed(out)[f"copy-{n}.yaml"]
        if f"briefs/copy-{n}.yaml" in built:  # reported built: listed with its new outputs
            assert entry["title"].startswith(f"Copy {n} of ")
        else:  # kept its old entry, so its old files
            assert entry["title"] == f"Small brief {n}"
            for fmt in ("md", "html", "pdf"):
                name = f"copy-{n}.{fmt}"
                assert (out / name).read_bytes() == stopped.good[name]


# --- a damaged or hand-edited manifest


_AUDIT: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _AUDIT is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _AUDIT.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Every file opened while the test runs (through the ``open`` audit event)."""
    global _AUDIT
    _AUDIT = []
    try:
        yield _AUDIT
    finally:
        _AUDIT = None


def _edit(out: Path, change: Callable[[dict[str, Any]], None]) -> str:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    change(data)
    return json.dumps(data)


def _entry(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in data["briefs"] if e["source"].endswith(f"/{name}.yaml"))


def _gone_brief_with_outputs(*names: str) -> Callable[[dict[str, Any]], None]:
    """Add an entry for a brief that no longer exists, listing ``names`` as its outputs (to be deleted)."""

    def change(data: dict[str, Any]) -> None:
        gone = dict(_entry(data, "a"), source="briefs/gone.yaml", id="gone")
        gone["outputs"] = {name: "0" * 64 for name in names}
        data["briefs"].append(gone)

    return change


def _set(name: str, **fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        _entry(data, name).update(fields)

    return change


# each damage: the manifest's new text, given the output folder
DAMAGE: dict[str, Callable[[Path], str | bytes]] = {
    "garbage": lambda out: b"\x00\xff\xfe garbage {",
    "truncated": lambda out: (out / "manifest.json").read_text(encoding="utf-8")[:150],
    "empty": lambda out: "",
    "a string": lambda out: json.dumps("manifest"),
    "briefs a mapping": lambda out: json.dumps({"briefgen": __version__, "briefs": {"a": {}}}),
    "entry a list": lambda out: json.dumps({"briefgen": __version__, "briefs": [["a"]]}),
    "outputs a list": lambda out: _edit(out, _set("a", outputs=["a.md"])),
    "hash a number": lambda out: _edit(out, _set("a", outputs={"a.md": 5, "a.html": 5})),
    "inputs hash a list": lambda out: _edit(out, _set("a", inputs_sha256=["x"])),
    "stale a string": lambda out: _edit(out, _set("a", stale="no")),
    "output ../../victim": lambda out: _edit(out, _gone_brief_with_outputs("../../victim")),
    "output ../../etc/passwd": lambda out: _edit(out, _gone_brief_with_outputs("../../etc/passwd")),
    "absolute output": lambda out: _edit(out, _gone_brief_with_outputs(str(out.parent.parent / "victim"))),
    "output with a NUL": lambda out: _edit(out, _set("a", outputs={"a.md\x00": "0" * 64})),
}


@pytest.fixture
def victims(tmp_path: Path) -> dict[Path, bytes]:
    """Files outside the output folder that a damaged manifest names."""
    files = {tmp_path / "victim": b"keep me", tmp_path / "etc" / "passwd": b"root:x:0:0"}
    for path, data in files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    return files


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_manifest_is_a_warning_and_a_clean_full_rebuild(
    kind: str, project: Path, run: Run, victims: dict[Path, bytes], opened: list[str]
) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    damaged = DAMAGE[kind](out)
    (out / "manifest.json").write_bytes(damaged if isinstance(damaged, bytes) else damaged.encode())
    opened.clear()
    result = build(run)
    read = [p for p in opened if os.path.realpath(p) in {str(v.resolve()) for v in victims}]
    assert read == []
    for path, data in victims.items():
        assert path.read_bytes() == data  # not deleted
    assert_clean_exit(result, 0)
    assert counts(result) == (3, 0, 0)  # nothing skipped on the word of a damaged manifest
    [warning] = messages(result)
    assert re.fullmatch(r"output/manifest\.json: warning: .*unreadable manifest .*; rebuilding everything", warning)
    assert snapshot(out) == good  # the same outputs, manifest and index as a clean build


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_set("a", outputs={"a.md": "0" * 64, "a.html": "0" * 64}), id="output hashes"),
        pytest.param(_set("a", inputs_sha256="0" * 64), id="inputs hash"),
        pytest.param(_set("a", outputs={"a.md": "0" * 64}), id="an output left out"),
    ],
)
def test_edited_hashes_rebuild_the_brief_not_skip_it(
    change: Callable[[dict[str, Any]], None], project: Path, run: Run
) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    (out / "a.md").write_text("tampered", encoding="utf-8")
    (out / "manifest.json").write_text(_edit(out, change), encoding="utf-8")
    result = build(run)
    assert_clean_exit(result, 0)
    assert counts(result)[0] >= 1 and "briefs/a.yaml" in result.stderr
    assert snapshot(out) == good
    assert manifest_problems(out) == []


@pytest.mark.parametrize(
    "fields",
    [{"id": "zzz"}, {"id": "../../x"}, {"id": "b"}],
    ids=["another id", "an escaping id", "the id of another brief"],
)
def test_edited_id_is_detected_not_crashed_on(fields: dict[str, Any], project: Path, run: Run) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    good = snapshot(out)
    (out / "manifest.json").write_text(_edit(out, _set("a", **fields)), encoding="utf-8")
    (project / "briefs" / "c.yaml").write_text(brief("Brief C, revised"), encoding="utf-8")
    result = build(run)
    assert_clean_exit(result, 0)
    assert "unreadable manifest" in result.stderr
    assert counts(result) == (3, 0, 0)
    assert {n: d for n, d in snapshot(out).items() if n.startswith(("a.", "b."))} == {
        n: d for n, d in good.items() if n.startswith(("a.", "b."))
    }
    assert manifest_problems(out) == []


def test_edited_title_is_not_published(project: Path, run: Run) -> None:
    assert build(run).exit_code == 0
    out = project / "output"
    (out / "manifest.json").write_text(_edit(out, _set("a", title="Hand-edited title")), encoding="utf-8")
    build(run)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Hand-edited title" not in index and "Brief A" in index


def test_faults_leave_the_folder_clean_of_temporaries_after_a_good_build(project: Path, run: Run) -> None:
    """The baseline the tests above compare with: a good build leaves only outputs, manifest and index."""
    assert build(run).exit_code == 0
    names = sorted(p.name for p in (project / "output").iterdir() if not p.name.startswith("."))
    assert names == ["a.html", "a.md", "b.html", "b.md", "c.html", "c.md", "index.html", "manifest.json"]
    assert temporaries(project) == []
    shutil.rmtree(project / "output")


# --- a bug met by one brief, at any stage, fails that brief alone


# (module, name) of what each stage calls, as the stage's module sees it
STAGES = {
    "reading": ("briefgen.check", "read_brief"),
    "parsing for its images": ("briefgen.inputs", "parse_source"),
    "hashing its images": ("briefgen.build", "image_digest"),
    "parsing": ("briefgen.check", "parse_source"),
    "validating": ("briefgen.check", "validate"),
    "checking its content": ("briefgen.check", "check_content"),
    "making its Markdown": ("briefgen.formats.md", "render_markdown"),
    "making its HTML": ("briefgen.subject", "render_html"),
    "making its print CSS": ("briefgen.formats.pdf", "render_print_css"),
    "laying out its PDF": ("briefgen.formats.pdf", "write_pdf_here"),
    "writing its files": ("briefgen.produce", "write_all"),
    "recording it": ("briefgen.workers", "entry_for"),
}


NEEDS_AN_IMAGE = {"parsing for its images", "hashing its images"}  # only a brief with images goes there


def _is_brief_b(values: Any) -> bool:
    shown = repr(values)
    return "Brief B" in shown or "b.yaml" in shown or "/b.md" in shown or "/b.html" in shown


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_failure_at_any_stage_fails_that_brief_alone(
    stage: str, project: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    if stage in NEEDS_AN_IMAGE:
        write_tree(
            project, {"briefs/b.yaml": brief("Brief B", "sections:\n  - title: Map\n    body: '![a map](map.png)'\n")}
        )
        (project / "briefs" / "map.png").write_bytes(PNG)
    module, name = STAGES[stage]
    target = importlib.import_module(module)
    real = getattr(target, name)

    def failing(*args: Any, **kwargs: Any) -> Any:
        if _is_brief_b((args, kwargs)):
            raise RuntimeError(f"boom while {stage}")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)
    result = run("build", "--format", "md,html,pdf", "-j", "1")
    assert_clean_exit(result, 1)
    assert counts(result) == (2, 0, 1)
    [line] = messages(result)
    assert line.startswith("briefs/b.yaml: internal error while ") and f"RuntimeError: boom while {stage}" in line
    out = project / "output"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(("a.", "c."))) == sorted(
        f"{n}.{fmt}" for n in "ac" for fmt in ("md", "html", "pdf")
    )
    assert not list(out.glob("b.*")) and temporaries(out) == []
    assert listed(out)["b.yaml"]["errors"] == [line] and manifest_problems(out) == []
    assert "Brief A" in (out / "index.html").read_text(encoding="utf-8")


def test_a_bug_in_render_is_one_line_naming_the_brief(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(importlib.import_module("briefgen.formats.md"), "render_markdown", failing)
    result = run("render", "briefs/a.yaml", "--format", "md")
    assert_clean_exit(result, 1)
    assert result.stderr == "briefs/a.yaml: internal error while rendering it: RuntimeError: boom\n"


# --- only regular files are briefs: a FIFO never hangs a command, a huge file is never read


@pytest.mark.parametrize(
    "command", [["validate", "briefs/b.yaml"], ["build", *FAST, "briefs/b.yaml"], ["render", "briefs/b.yaml"]]
)
def test_a_fifo_named_as_a_brief_is_refused_without_hanging(project: Path, command: list[str]) -> None:
    (project / "briefs" / "b.yaml").unlink()
    os.mkfifo(project / "briefs" / "b.yaml")
    script = Path(sys.executable).with_name("briefgen")
    done = subprocess.run([str(script), *command], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "briefs/b.yaml: not a regular file (a FIFO); a brief must be a file" in done.stderr.splitlines()


def test_a_fifo_in_a_folder_of_briefs_is_passed_over(project: Path) -> None:
    (project / "briefs" / "b.yaml").unlink()
    os.mkfifo(project / "briefs" / "b.yaml")
    script = Path(sys.executable).with_name("briefgen")
    done = subprocess.run([str(script), "build", *FAST], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (project / "output").glob("*.md")) == ["a.md", "c.md"]


def test_a_huge_brief_is_refused_by_its_size_before_it_is_read(project: Path, run: Run) -> None:
    with (project / "briefs" / "b.yaml").open("r+b") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GiB that take no disk
    result = build(run)
    assert_clean_exit(result, 1)
    assert "briefs/b.yaml: file is 3072.0 MiB; a brief may be at most 2 MiB" in messages(result)
    assert counts(result) == (2, 0, 1)
