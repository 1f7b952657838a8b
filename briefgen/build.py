"""Many briefs at once: check them, render what changed, keep the manifest; then the index page or a shard manifest."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefgen.config import Config
from briefgen.errors import BriefgenError, Problem
from briefgen.fonts import glyph_problems, split_notdef
from briefgen.formats import DEFAULT_VARIANT, FORMATS
from briefgen.load import Source, display_path, find_briefs, load_source, parse_source
from briefgen.manifest import (
    MANIFEST,
    Entry,
    Manifest,
    environment_hash,
    is_output_name,
    read_manifest,
    sha256,
    shard_manifest_name,
)
from briefgen.model import CITATION_RE, Brief, validate
from briefgen.outputs import locked, remove_leftover_temporaries, write_all, write_atomic
from briefgen.resources import Policy, Refused
from briefgen.site import write_index
from briefgen.workers import Done, Job, Report, Task, run

if TYPE_CHECKING:
    from briefgen.render import Theme

RESERVED_IDS = frozenset({"index", "manifest"})  # the site's own pages


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


def outside_project(path: Path, config: Config) -> Problem | None:
    """A brief that is (or sits behind) a link to a file outside its project is refused."""
    root = config.project_root(path).resolve()
    if path.resolve().is_relative_to(root):
        return None
    return Problem(display_path(path), 0, 0, "", f"refused: the brief is a link to a file outside the project {root}")


def claim_id(source: Source, brief: Brief, owners: dict[str, str]) -> Problem | None:
    """Record the brief's id as taken, or say why it cannot have it."""
    assert brief.id is not None
    line, col = source.locate(("id",))
    if brief.id in RESERVED_IDS:
        return Problem(source.path, line, col, "id", f"'{brief.id}' is reserved for the site; choose another id")
    if brief.id in owners:
        clash = f"id '{brief.id}' is already used by {owners[brief.id]}; give one of them another id"
        return Problem(source.path, line, col, "id", clash)
    owners[brief.id] = source.path
    return None


def check(paths: list[Path], config: Config, today: dt.date | None = None) -> Checked:
    """Load and validate every brief under ``paths``; collect every problem of every file."""
    files, problems = find_briefs(paths)
    result = Checked(problems=problems)
    owners: dict[str, str] = {}
    for path in files:
        shown = display_path(path)
        refused = outside_project(path, config)
        try:
            if refused:
                raise BriefgenError([refused])
            source = load_source(path, shown)
            brief = validate(source, classification=config.classification, today=today)
        except BriefgenError as exc:
            result.problems.extend(exc.problems)
            result.failed.append(shown)
            continue
        result.problems.extend(source.problems)
        clash = claim_id(source, brief, owners)
        if clash:
            result.problems.append(clash)
            result.failed.append(shown)
            continue
        result.briefs.append((source, brief))
    return result


@dataclass
class RenderResult:
    """What rendering one brief produced."""

    id: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


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
    path: Path | None = None,
    pdf_writer: PdfWriter | None = None,
) -> RenderResult:
    """Render one brief to the requested formats in ``out_dir``; a failure leaves earlier outputs untouched.

    ``path`` is the brief's file when ``source.path`` is only its display name; ``pdf_writer`` lays out the
    PDF somewhere else than in this process (see pdf_process.PdfProcess).
    """
    from briefgen.render import Theme, collect_images, render_html, render_markdown, render_print_css

    theme = theme or Theme.from_config(config)
    brief_dir = (path or Path(source.path)).parent
    policy = Policy(config.project_root(path or Path(source.path)), allow_remote)
    result = RenderResult(brief.id or source.stem)
    # everything is made in memory first: a brief that fails in any format leaves all its old outputs alone
    outputs: dict[str, bytes] = {}
    images = collect_images(source, policy, brief_dir)  # every format: a refused image fails it everywhere
    if "md" in formats:
        outputs["md"] = render_markdown(brief, config, theme).encode()
    if "html" in formats or "pdf" in formats:
        html = render_html(brief, config, theme, images, policy=policy)
        if "html" in formats:
            outputs["html"] = html.encode()
        if "pdf" in formats:
            css = render_print_css(brief, config, theme)
            writer = pdf_writer or _write_pdf_here
            data, warnings = writer(html, css, name=source.path, variant=variant or DEFAULT_VARIANT, policy=policy)
            missing, warnings = split_notdef(warnings)
            if missing:  # a PDF with empty boxes for names is not shipped
                raise BriefgenError(glyph_problems(source, missing))
            outputs["pdf"] = data
            result.warnings += [Problem(source.path, 0, 0, "pdf", w, "warning") for w in warnings]
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / f"{result.id}.{fmt}" for fmt in FORMATS if fmt in outputs]
    write_all(dict(zip(targets, [outputs[t.suffix[1:]] for t in targets], strict=True)))
    result.outputs = targets
    return result


