"""The Project: every setting resolved once, each default applied in one place, and the digest that decides
what a build must redo."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import brief, settings, write_tree

import briefgen.project
from briefgen.config import Config, MarkingConfig
from briefgen.errors import BriefgenError
from briefgen.formats import NAMES, REGISTRY
from briefgen.project import Project, resolve_project


def test_defaults_without_briefgen_toml_or_options(tmp_path: Path) -> None:
    project = resolve_project(start=tmp_path, environ={})
    assert project.config == Config()
    assert project.config_file is None and project.root is None
    assert (project.theme.folder, project.theme.extra_css) == (None, None)
    assert project.formats == ("md", "html", "pdf", "docx") == NAMES
    assert (project.pdf_variant, project.allow_remote) == ("pdf/ua-1", False)
    assert project.out_dir == Path("output")
    assert (project.language, project.release, project.since, project.source_date) == ("en-GB", None, None, None)
    assert project.brief_root(tmp_path / "briefs" / "a.yaml") == tmp_path / "briefs"


def test_options_override_briefgen_toml(tmp_path: Path) -> None:
    write_tree(tmp_path, {"briefgen.toml": 'output = "site"\ntemplates = "theme"\n', "theme/.keep": "", "mine/x": ""})
    from_file = resolve_project(start=tmp_path)
    assert (from_file.out_dir, from_file.theme.folder) == (tmp_path.resolve() / "site", tmp_path.resolve() / "theme")
    given = resolve_project(start=tmp_path, out_dir=Path("elsewhere"), templates=tmp_path / "mine")
    assert (given.out_dir, given.theme.folder) == (Path("elsewhere"), tmp_path / "mine")
    assert given.root == tmp_path.resolve()


def test_formats_come_in_the_registry_order_whatever_was_asked() -> None:
    assert settings(formats=["pdf", "md"]).formats == ("md", "pdf")
    assert settings().with_formats(["html"]).formats == ("html",)
    for bad in (["odt"], []):
        with pytest.raises(ValueError, match="expected some of md, html, pdf, docx"):
            settings().with_formats(bad)


def test_unknown_pdf_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="expected one of pdf/ua-1"):
        settings(pdf_variant="pdf/x-1")


def test_source_date_epoch_is_the_only_clock() -> None:
    assert settings(environ={"SOURCE_DATE_EPOCH": "86400"}).source_date == dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
    assert settings(environ={"SOURCE_DATE_EPOCH": " "}).source_date is None


def test_the_project_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings().out_dir = Path("x")  # type: ignore[misc]


def test_every_setting_that_shapes_outputs_changes_the_digest(tmp_path: Path) -> None:
    (tmp_path / "theme").mkdir()
    base = settings().digest
    variants: dict[str, Project] = {
        "config": settings(Config(organisation="Desk")),
        "formats": settings(formats=["md"]),
        "variant": settings(pdf_variant="pdf/a-3b"),
        "remote": settings(allow_remote=True),
        "language": settings(language="fr"),
        "marking": settings(Config(marking=MarkingConfig(scheme="us"))),
        "release": settings(Config(marking=MarkingConfig(scheme="us")), release="U"),
        "since": settings(since="HEAD~1"),
        "theme": settings(templates=tmp_path / "theme"),
    }
    digests = {name: project.digest for name, project in variants.items()}
    assert base not in digests.values()
    assert len(set(digests.values())) == len(digests)
    # where the output goes, and the clock, change no output's bytes
    assert settings(out_dir=tmp_path / "x", environ={"SOURCE_DATE_EPOCH": "1"}).digest == base


def test_digest_covers_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = settings(formats=["md"]).digest
    assert settings(formats=["md"]).digest == before
    monkeypatch.setattr(briefgen.project, "__version__", "99.0.0")
    assert settings(formats=["md"]).digest != before


def test_compiled_bytecode_does_not_change_the_digest(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "extra.css").write_text("body { color: red; }", encoding="utf-8")
    before = settings(templates=theme).digest
    (theme / "__pycache__").mkdir()
    (theme / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (theme / ".DS_Store").write_bytes(b"\0")
    assert settings(templates=theme).digest == before
    (theme / "extra.css").write_text("body { color: blue; }", encoding="utf-8")
    assert settings(templates=theme).digest != before


def test_the_registry_names_each_format_once_with_its_module() -> None:
    assert [f.name for f in REGISTRY] == list(NAMES)
    assert len({f.suffix for f in REGISTRY}) == len(REGISTRY)
    assert all(f.module == f"briefgen.formats.{f.name}" for f in REGISTRY)
    assert [f.name for f in REGISTRY if f.needs_pdf_engine] == ["pdf"]


@pytest.mark.parametrize("epoch", ["\u00b2", "99999999999999999999", "-5", "1e9", "soon"])
def test_a_source_date_epoch_that_is_no_count_of_seconds_is_one_located_error(epoch: str) -> None:
    with pytest.raises(BriefgenError) as raised:
        settings(environ={"SOURCE_DATE_EPOCH": epoch})
    [problem] = raised.value.problems
    assert str(problem).startswith("SOURCE_DATE_EPOCH: expected the seconds since 1970-01-01 as digits; got ")


def test_the_cli_reports_a_bad_source_date_epoch_before_writing_anything(
    project: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(project, {"briefs/a.yaml": brief()})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "\u00b2")
    result = run("build", "--format", "md", "-j", "1")
    assert (result.exit_code, result.stderr) == (
        1,
        "SOURCE_DATE_EPOCH: expected the seconds since 1970-01-01 as digits; got '\u00b2'\n",
    )
    assert not (project / "output").exists()


@pytest.mark.parametrize("toml", ['templates = "."\n', 'templates = "."\noutput = "site"\n'])
def test_a_theme_folder_holding_the_output_folder_is_refused(tmp_path: Path, toml: str) -> None:
    write_tree(tmp_path, {"briefgen.toml": toml})
    with pytest.raises(BriefgenError, match="the theme folder holds the output folder"):
        resolve_project(start=tmp_path, out_dir=None if "output" in toml else tmp_path / "output")


def test_the_digest_covers_what_a_theme_can_use_and_nothing_else(tmp_path: Path) -> None:
    theme = write_tree(
        tmp_path / "theme",
        {"extra.css": "h1 { background: url('bg.png'); }", "bg.png": b"one", "brief.html.j2": "x"},
    )
    before = settings(templates=theme).digest
    write_tree(theme, {"notes.txt": "a theme's own notes", "unused.png": b"\0"})
    assert settings(templates=theme).digest == before
    (theme / "bg.png").write_bytes(b"two")  # embedded in every page through extra.css
    assert settings(templates=theme).digest != before


def test_a_theme_folder_too_large_to_be_a_theme_is_refused(tmp_path: Path) -> None:
    theme = tmp_path / "big"
    for i in range(2100):
        (theme / f"d{i // 100}").mkdir(parents=True, exist_ok=True)
        (theme / f"d{i // 100}" / f"f{i}.txt").write_bytes(b"")
    with pytest.raises(BriefgenError, match="more than 2000 files in the theme folder"):
        _ = settings(templates=theme).digest
