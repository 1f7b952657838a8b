"""`build -j` as fast as its cores allow (issue #17): workers forked warm, so that their first brief does no
set-up the others skip; cffi's array types parsed once; the longest briefs first. Counts, not times."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path

import pytest
from helpers import (
    EXAMPLE_BRIEF,
    PROJECT,
    REAL_BRIEF,
    brief,
    build_with_site,
    load,
    minimal_data,
    settings,
    write_brief,
    write_tree,
)

from briefgen.build import build

# Loaded by every Python process of the build: counts the set-up work a render may do only once per process
# (cffi parsing a C type, Jinja compiling a template, a hyphenation dictionary loaded, a subprocess such as
# fc-list, a module imported), and logs, for each brief, its worker and what it did of each.
COLD_WORK = """
import json, os, sys
import cffi.api, jinja2, pyphen, subprocess

LOG = os.environ["BRIEFGEN_TEST_LOG"]
counts = {"cffi types": 0, "templates": 0, "dictionaries": 0, "subprocesses": 0}

def counting(cls, name, what, missed=lambda self, *args: True):
    real = getattr(cls, name)
    def counted(self, *args, **kwargs):
        if missed(self, *args):
            counts[what] += 1
        return real(self, *args, **kwargs)
    setattr(cls, name, counted)

counting(cffi.api.FFI, "_typeof_locked", "cffi types", lambda self, cdecl: cdecl not in self._parsed_types)
counting(jinja2.Environment, "compile", "templates")
counting(pyphen.HyphDict, "__init__", "dictionaries")
counting(subprocess.Popen, "__init__", "subprocesses")

import briefgen.workers as workers
real_render = workers.render_task

def render_task(task, project):
    before, modules = dict(counts), set(sys.modules)
    done = real_render(task, project)
    cold = {what: counts[what] - before[what] for what in counts}
    cold["modules"] = sorted(set(sys.modules) - modules)
    with open(LOG, "a") as log:
        log.write(json.dumps({"pid": os.getpid(), "brief": task.shown, "cold": cold, "ok": bool(done.entry)}) + "\\n")
    return done

