"""Render briefs in worker processes: forked from one that imported WeasyPrint once, replaced after a while."""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable, Generator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.config import Config
from briefgen.errors import BriefgenError, Problem
from briefgen.manifest import Entry

if TYPE_CHECKING:
    from briefgen.render import Theme

# A long-lived WeasyPrint process keeps growing (about 0.25 MB a render): replace workers now and then.
# Not with ProcessPoolExecutor(max_tasks_per_child=...): on Python 3.11, and later releases without the
# fix, a pool that replaces a worker while tasks are queued can stop scheduling and hang for ever (CPython
# gh-115634). Instead each BRIEFS_PER_WORKER briefs per worker get a fresh pool, forked from the same
# warm forkserver.
BRIEFS_PER_WORKER = 25

# Called with ("start" | "done", source path, status or "", seconds) as briefs go by.
Report = Callable[[str, str, str, float], None]


@dataclass
class Task:
    """One brief to render: its bytes as read when its hash was taken, so both agree."""

    path: Path
    shown: str  # as the writer sees it, relative to the working folder
    key: str  # as the manifest knows it
    raw: bytes
    source_sha256: str
    inputs_sha256: str


@dataclass
class Done:
    """What rendering one brief gave back."""

    task: Task
    entry: Entry | None = None
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Job:
    """The settings every brief of one build shares."""

    config: Config
    out_dir: Path
    formats: tuple[str, ...]
    theme: Theme
    variant: str
    allow_remote: bool


def run(tasks: list[Task], job: Job, jobs: int, report: Report) -> Generator[Done, None, None]:
    """Render the tasks here (one job: WeasyPrint stays warm in this process) or in worker processes."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            report("start", task.shown, "", 0.0)
            done = render_task(task, job)
            report("done", task.shown, "built" if done.entry else "failed", done.seconds)
            yield done
        return
    for task in tasks:
        report("start", task.shown, "", 0.0)
    pending = list(tasks)
    # a worker that dies (killed, out of memory) breaks the whole pool; run what is left in a new one,
    # and after a second break one brief per pool, so only the brief that kills its worker fails
    for _attempt in range(2):
        pending = yield from _in_pools(pending, job, min(jobs, len(pending)), report)
        if not pending:
            return
    for task in pending:
        left = yield from _in_pool([task], job, 1, report)
        for lost in left:
            message = f"rendering failed: the worker process died ({BrokenProcessPool.__name__})"
            done = Done(lost, problems=[Problem(lost.shown, 0, 0, "", message)])
            report("done", lost.shown, "failed", 0.0)
            yield done


def _in_pools(tasks: list[Task], job: Job, workers: int, report: Report) -> Generator[Done, None, list[Task]]:
    """Run tasks in a fresh pool per BRIEFS_PER_WORKER briefs per worker; return the tasks lost to broken pools."""
    batch = workers * BRIEFS_PER_WORKER
    lost: list[Task] = []
    for start in range(0, len(tasks), batch):
        lost += yield from _in_pool(tasks[start : start + batch], job, workers, report)
    return lost


def _in_pool(tasks: list[Task], job: Job, workers: int, report: Report) -> Generator[Done, None, list[Task]]:
    """Run tasks in one pool; yield what finished and return the tasks lost to a broken pool."""
    context = multiprocessing.get_context("forkserver")
    preload = ["briefgen.render", "briefgen.pdf"] if "pdf" in job.formats else ["briefgen.render"]
    context.set_forkserver_preload(preload)
    pool = ProcessPoolExecutor(min(workers, len(tasks)), mp_context=context)
    futures: dict[Future[Done], Task] = {pool.submit(render_task, task, job): task for task in tasks}
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
                report("done", task.shown, "built" if done.entry else "failed", done.seconds)
                yield done
                unreported.discard(future)  # only now: interrupted before, it is yielded again (callers dedupe)
    except (KeyboardInterrupt, GeneratorExit):
        # queued briefs are not started; the ones being rendered finish, and their results still count
        pool.shutdown(wait=True, cancel_futures=True)
        late = [f.result() for f in unreported if f.done() and not f.cancelled() and f.exception() is None]
        if late and not isinstance(sys.exc_info()[1], GeneratorExit):
            for done in late:
                report("done", done.task.shown, "built" if done.entry else "failed", done.seconds)
                yield done
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return lost


def render_task(task: Task, job: Job) -> Done:
    """Load, validate and render one brief; never raise (a failure is returned as problems)."""
    from briefgen.build import first_sentence, render_brief
    from briefgen.load import parse_source
    from briefgen.manifest import sha256
    from briefgen.model import validate

    started = time.perf_counter()
    done = Done(task)
    try:
        source = parse_source(task.raw, task.shown)
        brief = validate(source, classification=job.config.classification)
        rendered = render_brief(
            source,
            brief,
            job.config,
            job.out_dir,
            job.formats,
            theme=job.theme,
            variant=job.variant,
            allow_remote=job.allow_remote,
            path=task.path,
        )
    except BriefgenError as exc:
        done.problems = exc.problems
    except OSError as exc:  # disk full, folder not writable
        where = exc.filename or job.out_dir
        done.problems = [Problem(task.shown, 0, 0, "", f"cannot write {where}: {exc.strerror or exc}")]
    except Exception as exc:  # a bug must not take the other briefs down; say which brief hit it
        done.problems = [Problem(task.shown, 0, 0, "", f"internal error while rendering: {exc!r}")]
    else:
        done.problems = rendered.warnings  # the brief's own warnings were reported when it was validated
        done.outputs = rendered.outputs
        done.entry = Entry(
            id=rendered.id,
            source=task.key,
            source_sha256=task.source_sha256,
            inputs_sha256=task.inputs_sha256,
            outputs={p.name: sha256(p.read_bytes()) for p in rendered.outputs},
            title=brief.title,
            subtitle=brief.subtitle or "",
            date=brief.date.isoformat(),
            updated=brief.updated.isoformat() if brief.updated else "",
            status=brief.status,
            classification=brief.classification or "",
            tags=list(brief.tags),
            lead=first_sentence(brief.summary),
        )
    done.seconds = time.perf_counter() - started
    return done


__all__ = ["BRIEFS_PER_WORKER", "Done", "Job", "Report", "Task", "render_task", "run"]