class PdfWriter(Protocol):
    """Lays out a PDF: pdf.write_pdf, here or in another process."""

    def __call__(
        self, html: str, css: str, *, name: str, variant: str, policy: Policy | None
    ) -> tuple[bytes, list[str]]: ...


def _write_pdf_here(html: str, css: str, *, name: str, variant: str, policy: Policy | None) -> tuple[bytes, list[str]]:
    from briefgen.pdf import write_pdf

    return write_pdf(html, css, name=name, variant=variant, policy=policy)


@dataclass
class BuildResult:
    """The outcome of building many briefs (source paths as the writer sees them)."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # output files no brief has any more
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    def summary(self, digits: int = 1) -> str:
        """The closing line: built 12, unchanged 88, failed 1 in 4.2 s."""
        counts = f"built {len(self.built)}, unchanged {len(self.unchanged)}, failed {len(self.failed)}"
        return f"{counts} in {self.seconds:.{digits}f} s"


def select_shard(files: list[str], shard: tuple[int, int] | None) -> list[str]:
    """Keep the briefs of shard K of N: by a hash of the path, so adding a brief moves no other."""
    if shard is None:
        return files
    k, n = shard
    return [f for f in files if int(sha256(f.encode())[:8], 16) % n == k - 1]


def manifest_key(path: Path, out_dir: Path) -> str:
    """Name a brief in the manifest relative to the output folder's parent, whatever the working folder."""
    return os.path.relpath(path.resolve(), out_dir.resolve().parent)


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
    from briefgen.render import Theme

    started = time.perf_counter()
    theme = theme or Theme.from_config(config)
    job = Job(config, out_dir, formats, theme, variant or DEFAULT_VARIANT, allow_remote)
    result = BuildResult()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with locked(out_dir):
            remove_leftover_temporaries(out_dir)
            _build(paths, job, result, jobs, force, shard, report or (lambda *args: None))
    except OSError as exc:
        raise BriefgenError.at(str(out_dir), f"cannot use the output folder: {exc.strerror or exc}") from None
    result.seconds = time.perf_counter() - started
    return result


def _build(
    paths: list[Path],
    job: Job,
    result: BuildResult,
    jobs: int,
    force: bool,
    shard: tuple[int, int] | None,
    report: Report,
) -> None:
    from briefgen.defaults import TEMPLATES_DIR

    out_dir, config = job.out_dir, job.config
    old, warning = read_manifest(out_dir) if not shard else (Manifest(), None)
    if warning:
        result.problems.append(Problem(str(out_dir / MANIFEST), 0, 0, "", warning, "warning"))
    env = environment_hash(config, [p for p in (job.theme.folder, TEMPLATES_DIR) if p], job.formats, job.variant)
    env = sha256(f"{env} remote={job.allow_remote}".encode())

    files, not_found = find_briefs(paths)
    result.problems += not_found
    result.failed += [p.path for p in not_found]
    shown = {display_path(f): f for f in files}
    manifest = Manifest()
    tasks: list[Task] = []
    for name in select_shard(sorted(shown), shard):
        path = shown[name]
        try:
            refused = outside_project(path, config)
            if refused:
                raise BriefgenError([refused])
            raw = path.read_bytes()
        except (OSError, BriefgenError) as exc:
            message = f"cannot read file: {exc.strerror or exc}" if isinstance(exc, OSError) else ""
            result.problems += exc.problems if isinstance(exc, BriefgenError) else [Problem(name, 0, 0, "", message)]
            result.failed.append(name)
            continue
        key = manifest_key(path, out_dir)
        inputs = sha256((env + sha256(raw) + _image_digest(raw, path, config, job.allow_remote)).encode())
        task = Task(path, name, key, raw, sha256(raw), inputs)
        previous = old.entries.get(key)
        if not force and previous and _up_to_date(previous, task, out_dir):
            manifest.entries[key] = previous
            result.unchanged.append(name)
            report("done", name, "unchanged", 0.0)
        else:
            tasks.append(task)

    tasks = _validate_first(tasks, manifest, config, result, old, report)
    dropped: list[str] = []  # outputs a rebuilt brief no longer has (a format left out, an id changed)

    recorded: set[str] = set()

    def record(done: Done) -> None:
        if done.task.key in recorded:  # after an interrupt the same result may come twice
            return
        if done.entry is None:
            _fail(done.task, done.problems, manifest, result, old)
            recorded.add(done.task.key)
            return
        result.problems += done.problems
        manifest.entries[done.task.key] = done.entry
        result.built.append(done.task.shown)
        result.outputs += done.outputs
        previous = old.entries.get(done.task.key)
        dropped.extend(n for n in (previous.outputs if previous else {}) if n not in done.entry.outputs)
        recorded.add(done.task.key)  # last: an interrupt before this line records it again

    results = run(tasks, job, jobs, report)
    current: Done | None = None
    try:
        for current in results:
            record(current)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: what is done is complete; the rest keeps its old outputs
        result.interrupted = True
        if current is not None:  # the interrupt may have cut its recording short
            record(current)
        # briefs already being rendered in workers finish and write their files: record them too
        with contextlib.suppress(KeyboardInterrupt, StopIteration):
            done = results.throw(KeyboardInterrupt())
            while True:
                record(done)
                done = next(results)
        for task in tasks:
            if task.key not in manifest.entries and task.key in old.entries:
                manifest.entries[task.key] = old.entries[task.key]
    try:
        result.removed = _remove_unowned(dropped, manifest, out_dir)
        if not shard and not result.interrupted:
            result.removed += _remove_deleted(old, manifest, out_dir)
        write_atomic(out_dir / (shard_manifest_name(shard) if shard else MANIFEST), manifest.to_json().encode())
        if not shard:
            write_index(out_dir, manifest, config, job.theme)
    except OSError as exc:
        message = f"cannot write the manifest or index: {exc.strerror or exc}; the previous ones are unchanged"
        raise BriefgenError([*result.problems, Problem(str(out_dir), 0, 0, "", message)]) from None


