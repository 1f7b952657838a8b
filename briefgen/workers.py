"""Render briefs in worker processes: forked from one that imported WeasyPrint once, replaced after a while."""

from __future__ import annotations

import contextlib
import enum
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import forkserver, resource_tracker
from pathlib import Path

from briefgen.check import Valid
from briefgen.errors import BriefgenError, Problem
from briefgen.formats import FORMATS
from briefgen.load import find_briefs
from briefgen.manifest import Entry, entry_for, sha256
from briefgen.produce import make_outputs, write_outputs
from briefgen.project import Project
from briefgen.translation import links_digest
from briefgen.warm import WARM_FORMATS, WARM_LANGUAGES

# A long-lived WeasyPrint process keeps growing (about 0.25 MB a render): replace workers now and then.
# Not with ProcessPoolExecutor(max_tasks_per_child=...): on Python 3.11, and later releases without the
# fix, a pool that replaces a worker while tasks are queued can stop scheduling and hang for ever (CPython
# gh-115634). Instead each BRIEFS_PER_WORKER briefs per worker get a fresh pool, forked from the same
# warm forkserver.
BRIEFS_PER_WORKER = 25


class Step(enum.Enum):
    """What happened to a brief, as the build reports it."""

    START = "start"  # its rendering begins
    BUILT = "built"
    UNCHANGED = "unchanged"
    FAILED = "failed"


# Called with (step, the brief as the writer sees its path, seconds) as briefs go by.
Report = Callable[[Step, str, float], None]


@dataclass
class Task:
    """One brief to render, validated already, with the hashes of the bytes it was validated from."""

    valid: Valid
    key: str  # as the manifest knows it
    source_sha256: str
    inputs_sha256: str

    @property
    def shown(self) -> str:
        """The brief as the writer sees its path."""
        return self.valid.source.name


@dataclass
class Done:
    """What rendering one brief gave back."""

    task: Task
    entry: Entry | None = None
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def _finished(done: Done) -> Step:
    return Step.BUILT if done.entry else Step.FAILED


