"""The incremental build: every brief under some paths that changed since the last build is rendered (in
worker processes with -j) and recorded in the manifest; then the index page, or a shard's manifest."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen.check import Checker, Valid, checked_translation
from briefgen.errors import BriefgenError, Problem
from briefgen.inputs import Names, edition_digest, image_digest, parse_for_images, source_digest, up_to_date
from briefgen.load import Source, display_path, find_briefs, parse_source
from briefgen.manifest import (
    MANIFEST,
    Entry,
    Manifest,
    index_inputs,
    is_output_name,
    read_manifest,
    sha256,
    shard_manifest_name,
)
from briefgen.outputs import locked, remove_leftover_temporaries, write_atomic
from briefgen.project import Project
from briefgen.release import Withheld
from briefgen.site import write_index
from briefgen.translation import Member, Original, Originals, alternates, links_digest, original_digest
from briefgen.workers import Done, Report, Step, Task, languages_named, run, warm_early, warm_workers


@dataclass
class BuildResult:
    """The outcome of building many briefs (source paths as the writer sees them)."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # output files no brief has any more
    withheld: int = 0  # briefs above the release being built: counted, never named
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
    project: Project,
    *,
    jobs: int = 1,
    force: bool = False,
    shard: tuple[int, int] | None = None,
    report: Report | None = None,
) -> BuildResult:
    """Render every brief under ``paths`` that changed since the last build; one failure stops no other."""
    started = time.perf_counter()
    out_dir = project.out_dir
    state = _Build(project, BuildResult(), report or (lambda *args: None), shard)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with locked(out_dir):
            remove_leftover_temporaries(out_dir)
            state.run(paths, jobs, force)
    except OSError as exc:
        raise BriefgenError.at(str(out_dir), f"cannot use the output folder: {exc.strerror or exc}") from None
    state.result.seconds = time.perf_counter() - started
    return state.result


@dataclass
class _Pending:
    """A brief whose outputs are out of date: read, hashed, and parsed already if its images needed it."""

    path: Path
    name: str
    key: str
    raw: bytes
    source: Source | None
    inputs_sha256: str


