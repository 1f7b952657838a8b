"""Portion markings: the schemes (US, UK, TLP 2.0, or an organisation's own list), a marking such as
``S//NOFORN`` read, every portion's marking (its own, else its parent's, else the brief's), and the banner
computed from the portions present (the highest level plus the union of the controls).

It works on the loaded data, before the model: a release edition (release.py) is cut from the data, so
what it drops never reaches the model, let alone an output.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefgen.errors import BriefgenError, Problem
from briefgen.load import PathKey, Source


@dataclass(frozen=True)
class Level:
    """One step of a scheme: its id (what a writer types), its banner and its portion mark."""

    id: str
    banner: str
    portion: str


@dataclass(frozen=True, order=True)
class Marking:
    """A portion's marking: its level's rank in the scheme and its dissemination controls."""

    rank: int
    controls: tuple[str, ...] = ()


BUILT_IN: dict[str, tuple[Level, ...]] = {
    # US: 32 CFR 2001.21, and CUI (32 CFR 2002) below CONFIDENTIAL as the CAPCO register orders it
    "us": (
        Level("U", "UNCLASSIFIED", "U"),
        Level("CUI", "CUI", "CUI"),
        Level("C", "CONFIDENTIAL", "C"),
        Level("S", "SECRET", "S"),
        Level("TS", "TOP SECRET", "TS"),
    ),
    # UK: Government Security Classifications (2023)
    "uk": (
        Level("O", "OFFICIAL", "O"),
        Level("OS", "OFFICIAL-SENSITIVE", "OS"),
        Level("S", "SECRET", "S"),
        Level("TS", "TOP SECRET", "TS"),
    ),
    # FIRST's Traffic Light Protocol 2.0
    "tlp": (
        Level("CLEAR", "TLP:CLEAR", "TLP:CLEAR"),
        Level("GREEN", "TLP:GREEN", "TLP:GREEN"),
        Level("AMBER", "TLP:AMBER", "TLP:AMBER"),
        Level("AMBER+STRICT", "TLP:AMBER+STRICT", "TLP:AMBER+STRICT"),
        Level("RED", "TLP:RED", "TLP:RED"),
    ),
}

# The lists of a brief whose items are portions, and the mappings that are portions themselves. A string
# item of a list (a point) or the summary may be written {text: ..., marking: ...} to mark it alone.
PORTION_LISTS: tuple[PathKey, ...] = (
    ("key_points",),
    ("actors",),
    ("trigger", "points"),
    ("motivations",),
    ("asks",),
    ("risks",),
    ("watch_list",),
    ("historical_context", "events"),
    ("historical_context", "themes"),
    ("options",),
    ("sections",),
    ("sources",),
)
PORTION_MAPPINGS: tuple[PathKey, ...] = (("summary",), ("implications",), ("trigger",), ("historical_context",))


@dataclass(frozen=True)
class Scheme:
    """An ordered list of levels and the dissemination controls a marking may add."""

    name: str
    levels: tuple[Level, ...]
    controls: tuple[str, ...] = ()

    def level(self, marking: Marking) -> Level:
        return self.levels[marking.rank]

    @property
    def lowest(self) -> Marking:
        return Marking(0)

    def parse(self, text: str) -> Marking:
        """``S``, ``S//NOFORN``, ``SECRET//REL TO USA, FRA`` or ``(S)``: a Marking, or ValueError in words."""
        value = " ".join(text.split()).strip()
        if value.startswith("(") and value.endswith(")"):
            value = value[1:-1].strip()
        head, *rest = value.split("//")
        rank = self._rank(head.strip())
        controls: list[str] = []
        for part in "/".join(rest).split("/") if rest else []:
            control = part.strip()
            if not control:
                continue
            if control.upper() not in {c.upper() for c in self.controls}:
                allowed = ", ".join(self.controls) if self.controls else "none are allowed in this project"
                raise ValueError(f"unknown dissemination control '{control}'; expected one of {allowed}")
            controls.append(next(c for c in self.controls if c.upper() == control.upper()))
        return Marking(rank, tuple(sorted(set(controls), key=self._control_order)))

    def _rank(self, head: str) -> int:
        for rank, level in enumerate(self.levels):
            if head.upper() in (level.id.upper(), level.banner.upper(), level.portion.upper()):
                return rank
        raise ValueError(
            f"unknown marking '{head}'; the {self.name} scheme has {', '.join(level.id for level in self.levels)}"
        )

    def _control_order(self, control: str) -> int:
        return self.controls.index(control) if control in self.controls else len(self.controls)

    def banner(self, marking: Marking) -> str:
        """``SECRET//NOFORN``: the level's banner and the controls, as the scheme spells them."""
        return _joined(self.level(marking).banner, marking.controls)

    def portion(self, marking: Marking) -> str:
        """``(S//NOFORN)``: the mark printed before a portion."""
        return f"({_joined(self.level(marking).portion, marking.controls)})"

    def highest(self, markings: Sequence[Marking]) -> Marking:
        """The banner's marking: the highest level present and every control of any portion."""
        rank = max((m.rank for m in markings), default=0)
        controls = {c for m in markings for c in m.controls}
        return Marking(rank, tuple(sorted(controls, key=self._control_order)))

    def folder(self, level: Marking) -> str:
        """Where `build` puts the release at ``level``: release-u, release-amber-strict."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.level(level).id.lower()).strip("-")
        return f"release-{slug or 'level'}"

    def ambiguities(self) -> list[str]:
        """What makes a marking mean two levels, or two releases share a folder (a custom scheme's mistakes)."""
        found: list[str] = []
        seen: dict[str, int] = {}
        folders: dict[str, str] = {}
        for rank, level in enumerate(self.levels):
            for spelling in {level.id.upper(), level.banner.upper(), level.portion.upper()}:
                if spelling in seen and seen[spelling] != rank:
                    found.append(f"'{spelling}' names both {self.levels[seen[spelling]].id} and {level.id}")
                seen.setdefault(spelling, rank)
            folder = self.folder(Marking(rank))
            if folder in folders:
                found.append(f"{folders[folder]} and {level.id} would both be released into {folder}/")
            folders.setdefault(folder, level.id)
        return found

    def omits(self, level: Marking, gettext: Callable[[str], str] = str) -> str:
        """What a release edition says of itself (``gettext``: in the brief's language)."""
        return gettext("This edition omits material above %(banner)s.") % {"banner": self.level(level).banner}


def _joined(level: str, controls: tuple[str, ...]) -> str:
    return "//".join([level, "/".join(controls)]) if controls else level


def scheme_named(name: str, controls: Sequence[str] = (), levels: Sequence[Mapping[str, str]] = ()) -> Scheme:
    """The built-in scheme ``name``, or a custom one from ``levels`` ({id, banner, portion}, lowest first)."""
    if levels:
        return Scheme(name or "custom", tuple(Level(lv["id"], lv["banner"], lv["portion"]) for lv in levels),
                      tuple(controls))  # fmt: skip
    return Scheme(name, BUILT_IN[name], tuple(controls))


@dataclass
class Portions:
    """Every portion of one brief's data with its marking (its own or inherited), and where each is written."""

    scheme: Scheme
    root: Marking
    marks: dict[PathKey, Marking] = field(default_factory=dict)  # every portion's effective marking
    explicit: dict[PathKey, PathKey] = field(default_factory=dict)  # portion -> where its marking is written

    def of(self, loc: PathKey) -> Marking:
        """The marking of the portion at ``loc`` or of the nearest portion holding it."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.marks:
                return self.marks[loc[:end]]
        return self.root

    def banner_marking(self) -> Marking:
        return self.scheme.highest([self.root, *self.marks.values()])


def portion_paths(data: Mapping[str, Any]) -> Iterator[PathKey]:
    """Every portion of the data, parents before their children."""
    for loc in PORTION_MAPPINGS:
        if loc[0] in data:
            yield loc
    for loc in PORTION_LISTS:
        items = _get(data, loc)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            yield (*loc, i)
            if loc == ("motivations",) and isinstance(item, dict) and isinstance(item.get("points"), list):
                yield from (("motivations", i, "points", j) for j in range(len(item["points"])))


def _get(data: Any, loc: PathKey) -> Any:
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def written_marking(data: Mapping[str, Any], loc: PathKey) -> Any:
    """The ``marking`` written on the portion at ``loc`` (None if it has none)."""
    value = _get(data, loc)
    return value.get("marking") if isinstance(value, dict) else None


def read_portions(source: Source, scheme: Scheme, default: Marking | None = None) -> Portions:
    """Every portion's marking in ``source``: its own, else its parent's, else the brief's: its ``marking``,
    else its ``classification`` (a brief written SECRET with no marks is SECRET throughout, never released
    whole below that), else ``default`` (the project's classification), else the scheme's lowest level.
    A marking the scheme does not know is an error at its line."""
    problems: list[Problem] = []

    def parsed(loc: PathKey, value: Any, inherited: Marking) -> Marking:
        if value is None:
            return inherited
        if not isinstance(value, str):  # never inherit past a marking that is there but unreadable
            problems.append(source.problem((*loc, "marking"), "expected a marking such as S or S//NOFORN"))
            return inherited
        try:
            return scheme.parse(value)
        except ValueError as exc:
            problems.append(source.problem((*loc, "marking"), str(exc)))
            return inherited

    data = source.data
    fallback = default or scheme.lowest
    classified = fallback
    if isinstance(data.get("classification"), str):
        with contextlib.suppress(ValueError):  # validate.py says so at the classification's line
            classified = fallback = scheme.parse(data["classification"])
    # the brief's own marking, but never below the classification written on it
    root = scheme.highest([parsed((), data.get("marking"), fallback), classified])
    portions = Portions(scheme, root)
    for loc in portion_paths(data):
        parent = portions.of(loc[:-1]) if len(loc) > 1 else root
        written = written_marking(data, loc)
        portions.marks[loc] = parsed(loc, written, parent)
        if written is not None:
            portions.explicit[loc] = (*loc, "marking")
    if problems:
        raise BriefgenError(problems)
    return portions
