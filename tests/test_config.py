"""briefgen.toml: found by walking up, validated with positions, its defaults reaching the briefs through the
Project (tests/test_project.py has the rest of the Project)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import MINIMAL, brief, write_tree

from briefgen.check import check
from briefgen.config import Config, find_config
from briefgen.errors import BriefgenError
from briefgen.project import resolve_project


def config_problems(tmp_path: Path, toml: str | bytes) -> list[str]:
    write_tree(tmp_path, {"briefgen.toml": toml})
    with pytest.raises(BriefgenError) as info:
        resolve_project(start=tmp_path)
    return [str(p) for p in info.value.problems]


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = resolve_project(start=tmp_path).config
    assert config == Config()
    assert (config.classification, config.page_size, config.organisation) == ("UNCLASSIFIED", "A4", None)


def test_found_by_walking_up_from_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(
        tmp_path,
        {
            "briefgen.toml": 'organisation = "Desk"\npage_size = "Letter"\ntemplates = "theme"\noutput = "out"\n',
            "a/b/c/.keep": "",
            "theme/.keep": "",
        },
    )
    monkeypatch.chdir(tmp_path / "a" / "b" / "c")
    assert find_config(Path.cwd()) == tmp_path.resolve() / "briefgen.toml"
    project = resolve_project()
    config = project.config
    assert config.organisation == "Desk"
    assert config.page_size == "Letter"
    assert project.root == tmp_path.resolve()
    # relative folders are relative to the config file, not to where the command runs
    assert config.templates == tmp_path.resolve() / "theme"
    assert config.output == tmp_path.resolve() / "out"
    assert (project.theme.folder, project.out_dir) == (config.templates, config.output)
    assert project.brief_root(Path("elsewhere/x.yaml")) == tmp_path.resolve()


def test_nearest_config_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(
        tmp_path,
        {"briefgen.toml": 'organisation = "outer"\n', "inner/briefgen.toml": 'organisation = "inner"\n'},
    )
    monkeypatch.chdir(tmp_path / "inner")
    assert resolve_project().config.organisation == "inner"


def test_unknown_key_did_you_mean_with_line(tmp_path: Path) -> None:
    assert config_problems(tmp_path, 'organisation = "X"\n\npagesize = "A4"\n') == [
        f"{tmp_path / 'briefgen.toml'}:3:1: pagesize: unknown setting; did you mean 'page_size'?"
    ]


def test_unknown_key_without_near_miss_lists_settings(tmp_path: Path) -> None:
    assert config_problems(tmp_path, "colour = 1\n") == [
        f"{tmp_path / 'briefgen.toml'}:1:1: colour: unknown setting; "
        "expected one of organisation, classification, language, page_size, formats, marking, templates, output,"
        " yardstick, reference_format, max_pages"
    ]


def test_root_is_not_a_user_setting(tmp_path: Path) -> None:
    assert config_problems(tmp_path, 'root = "/"\n') == [
        f"{tmp_path / 'briefgen.toml'}:1:1: root: unknown setting; "
        "expected one of organisation, classification, language, page_size, formats, marking, templates, output,"
        " yardstick, reference_format, max_pages"
    ]


def test_bad_page_size(tmp_path: Path) -> None:
    assert config_problems(tmp_path, '# paper\npage_size = "A5"\n') == [
        f"{tmp_path / 'briefgen.toml'}:2:1: page_size: expected one of A4, Letter; got 'A5'"
    ]


def test_wrong_types(tmp_path: Path) -> None:
    assert config_problems(tmp_path, "classification = 5\n[output]\nx = 1\n") == [
        f"{tmp_path / 'briefgen.toml'}:1:1: classification: expected text in quotes; got 5",
        f"{tmp_path / 'briefgen.toml'}:2:2: output: expected text in quotes; got {{'x': 1}}",
    ]


def test_all_problems_reported_in_line_order(tmp_path: Path) -> None:
    assert config_problems(tmp_path, 'foo = 1\npage_size = "A3"\npagesize = "A4"\n') == [
        f"{tmp_path / 'briefgen.toml'}:1:1: foo: unknown setting; "
        "expected one of organisation, classification, language, page_size, formats, marking, templates, output,"
        " yardstick, reference_format, max_pages",
        f"{tmp_path / 'briefgen.toml'}:2:1: page_size: expected one of A4, Letter; got 'A3'",
        f"{tmp_path / 'briefgen.toml'}:3:1: pagesize: unknown setting; did you mean 'page_size'?",
    ]


def test_invalid_toml_with_position(tmp_path: Path) -> None:
    assert config_problems(tmp_path, 'organisation = "Desk"\npage_size = "A4\n') == [
        f"{tmp_path / 'briefgen.toml'}:2:16: invalid TOML: Illegal character '\\n'"
    ]


def test_non_utf8_toml(tmp_path: Path) -> None:
    assert config_problems(tmp_path, b'organisation = "caf\xe9"\n') == [
        f"{tmp_path / 'briefgen.toml'}: not valid UTF-8; save the file as UTF-8"
    ]


def test_classification_default_applied_to_brief_without_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(
        tmp_path,
        {
            "briefgen.toml": 'classification = "OFFICIAL-SENSITIVE"\n',
            "briefs/plain.yaml": MINIMAL,
            "briefs/marked.yaml": brief(extra="classification: SECRET\n"),
        },
    )
    monkeypatch.chdir(tmp_path)
    result = check([Path("briefs")], resolve_project(), today=dt.date(2025, 11, 28))
    assert result.problems == []
    marks = {valid.id: valid.brief.classification for valid in result.briefs}
    assert marks == {"plain": "OFFICIAL-SENSITIVE", "marked": "SECRET"}


def test_cli_reports_config_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]
) -> None:
    write_tree(tmp_path, {"briefgen.toml": 'pagesize = "A4"\n', "briefs/a.yaml": MINIMAL})
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.stderr.splitlines() == ["briefgen.toml:1:1: pagesize: unknown setting; did you mean 'page_size'?"]
    assert result.exit_code == 1


def test_a_templates_folder_that_does_not_exist_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"briefgen.toml": 'organisation = "Desk"\ntemplates = "themez"\n'})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BriefgenError) as raised:
        resolve_project()
    [problem] = raised.value.problems
    assert (problem.line, problem.message) == (2, f"no such folder: {tmp_path / 'themez'}")
