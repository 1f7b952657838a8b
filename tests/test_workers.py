"""Worker processes for `build -j`: replaced after BRIEFS_PER_WORKER briefs each, without ever hanging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import MINIMAL, build_with_site, settings, write_tree

# Runs a build in a child process with BRIEFS_PER_WORKER = 2 and records each pool's submissions: a pool
# that hangs (ProcessPoolExecutor's max_tasks_per_child, CPython gh-115634) fails the test by its timeout.
BUILD_WITH_SMALL_POOLS = """
import json, sys
from pathlib import Path
import briefgen.workers as workers
from briefgen.build import build
from briefgen.config import Config
from briefgen.project import resolve_project

workers.BRIEFS_PER_WORKER = 2
pools = []

class CountingPool(workers.ProcessPoolExecutor):
    def __init__(self, *args, **kwargs):
        pools.append({"workers": args[0], "submitted": 0, "max_tasks_per_child": kwargs.get("max_tasks_per_child")})
        super().__init__(*args, **kwargs)

    def submit(self, *args, **kwargs):
        pools[-1]["submitted"] += 1
        return super().submit(*args, **kwargs)

workers.ProcessPoolExecutor = CountingPool
project = resolve_project(config=Config(), formats=["md", "html"])
result = build([Path("briefs")], project, jobs=2)
print(json.dumps({"pools": pools, "built": sorted(result.built), "failed": result.failed}))
"""


def test_many_briefs_over_two_workers_use_fresh_pools_and_finish(tmp_path: Path) -> None:
    names = [f"b{i}" for i in range(7)]
    write_tree(tmp_path, {f"briefs/{n}.yaml": MINIMAL.replace("A minimal brief", f"Brief {n}") for n in names})
    done = subprocess.run(
        [sys.executable, "-c", BUILD_WITH_SMALL_POOLS], cwd=tmp_path, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # 2 workers x 2 briefs each per pool: pools of 4 and 3 briefs, none relying on max_tasks_per_child
    assert report["pools"] == [
        {"workers": 2, "submitted": 4, "max_tasks_per_child": None},
        {"workers": 2, "submitted": 3, "max_tasks_per_child": None},
    ]
    assert report["failed"] == []
    assert len(report["built"]) == 7
    for name in names:
        assert f"Brief {name}" in (tmp_path / f"output/{name}.html").read_text(encoding="utf-8")


# Loaded by every Python process of the build (main, forkserver, workers): a brief named "killer" makes
# the worker rendering it die at once, as an out-of-memory kill would.
KILLER = """
import os
import briefgen.workers as workers

real = workers.render_task

def render_task(task, job):
    if "killer" in task.shown:
        os._exit(9)
    return real(task, job)

workers.render_task = render_task
"""


def test_a_worker_that_dies_fails_only_its_brief(tmp_path: Path) -> None:
    names = ["a", "b", "killer", "c", "d", "e"]
    briefs = {f"briefs/{n}.yaml": MINIMAL.replace("A minimal brief", f"Brief {n}") for n in names}
    done = build_with_site(tmp_path, briefs, KILLER, formats="md,html")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "briefs/killer.yaml: rendering failed: the worker process died (BrokenProcessPool)" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("built 5, unchanged 0, failed 1 in ")
    for name in names:
        assert (tmp_path / f"output/{name}.html").exists() == (name != "killer")


# Loaded by every Python process of the build: records which process loads a hyphenation dictionary, and for
# each brief rendered, the worker's pid and how many objects its collector has frozen.
COUNTING = """
import gc, os, pyphen

LOG = os.environ["BRIEFGEN_TEST_LOG"]
real_dict = pyphen.HyphDict.__init__

def counted_dict(self, *args, **kwargs):
    with open(LOG, "a") as log:
        log.write(f"dictionary {os.getpid()}\\n")
    real_dict(self, *args, **kwargs)

pyphen.HyphDict.__init__ = counted_dict  # before briefgen.warm is imported: in the forkserver, that warms up

import briefgen.workers as workers
real_render = workers.render_task

def render_task(task, project):
    with open(LOG, "a") as log:
        log.write(f"brief {os.getpid()} {gc.get_freeze_count()}\\n")
    return real_render(task, project)

workers.render_task = render_task
"""

LONG_WORDS = "summary: " + " ".join(["Internationalisation, responsibilities, characteristically."] * 8) + "\n"


def test_workers_are_forked_warm_and_frozen(tmp_path: Path) -> None:
    briefs = {f"briefs/b{i}.yaml": MINIMAL.replace("summary: The bottom line.\n", LONG_WORDS) for i in range(3)}
    done = build_with_site(tmp_path, briefs, COUNTING)
    assert done.returncode == 0, done.stderr
    log = tmp_path / "log"
    records = [line.split() for line in log.read_text().splitlines()]
    loaders = {int(r[1]) for r in records if r[0] == "dictionary"}
    renders = [(int(r[1]), int(r[2])) for r in records if r[0] == "brief"]
    assert len(renders) == 3
    workers_seen = {pid for pid, _ in renders}
    assert len(loaders) == 1 and not loaders & workers_seen  # loaded once, before any worker was forked
    assert all(frozen > 10_000 for _, frozen in renders)  # the warm-up's objects, frozen before the fork


def test_the_workers_warm_the_hyphenation_of_every_language_the_briefs_name() -> None:
    from briefgen.workers import languages_named, warm_languages

    raws = [b"title: x\nlanguage: fr\n", b"language: 'de-AT' # Austrian\n", b"  language: ja\n", b"title: y\n"]
    assert languages_named(raws) == {"fr", "de-AT"}  # a nested `language:` is no brief's language
    assert warm_languages(settings(), {"fr", "de-AT", "en-GB", "bad tag"}) == ["en-GB", "de-AT", "fr"]
