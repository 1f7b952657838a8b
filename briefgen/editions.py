"""Editions of a brief: where an earlier edition is (a file, or REV:PATH in git), reading and validating it, the
chain of ``previous:`` editions that counts the edition number, and ``whats_changed``: what every output format
shows after the bottom line up front."""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefgen.diff import Change, diff_briefs, in_language
from briefgen.errors import BriefgenError, Problem, printable
from briefgen.load import MAX_BYTES, Source, display_path, is_brief_name, parse_source, read_brief
from briefgen.model import Brief
from briefgen.project import Project
from briefgen.release import Withheld, release_of
from briefgen.validate import validate

MAX_CHAIN = 100  # editions followed back along `previous:` to count the edition number
GIT_TIMEOUT = 60


@dataclass(frozen=True)
class EditionRef:
    """Where an edition is: a file, or a path in a git revision (``REV:PATH`` as `git show` reads it, run in
    ``cwd``: PATH from the repository's root, or from ``cwd`` when it starts with ./)."""

    path: str
    rev: str | None = None
    cwd: Path | None = None

    @property
    def name(self) -> str:
        """How problems and reports show it."""
        return printable(f"{self.rev}:{self.path}" if self.rev is not None else display_path(Path(self.path)))

    def near(self, text: str) -> EditionRef:
        """Another edition named by this one (its ``previous:``): a file beside it, or in the same repository."""
        if self.rev is None:
            return parse_ref(text, Path(self.path).parent)
        ref = parse_ref(text, self.cwd, file_first=False)
        if ref.rev is None:  # a plain path inside a revision: the same revision, beside this file
            beside = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), text))
            # ./ keeps git reading the path from cwd, as this edition's own path is read
            relative = self.path.startswith("./") and not beside.startswith("../")
            return EditionRef(f"./{beside}" if relative else beside, self.rev, self.cwd)
        return ref


def parse_ref(text: str, base: Path | None = None, *, file_first: bool = True) -> EditionRef:
    """``PATH`` (relative to ``base``) or ``REV:PATH``; an existing file wins over a REV:PATH reading."""
    path = (base / text) if base is not None else Path(text)
    rev, colon, inside = text.partition(":")
    if not colon or (file_first and path.exists()):
        return EditionRef(str(path))
    if not rev or not inside:
        raise BriefgenError.at(printable(text), "expected a brief file or REV:PATH (a git revision and a path in it)")
    if rev.startswith("-"):
        raise BriefgenError.at(printable(text), "refused: a git revision cannot start with '-'")
    return EditionRef(inside, rev, base or Path.cwd())


def read_edition(ref: EditionRef) -> bytes:
    """The bytes of an edition: its file, or `git show REV:PATH`; BriefgenError when it cannot be read."""
    if ref.rev is None:
        return read_brief(Path(ref.path), ref.name)
    out = _git(ref.cwd, "show", f"{ref.rev}:{ref.path}", what=ref.name)
    if len(out) > MAX_BYTES:
        raise BriefgenError.at(ref.name, "file is over 2 MiB; a brief may be at most 2 MiB")
    return out


def _git(cwd: Path | None, *args: str, what: str) -> bytes:
    try:  # a list argv, no shell; every revision was checked not to start with '-'
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise BriefgenError.at(what, "cannot read it: git is not installed") from None
    except subprocess.TimeoutExpired:
        raise BriefgenError.at(what, f"cannot read it: git took over {GIT_TIMEOUT} s") from None
    if done.returncode:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0].removeprefix("fatal: ") if said else f"git exited with {done.returncode}"
        raise BriefgenError.at(what, f"cannot read it from git: {printable(reason)}")
    return done.stdout


def load_edition(ref: EditionRef, project: Project) -> tuple[Source, Brief]:
    """Read, parse and validate an edition: its problems are located at ``ref.name``'s lines.

    In a release the older edition is cut at the release's level as the newer one is, so the changes said
    are between the two releases: what either edition holds above the level is in neither."""
    source = parse_source(read_edition(ref), ref.name)
    portions, scheme = None, project.scheme
    if scheme is not None:
        source, portions = release_of(source, scheme, project.release_marking, project.default_marking)
    config = project.config
    brief, _ = validate(
        source,
        classification=config.classification,
        portions=portions,
        yardstick=project.yardstick_in(source.data.get("language")),
    )
    return source, brief