@dataclass
class _Build:
    """One build's state: the previous manifest, the one being made, and what happened so far."""

    project: Project
    result: BuildResult
    report: Report
    shard: tuple[int, int] | None
    old: Manifest = field(default_factory=Manifest)
    manifest: Manifest = field(default_factory=Manifest)
    dropped: list[str] = field(default_factory=list)  # outputs a rebuilt brief no longer has
    recorded: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  # the manifest keys of every brief under this build's paths
    withheld: set[str] = field(default_factory=set)  # briefs marked above this release: their old outputs go
    originals: Originals | None = None  # the briefs a translation may translate: those under this build's paths
    kept_items: dict[str, _Pending] = field(default_factory=dict)  # the briefs left as they are, by key

    def run(self, paths: list[Path], jobs: int, force: bool) -> None:
        out_dir = self.project.out_dir
        self.old, warning = read_manifest(out_dir) if not self.shard else (Manifest(), None)
        if warning:
            self.result.problems.append(Problem(str(out_dir / MANIFEST), 0, 0, "", warning, "warning"))
        # the workers' warm-up runs while the briefs are read, hashed and validated here: started at once when
        # every brief will be rendered (--force, or a first build; a shard's share is known only once planned),
        # else once the briefs to render are known
        everything = not self.shard and (force or not self.old.entries)
        early = jobs > 1 and everything and warm_early(paths, self.project)
        pending = self._plan(paths, force)
        if jobs > 1 and len(pending) > 1 and not early:
            warm_workers(self.project, languages_named(item.raw for item in pending))
        tasks = self._with_alternates(self._validate(pending))
        for item in self.kept_items.values():  # said once its translations are known to leave it as it is
            self.report(Step.UNCHANGED, item.name, 0.0)
        self._render(tasks, jobs)
        self._finish()

    def _plan(self, paths: list[Path], force: bool) -> list[_Pending]:
        """Read and hash every brief of this shard; keep the up-to-date ones as they are."""
        result, project = self.result, self.project
        files, not_found = find_briefs(paths)
        result.problems += not_found
        result.failed += [p.path for p in not_found]
        names = Names(project.out_dir)
        shown = {name: (f, real, key) for f in files for real, name, key in [names.of(f)]}
        self.keys = {key for _, _, key in shown.values()}
        self.originals = Originals(project, files)
        reader = Checker(project)
        pending: list[_Pending] = []
        for name in select_shard(sorted(shown), self.shard):
            path, real, key = shown[name]
            try:
                raw = reader.read(path, real, name)
                source = parse_for_images(raw, name)
                images, editions = image_digest(source, path, project), edition_digest(raw, source, path, project)
                if source is None and project.release is not None:  # its digest is of the cut: parsed once here
                    source = parse_source(raw, name)
                inputs = project.digest + source_digest(raw, name, project, source) + images + editions
                inputs = sha256((inputs + self._original_digest(raw, source, path)).encode())
            except BriefgenError as exc:
                if project.release is not None:  # unreadable, so its marking is unknown: not in this release
                    self._withhold(key)
                    continue
                self._record_failure(key, "", name, exc.problems)
                continue
            except Exception as exc:  # a bug met by one brief must not stop the others
                self._record_failure(key, "", name, [Problem.internal(name, "reading it", exc)])
                continue
            previous = self.old.entries.get(key)
            kept = up_to_date(previous, inputs, project.out_dir) if previous and not force else None
            if kept:
                self.manifest.entries[key] = kept
                self.kept_items[key] = _Pending(path, name, key, raw, source, inputs)
                result.unchanged.append(name)
            else:
                pending.append(_Pending(path, name, key, raw, source, inputs))
        return pending

    def _original_digest(self, raw: bytes, source: Source | None, path: Path) -> str:
        """A translation's original is an input too: a changed original checks the translation again. Not in a
        release, which does not check translations (and whose manifest must not hash a file it cuts)."""
        if b"translation_of:" not in raw or self.originals is None or self.project.release is not None:
            return ""
        try:
            data = (source or parse_source(raw, display_path(path))).data
        except BriefgenError:  # reported when it is validated
            return ""
        return original_digest(data, path, self.originals)

    def _withhold(self, key: str) -> None:
        """A brief not in this release (above it, or unreadable so of unknown marking): no outputs, nothing said."""
        self.withheld.add(key)
        if self.shard:  # its old outputs, listed in the merged manifest, go now; `index` drops its entry
            merged, _ = read_manifest(self.project.out_dir)
            self.dropped += list(merged.entries[key].outputs) if key in merged.entries else []
            self.manifest.entries[key] = Entry("", key, "", "", withheld=True)

    def _validate(self, pending: list[_Pending]) -> list[Task]:
        """Validate changed briefs here, before any rendering, so that a bad or clashing one writes nothing."""
        checker = Checker(self.project, owners=self._owners())
        tasks = []
        for item in pending:
            try:
                valid = checker.check(item.path, raw=item.raw, source=item.source)
                originals = self.originals or Originals(self.project)
                originals.add(Original(valid.path, valid.source, valid.brief))
                valid = checked_translation(valid, originals)
            except Withheld:  # above this release: no outputs here, and nothing said of it
                self._withhold(item.key)
                continue
            except Exception as exc:  # BriefgenError, or a bug met by this brief alone
                problems = (
                    exc.problems
                    if isinstance(exc, BriefgenError)
                    else [Problem.internal(item.name, "checking it", exc)]
                )
                self.report(Step.START, item.name, 0.0)
                digest = source_digest(item.raw, item.name, self.project, item.source)
                self._record_failure(item.key, digest, item.name, problems)
                self.report(Step.FAILED, item.name, 0.0)
                continue
            self.result.problems += valid.warnings
            digest = source_digest(item.raw, item.name, self.project, item.source)
            tasks.append(Task(valid, item.key, digest, item.inputs_sha256))
        return tasks

    def _with_alternates(self, tasks: list[Task]) -> list[Task]:
        """Each page links its original and translations built with it (translation.alternates); a brief left
        as it is whose links changed (a translation added, withheld from a release, gone) is made again. Not
        in a shard, which sees only some of them."""
        project = self.project
        page = f"{'-summary' if project.edition_variant == 'summary' else ''}.html"
        if self.shard or "html" not in project.formats:
            return tasks

        def member(entry: Entry) -> Member:
            shown = f"{entry.id}{page}" if f"{entry.id}{page}" in entry.outputs and not entry.withheld else ""
            return Member(entry.id, entry.language or project.language, entry.translation_of, shown)

        # what the manifest will list; each entry left as it is says which languages its page links
        outside = [
            e for k, e in self.old.entries.items() if k not in self.keys and (project.out_dir.parent / k).exists()
        ]
        now = [member(e) for e in [*self.manifest.entries.values(), *outside]]
        for task in tasks:
            brief = task.valid.brief
            now.append(
                Member(task.valid.id, project.language_of(brief), brief.translation_of or "", task.valid.id + page)
            )
        new = alternates(now)
        changed = {e.id for e in self.manifest.entries.values() if links_digest(new.get(e.id, ())) != e.links}
        again = [item for key, item in self.kept_items.items() if self.manifest.entries[key].id in changed]
        for item in again:
            self.result.unchanged.remove(item.name)
            del self.manifest.entries[item.key], self.kept_items[item.key]
        tasks += self._validate(again)
        return [replace(t, valid=replace(t.valid, alternates=new.get(t.valid.id, ()))) for t in tasks]

    def _owners(self) -> dict[str, str]:
        """The ids taken already: by briefs of this build left as they are, and by briefs built here before
        from other paths whose sources still exist (their outputs must not be overwritten)."""
        out = self.project.out_dir
        kept = [e for k, e in self.old.entries.items() if k not in self.keys and (out.parent / k).exists()]
        return {e.id: e.source for e in [*kept, *self.manifest.entries.values()] if e.id and e.outputs}

    def _render(self, tasks: list[Task], jobs: int) -> None:
        """Render the tasks, recording each as it finishes; an interrupt keeps what is finished."""
        results = run(tasks, self.project, jobs, self.report)
        current: Done | None = None
        try:
            for current in results:
                self._record(current)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: what is done is complete; the rest keeps its old outputs
            self.result.interrupted = True
            if current is not None:  # the interrupt may have cut its recording short
                self._record(current)
            # briefs already being rendered in workers finish and write their files: record them too
            with contextlib.suppress(KeyboardInterrupt, StopIteration):
                done = results.throw(KeyboardInterrupt())
                while True:
                    self._record(done)
                    done = next(results)
            for task in tasks:
                if task.key not in self.manifest.entries and task.key in self.old.entries:
                    self.manifest.entries[task.key] = self.old.entries[task.key]

    def _record(self, done: Done) -> None:
        key = done.task.key
        if key in self.recorded:  # after an interrupt the same result may come twice
            return
        if done.entry is None:
            self._record_failure(key, done.task.source_sha256, done.task.shown, done.problems)
        else:
            self.result.problems += done.problems
            self.manifest.entries[key] = done.entry
            self.result.built.append(done.task.shown)
            self.result.outputs += done.outputs
            previous = self.old.entries.get(key)
            self.dropped += [n for n in (previous.outputs if previous else {}) if n not in done.entry.outputs]
        self.recorded.add(key)  # last: an interrupt before this line records it again

    def _record_failure(self, key: str, source_sha256: str, name: str, problems: list[Problem]) -> None:
        """Record a failed brief; its previous good outputs stay, marked stale."""
        self.result.problems += problems
        self.result.failed.append(name)
        errors = [str(p) for p in problems if p.severity == "error"]
        if key in self.old.entries and self.project.release is not None:
            # a release keeps no stale outputs: what was releasable then may be marked higher now
            self.dropped += list(self.old.entries[key].outputs)
            self.manifest.entries[key] = Entry("", key, source_sha256, "", errors=errors)
        elif key in self.old.entries:
            previous = self.old.entries[key]
            self.manifest.entries[key] = replace(previous, errors=errors, stale=bool(previous.outputs))
        else:
            self.manifest.entries[key] = Entry("", key, source_sha256, "", errors=errors)

    def _finish(self) -> None:
        """Remove outputs no brief owns any more; write the manifest and the index page."""
        out_dir, result = self.project.out_dir, self.result
        try:
            result.removed = _remove_unowned(self.dropped, self.manifest, out_dir)
            result.withheld = len(self.withheld)
            if not self.shard and not result.interrupted:
                result.removed += _remove_deleted(self.old, self.manifest, out_dir, self.withheld)
            if not self.shard:
                self.manifest.index = _index_page(self.old, self.manifest, self.project)
            name = shard_manifest_name(self.shard) if self.shard else MANIFEST
            write_atomic(out_dir / name, self.manifest.to_json().encode())
        except OSError as exc:
            message = f"cannot write the manifest or index: {exc.strerror or exc}; the previous ones are unchanged"
            raise BriefgenError([*result.problems, Problem(str(out_dir), 0, 0, "", message)]) from None


