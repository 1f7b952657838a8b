"""Many briefs at once: check them, render what changed (in parallel), keep the manifest and the index page."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.config import Config
from briefgen.errors import BriefgenError, Problem
from briefgen.load import Source, find_briefs, load_source
from briefgen.manifest import (
    MANIFEST,
    Entry,
    Manifest,
    ManifestError,
    environment_hash,
    is_output_name,
    parse_manifest,
    read_manifest,
    sha256,
    shard_manifest_name,
    shard_manifests,
)
from briefgen.model import CITATION_RE, Brief, validate
from briefgen.pdf_variants import DEFAULT_VARIANT
from briefgen.resources import Policy, Refused

if TYPE_CHECKING:
    from briefgen.render import Theme


@dataclass
class Checked:
    """The outcome of loading and validating a set of briefs."""

    briefs: list[tuple[Source, Brief]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check(paths: list[Path], config: Config, today: dt.date | None = None) -> Checked:
    """Load and validate every brief under ``paths``; collect every problem of every file."""
    files, problems = find_briefs(paths)
    result = Checked(problems=problems)
    owners: dict[str, str] = {}
    for path in files:
        shown = display_path(path)
        try:
            source = load_source(path, shown)
            brief = validate(source, classification=config.classification, today=today)
        except BriefgenError as exc:
            result.problems.extend(exc.problems)
            result.failed.append(shown)
            continue
        result.problems.extend(source.problems)
        assert brief.id is not None
        if brief.id in owners:
            line, col = source.locate(("id",))
            result.problems.append(
                Problem(shown, line, col, "id", f"id '{brief.id}' is already used by {owners[brief.id]}")
            )
            result.failed.append(shown)
            continue
        owners[brief.id] = shown
        result.briefs.append((source, brief))
    return result


FORMATS = ("md", "html", "pdf")


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder, so no reader sees half a file."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def render_brief(
    source: Source,
    brief: Brief,
    config: Config,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    theme: Theme | None = None,
    variant: str | None = None,
    allow_remote: bool = False,
) -> RenderResult:
    """Render one brief to the requested formats in ``out_dir``; a failure leaves earlier outputs untouched."""
    from briefgen.render import Theme, collect_images, render_html, render_markdown, render_print_css

    theme = theme or Theme.from_config(config)
    policy = Policy(config.root or Path(source.path).parent, allow_remote)

    result = RenderResult(brief.id or source.stem)
    # everything is made in memory first: a brief that fails in any format leaves all its old outputs alone
    outputs: dict[str, bytes] = {}
    images = collect_images(source, policy)  # every format: a refused image fails the brief everywhere
    if "md" in formats:
        outputs["md"] = render_markdown(brief, config, theme).encode()
    if "html" in formats or "pdf" in formats:
        html = render_html(brief, config, theme, images)
        if "html" in formats:
            outputs["html"] = html.encode()
        if "pdf" in formats:
            from briefgen import pdf

            data, warnings = pdf.write_pdf(
                html,
                render_print_css(brief, config, theme),
                name=source.path,
                variant=variant or DEFAULT_VARIANT,
                policy=policy,
                base_dir=theme.folder or policy.project_dir,
            )
            missing, warnings = pdf.split_notdef(warnings)
            if missing:  # a PDF with empty boxes for names is not shipped
                raise BriefgenError(pdf.glyph_problems(source, missing))
            outputs["pdf"] = data
            result.warnings += [Problem(source.path, 0, 0, "pdf", w, "warning") for w in warnings]
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        if fmt in outputs:
            target = out_dir / f"{result.id}.{fmt}"
            write_atomic(target, outputs[fmt])
            result.outputs.append(target)
    return result


@dataclass
class RenderResult:
    """What rendering one brief produced."""

    id: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class BuildResult:
    """The outcome of building many briefs."""

    built: list[str] = field(default_factory=list)  # source paths
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # output files of deleted briefs
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False


@dataclass
class _Task:
    path: Path
    shown: str
    source_sha256: str
    inputs_sha256: str


@dataclass
class _Done:
    """What a worker sends back for one brief."""

    task: _Task
    entry: Entry | None = None
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


# Called with ("start" | "done", source path, status or "", seconds) as briefs go by.
Report = Callable[[str, str, str, float], None]


def select_shard(files: list[str], shard: tuple[int, int] | None) -> list[str]:
    """Keep the briefs of shard K of N: by a hash of the path, so adding a brief moves no other."""
    if shard is None:
        return files
    k, n = shard
    return [f for f in files if int(sha256(f.encode())[:8], 16) % n == k - 1]


def build(
    paths: list[Path],
    config: Config,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    theme: Theme | None = None,
    variant: str | None = None,
    jobs: int = 1,
    force: bool = False,
    shard: tuple[int, int] | None = None,
    report: Report | None = None,
    allow_remote: bool = False,
) -> BuildResult:
    """Render every brief under ``paths`` that changed since the last build; one failure stops no other."""
    from briefgen.render import TEMPLATES_DIR, Theme

    started = time.perf_counter()
    theme = theme or Theme.from_config(config)
    variant = variant or DEFAULT_VARIANT
    report = report or (lambda *args: None)
    result = BuildResult()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _remove_leftover_temporaries(out_dir)
    except OSError as exc:
        raise BriefgenError.at(str(out_dir), f"cannot use the output folder: {exc.strerror or exc}") from None
    manifest_name = shard_manifest_name(shard) if shard else MANIFEST
    old, warning = read_manifest(out_dir) if not shard else (Manifest(), None)
    if warning:
        result.problems.append(Problem(str(out_dir / MANIFEST), 0, 0, "", warning, "warning"))
    env = environment_hash(config, [p for p in (theme.folder, TEMPLATES_DIR) if p], formats, variant)
    env = sha256(f"{env} remote={allow_remote}".encode())

    files, not_found = find_briefs(paths)
    result.problems += not_found
    shown = {display_path(f): f for f in files}
    manifest = Manifest()
    tasks: list[_Task] = []
    for name in select_shard(sorted(shown), shard):
        try:
            raw = shown[name].read_bytes()
        except OSError as exc:
            result.problems.append(Problem(name, 0, 0, "", f"cannot read file: {exc.strerror or exc}"))
            result.failed.append(name)
            continue
        assets = _asset_digest(raw, shown[name], Policy(config.root or shown[name].parent, allow_remote))
        task = _Task(shown[name], name, sha256(raw), sha256((env + sha256(raw) + assets).encode()))
        previous = old.entries.get(name)
        if not force and previous and _up_to_date(previous, task, out_dir):
            manifest.entries[name] = previous
            result.unchanged.append(name)
            report("done", name, "unchanged", 0.0)
        else:
            tasks.append(task)

    tasks = _validate_first(tasks, manifest, config, result, old, report)
    dropped: list[str] = []  # outputs a rebuilt brief no longer has (a format left out, an id changed)
    try:
        for done in _run(tasks, config, out_dir, formats, theme, variant, allow_remote, jobs, report):
            if done.entry is None:
                _fail(done.task, done.problems, manifest, result, old)
            else:
                result.problems += done.problems
                manifest.entries[done.task.shown] = done.entry
                result.built.append(done.task.shown)
                result.outputs += done.outputs
                previous = old.entries.get(done.task.shown)
                dropped += [n for n in (previous.outputs if previous else {}) if n not in done.entry.outputs]
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: what is done is complete; the rest keeps its old outputs
        result.interrupted = True
        for task in tasks:
            if task.shown not in manifest.entries and task.shown in old.entries:
                manifest.entries[task.shown] = old.entries[task.shown]
    try:
        result.removed = _remove_unowned(dropped, manifest, out_dir)
        if not shard and not result.interrupted:
            result.removed += _remove_deleted(old, manifest, out_dir)
        write_atomic(out_dir / manifest_name, manifest.to_json().encode())
        if not shard:
            write_index(out_dir, manifest, config, theme)
    except OSError as exc:
        message = f"cannot write the manifest or index: {exc.strerror or exc}; the previous ones are unchanged"
        raise BriefgenError.at(str(out_dir), message) from None
    result.seconds = time.perf_counter() - started
    return result


_IMAGE_SRC = re.compile(rb"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def _asset_digest(raw: bytes, path: Path, policy: Policy) -> str:
    """Hash the local images a brief uses, so that editing an image rebuilds the brief."""
    if b"![" not in raw:
        return ""
    digest = sha256(b"")
    for match in _IMAGE_SRC.finditer(raw):
        src = match.group(1).decode("utf-8", "replace")
        if "://" in src or src.startswith("data:"):
            continue
        try:
            digest = sha256((digest + src + sha256(policy.read(src, path.parent))).encode())
        except Refused:
            digest = sha256((digest + src + "refused").encode())
    return digest


def _up_to_date(entry: Entry, task: _Task, out_dir: Path) -> bool:
    if entry.inputs_sha256 != task.inputs_sha256 or entry.errors or not entry.outputs:
        return False
    for name, digest in entry.outputs.items():
        try:
            if sha256((out_dir / name).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _run(
    tasks: list[_Task],
    config: Config,
    out_dir: Path,
    formats: tuple[str, ...],
    theme: Theme,
    variant: str,
    allow_remote: bool,
    jobs: int,
    report: Report,
) -> Iterator[_Done]:
    """Render the tasks here (one job: WeasyPrint stays warm in this process) or in worker processes."""
    args = (config, out_dir, formats, theme, variant, allow_remote)
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            report("start", task.shown, "", 0.0)
            done = _render_task(task, *args)
            report("done", task.shown, "built" if done.entry else "failed", done.seconds)
            yield done
        return
    # Workers fork from a server that has imported WeasyPrint once; each is replaced after a bounded
    # number of briefs, since a long-lived WeasyPrint process keeps growing.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["briefgen.pdf", "briefgen.render"])
    with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=context, max_tasks_per_child=BRIEFS_PER_WORKER) as pool:
        futures = {}
        for task in tasks:
            report("start", task.shown, "", 0.0)
            futures[pool.submit(_render_task, task, *args)] = task
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    done = future.result()
                except Exception as exc:  # a worker that died (killed, out of memory) fails its brief only
                    done = _Done(task, problems=[Problem(task.shown, 0, 0, "", f"rendering failed: {exc!r}")])
                report("done", task.shown, "built" if done.entry else "failed", done.seconds)
                yield done
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)  # queued briefs are not started
            raise


BRIEFS_PER_WORKER = 25


def _render_task(
    task: _Task,
    config: Config,
    out_dir: Path,
    formats: tuple[str, ...],
    theme: Theme,
    variant: str,
    allow_remote: bool,
) -> _Done:
    """Load, validate and render one brief; never raise (a failure is returned as problems)."""
    started = time.perf_counter()
    done = _Done(task)
    try:
        source = load_source(task.path, task.shown)
        brief = validate(source, classification=config.classification)
        rendered = render_brief(
            source, brief, config, out_dir, formats, theme=theme, variant=variant, allow_remote=allow_remote
        )
    except BriefgenError as exc:
        done.problems = exc.problems
    except OSError as exc:  # disk full, folder not writable, the brief deleted meanwhile
        where = exc.filename or out_dir
        done.problems = [Problem(task.shown, 0, 0, "", f"cannot write {where}: {exc.strerror or exc}")]
    except Exception as exc:  # a bug must not take the other briefs down; say which brief hit it
        done.problems = [Problem(task.shown, 0, 0, "", f"internal error while rendering: {exc!r}")]
    else:
        done.problems = rendered.warnings  # the brief's own warnings were reported when it was validated
        done.outputs = rendered.outputs
        done.entry = Entry(
            id=rendered.id,
            source=task.shown,
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


def first_sentence(markdown_text: str) -> str:
    """The first sentence of a Markdown summary, as plain text without citations."""
    text = " ".join(CITATION_RE.sub("", markdown_text).split())
    text = re.sub(r"[*_`]", "", text)
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).replace(" .", ".")


def _validate_first(
    tasks: list[_Task], manifest: Manifest, config: Config, result: BuildResult, old: Manifest, report: Report
) -> list[_Task]:
    """Validate changed briefs here, before any rendering, so that a bad or clashing one writes nothing."""
    owners = {e.id: name for name, e in manifest.entries.items() if e.id}
    ready = []
    for task in tasks:
        try:
            source = load_source(task.path, task.shown)
            brief = validate(source, classification=config.classification)
        except BriefgenError as exc:
            _fail(task, exc.problems, manifest, result, old)
            report("done", task.shown, "failed", 0.0)
            continue
        result.problems += source.problems
        assert brief.id is not None
        if brief.id in owners:
            line, col = source.locate(("id",))
            clash = f"id '{brief.id}' is already used by {owners[brief.id]}; give one of them another id"
            _fail(task, [Problem(task.shown, line, col, "id", clash)], manifest, result, old)
            report("done", task.shown, "failed", 0.0)
            continue
        owners[brief.id] = task.shown
        ready.append(task)
    return ready


def _fail(task: _Task, problems: list[Problem], manifest: Manifest, result: BuildResult, old: Manifest) -> None:
    """Record a failed brief; its previous good outputs stay, marked stale."""
    name = task.shown
    result.problems += problems
    result.failed.append(name)
    errors = [str(p) for p in problems if p.severity == "error"]
    if name in old.entries:
        previous = old.entries[name]
        manifest.entries[name] = replace(previous, errors=errors, stale=bool(previous.outputs))
    else:
        manifest.entries[name] = Entry("", name, task.source_sha256, "", errors=errors)


def _remove_unowned(names: list[str], manifest: Manifest, out_dir: Path) -> list[str]:
    """Delete the named outputs unless a brief of the new manifest owns them."""
    kept = {name for entry in manifest.entries.values() for name in entry.outputs}
    gone = sorted({n for n in names if n not in kept and is_output_name(n) and (out_dir / n).is_file()})
    for name in gone:
        (out_dir / name).unlink()
    return gone


def _remove_deleted(old: Manifest, new: Manifest, out_dir: Path) -> list[str]:
    """Delete the outputs of briefs whose source is gone (and that no current brief still owns)."""
    kept = {name for entry in new.entries.values() for name in entry.outputs}
    removed = []
    for source, entry in old.entries.items():
        if source in new.entries or Path(source).exists():
            if source not in new.entries:
                new.entries[source] = entry  # built before but outside these paths: keep it listed
            continue
        for name in entry.outputs:
            if name not in kept and is_output_name(name) and (out_dir / name).is_file():
                (out_dir / name).unlink()
                removed.append(name)
    return sorted(removed)


def _remove_leftover_temporaries(out_dir: Path) -> None:
    """Clear temporary files left by a build that was killed while writing."""
    for leftover in out_dir.glob(".*.tmp"):
        if _TEMPORARY.match(leftover.name):
            leftover.unlink(missing_ok=True)


_TEMPORARY = re.compile(r"^\..+\.\d+\.tmp$")


def write_index(out_dir: Path, manifest: Manifest, config: Config, theme: Theme | None = None) -> Path:
    """Write the site's front page listing every brief that has outputs, newest first."""
    from briefgen.render import render_index

    entries = [e for e in manifest.entries.values() if e.id and e.outputs]
    entries.sort(key=lambda e: (e.updated or e.date, e.date, e.title), reverse=True)
    target = out_dir / "index.html"
    write_atomic(target, render_index(entries, config, theme, built_at=_source_date()).encode())
    return target


def _source_date() -> dt.datetime | None:
    """The build time to show, only from SOURCE_DATE_EPOCH: without it the index carries no clock time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)


def merge_shards(out_dir: Path, config: Config, theme: Theme | None = None) -> Manifest:
    """Combine the shard manifests in ``out_dir`` (and any manifest there) into one; write the index."""
    manifest, _ = read_manifest(out_dir)
    for path in shard_manifests(out_dir):
        try:
            part = parse_manifest(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ManifestError) as exc:
            raise BriefgenError.at(str(path), f"unreadable shard manifest: {exc}") from None
        manifest.entries.update(part.entries)
    write_atomic(out_dir / MANIFEST, manifest.to_json().encode())
    for path in shard_manifests(out_dir):
        path.unlink()
    write_index(out_dir, manifest, config, theme)
    return manifest