def changed_since(rev: str, paths: list[Path] | None = None) -> list[tuple[EditionRef, Path]]:
    """Every brief file changed since ``rev`` (working tree against it, `git diff --name-only`), with where its
    edition at ``rev`` is; a brief new since then has a ref that does not exist (see ``earlier``)."""
    if rev.startswith("-"):
        raise BriefgenError.at(printable(rev), "refused: a git revision cannot start with '-'")
    args = ["diff", "--name-only", "--relative", "--no-renames", "--diff-filter=d", rev, "--", *map(str, paths or [])]
    names = _git(None, *args, what=printable(rev))
    found = [Path(line) for line in names.decode("utf-8", "surrogateescape").splitlines() if line]
    return [(EditionRef(f"./{p.as_posix()}", rev, Path.cwd()), p) for p in sorted(found) if is_brief_name(p)]


def earlier(ref: EditionRef) -> bool:
    """Whether the edition exists (a brief added since a revision has none there)."""
    if ref.rev is None:
        return Path(ref.path).exists()
    try:
        _git(ref.cwd, "cat-file", "-e", f"{ref.rev}:{ref.path}", what=ref.name)
    except BriefgenError as exc:
        # only a path the revision lacks means "no earlier edition"; a bad revision, or no repository, is an error
        if re.search(r"does not exist in|exists on disk, but not in", str(exc)):
            return False
        raise
    return True


# --- the previous edition of a brief, and the chain that numbers it


def previous_ref(brief: Brief, path: Path, project: Project) -> EditionRef | None:
    """The edition a brief is compared with: its ``previous:`` (beside it, or REV:PATH), else the same file at
    the project's ``--since`` revision (None where it did not exist yet), else none."""
    if brief.previous:
        return parse_ref(brief.previous, path.parent)
    if project.since:
        ref = parse_ref(f"{project.since}:./{path.name}", path.parent, file_first=False)
        return ref if earlier(ref) else None
    return None


def inside(ref: EditionRef, root: Path) -> EditionRef:
    """Refuse an edition file outside the brief's project (a brief names files of its own project only)."""
    if ref.rev is None and not Path(ref.path).resolve().is_relative_to(root.resolve()):
        raise BriefgenError.at(ref.name, f"refused: a previous edition must lie inside the project {root}")
    return ref


def _chain(first: EditionRef, root: Path) -> Iterator[tuple[EditionRef, bytes, dict[str, Any]]]:
    """The editions from ``first`` back along their ``previous:``, each read and parsed (not validated)."""
    ref: EditionRef | None = first
    seen: set[str] = set()
    while ref is not None and len(seen) < MAX_CHAIN:
        if ref.name in seen:
            raise BriefgenError.at(ref.name, "the chain of previous editions comes back to this one")
        inside(ref, root)
        seen.add(ref.name)
        raw = read_edition(ref)
        data = parse_source(raw, ref.name).data
        yield ref, raw, data
        older = data.get("previous")
        ref = ref.near(older) if isinstance(older, str) and older.strip() and "edition" not in data else None


def _number(first: EditionRef, root: Path) -> int:
    """The edition number of the edition at ``first``: its ``edition:``, else one more than its previous's."""
    steps = 0
    for _, _, data in _chain(first, root):
        value = data.get("edition")
        if isinstance(value, str) and value.isdigit():
            return int(value) + steps
        steps += 1
    return steps