def run(tasks: list[Task], project: Project, jobs: int, report: Report) -> Generator[Done, None, None]:
    """Render the tasks here (one job: WeasyPrint stays warm in this process) or in worker processes."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            report(Step.START, task.shown, 0.0)
            done = render_task(task, project)
            report(_finished(done), task.shown, done.seconds)
            yield done
        return
    # the longest first (by the size of their source): a long brief left for last would keep one core busy
    # while the others idle; sorted is stable, so briefs of one size keep their order
    pending = sorted(tasks, key=lambda task: -len(task.valid.source.text))
    for task in pending:
        report(Step.START, task.shown, 0.0)
    # a worker that dies (killed, out of memory) breaks the whole pool; run what is left in a new one,
    # and after a second break one brief per pool, so only the brief that kills its worker fails
    for _attempt in range(2):
        pending = yield from _in_pools(pending, project, min(jobs, len(pending)), report)
        if not pending:
            return
    for task in pending:
        left = yield from _in_pool([task], project, 1, report)
        for lost in left:
            message = f"rendering failed: the worker process died ({BrokenProcessPool.__name__})"
            done = Done(lost, problems=[Problem(lost.shown, 0, 0, "", message)])
            report(Step.FAILED, lost.shown, 0.0)
            yield done


def _in_pools(tasks: list[Task], project: Project, workers: int, report: Report) -> Generator[Done, None, list[Task]]:
    """Run tasks in a fresh pool per BRIEFS_PER_WORKER briefs per worker; return the tasks lost to broken pools."""
    batch = workers * BRIEFS_PER_WORKER
    lost: list[Task] = []
    for start in range(0, len(tasks), batch):
        lost += yield from _in_pool(tasks[start : start + batch], project, workers, report)
    return lost


def _in_pool(tasks: list[Task], project: Project, workers: int, report: Report) -> Generator[Done, None, list[Task]]:
    """Run tasks in one pool; yield what finished and return the tasks lost to a broken pool."""
    context = warm_workers(project)
    pool = ProcessPoolExecutor(min(workers, len(tasks)), mp_context=context)
    futures: dict[Future[Done], Task] = {pool.submit(render_task, task, project): task for task in tasks}
    lost: list[Task] = []
    unreported = set(futures)  # an interrupt may come between any two lines: count what was not yet yielded
    try:
        while unreported:
            finished, _ = wait(unreported, return_when="FIRST_COMPLETED")
            for future in finished:
                task = futures[future]
                try:
                    done = future.result()
                except BrokenProcessPool:
                    unreported.discard(future)
                    lost.append(task)
                    continue
                except Exception as exc:
                    done = Done(task, problems=[Problem(task.shown, 0, 0, "", f"rendering failed: {exc!r}")])
                report(_finished(done), task.shown, done.seconds)
                yield done
                unreported.discard(future)  # only now: interrupted before, it is yielded again (callers dedupe)
    except (KeyboardInterrupt, GeneratorExit):
        # queued briefs are not started; the ones being rendered finish, and their results still count
        pool.shutdown(wait=True, cancel_futures=True)
        late = [f.result() for f in unreported if f.done() and not f.cancelled() and f.exception() is None]
        if late and not isinstance(sys.exc_info()[1], GeneratorExit):
            for done in late:
                report(_finished(done), done.task.shown, done.seconds)
                yield done
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return lost


MAX_WARM_LANGUAGES = 8


def warm_workers(project: Project, languages: Iterable[str] = ()) -> multiprocessing.context.BaseContext:
    """The forkserver context, its server started: it imports what a render needs (WeasyPrint alone takes about
    0.8 s) and renders a throwaway brief (warm.py) before it forks any worker, once per build (renewed pools
    fork from it), with the hyphenation of the project's language and of ``languages`` (the briefs' own).
    Returns at once: the warm-up runs while the caller carries on."""
    context = multiprocessing.get_context("forkserver")
    formats = [FORMATS[name] for name in project.formats]
    preload = ["briefgen.produce", *(f.module for f in formats)]
    pdf = ["briefgen.pdf"] * any(f.needs_pdf_engine for f in formats)
    # briefgen.workers too: a worker's first task names render_task, which would otherwise import it then
    context.set_forkserver_preload([*preload, *pdf, "briefgen.warm", "briefgen.workers"])
    told = {WARM_LANGUAGES: ",".join(warm_languages(project, languages)), WARM_FORMATS: ",".join(project.formats)}
    resource_tracker.ensure_running()  # the forkserver starts it otherwise, with the variables below set
    saved = {name: os.environ.get(name) for name in told}
    os.environ.update(told)  # read by the forkserver as it starts, and by no other process
    try:
        forkserver.ensure_running()  # a no-op once it runs: later pools of this build fork from the same one
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return context


def warm_languages(project: Project, languages: Iterable[str] = ()) -> list[str]:
    """The languages whose hyphenation dictionaries the workers load before their first brief: the project's,
    then the others named (at most a few: each dictionary costs the forkserver some memory)."""
    others = sorted({lang for lang in languages if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang)})
    return [project.language, *[lang for lang in others if lang != project.language][:MAX_WARM_LANGUAGES]]


def render_task(task: Task, project: Project) -> Done:
    """Render one validated brief; never raise (a failure is returned as problems)."""
    started = time.perf_counter()
    done = Done(task)
    try:
        files, warnings = make_outputs(task.valid, project)
        digests = {name: sha256(data) for name, data in files.items()}
        # the entry before the files: a brief that cannot be recorded writes nothing
        entry = entry_for(task.valid.brief, task.key, task.source_sha256, task.inputs_sha256, digests)
        entry = replace(entry, links=links_digest(task.valid.alternates))  # the languages its page links
        written = write_outputs(files, project)
    except BriefgenError as exc:
        done.problems = exc.problems
    except OSError as exc:  # disk full, folder not writable
        where = exc.filename or project.out_dir
        done.problems = [Problem(task.shown, 0, 0, "", f"cannot write {where}: {exc.strerror or exc}")]
    except Exception as exc:  # a bug must not take the other briefs down; say which brief hit it
        done.problems = [Problem.internal(task.shown, "rendering it", exc)]
    else:
        done.problems = warnings  # the brief's own warnings were reported when it was validated
        done.outputs = written
        done.entry = entry
    done.seconds = time.perf_counter() - started
    return done


__all__ = ["BRIEFS_PER_WORKER", "Done", "Report", "Step", "Task", "render_task", "run", "warm_workers"]


def warm_early(paths: list[Path], project: Project) -> bool:
    """Start the workers' warm-up before the briefs are planned, with the languages their bytes name; False
    when there are fewer than two briefs under ``paths`` (no worker is needed)."""
    files, _ = find_briefs(paths)
    if len(files) < 2:
        return False
    raws = []
    for path in files:  # a glance only: the build reads each brief again, with all its checks
        if path.is_file():  # never open a FIFO or a device
            with contextlib.suppress(OSError), path.open("rb") as file:  # unreadable: reported when read again
                raws.append(file.read(_GLANCE))
    warm_workers(project, languages_named(raws))
    return True


_GLANCE = 1 << 20  # bytes of each brief read for its `language:` (a longer brief's may then be missed)


_LANGUAGE = re.compile(rb"""^language:[ \t]*["']?([A-Za-z0-9-]{2,35})["']?[ \t]*(?:#.*)?\r?$""", re.M)


def languages_named(raws: Iterable[bytes]) -> set[str]:
    """The languages briefs name (`language:` at the top level), read from their bytes before validation."""
    return {match[1].decode() for raw in raws for match in _LANGUAGE.finditer(raw)}
