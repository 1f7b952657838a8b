"""`briefgen build`: incremental by content hash, failure containment, manifest, shards, parallel and atomic writes.

Most tests build Markdown and HTML only (no WeasyPrint) with one job; PDF only where the behaviour needs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import MINIMAL, PNG, REPO, brief, parse_html, settings, write_tree

import briefgen.check
import briefgen.load
import briefgen.manifest
import briefgen.project
from briefgen import __version__
from briefgen.build import build as build_briefs
from briefgen.progress import Progress
from briefgen.workers import Step

Run = Callable[..., Result]

EXAMPLE_BRIEF = REPO / "briefs" / "example-port-strike.yaml"
SUMMARY = re.compile(r"built (\d+), unchanged (\d+), failed (\d+) in \d+\.\d s")
BUILT_LINE = re.compile(r"built (\S+) \(\d+\.\d s\)")
FAST = ("--format", "md,html", "-j", "1")  # no WeasyPrint, no worker processes

# trigger without its summary: one located error
BROKEN = MINIMAL.replace("  summary: It happened.\n", "")
BROKEN_ERROR = "briefs/{name}.yaml:5:3: trigger: missing required field 'summary'"


@pytest.fixture
def project(project: Path) -> Path:
    """The project with three good briefs (a, b, c)."""
    return write_tree(project, {f"briefs/{n}.yaml": brief(f"Brief {n.upper()}") for n in "abc"})


def build(run: Run, *args: str) -> Result:
    return run("build", *FAST, *args)


def id_clash(path: str, taken: str, owner: str) -> str:
    """The message for a brief (with its id on line 7, as brief() writes it) whose id another brief owns."""
    return f"{path}:7:5: id: id '{taken}' is already used by {owner}; give one of them another id"


def counts(result: Result | str) -> tuple[int, int, int]:
    """(built, unchanged, failed) from the closing summary, which must be the last line of stderr."""
    stderr = result if isinstance(result, str) else result.stderr
    match = SUMMARY.fullmatch(stderr.splitlines()[-1]) if stderr else None
    assert match, stderr
    return int(match[1]), int(match[2]), int(match[3])


def built_names(result: Result) -> list[str]:
    return [m[1] for line in result.stderr.splitlines() if (m := BUILT_LINE.fullmatch(line))]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path, *names: str) -> dict[str, int]:
    return {name: (folder / name).stat().st_mtime_ns for name in names}


def manifest_entries(out: Path, name: str = "manifest.json") -> dict[str, dict[str, Any]]:
    data = json.loads((out / name).read_text(encoding="utf-8"))
    return {entry["source"]: entry for entry in data["briefs"]}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(name: str, formats: tuple[str, ...] = ("md", "html")) -> list[str]:
    return [f"{name}.{fmt}" for fmt in formats]


# --- incremental


def test_second_build_is_a_noop(project: Path, run: Run) -> None:
    first = build(run)
    assert first.exit_code == 0, first.output
    assert counts(first) == (3, 0, 0)
    assert built_names(first) == ["briefs/a.yaml", "briefs/b.yaml", "briefs/c.yaml"]
    out = project / "output"
    briefs = [n for x in "abc" for n in outputs(x)]
    assert sorted(os.listdir(out)) == sorted([*briefs, "index.html", "manifest.json"])
    before, times = snapshot(out), mtimes(out, *briefs)

    second = build(run)
    assert (second.exit_code, second.stdout) == (0, "")
    assert counts(second) == (0, 3, 0)
    assert second.stderr.splitlines()[:-1] == []  # nothing built, nothing to say but the summary
    assert snapshot(out) == before
    assert mtimes(out, *briefs) == times  # not even rewritten


def test_touching_a_source_without_changing_it_rebuilds_nothing(project: Path, run: Run) -> None:
    build(run)
    later = time.time() + 3600
    for path in (project / "briefs").iterdir():
        os.utime(path, (later, later))
    assert counts(build(run)) == (0, 3, 0)  # content hashes, not timestamps


def test_source_edit_rebuilds_only_that_brief(project: Path, run: Run) -> None:
    build(run)
    out = project / "output"
    others = mtimes(out, *outputs("a"), *outputs("c"))
    (project / "briefs/b.yaml").write_text(brief("Brief B, revised"), encoding="utf-8")
    result = build(run)
    assert result.exit_code == 0
    assert counts(result) == (1, 2, 0)
    assert built_names(result) == ["briefs/b.yaml"]
    assert "<title>Brief B, revised</title>" in (out / "b.html").read_text(encoding="utf-8")
    assert "Brief B, revised" in (out / "index.html").read_text(encoding="utf-8")
    assert mtimes(out, *outputs("a"), *outputs("c")) == others


def test_template_change_rebuilds_all(project: Path, run: Run) -> None:
    theme = project / "theme"
    theme.mkdir()
    shutil.copy(REPO / "templates" / "brief.html.j2", theme / "brief.html.j2")
    assert counts(build(run, "--templates", "theme")) == (3, 0, 0)
    assert counts(build(run, "--templates", "theme")) == (0, 3, 0)

    template = (theme / "brief.html.j2").read_text(encoding="utf-8")
    assert "</body>" in template
    (theme / "brief.html.j2").write_text(template.replace("</body>", "<!-- theme v2 --></body>", 1), encoding="utf-8")
    result = build(run, "--templates", "theme")
    assert counts(result) == (3, 0, 0)
    for name in "abc":
        assert "<!-- theme v2 -->" in (project / "output" / f"{name}.html").read_text(encoding="utf-8")

    # a new file in the theme (extra.css is picked up by the pages) counts too
    (theme / "extra.css").write_text("h1 { color: #123456; }\n", encoding="utf-8")
    assert counts(build(run, "--templates", "theme")) == (3, 0, 0)
    assert "#123456" in (project / "output" / "a.html").read_text(encoding="utf-8")
    # and so does dropping the theme
    assert counts(build(run)) == (3, 0, 0)
    assert "<!-- theme v2 -->" not in (project / "output" / "a.html").read_text(encoding="utf-8")


def test_config_change_rebuilds_all(project: Path, run: Run) -> None:
    assert counts(build(run)) == (3, 0, 0)
    assert "UNCLASSIFIED" in (project / "output/a.html").read_text(encoding="utf-8")
    write_tree(project, {"briefgen.toml": 'classification = "OFFICIAL"\n'})
    assert counts(build(run)) == (3, 0, 0)
    for name in "abc":
        html = (project / f"output/{name}.html").read_text(encoding="utf-8")
        assert "OFFICIAL" in html and "UNCLASSIFIED" not in html
    assert counts(build(run)) == (0, 3, 0)


VERSIONED = textwrap.dedent(
    """\
    import sys
    import briefgen
    briefgen.__version__ = sys.argv.pop(1)  # before anything imports the name
    from briefgen.cli import main
    main()
    """
)


def test_version_change_rebuilds_all(project: Path, run: Run) -> None:
    assert counts(build(run)) == (3, 0, 0)

    def run_as(version: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", VERSIONED, version, "build", *FAST],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    upgraded = run_as("99.0.0")
    assert upgraded.returncode == 0, upgraded.stderr
    assert counts(upgraded.stderr) == (3, 0, 0)
    assert json.loads((project / "output/manifest.json").read_text())["briefgen"] == "99.0.0"
    assert counts(run_as("99.0.0").stderr) == (0, 3, 0)


def test_deleted_or_tampered_output_is_rebuilt(project: Path, run: Run) -> None:
    build(run)
    out = project / "output"
    good = snapshot(out)
    (out / "a.md").unlink()
    (out / "b.html").write_bytes(good["b.html"] + b"<!-- edited -->")
    result = build(run)
    assert counts(result) == (2, 1, 0)
    assert built_names(result) == ["briefs/a.yaml", "briefs/b.yaml"]
    assert snapshot(out) == good


def test_force_rebuilds_all(project: Path, run: Run) -> None:
    build(run)
    result = build(run, "--force")
    assert (result.exit_code, counts(result)) == (0, (3, 0, 0))


def test_other_formats_rebuild(project: Path, run: Run) -> None:
    build(run)
    assert counts(run("build", "--format", "md", "-j", "1")) == (3, 0, 0)
    assert counts(run("build", "--format", "md", "-j", "1")) == (0, 3, 0)


def test_deleted_brief_loses_outputs_manifest_entry_and_index_card(project: Path, run: Run) -> None:
    build(run)
    out = project / "output"
    assert "Brief B" in (out / "index.html").read_text(encoding="utf-8")
    (project / "briefs/b.yaml").unlink()
    result = build(run, "-v")
    assert result.exit_code == 0
    assert counts(result) == (0, 2, 0)
    assert [line for line in result.stdout.splitlines() if line.startswith("removed")] == [
        "removed output/b.html",
        "removed output/b.md",
    ]
    assert sorted(os.listdir(out)) == sorted([*outputs("a"), *outputs("c"), "index.html", "manifest.json"])
    assert sorted(manifest_entries(out)) == ["briefs/a.yaml", "briefs/c.yaml"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Brief B" not in index and "b.html" not in index
    assert "2 briefs, newest first" in index


def test_renamed_brief_keeps_its_outputs(project: Path, run: Run) -> None:
    build(run)
    (project / "briefs/b.yaml").rename(project / "briefs/b2.yaml")
    write_tree(project, {"briefs/b2.yaml": brief("Brief B", "id: b\n")})
    result = build(run)
    assert counts(result) == (1, 2, 0)
    assert (project / "output/b.html").is_file() and (project / "output/b.md").is_file()
    assert sorted(manifest_entries(project / "output")) == ["briefs/a.yaml", "briefs/b2.yaml", "briefs/c.yaml"]


# --- a damaged manifest


def _entry_for_gone_brief(out: Path, outputs: dict[str, str]) -> str:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data["briefs"].append({**data["briefs"][0], "source": "briefs/gone.yaml", "outputs": outputs})
    return json.dumps(data)


def _retyped(out: Path, **fields: Any) -> str:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data["briefs"][0].update(fields)
    return json.dumps(data)


CORRUPT: dict[str, Callable[[Path], str | bytes]] = {
    "garbage": lambda out: b"\x00\xff not json at all",
    "truncated": lambda out: (out / "manifest.json").read_text(encoding="utf-8")[:100],
    "a list": lambda out: "[1, 2, 3]",
    "briefs not a list": lambda out: json.dumps({"briefgen": __version__, "briefs": "a, b, c"}),
    "entry not an object": lambda out: json.dumps({"briefgen": __version__, "briefs": ["a"]}),
    "unknown field": lambda out: _retyped(out, colour="red"),
    "missing field": lambda out: json.dumps({"briefgen": __version__, "briefs": [{"id": "a"}]}),
    "title a number": lambda out: _retyped(out, title=5),
    "outputs a list": lambda out: _retyped(out, outputs=["a.md"]),
    "output hash a number": lambda out: _retyped(out, outputs={"a.md": 1}),
    "tags a string": lambda out: _retyped(out, tags="x"),
    "output outside the folder": lambda out: _entry_for_gone_brief(out, {"../victim": "0" * 64}),
    "output is a dot file": lambda out: _entry_for_gone_brief(out, {"..": "0" * 64}),
    "absolute output": lambda out: _entry_for_gone_brief(out, {"/tmp/victim": "0" * 64}),
}


@pytest.mark.parametrize("kind", CORRUPT)
def test_corrupt_manifest_warns_and_rebuilds_everything(project: Path, run: Run, kind: str) -> None:
    build(run)
    out = project / "output"
    good = snapshot(out)
    victim = write_tree(project, {"victim": "keep me"}) / "victim"
    damaged = CORRUPT[kind](out)
    if isinstance(damaged, bytes):
        (out / "manifest.json").write_bytes(damaged)
    else:
        (out / "manifest.json").write_text(damaged, encoding="utf-8")

    result = build(run)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert counts(result) == (3, 0, 0)
    warnings = [line for line in result.stderr.splitlines() if "manifest" in line]
    assert len(warnings) == 1
    assert re.fullmatch(
        r"output/manifest\.json: warning: .*unreadable manifest \(.+\); rebuilding everything", warnings[0]
    )
    assert snapshot(out) == good  # a clean rebuild: the same files as before the damage
    assert victim.read_text() == "keep me"
    assert counts(build(run)) == (0, 3, 0)


def test_corrupt_manifest_warning_names_the_file_once(project: Path, run: Run) -> None:
    build(run)
    (project / "output/manifest.json").write_text("garbage", encoding="utf-8")
    warning = next(line for line in build(run).stderr.splitlines() if "unreadable manifest" in line)
    assert warning.count("manifest.json") == 1, warning


@pytest.mark.parametrize("fields", [{"date": "garbage"}, {"updated": "31/12/2025"}, {"status": 5}])
def test_manifest_entry_with_bad_values_is_rejected_not_crashed_on(
    project: Path, run: Run, fields: dict[str, Any]
) -> None:
    build(run)
    (project / "output/manifest.json").write_text(_retyped(project / "output", **fields), encoding="utf-8")
    result = build(run)
    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0
    assert counts(result) == (3, 0, 0)
    assert "unreadable manifest" in result.stderr


def test_deleted_brief_is_cleaned_up_across_a_version_change(
    project: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(run)
    (project / "briefs/b.yaml").unlink()
    monkeypatch.setattr(briefgen.project, "__version__", "99.0.0")
    result = build(run)
    assert counts(result) == (2, 0, 0)
    assert not (project / "output/b.html").exists()


# --- the manifest


def test_manifest_records_sources_outputs_and_hashes(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/c.yaml": BROKEN})
    result = build(run)
    assert result.exit_code == 1
    out = project / "output"
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["briefgen"] == __version__
    assert [e["source"] for e in data["briefs"]] == ["briefs/a.yaml", "briefs/b.yaml", "briefs/c.yaml"]
    entries = manifest_entries(out)
    for name in "ab":
        entry = entries[f"briefs/{name}.yaml"]
        assert entry["id"] == name
        assert entry["source_sha256"] == digest(project / f"briefs/{name}.yaml")
        assert entry["outputs"] == {f: digest(out / f) for f in outputs(name)}
        assert (entry["errors"], entry["stale"]) == ([], False)
        assert (entry["title"], entry["date"], entry["status"]) == (f"Brief {name.upper()}", "2025-11-28", "draft")
        assert re.fullmatch(r"[0-9a-f]{64}", entry["inputs_sha256"])
    broken = entries["briefs/c.yaml"]
    assert broken["source_sha256"] == digest(project / "briefs/c.yaml")
    assert (broken["outputs"], broken["stale"]) == ({}, False)
    assert broken["errors"] == [BROKEN_ERROR.format(name="c")]
    # the inputs hash covers each brief's own source, not only the shared templates and config
    assert entries["briefs/a.yaml"]["inputs_sha256"] != entries["briefs/b.yaml"]["inputs_sha256"]


# --- failures are contained


def test_broken_brief_among_good_ones(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/c.yaml": BROKEN})
    result = build(run)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert built_names(result) == ["briefs/a.yaml", "briefs/b.yaml"]
    assert BROKEN_ERROR.format(name="c") in lines
    assert re.fullmatch(r"built 2, unchanged 0, failed 1 in \d+\.\d s", lines[-1])
    assert "failed briefs/c.yaml" in lines
    assert len(lines) == 5
    out = project / "output"
    assert sorted(os.listdir(out)) == sorted([*outputs("a"), *outputs("b"), "index.html", "manifest.json"])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Brief A" in index and "Brief B" in index and "A minimal brief" not in index
    # still broken: reported again, nothing rebuilt
    again = build(run)
    assert again.exit_code == 1
    assert BROKEN_ERROR.format(name="c") in again.stderr.splitlines()
    assert counts(again) == (0, 2, 1)


def test_broken_brief_keeps_its_last_good_outputs_marked_stale(project: Path, run: Run) -> None:
    build(run)
    out = project / "output"
    good = snapshot(out)
    before = manifest_entries(out)["briefs/a.yaml"]
    (project / "briefs/a.yaml").write_text(BROKEN, encoding="utf-8")

    result = build(run)
    assert result.exit_code == 1
    assert counts(result) == (0, 2, 1)
    assert BROKEN_ERROR.format(name="a") in result.stderr.splitlines()
    for name in outputs("a"):
        assert (out / name).read_bytes() == good[name]
    entry = manifest_entries(out)["briefs/a.yaml"]
    assert entry["stale"] is True
    assert entry["errors"] == [BROKEN_ERROR.format(name="a")]
    assert entry["outputs"] == before["outputs"]
    assert entry["title"] == "Brief A"
    cards = stale_badges(out / "index.html")
    assert cards == {"Brief A": ["Stale"], "Brief B": [], "Brief C": []}

    # still broken on the next build: still stale, still failing
    again = build(run)
    assert (again.exit_code, counts(again)) == (1, (0, 2, 1))
    assert manifest_entries(out)["briefs/a.yaml"]["stale"] is True

    (project / "briefs/a.yaml").write_text(brief("Brief A, fixed"), encoding="utf-8")
    fixed = build(run)
    assert (fixed.exit_code, counts(fixed)) == (0, (1, 2, 0))
    entry = manifest_entries(out)["briefs/a.yaml"]
    assert (entry["stale"], entry["errors"], entry["title"]) == (False, [], "Brief A, fixed")
    assert stale_badges(out / "index.html") == {"Brief A, fixed": [], "Brief B": [], "Brief C": []}


def stale_badges(index: Path) -> dict[str, list[str]]:
    """The text of the stale badges of each card of the index page, by the brief's title."""
    tree = parse_html(index.read_text(encoding="utf-8"))
    cards = [li for li in tree.iter("li") if "brief-card" in li.classes()]
    return {
        card.find("h2").text(): [s.text() for s in card.iter("span") if "stale" in s.classes()]  # type: ignore[union-attr]
        for card in cards
    }