def refuse_foreign_id(valid: Valid, project: Project) -> None:
    """Refuse to write a brief over the outputs another brief has in the output folder (`briefgen render`):
    a build would refuse the id too, and its manifest would then describe files it did not make."""
    manifest, _ = read_manifest(project.out_dir)
    key = manifest_key(valid.path, project.out_dir)
    for other, entry in manifest.entries.items():
        if entry.id == valid.id and other != key and entry.outputs and (project.out_dir.parent / other).exists():
            line, col = valid.source.locate(("id",))
            clash = f"id '{valid.id}' is already used by {other} in {project.out_dir}; give one of them another id"
            raise BriefgenError([Problem(valid.source.name, line, col, "id", clash)])


def _index_page(old: Manifest, manifest: Manifest, project: Project) -> dict[str, str]:
    """Write the index page unless the one there is what the last build made from the same inputs; return
    its record for the manifest (a page edited since, or an unreadable one, is made again)."""
    inputs = index_inputs(manifest, project.digest, str(project.source_date))
    target = project.out_dir / "index.html"
    if old.index.get("inputs_sha256") == inputs:
        with contextlib.suppress(OSError):
            if sha256(target.read_bytes()) == old.index.get("sha256"):
                return old.index
    write_index(manifest, project)
    return {"inputs_sha256": inputs, "sha256": sha256(target.read_bytes())}


def _remove_unowned(names: list[str], manifest: Manifest, out_dir: Path) -> list[str]:
    """Delete the named outputs unless a brief of the new manifest owns them."""
    kept = {name for entry in manifest.entries.values() for name in entry.outputs}
    gone = sorted({n for n in names if n not in kept and is_output_name(n) and (out_dir / n).is_file()})
    for name in gone:
        (out_dir / name).unlink()
    return gone


def _remove_deleted(old: Manifest, new: Manifest, out_dir: Path, withheld: set[str]) -> list[str]:
    """Delete the outputs of briefs whose source is gone, or that are now above the release being built; keep
    listing briefs built before from other paths."""
    gone: list[str] = []
    for key, entry in old.entries.items():
        if key in new.entries:
            continue
        if (out_dir.parent / key).exists() and key not in withheld:
            new.entries[key] = entry  # built before but outside these paths: keep it listed
        else:
            gone += entry.outputs
    return _remove_unowned(gone, new, out_dir)