def _image_digest(raw: bytes, path: Path, config: Config, allow_remote: bool) -> str:
    """Hash the local images a brief uses, so that editing an image rebuilds the brief."""
    if b"![" not in raw:
        return ""
    from briefgen.markdown import image_sources
    from briefgen.model import walk_strings

    try:
        source = parse_source(raw, str(path))
    except BriefgenError:
        return ""
    policy = Policy(config.project_root(path), allow_remote)
    digest = ""
    for _, text in walk_strings(source.data):
        for src in image_sources(text):
            if "://" in src or src.startswith("data:"):
                continue
            try:
                digest = sha256(f"{digest}{src}{sha256(policy.read(src, path.parent))}".encode())
            except Refused:
                digest = sha256(f"{digest}{src}refused".encode())
    return digest


def _up_to_date(entry: Entry, task: Task, out_dir: Path) -> bool:
    if entry.inputs_sha256 != task.inputs_sha256 or entry.errors or not entry.outputs:
        return False
    for name, digest in entry.outputs.items():
        try:
            if sha256((out_dir / name).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _validate_first(
    tasks: list[Task], manifest: Manifest, config: Config, result: BuildResult, old: Manifest, report: Report
) -> list[Task]:
    """Validate changed briefs here, before any rendering, so that a bad or clashing one writes nothing."""
    owners = {e.id: e.source for e in manifest.entries.values() if e.id}
    ready = []
    for task in tasks:
        try:
            source = parse_source(task.raw, task.shown)
            brief = validate(source, classification=config.classification)
            clash = claim_id(source, brief, owners)
            if clash:
                raise BriefgenError([clash])
        except BriefgenError as exc:
            report("start", task.shown, "", 0.0)
            _fail(task, exc.problems, manifest, result, old)
            report("done", task.shown, "failed", 0.0)
            continue
        result.problems += source.problems
        ready.append(task)
    return ready


def _fail(task: Task, problems: list[Problem], manifest: Manifest, result: BuildResult, old: Manifest) -> None:
    """Record a failed brief; its previous good outputs stay, marked stale."""
    result.problems += problems
    result.failed.append(task.shown)
    errors = [str(p) for p in problems if p.severity == "error"]
    if task.key in old.entries:
        previous = old.entries[task.key]
        manifest.entries[task.key] = replace(previous, errors=errors, stale=bool(previous.outputs))
    else:
        manifest.entries[task.key] = Entry("", task.key, task.source_sha256, "", errors=errors)


def first_sentence(markdown_text: str) -> str:
    """The first sentence of a Markdown summary, as plain text without citations."""
    text = " ".join(CITATION_RE.sub("", markdown_text).split())
    text = re.sub(r"[*_`]", "", text)
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).replace(" .", ".")


def _remove_unowned(names: list[str], manifest: Manifest, out_dir: Path) -> list[str]:
    """Delete the named outputs unless a brief of the new manifest owns them."""
    kept = {name for entry in manifest.entries.values() for name in entry.outputs}
    gone = sorted({n for n in names if n not in kept and is_output_name(n) and (out_dir / n).is_file()})
    for name in gone:
        (out_dir / name).unlink()
    return gone


def _remove_deleted(old: Manifest, new: Manifest, out_dir: Path) -> list[str]:
    """Delete the outputs of briefs whose source is gone; keep listing briefs built before from other paths."""
    gone: list[str] = []
    for key, entry in old.entries.items():
        if key in new.entries:
            continue
        if (out_dir.parent / key).exists():
            new.entries[key] = entry  # built before but outside these paths: keep it listed
        else:
            gone += entry.outputs
    return _remove_unowned(gone, new, out_dir)
