"""A release edition cut from a brief's data before the model: every portion above the release's level
removed, then the sources and actors only the removed portions referred to. What is left is validated and
rendered like any brief, so citations are renumbered and the matrix, timeline, contents and banner are
recomputed from it, and nothing removed can reach an output: it is not in the model at all.

A kept portion that refers to a removed one (an ask by a SECRET actor, a citation of a SECRET source) is an
error at the reference: releasing it would reveal what was removed. No message quotes a removed portion.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from briefgen.errors import BriefgenError, Problem
from briefgen.load import PathKey, Source, walk_strings
from briefgen.marking import Marking, Portions, Scheme, portion_paths, read_portions
from briefgen.model import citation_ids

REQUIRED = (("summary",), ("trigger",))  # a release without them is no brief


class Withheld(Exception):
    """A brief (or an earlier edition) marked above the release being made: no release, and nothing said."""


def release_of(
    source: Source, scheme: Scheme, level: Marking | None, default: Marking | None = None
) -> tuple[Source, Portions]:
    """The edition of ``source`` at ``level`` (None: the full edition) and its portions' markings.

    Raises Withheld when the brief as a whole is above the level, or its own marking cannot be read (fail
    closed); BriefgenError for a leaking reference, or, in a release, a marking that cannot be read, said
    without saying where (the full edition's `briefgen validate` shows that)."""
    if level is None:
        return source, read_portions(source, scheme, default)
    data = source.data
    own = [data[key] for key in ("marking", "classification") if data.get(key) is not None]
    if not all(isinstance(v, str) and _readable(scheme, v) for v in own):
        raise Withheld(source.name)  # its marking cannot be known: nothing of it is released
    root = scheme.highest([scheme.parse(str(v)) for v in own] or [default or scheme.lowest])
    if root.rank > level.rank:  # before its portions are read: a mistake in them is not said in this release
        raise Withheld(source.name)
    try:
        portions = read_portions(source, scheme, default)
    except BriefgenError:
        message = "a portion's marking is not valid, so the brief cannot be released: `briefgen validate` says where"
        raise BriefgenError([Problem(source.name, 0, 0, "", message)]) from None
    if portions.root.rank > level.rank:
        raise Withheld(source.name)
    released = cut(source, portions, level)
    return released, read_portions(released, scheme, default)


def _readable(scheme: Scheme, value: Any) -> bool:
    try:
        scheme.parse(str(value))
    except ValueError:
        return False
    return True


def cut(source: Source, portions: Portions, level: Marking) -> Source:
    """The release of ``source`` at ``level``: a Source whose data hold only what may be released, each
    value still located at its line in the file. Raises BriefgenError at each reference that would leak."""
    data = source.data
    above = {loc for loc in portion_paths(data) if portions.of(loc).rank > level.rank}
    removed = {loc for loc in above if not any(loc[:n] in above for n in range(len(loc)))}  # outermost only

    def dropped(loc: PathKey) -> bool:
        return any(loc[:n] in removed for n in range(len(loc) + 1))

    scheme = portions.scheme
    shown = scheme.level(level).id
    problems = [
        source.problem((*loc, "marking") if (*loc, "marking") in source.positions else loc,
                       f"is marked above {shown}, so a release at {shown} would have no {loc[0]}; mark it {shown}"
                       " or lower")
        for loc in REQUIRED if loc in removed
    ]  # fmt: skip
    problems += list(_leaks(source, dropped, shown))
    if problems:
        raise BriefgenError(sorted(set(problems)))
    removed |= _unreferenced(data, dropped)
    return _pruned(source, removed, portions.scheme.banner(portions.root))


def _references(data: dict[str, Any], kept: Any) -> Iterator[tuple[str, str, PathKey, bool]]:
    """(kind, id, where, is a citation) of every reference to an actor or a source from where ``kept``."""
    for loc, text in walk_strings(data):
        if kept(loc):
            for ref in citation_ids(text):
                yield "sources", ref, loc, True
    trigger: dict[str, Any] = data["trigger"] if isinstance(data.get("trigger"), dict) else {}
    found: list[tuple[str, Any, PathKey]] = [
        ("actors", ref, ("trigger", "actors", j)) for j, ref in enumerate(trigger.get("actors") or [])
    ]
    for i, item in enumerate(data.get("motivations") or []):
        if isinstance(item, dict) and item.get("actor"):
            found.append(("actors", item["actor"], ("motivations", i, "actor")))
    for i, ask in enumerate(data.get("asks") or []):
        if isinstance(ask, dict):
            found += [("actors", ask[key], ("asks", i, key)) for key in ("by", "of") if ask.get(key)]
            found += [("sources", ref, ("asks", i, "sources", j)) for j, ref in enumerate(ask.get("sources") or [])]
    for kind, ref, loc in found:
        if kept(loc) and isinstance(ref, str):
            yield kind, ref, loc, False


def _index(data: dict[str, Any], kind: str) -> dict[str, int]:
    return {item["id"]: i for i, item in enumerate(data.get(kind) or []) if isinstance(item, dict) and "id" in item}


def _leaks(source: Source, dropped: Any, shown: str) -> Iterator[Problem]:
    """The references a kept portion makes to a removed one, said without naming what they refer to: the
    release's log and manifest may be read at the release's level."""
    data = source.data
    ids = {kind: _index(data, kind) for kind in ("actors", "sources")}
    for kind, ref, loc, cited in _references(data, lambda loc: not dropped(loc)):
        if ref in ids[kind] and dropped((kind, ids[kind][ref])):
            noun, a = ("actor", "an") if kind == "actors" else ("source", "a")
            yield source.problem(
                loc,
                f"refers to {a} {noun} marked above {shown}: releasing this at {shown} would reveal it; mark this"
                f" portion above {shown} too, or refer to {a} {noun} at {shown} or lower",
                within=(f"@{ref}", 0) if cited else None,
            )


def _unreferenced(data: dict[str, Any], dropped: Any) -> set[PathKey]:
    """The sources and actors that only removed portions referred to: listing them would hint at what was cut."""
    everywhere = {(kind, ref) for kind, ref, _, _ in _references(data, lambda loc: True)}
    still = {(kind, ref) for kind, ref, _, _ in _references(data, lambda loc: not dropped(loc))}
    out: set[PathKey] = set()
    for kind in ("actors", "sources"):
        for ref, i in _index(data, kind).items():
            if (kind, ref) in everywhere and (kind, ref) not in still:
                out.add((kind, i))
    return out


def _pruned(source: Source, removed: set[PathKey], root: str) -> Source:
    """A copy of ``source`` without the ``removed`` paths, its positions moved to the new list indexes."""
    data = copy.deepcopy(source.data)
    data.pop("classification", None)  # a release's banner is computed from what it holds
    data["marking"] = root  # what the unmarked portions inherit stays as it was in the full edition
    for loc in removed:
        if len(loc) == 1:  # a portion that is a field of the brief (the historical context)
            data.pop(str(loc[0]), None)
    moves: dict[PathKey, dict[int, int]] = {}  # list path (old) -> old index -> new index
    for list_loc in sorted({loc[:-1] for loc in removed if isinstance(loc[-1], int)}, key=len):
        new_loc = _moved(list_loc, moves)  # outer lists first: their moves are known when an inner one is cut
        items = _at(data, new_loc) if new_loc is not None else None
        if not isinstance(items, list):
            continue
        keep = [i for i in range(len(items)) if (*list_loc, i) not in removed]
        moves[list_loc] = {old: new for new, old in enumerate(keep)}
        items[:] = [items[i] for i in keep]

    def move(table: dict[PathKey, Any]) -> dict[PathKey, Any]:
        if not removed:  # the full edition, or a release that cuts nothing: every position where it was
            return dict(table)
        out = {}
        for loc, value in table.items():
            new = _moved(loc, moves)
            if new is not None and not any(loc[:n] in removed for n in range(len(loc) + 1)):
                out[new] = value
        return out

    return Source(source.name, data, move(source.positions), move(source.key_positions), source.text,
                  move(source.spans))  # fmt: skip


def _moved(loc: PathKey, moves: dict[PathKey, dict[int, int]]) -> PathKey | None:
    out: list[str | int] = []
    for n, part in enumerate(loc):
        if isinstance(part, int) and loc[:n] in moves:
            new = moves[loc[:n]].get(part)
            if new is None:
                return None
            out.append(new)
        else:
            out.append(part)
    return tuple(out)


def _at(data: Any, loc: PathKey) -> Any:
    for part in loc:
        data = data[part]
    return data