def chain_digest(data: dict[str, Any], path: Path, project: Project) -> str:
    """Hash every earlier edition a brief's outputs show (its previous, and theirs for the number): for the
    build cache. '' when it names none; a chain that cannot be read hashes its error (reported when built)."""
    named = data.get("previous")
    if not (isinstance(named, str) and named.strip()) and not project.since:
        return ""
    digest = hashlib.sha256()
    try:
        first = parse_ref(named, path.parent) if isinstance(named, str) and named.strip() else None
        if first is None:
            first = parse_ref(f"{project.since}:./{path.name}", path.parent, file_first=False)
            if not earlier(first):
                return "none"
        for ref, raw, _ in _chain(first, project.brief_root(path)):
            digest.update(ref.name.encode() + b"\0" + hashlib.sha256(raw).digest())
    except BriefgenError as exc:
        digest.update(str(exc).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Edition:
    """What an output shows of a brief's editions: its number (None: not known), and the changes since the
    previous edition, with that edition's date (None: no previous edition to compare with)."""

    number: int | None = None
    previous_date: dt.date | None = None
    previous_name: str = ""
    changes: tuple[Change, ...] = ()

    @property
    def compared(self) -> bool:
        return self.previous_date is not None

    @property
    def sentences(self) -> list[str]:
        return [change.sentence for change in self.changes]


def check_previous(source: Source, brief: Brief, path: Path, project: Project) -> None:
    """Raise BriefgenError when the previous edition a brief names cannot be read or is not valid: its own
    problems, and one at the brief's ``previous:`` that says so."""
    try:
        ref = previous_ref(brief, path, project)
        if ref is not None:
            load_edition(inside(ref, project.brief_root(path)), project)
    except Withheld:  # the previous edition is above this release: this release simply has none
        return
    except BriefgenError as exc:
        first = exc.problems[0]
        if len(exc.problems) == 1 and not first.line:  # unreadable, refused, not in the revision
            message = f"cannot use the previous edition {first.path}: {first.message}"
            raise BriefgenError([source.problem(("previous",), message)]) from None
        message = f"the previous edition {first.path} is not valid (its problems follow)"
        raise BriefgenError([source.problem(("previous",), message), *exc.problems]) from None


def whats_changed(brief: Brief, path: Path, project: Project) -> Edition:
    """The brief's edition number and, when it names a previous edition (or the project compares with
    ``--since``), the changes since that one. Every output format calls this (render.py, a Word writer).

    ``path`` is the brief's file (``previous:`` is relative to it). Raises BriefgenError, located in the
    previous edition, when that edition cannot be read or is not valid."""
    ref = previous_ref(brief, path, project)
    if ref is None:
        return Edition(brief.edition)
    root = project.brief_root(path)
    number = brief.edition or _number(ref, root) + 1
    try:
        _, before = load_edition(inside(ref, root), project)
    except Withheld:  # the previous edition is above this release: this release has no previous one
        return Edition(number)
    changes = diff_briefs(before, brief)
    if project.release is not None:
        changes = _said_in_release(changes, before, brief, path, project)
    return Edition(number, before.date, ref.name, tuple(in_language(changes, project.language_of(brief))))


def _said_in_release(changes: list[Change], before: Brief, brief: Brief, path: Path, project: Project) -> list[Change]:
    """The changes a release may tell: only those the full edition tells the same way (same item, field and
    values). Any other would quote a portion the release dropped: an item raised above it and "removed", a
    point cut from a field, or an old item matched by similarity to a kept one it is not."""
    _, full = load_edition(EditionRef(str(path)), replace(project, release=None))
    told = {_said(c) for c in diff_briefs(before, full)}
    return [c for c in changes if _said(c) in told]


def _said(change: Change) -> tuple[object, ...]:
    return (change.section, change.item, change.change, change.field, repr(change.old), repr(change.new))


# --- two editions compared, for `briefgen diff`


@dataclass(frozen=True)
class Comparison:
    """Two editions of one brief compared: where each is, their dates and the changes (``old_date`` None: the
    brief is new, with no earlier edition)."""

    name: str  # the new edition, as shown
    previous: str  # the old edition, as shown
    brief: Brief
    old_date: dt.date | None
    changes: tuple[Change, ...]
    old_brief: Brief | None = None
    source: Source | None = None  # the new edition as loaded, and its file (None: in a git revision)
    path: Path | None = None
    language: str = "en"  # the new edition's, the language its changes are told in


def compare(old: EditionRef, new: EditionRef, project: Project) -> Comparison:
    """Compare two editions (each read and validated: BriefgenError with every problem of both)."""
    problems: list[Problem] = []
    loaded: list[tuple[Source, Brief]] = []
    for ref in (old, new):
        try:
            loaded.append(load_edition(ref, project))
        except BriefgenError as exc:
            problems += exc.problems
    if problems:
        raise BriefgenError(problems)
    (_, before), (source, after) = loaded
    path = Path(new.path) if new.rev is None else None
    language = project.language_of(after)
    changes = tuple(in_language(diff_briefs(before, after), language))
    return Comparison(new.name, old.name, after, before.date, changes, before, source, path, language)


def compare_since(rev: str, paths: list[Path], project: Project) -> list[Comparison]:
    """Compare every brief changed since ``rev`` with its edition there (a new brief: with none)."""
    found: list[Comparison] = []
    problems: list[Problem] = []
    for ref, path in changed_since(rev, paths):
        new = EditionRef(str(path))
        try:
            if earlier(ref):
                found.append(compare(ref, new, project))
            else:
                brief = load_edition(new, project)[1]
                found.append(Comparison(new.name, ref.name, brief, None, (), language=project.language_of(brief)))
        except BriefgenError as exc:
            problems += exc.problems
    if problems:
        raise BriefgenError(problems)
    return found