workers.render_task = render_task
"""


def _variants(folder: Path, base: Path, names: list[str]) -> dict[str, str]:
    text = base.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    return {f"{folder}/{n}.yaml": text.replace(title, f'title: "{n}: a variant"', 1) for n in names}


def test_each_workers_first_brief_does_no_set_up_the_others_skip(tmp_path: Path) -> None:
    # two unlike briefs, one of them twice: whichever a worker gets first must find everything it needs set up
    briefs = {**_variants(Path("briefs"), EXAMPLE_BRIEF, ["a", "b"]), **_variants(Path("briefs"), REAL_BRIEF, ["c"])}
    done = build_with_site(tmp_path, briefs, COLD_WORK, timeout=600)
    assert done.returncode == 0, done.stderr
    log = tmp_path / "log"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(r["brief"] for r in records) == [f"briefs/{n}.yaml" for n in "abc"]
    assert len({r["pid"] for r in records}) == 2  # both workers rendered, so each had a first brief
    assert all(r["ok"] for r in records)
    nothing = {"cffi types": 0, "templates": 0, "dictionaries": 0, "subprocesses": 0, "modules": []}
    assert [r["cold"] for r in records] == [nothing] * 3, records


def test_cffi_parses_an_array_type_once_whatever_its_length() -> None:
    import cffi.api
    import weasyprint.pdf.fonts
    import weasyprint.text.ffi

    import briefgen.pdf  # noqa: F401  # makes WeasyPrint's font subsetter parse its array types once

    ffi = weasyprint.pdf.fonts.ffi  # what the subsetter calls
    assert "new" not in vars(weasyprint.text.ffi.ffi)  # the text layout's own calls go to cffi directly

    parsed: list[str] = []
    real = cffi.api.FFI._typeof_locked

    def spy(self: cffi.api.FFI, cdecl: str) -> object:
        parsed.append(cdecl)
        return real(self, cdecl)

    cffi.api.FFI._typeof_locked = spy  # type: ignore[method-assign]
    try:
        arrays = [ffi.new(f"hb_codepoint_t[{n}]", list(range(7, 7 + n))) for n in (3, 1234, 4321, 3)]
        sized = ffi.new("hb_tag_t[17]")  # no values: the sized type, as asked
    finally:
        cffi.api.FFI._typeof_locked = real  # type: ignore[method-assign]
    assert [list(a) for a in arrays] == [list(range(7, 7 + n)) for n in (3, 1234, 4321, 3)]
    assert [ffi.sizeof(a) for a in arrays] == [4 * n for n in (3, 1234, 4321, 3)]
    assert len(sized) == 17 and ffi.sizeof(sized) == 68
    text = ffi.new("char[3]", b"abc")  # text keeps cffi's own sizing: char[] would add a NUL
    assert ffi.sizeof(text) == 3 and ffi.sizeof(ffi.new("char[]", b"abc")) == 4
    assert not [cdecl for cdecl in parsed if cdecl.startswith("hb_codepoint_t[") and cdecl != "hb_codepoint_t[]"]


def test_the_longest_briefs_are_rendered_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import workers

    sizes = {"short": 1, "long": 40, "middle": 10, "also-middle": 10}
    tasks = [
        workers.Task(load(write_brief(tmp_path, name, minimal_data(summary="Words. " * n))), name, "", "")
        for name, n in sizes.items()
    ]
    given: list[str] = []

    def in_pools(pending: list[workers.Task], *args: object) -> Generator[workers.Done, None, list[workers.Task]]:
        given.extend(task.key for task in pending)
        return []
        yield

    monkeypatch.setattr(workers, "_in_pools", in_pools)
    started: list[str] = []
    assert list(workers.run(tasks, PROJECT, 2, lambda step, name, _: started.append(Path(name).stem))) == []
    assert given == started == ["long", "middle", "also-middle", "short"]  # briefs of one size in their order


Calls = list[tuple[str, object]]


@pytest.fixture
def warm_calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """When the build starts the workers' warm-up, and with which languages, next to when it plans; the
    briefs are then rendered here, one by one (no process is started)."""
    from briefgen import build as building
    from briefgen import workers

    calls: Calls = []
    plan = building._Build._plan

    def planned(self: building._Build, paths: list[Path], force: bool) -> object:
        calls.append(("plan", None))
        return plan(self, paths, force)

    monkeypatch.setattr(building._Build, "_plan", planned)

    def warm(project: object, languages: object) -> None:
        calls.append(("warm", set(languages)))  # type: ignore[call-overload]

    monkeypatch.setattr(building, "warm_workers", warm)
    monkeypatch.setattr(workers, "warm_workers", warm)  # the early warm-up (workers.warm_early)
    monkeypatch.setattr(building, "run", lambda tasks, project, jobs, report: workers.run(tasks, project, 1, report))
    return calls


def test_a_full_build_starts_the_warm_up_before_it_plans(tmp_path: Path, warm_calls: Calls) -> None:
    write_tree(tmp_path, {"briefs/a.yaml": brief("A", "language: fr\n"), "briefs/b.yaml": brief("B")})
    project = settings(formats=("md", "html"), out_dir=tmp_path / "out")
    first = build([tmp_path / "briefs"], project, jobs=2)  # a first build: every brief is rendered
    assert len(first.built) == 2
    assert warm_calls == [("warm", {"fr"}), ("plan", None)]
    warm_calls.clear()
    build([tmp_path / "briefs"], project, jobs=2, force=True)
    assert warm_calls == [("warm", {"fr"}), ("plan", None)]
    warm_calls.clear()
    (tmp_path / "briefs/b.yaml").write_text(brief("B, again", "language: de\n"), encoding="utf-8")
    (tmp_path / "briefs/c.yaml").write_text(brief("C"), encoding="utf-8")
    build([tmp_path / "briefs"], project, jobs=2)  # two of three changed: known once they are planned
    assert warm_calls == [("plan", None), ("warm", {"de"})]
    warm_calls.clear()
    (tmp_path / "briefs/c.yaml").write_text(brief("C, again"), encoding="utf-8")
    assert len(build([tmp_path / "briefs"], project, jobs=2).built) == 1
    assert warm_calls == [("plan", None)]  # one brief to render: rendered here, no worker started
    warm_calls.clear()
    build([tmp_path / "briefs"], project, jobs=1, force=True)
    assert warm_calls == [("plan", None)]


def test_a_shard_starts_the_warm_up_once_it_knows_its_share(tmp_path: Path, warm_calls: Calls) -> None:
    # a shard's share is by a hash of the (temporary) path: of twenty, fewer than two in it once in 50,000 runs
    write_tree(tmp_path, {f"briefs/{n}.yaml": brief(n.upper()) for n in "abcdefghijklmnopqrst"})
    project = settings(formats=("md", "html"), out_dir=tmp_path / "out")
    built = build([tmp_path / "briefs"], project, jobs=2, force=True, shard=(1, 2)).built
    assert len(built) >= 2  # this shard's share of the twenty
    assert warm_calls == [("plan", None), ("warm", set())]