def test_never_built_brief_is_not_stale(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/c.yaml": BROKEN})
    build(run)
    first = (project / "output/manifest.json").read_bytes()
    build(run)
    assert manifest_entries(project / "output")["briefs/c.yaml"]["stale"] is False
    assert (project / "output/manifest.json").read_bytes() == first


def test_duplicate_id_fails_the_second_and_leaves_the_first(project: Path, run: Run) -> None:
    write_tree(
        project,
        {"briefs/a.yaml": brief("Brief A", "id: same\n"), "briefs/b.yaml": brief("Brief B", "id: same\n")},
    )
    result = build(run)
    assert result.exit_code == 1
    assert "briefs/b.yaml:7:5: id: id 'same' is already used by briefs/a.yaml; give one of them another id" in (
        result.stderr.splitlines()
    )
    assert counts(result) == (2, 0, 1)  # a and c
    out = project / "output"
    assert "<title>Brief A</title>" in (out / "same.html").read_text(encoding="utf-8")
    assert not (out / "b.html").exists()

    # a brief that changes to an id an unchanged brief owns fails; the owner's outputs stay as they were
    good = snapshot(out)
    (project / "briefs/c.yaml").write_text(brief("Brief C", "id: same\n"), encoding="utf-8")
    clash = build(run)
    assert clash.exit_code == 1
    assert id_clash("briefs/c.yaml", "same", "briefs/a.yaml") in clash.stderr.splitlines()
    assert counts(clash) == (0, 1, 2)
    for name in outputs("same"):
        assert (out / name).read_bytes() == good[name]
    entries = manifest_entries(out)
    assert entries["briefs/c.yaml"]["stale"] is True  # c's old outputs (c.html, c.md) stay, marked stale
    assert (out / "c.html").read_bytes() == good["c.html"]


def test_changed_brief_cannot_take_the_id_of_an_unchanged_one(project: Path, run: Run) -> None:
    build(run)
    out = project / "output"
    good = snapshot(out)
    # a sorts first, but b owns the id: a must fail
    (project / "briefs/a.yaml").write_text(brief("Brief A", "id: b\n"), encoding="utf-8")
    result = build(run)
    assert result.exit_code == 1
    assert id_clash("briefs/a.yaml", "b", "briefs/b.yaml") in result.stderr.splitlines()
    assert snapshot(out)["b.html"] == good["b.html"]
    assert snapshot(out)["b.md"] == good["b.md"]


# --- shards


def test_shards_cover_every_brief_once_and_index_merges_them(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    names = [f"brief-{i}" for i in range(1, 8)]
    write_tree(tmp_path, {f"briefs/{n}.yaml": brief(f"Title {n}") for n in names})
    site = tmp_path / "site"
    shards: list[set[str]] = []
    for k in range(1, 5):
        result = run("build", *FAST, "--shard", f"{k}/4", "--out", "site")
        assert result.exit_code == 0, result.output
        entries = manifest_entries(site, f"manifest.shard-{k}-of-4.json")
        assert set(built_names(result)) == set(entries)
        shards.append(set(entries))
        assert not (site / "manifest.json").exists() and not (site / "index.html").exists()
    assert set().union(*shards) == {f"briefs/{n}.yaml" for n in names}
    assert sum(len(s) for s in shards) == 7  # so no brief is in two shards
    assert sum(1 for s in shards if s) >= 2  # the briefs really are spread

    # a shard picks the same briefs every time
    again = run("build", *FAST, "--shard", "2/4", "--out", "site")
    assert set(built_names(again)) == shards[1]

    merged = run("index", "--out", "site")
    assert (merged.exit_code, merged.stdout) == (0, "indexed 7 briefs in site/index.html\n")
    assert sorted(p.name for p in site.glob("manifest*.json")) == ["manifest.json"]
    entries = manifest_entries(site)
    assert sorted(entries) == sorted(f"briefs/{n}.yaml" for n in names)
    for entry in entries.values():
        assert entry["outputs"] == {f: digest(site / f) for f in outputs(entry["id"])}
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "7 briefs, newest first" in index
    for n in names:
        assert f">Title {n}</a>" in index


@pytest.mark.parametrize("value", ["0/4", "5/4", "x", "1/0", "1/", "/4", "-1/4", "1/4/2"])
def test_bad_shard_is_a_usage_error(project: Path, run: Run, value: str) -> None:
    result = run("build", *FAST, "--shard", value)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --shard: expected K/N with 1 <= K <= N, e.g. 2/4; got {value!r}"
    )
    assert not (project / "output").exists()


# --- parallel and deterministic (the PDF tests)


def test_parallel_build_is_byte_identical_to_serial(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")  # 2025-11-28 00:00 UTC
    write_tree(
        tmp_path,
        {
            "briefs/one.yaml": brief("Brief one"),
            "briefs/two.yaml": brief("Brief two", "updated: 2025-12-02\nstatus: final\ntags: [energy]\n"),
            "briefs/three.yaml": brief("Brief three", "classification: OFFICIAL\n"),
        },
    )
    serial = run("build", "-j", "1", "--out", "one")
    assert serial.exit_code == 0, serial.output
    parallel = run("build", "-j", "2", "--out", "two")
    assert parallel.exit_code == 0, parallel.output
    assert counts(parallel) == (3, 0, 0)
    assert sorted(built_names(parallel)) == ["briefs/one.yaml", "briefs/three.yaml", "briefs/two.yaml"]

    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    expected = {f"{n}.{fmt}" for n in ("one", "two", "three") for fmt in ("md", "html", "pdf", "docx")}
    assert set(one) == expected | {"index.html", "manifest.json"}
    assert one.keys() == two.keys()
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert one["one.pdf"].startswith(b"%PDF-")
    # the index links the three formats of each brief, and they exist
    index = one["index.html"].decode()
    assert 'built <time datetime="2025-11-28T00:00:00+00:00">28 November 2025, 00:00 UTC</time>' in index
    for name in ("one", "two", "three"):
        for fmt in ("html", "pdf", "md"):
            assert f'href="{name}.{fmt}"' in index
    # dates in the PDF come from the brief, never the clock
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", "-isodates", str(tmp_path / "one/two.pdf")], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"^CreationDate:\s+2025-11-28T", info, re.M), info


# --- atomic writes


def test_leftover_temporaries_are_removed(project: Path, run: Run) -> None:
    build(run)
    out = project / "output"
    leftovers = [".a.pdf.1234.tmp", ".b.html.99.tmp", ".manifest.json.7.tmp", ".index.html.123456.tmp"]
    kept = ["notes.tmp", ".a.pdf.tmp", ".hidden", "CNAME"]
    write_tree(out, {name: "half a file" for name in [*leftovers, *kept]})
    result = build(run)
    assert counts(result) == (0, 3, 0)  # even a build with nothing to do clears them
    for name in leftovers:
        assert not (out / name).exists(), name
    for name in kept:
        assert (out / name).read_text() == "half a file", name


def _start(hook: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", hook, "build", "-j", "1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen[str], word: str, timeout: float = 60) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(word):
            return line.strip()
    proc.kill()
    _, err = proc.communicate()
    pytest.fail(f"the build never got to {word}: {err}")


def _kill(proc: subprocess.Popen[str]) -> None:
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


# say when WeasyPrint starts laying out the PDF, then carry on as usual
WHILE_RENDERING = textwrap.dedent(
    """\
    import briefgen.pdf
    write_pdf = briefgen.pdf.write_pdf
    def announced(*args, **kwargs):
        print("RENDERING", flush=True)
        return write_pdf(*args, **kwargs)
    briefgen.pdf.write_pdf = announced
    from briefgen.cli import main
    main()
    """
)


def test_build_killed_while_rendering_a_pdf_leaves_the_old_one(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "briefs" / EXAMPLE_BRIEF.name
    source.parent.mkdir()
    shutil.copy(EXAMPLE_BRIEF, source)
    first = run("build", "--format", "pdf", "-j", "1")
    assert first.exit_code == 0, first.output
    out = tmp_path / "output"
    good = snapshot(out)
    pdf = f"{EXAMPLE_BRIEF.stem}.pdf"

    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace('title: "', 'title: "Revised: ', 1), encoding="utf-8")
    proc = _start(WHILE_RENDERING, "--format", "pdf")
    _wait_for(proc, "RENDERING")
    time.sleep(0.5)  # the layout of this brief takes more than a second in a fresh process
    _kill(proc)
    assert snapshot(out) == good  # old PDF, manifest and index untouched; no temporary either

    # and a temporary left by a build killed while writing is cleared by the next build
    write_tree(out, {f".{pdf}.{proc.pid}.tmp": b"%PDF-1.7 half"})
    result = run("build", "--format", "pdf", "-j", "1")
    assert (result.exit_code, counts(result)) == (0, (1, 0, 0))
    assert sorted(os.listdir(out)) == sorted([pdf, "index.html", "manifest.json"])
    assert (out / pdf).read_bytes() != good[pdf]
    assert manifest_entries(out)[f"briefs/{EXAMPLE_BRIEF.name}"]["outputs"] == {pdf: digest(out / pdf)}


# stop for good after the new HTML is in its temporary file and before it is renamed into place
BEFORE_RENAME = textwrap.dedent(
    """\
    import os, time
    replace = os.replace
    def paused(src, dst, *args, **kwargs):
        if str(dst).endswith("a.html"):
            print("WRITTEN", src, flush=True)
            time.sleep(600)
        return replace(src, dst, *args, **kwargs)
    os.replace = paused
    from briefgen.cli import main
    main()
    """
)


def test_build_killed_between_write_and_rename(project: Path, run: Run) -> None:
    build(run)
    out = project / "output"
    good = snapshot(out)
    (project / "briefs/a.yaml").write_text(brief("Brief A, revised"), encoding="utf-8")
    proc = _start(BEFORE_RENAME, "--format", "md,html")
    line = _wait_for(proc, "WRITTEN")
    _kill(proc)
    temporary = out / f".a.html.{proc.pid}.tmp"
    assert line == f"WRITTEN {temporary.relative_to(project)}"
    assert "Brief A, revised" in temporary.read_text(encoding="utf-8")  # whole, but never in place
    assert (out / "a.html").read_bytes() == good["a.html"]
    assert (out / "manifest.json").read_bytes() == good["manifest.json"]

    result = build(run)
    assert counts(result) == (1, 2, 0)
    assert not temporary.exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert "Brief A, revised" in (out / "a.html").read_text(encoding="utf-8")


# --- feedback


def test_quiet_prints_only_errors(project: Path, run: Run) -> None:
    stale = "watch_list:\n  - title: Old news\n    indicator: Something.\n    by: 2000-01-01\n"
    write_tree(project, {"briefs/c.yaml": BROKEN, "briefs/d.yaml": brief("Brief D", stale)})
    loud = build(run, "--force")
    assert any(": warning: watch_list[0].by:" in line for line in loud.stderr.splitlines())
    result = build(run, "--force", "-q")
    assert result.exit_code == 1
    assert (result.stdout, result.stderr) == ("", BROKEN_ERROR.format(name="c") + "\n")
    ok = build(run, "-q", "briefs/a.yaml")
    assert (ok.exit_code, ok.stdout, ok.stderr) == (0, "", "")


def test_verbose_lists_files_written_and_unchanged_briefs(project: Path, run: Run) -> None:
    result = build(run, "-v")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"wrote output/{name}" for x in "abc" for name in outputs(x)]
    assert built_names(result) == ["briefs/a.yaml", "briefs/b.yaml", "briefs/c.yaml"]
    again = build(run, "-v")
    assert again.stdout == ""
    assert again.stderr.splitlines()[:-1] == [f"unchanged briefs/{x}.yaml" for x in "abc"]


def test_ci_prints_one_line_per_built_brief(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    result = build(run)
    lines = result.stderr.splitlines()
    assert len(lines) == 4
    assert built_names(result) == ["briefs/a.yaml", "briefs/b.yaml", "briefs/c.yaml"]
    assert "\r" not in result.stderr and "\033" not in result.stderr


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with Progress() as progress:
        assert progress.interactive
        progress.report(Step.START, "briefs/a.yaml", 0.0)
        progress.report(Step.START, "briefs/b.yaml", 0.0)
        progress.report(Step.BUILT, "briefs/a.yaml", 0.2)
    err = capsys.readouterr().err
    assert "[" + "-" * 24 + "] 0/1 briefs/a.yaml" in err
    assert re.search(r"\[#{12}-{12}\] 1/2 ETA \d+ s briefs/b\.yaml", err)
    assert err.endswith("\r\033[K")

    monkeypatch.setenv("CI", "1")
    assert not Progress().interactive


def test_progress_bar_shows_a_brief_being_rendered_not_the_last_queued(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With -j N every brief is reported started at once (queued); the bar names the oldest one still running."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with Progress() as progress:
        for name in ("a", "b", "c"):
            progress.report(Step.START, f"briefs/{name}.yaml", 0.0)
        progress.report(Step.BUILT, "briefs/b.yaml", 0.2)  # finished before a: a is still being rendered
        progress.report(Step.FAILED, "briefs/a.yaml", 0.3)
    frames = capsys.readouterr().err.split("\r\033[K")
    assert [frame.rsplit(" ", 1)[-1] for frame in frames if frame] == [
        "briefs/a.yaml",
        "briefs/a.yaml",
        "briefs/a.yaml",
        "briefs/a.yaml",
        "briefs/c.yaml",
    ]


@pytest.mark.parametrize(
    ("value", "interactive"),
    [("false", True), ("0", True), ("", True), ("No", True), ("1", False), ("true", False), ("yes", False)],
)
def test_ci_false_is_not_ci(monkeypatch: pytest.MonkeyPatch, value: str, interactive: bool) -> None:
    monkeypatch.setenv("CI", value)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert Progress().interactive is interactive


def test_dropping_a_format_removes_its_files(project: Path, run: Run) -> None:
    assert build(run).exit_code == 0
    result = run("build", "--format", "md", "-j", "1", "-v")
    assert result.exit_code == 0
    out = project / "output"
    assert sorted(os.listdir(out)) == sorted(["a.md", "b.md", "c.md", "index.html", "manifest.json"])
    assert "removed output/a.html" in result.stdout


def test_two_briefs_swapping_ids_keep_both_outputs(project: Path, run: Run) -> None:
    write_tree(
        project, {"briefs/a.yaml": brief("Brief A", "id: one\n"), "briefs/b.yaml": brief("Brief B", "id: two\n")}
    )
    assert build(run).exit_code == 0
    write_tree(
        project, {"briefs/a.yaml": brief("Brief A", "id: two\n"), "briefs/b.yaml": brief("Brief B", "id: one\n")}
    )
    assert build(run).exit_code == 0
    out = project / "output"
    assert "Brief A" in (out / "two.html").read_text(encoding="utf-8")
    assert "Brief B" in (out / "one.html").read_text(encoding="utf-8")


# --- found in review


def test_a_brief_linking_outside_the_project_is_refused(
    project: Path, run: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text(brief("SECRET-CONTENT"), encoding="utf-8")
    (project / "briefgen.toml").write_text("", encoding="utf-8")
    (project / "briefs" / "s.yaml").symlink_to(outside)
    result = build(run)
    assert result.exit_code == 1
    assert f"briefs/s.yaml: refused: the brief is a link to a file outside the project {project.resolve()}" in (
        result.stderr.splitlines()
    )
    published = "".join(p.read_text(encoding="utf-8") for p in (project / "output").iterdir() if p.is_file())
    assert "SECRET-CONTENT" not in published
    validated = run("validate")
    assert validated.exit_code == 1 and "refused: the brief is a link" in validated.stderr


def test_building_from_another_folder_keeps_the_outputs(
    project: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build(run).exit_code == 0
    before = (project / "output" / "b.md").read_bytes()
    write_tree(project, {"briefs/b.yaml": BROKEN})
    monkeypatch.chdir(project.parent)
    result = run("build", *FAST, str(project / "briefs"), "--out", str(project / "output"))
    assert result.exit_code == 1
    assert (project / "output" / "b.md").read_bytes() == before  # kept, marked stale
    entries = json.loads((project / "output" / "manifest.json").read_text())["briefs"]
    assert {e["source"]: e["stale"] for e in entries} == {
        "briefs/a.yaml": False,
        "briefs/b.yaml": True,
        "briefs/c.yaml": False,
    }
    monkeypatch.chdir(project)
    assert counts(build(run)) == (0, 2, 1)  # the keys did not depend on the working folder


def test_merging_shards_refuses_two_briefs_with_one_id(project: Path, run: Run) -> None:
    write_tree(project, {f"briefs/{n}.yaml": brief(f"Brief {n}", "id: same\n") for n in "abcdefgh"})
    for k in (1, 2):
        run("build", *FAST, "--shard", f"{k}/2")
    result = run("index")
    assert result.exit_code == 1
    assert re.search(r"^briefs/\w\.yaml: id: id 'same' is already used by briefs/\w\.yaml$", result.stderr, re.M)
    assert not (project / "output" / "index.html").exists()


@pytest.mark.parametrize("reserved", ["index", "manifest"])
def test_the_site_pages_ids_are_reserved(project: Path, run: Run, reserved: str) -> None:
    write_tree(project, {"briefs/a.yaml": brief("Brief A", f"id: {reserved}\n")})
    result = build(run)
    assert result.exit_code == 1
    assert f"briefs/a.yaml:7:5: id: '{reserved}' is reserved for the site; choose another id" in result.stderr


def test_a_folder_without_briefs_fails_the_build(project: Path, run: Run) -> None:
    (project / "empty").mkdir()
    result = run("build", *FAST, "empty")
    assert result.exit_code == 1
    assert "empty: no briefs found here (*.yaml or *.yml files)" in result.stderr


def test_editing_a_reference_style_image_rebuilds(project: Path, run: Run) -> None:
    png = PNG
    (project / "briefgen.toml").write_text("", encoding="utf-8")
    write_tree(
        project,
        {
            "briefs/logo.png": png,
            "briefs/a.yaml": brief("Brief A", 'subtitle: "x"\n').replace(
                "summary: The bottom line.", 'summary: "![logo][l]\\n\\n[l]: logo.png"'
            ),
        },
    )
    assert build(run).exit_code == 0, build(run).stderr
    assert counts(build(run)) == (0, 3, 0)
    (project / "briefs" / "logo.png").write_bytes(png + b"\1")
    assert counts(build(run)) == (1, 2, 0)


# --- each changed brief is read, parsed and validated once, in this process


def test_a_changed_brief_is_parsed_and_validated_once_per_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logo = PNG
    with_image = brief("Brief D").replace("summary: The bottom line.", 'summary: "![logo](logo.png)"')
    write_tree(project, {"briefs/logo.png": logo, "briefs/d.yaml": with_image})
    parsed: list[str] = []
    validated: list[str] = []
    parse, validate = briefgen.load._Builder.build, briefgen.check.validate

    def counting_parse(builder: Any, events: Any) -> Any:
        parsed.append(builder.source.name)
        return parse(builder, events)

    def counting_validate(source: Any, **options: Any) -> Any:
        validated.append(source.name)
        return validate(source, **options)

    monkeypatch.setattr(briefgen.load._Builder, "build", counting_parse)
    monkeypatch.setattr(briefgen.check, "validate", counting_validate)
    every = [f"briefs/{n}.yaml" for n in "abcd"]
    first = build_briefs([Path("briefs")], settings(formats=["md", "html"]), jobs=1)
    assert (sorted(first.built), first.failed) == (every, [])
    assert sorted(parsed) == sorted(validated) == every  # d's parse for its image hash is the one it is validated from

    parsed.clear()
    validated.clear()
    again = build_briefs([Path("briefs")], settings(formats=["md", "html"]), jobs=1)
    assert sorted(again.unchanged) == every
    assert (parsed, validated) == (["briefs/d.yaml"], [])  # only to hash the image it uses


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_an_id_another_folder_built_here_is_refused_not_overwritten(
    project: Path, run: Run, force: tuple[str, ...]
) -> None:
    assert counts(build(run, "briefs")) == (3, 0, 0)
    out = project / "output"
    before = snapshot(out)
    write_tree(project, {"other/a.yaml": brief("Another A"), "other/d.yaml": brief("Brief D")})
    result = build(run, "other", *force)
    assert result.exit_code == 1
    clash = "other/a.yaml:1:1: id: id 'a' is already used by briefs/a.yaml; give one of them another id"
    assert clash in result.stderr.splitlines()
    assert counts(result) == (1, 0, 1)
    after = snapshot(out)
    assert {n: after[n] for n in ("a.md", "a.html")} == {n: before[n] for n in ("a.md", "a.html")}
    cards = re.findall(r'id="brief-([a-z0-9-]+)"', after["index.html"].decode())
    assert sorted(cards) == ["a", "b", "c", "d"]  # one card per id


def test_a_brief_inside_the_theme_folder_is_refused(project: Path, run: Run) -> None:
    write_tree(project, {"theme/extra.css": "h1 { color: red; }", "theme/stray.yaml": brief("Stray")})
    result = build(run, "--templates", "theme", "briefs", "theme/stray.yaml")
    assert result.exit_code == 1
    refusal = "theme/stray.yaml: refused: the brief lies inside the theme folder theme; keep briefs and the theme apart"
    assert refusal in result.stderr.splitlines()
    assert counts(result) == (3, 0, 1)


def test_render_refuses_an_id_another_brief_built_here(project: Path, run: Run) -> None:
    assert counts(build(run, "briefs")) == (3, 0, 0)
    before = (project / "output" / "a.md").read_bytes()
    write_tree(project, {"other/a.yaml": brief("Another A")})
    result = run("render", "other/a.yaml", "--format", "md")
    assert result.exit_code == 1
    assert result.stderr == (
        "other/a.yaml:1:1: id: id 'a' is already used by briefs/a.yaml in output; give one of them another id\n"
    )
    assert (project / "output" / "a.md").read_bytes() == before
    assert run("render", "briefs/a.yaml", "--format", "md").exit_code == 0  # its own outputs: rewritten
