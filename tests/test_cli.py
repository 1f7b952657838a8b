"""The command line, in-process through CliRunner and end to end through the console script."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from helpers import BRIEFS, CASES, MINIMAL, REPO, brief, write_tree

from briefgen import __version__
from briefgen.cli import main
from briefgen.load import parse_source
from briefgen.model import Brief, brief_schema
from briefgen.validate import validate

STALE = brief(extra="watch_list:\n  - title: Old news\n    indicator: Something.\n    by: 2000-01-01\n")
STALE_WARNING = (
    "stale.yaml:10:9: warning: watch_list[0].by: still 'watching' after its date 2000-01-01; update its status or date"
)


# --- validate


def test_validate_real_briefs(run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run("validate", "briefs")
    count = len(list(BRIEFS.glob("*.yaml")))
    assert result.exit_code == 0, result.stderr
    # stale watch items in a past brief are warnings only
    assert re.fullmatch(rf"ok: {count} briefs, 0 errors, \d+ warnings?", result.stderr.splitlines()[-1])
    assert "error" not in "".join(result.stderr.splitlines()[:-1])


def test_validate_defaults_to_briefs_folder(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"briefs/one.yaml": MINIMAL})
    result = run("validate")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "ok: 1 brief, 0 errors, 0 warnings\n")


def test_validate_without_briefs_folder_is_a_usage_error(project: Path, run: Callable[..., Result]) -> None:
    result = run("validate")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: no briefs/ folder here; name the briefs or folders to use"


def test_validate_missing_path_is_a_usage_error(project: Path, run: Callable[..., Result]) -> None:
    result = run("validate", "nowhere.yaml")
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[-1] == "Error: Invalid value for '[PATHS]...': Path 'nowhere.yaml' does not exist."
    )


def test_validate_unknown_option_is_a_usage_error(project: Path, run: Callable[..., Result]) -> None:
    assert run("validate", "--format", "xml", ".").exit_code == 2


def test_validate_folder_without_briefs(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"empty/notes.txt": "nothing"})
    result = run("validate", "empty")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "empty: no briefs found here (*.yaml or *.yml files)",
        "FAILED: no briefs, 1 error, 0 warnings",
    ]


def test_validate_reports_every_file(project: Path, run: Callable[..., Result]) -> None:
    write_tree(
        project,
        {
            "briefs/a.yaml": brief(extra="status: done\n"),
            "briefs/b.yaml": MINIMAL,
            "briefs/c.yaml": brief(extra="watchlist: []\nrisks: nope\n"),
            "more/d.yaml": "- a list\n",
        },
    )
    result = run("validate", "briefs", "more/d.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "briefs/a.yaml:7:9: status: expected one of draft, final; got 'done'",
        "briefs/c.yaml:7:1: watchlist: unknown field; did you mean 'watch_list'?",
        "briefs/c.yaml:8:8: risks: expected a list (one '- ' item per line); got 'nope'",
        "more/d.yaml:1:1: a brief must be a mapping of fields (title: ..., date: ...), not a list",
        "FAILED: 3 of 4 briefs failed, 4 errors, 0 warnings",
    ]


def test_duplicate_brief_ids_across_files(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"briefs/a.yaml": MINIMAL, "briefs/b.yaml": "id: a\n" + MINIMAL})
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "briefs/b.yaml:1:5: id: id 'a' is already used by briefs/a.yaml; give one of them another id",
        "FAILED: 1 of 2 briefs failed, 1 error, 0 warnings",
    ]


def test_stale_watch_item_is_a_warning(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"stale.yaml": STALE})
    result = run("validate", "stale.yaml")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [STALE_WARNING, "ok: 1 brief, 0 errors, 1 warning"]


def test_strict_fails_on_warnings(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"stale.yaml": STALE})
    result = run("validate", "--strict", "stale.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [STALE_WARNING, "FAILED: 1 of 1 brief failed, 0 errors, 1 warning"]


def test_strict_passes_without_warnings(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"ok.yaml": MINIMAL})
    assert run("validate", "--strict", "ok.yaml").exit_code == 0


def test_format_json(project: Path, run: Callable[..., Result]) -> None:
    write_tree(
        project, {"stale.yaml": STALE, "bad.yaml": brief(extra="risks:\n  - title: r\n    likelihood: medium\n")}
    )
    result = run("validate", "--format", "json", "bad.yaml", "stale.yaml")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "version": 1,
        "briefs": 2,
        "errors": 2,
        "warnings": 1,
        "problems": [
            {
                "path": "bad.yaml",
                "line": 8,
                "col": 5,
                "end_line": None,  # the enclosing mapping: no one token to end at
                "end_col": None,
                "where": "risks[0]",
                "message": "missing required field 'impact'",
                "severity": "error",
                "code": "missing-field",
            },
            {
                "path": "bad.yaml",
                "line": 9,
                "col": 17,
                "end_line": 9,
                "end_col": 23,  # just after 'medium'
                "where": "risks[0].likelihood",
                "message": "expected one of rare, unlikely, possible, likely, almost-certain; got 'medium'",
                "severity": "error",
                "code": "invalid-choice",
            },
            {
                "path": "stale.yaml",
                "line": 10,
                "col": 9,
                "end_line": None,  # a date the message does not quote: not known
                "end_col": None,
                "where": "watch_list[0].by",
                "message": "still 'watching' after its date 2000-01-01; update its status or date",
                "severity": "warning",
                "code": "stale-watch-item",
            },
        ],
    }


def test_format_json_when_all_valid(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"ok.yaml": MINIMAL})
    result = run("validate", "--format", "json", "ok.yaml")
    assert (result.exit_code, json.loads(result.stdout)) == (
        0,
        {"version": 1, "briefs": 1, "errors": 0, "warnings": 0, "problems": []},
    )


def test_format_json_keeps_unicode(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"u.yaml": brief(extra="status: 草稿\n")})
    result = run("validate", "--format", "json", "u.yaml")
    assert "草稿" in result.stdout
    [problem] = json.loads(result.stdout)["problems"]
    assert (problem["message"], problem["end_col"] - problem["col"]) == ("expected one of draft, final; got '草稿'", 2)


def test_format_github(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"stale.yaml": STALE, "bad.yaml": brief(extra="watchlist: []\n"), "none/x.txt": ""})
    result = run("validate", "--format", "github", "bad.yaml", "stale.yaml", "none")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=none::no briefs found here (*.yaml or *.yml files)",
        "::error file=bad.yaml,line=7,col=1::watchlist: unknown field; did you mean 'watch_list'?",
        "::warning file=stale.yaml,line=10,col=9::watch_list[0].by: still 'watching' after its date 2000-01-01; "
        "update its status or date",
    ]


def test_format_github_writes_every_problem_to_the_job_summary(
    project: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub shows only ten annotations per step: the job summary lists them all."""
    broken = {f"briefs/b{i:02}.yaml": brief(extra="watchlist: []\n") for i in range(12)}
    write_tree(project, {**broken, "summary.md": "# earlier steps\n"})
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(project / "summary.md"))
    result = run("validate", "--format", "github")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 12
    problems = [f"briefs/b{i:02}.yaml:7:1: watchlist: unknown field; did you mean 'watch_list'?" for i in range(12)]
    assert (project / "summary.md").read_text(encoding="utf-8").splitlines() == [
        "# earlier steps",
        "### briefgen validate",
        "",
        "FAILED: 12 of 12 briefs failed, 12 errors, 0 warnings",
        "",
        "```text",
        *problems,
        "```",
    ]


def test_text_diagnostics_go_to_stderr_and_reports_to_stdout(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"briefs/bad.yaml": brief(extra="watchlist: []\n")})
    text, as_json, github = (run("validate", "--format", fmt) for fmt in ("text", "json", "github"))
    assert (text.stdout, len(text.stderr.splitlines())) == ("", 2)
    assert (as_json.stderr, json.loads(as_json.stdout)["errors"]) == ("", 1)
    assert (github.stderr, len(github.stdout.splitlines())) == ("", 1)


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ("watchlist: []\n", "unknown-field"),
        ("status: done\n", "invalid-choice"),
        ("updated: 2000-01-01\n", "updated-before-date"),
        ("risks: nope\n", "wrong-type"),
        ("key_points: ['[@nobody]']\n", "unknown-citation"),
        ("title: again\n", "duplicate-key"),
        ("x: &a 1\n", "yaml-alias"),
        ("x: !!str 1\n", "yaml-tag"),
        ("x: [\n", "yaml-syntax"),
        ("id: Bad_Id\n", "invalid-id"),
    ],
)
def test_every_json_problem_has_a_stable_code(project: Path, run: Callable[..., Result], extra: str, code: str) -> None:
    write_tree(project, {"b.yaml": brief(extra=extra)})
    problems = json.loads(run("validate", "--format", "json", "b.yaml").stdout)["problems"]
    assert [p["code"] for p in problems] == [code]
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", code)


def test_an_unknown_kind_of_problem_has_the_code_other() -> None:
    from briefgen.errors import Problem
    from briefgen.report import problem_code

    assert problem_code(Problem("a.yaml", 1, 1, "", "something never seen before")) == "other"


def test_strict_counts_the_briefs_failed_by_warnings(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"briefs/stale.yaml": STALE, "briefs/ok.yaml": MINIMAL, "briefs/bad.yaml": "- a list\n"})
    result = run("validate", "--strict")
    assert result.stderr.splitlines()[-1] == "FAILED: 2 of 3 briefs failed, 1 error, 1 warning"
    assert run("validate").stderr.splitlines()[-1] == "FAILED: 1 of 3 briefs failed, 1 error, 1 warning"


def test_out_help_says_briefgen_toml_may_set_it(run: Callable[..., Result]) -> None:
    for command in ("render", "build", "index", "serve"):
        text = " ".join(run(command, "--help").stdout.split())
        assert "--out DIRECTORY Output folder [default: `output` in briefgen.toml, else output/]." in text, command


def test_shell_completion_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the README tells users to put in their shell's start-up file works."""
    proc = subprocess.run(
        [console_script()],
        env={**os.environ, "_BRIEFGEN_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "complete -o nosort -F _briefgen_completion briefgen" in proc.stdout


# --- serve


def test_serve_on_a_network_address_warns_loudly(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefgen.serve

    write_tree(project, {"briefs/a.yaml": MINIMAL})
    hosts: list[str] = []
    monkeypatch.setattr(briefgen.serve, "serve", lambda paths, resolve, *, host, **kw: hosts.append(host))
    runner = CliRunner()
    network = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert (network.exit_code, hosts) == (0, ["0.0.0.0"])
    assert network.stderr.splitlines() == [
        "warning: listening on 0.0.0.0: the briefs are served to the network, to anyone who can reach this machine; "
        "open them by its IP address (other host names are refused: DNS rebinding)"
    ]
    for loopback in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert runner.invoke(main, ["serve", "--host", loopback, "--port", "0"]).stderr == "", loopback
    help_text = " ".join(runner.invoke(main, ["serve", "--help"]).stdout.split())
    assert "the default serves this machine only (another address warns: the network sees it)" in help_text


# --- schema


def test_schema_command_prints_the_models_schema(run: Callable[..., Result]) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == brief_schema()


# --- new


# every field of the format; `id` defaults to the file name, `classification`, `edition` and `previous` are
# present as comments; the marking only a project with a marking scheme has
COMMENTED = ("language", "translation_of", "translated_from")  # the default applies; a translation's
TOP_LEVEL = {
    name
    for name in Brief.model_fields
    if name not in ("id", "classification", "updated", "edition", "previous", "marking", *COMMENTED)
}


def test_new_writes_a_valid_skeleton_with_every_section(project: Path, run: Callable[..., Result]) -> None:
    result = run("new", "q3-energy")
    assert (result.exit_code, result.stdout) == (0, "wrote briefs/q3-energy.yaml\nwrote schema/brief.schema.json\n")
    target = project / "briefs" / "q3-energy.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/brief.schema.json\n")
    source = parse_source(text.encode(), "briefs/q3-energy.yaml")
    assert set(source.data) == TOP_LEVEL
    assert re.search(r"^# classification: ", text, re.MULTILINE)  # present, commented: the default applies
    assert re.search(r"^# edition: ", text, re.MULTILINE) and re.search(r"^# previous: ", text, re.MULTILINE)
    for commented in COMMENTED:
        assert re.search(rf"^# {commented}: ", text, re.MULTILINE)
    brief, warnings = validate(source, today=dt.date.today())
    # every item that can be matched across editions has its id
    hc = brief.historical_context
    assert hc is not None
    items = [*brief.key_points, *brief.motivations, *brief.asks, *brief.risks, *brief.watch_list]
    items += [*hc.events, *hc.themes, *brief.sections]
    assert [item.id for item in items] == [
        "judgement-1",
        "motivation-1",
        "ask-1",
        "risk-1",
        "watch-1",
        "event-1",
        "theme-1",
        "implications",
    ]
    assert warnings == []
    assert brief.id == "q3-energy"
    assert brief.title == "Q3 energy"
    assert brief.date == dt.date.today()
    assert brief.historical_context is not None and brief.historical_context.events
    # every section (from the summary on) carries a comment saying what goes there
    lines = text.splitlines()
    fields = list(Brief.model_fields)
    for name in fields[fields.index("summary") :]:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
        assert "#" in lines[index] or lines[index - 1].startswith("#"), name
    check = run("validate", "briefs")
    assert (check.exit_code, check.stderr) == (0, "ok: 1 brief, 0 errors, 0 warnings\n")


def test_new_refuses_to_overwrite(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"briefs/taken.yaml": "my work\n"})
    result = run("new", "taken")
    assert result.exit_code == 1
    assert result.stderr == "briefs/taken.yaml: already exists; not overwritten\n"
    assert (project / "briefs" / "taken.yaml").read_text(encoding="utf-8") == "my work\n"


@pytest.mark.parametrize("slug", ["Bad_Slug", "two--hyphens", "-leading", "trailing-", "with space", "ünï", "a/b"])
def test_new_rejects_bad_slug(project: Path, run: Callable[..., Result], slug: str) -> None:
    result = run("new", "--", slug)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for SLUG: use lowercase letters, digits and single hyphens, e.g. q3-energy"
    )
    assert not (project / "briefs").exists()


def test_new_into_another_folder(project: Path, run: Callable[..., Result]) -> None:
    result = run("new", "x1", "--dir", "drafts/2025")
    assert result.exit_code == 0
    text = (project / "drafts" / "2025" / "x1.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/brief.schema.json\n")


def test_new_points_editors_at_a_schema_that_exists(project: Path, run: Callable[..., Result]) -> None:
    """The modeline resolves from the brief to the project's schema file, which `new` writes when missing."""
    write_tree(project, {"briefgen.toml": "", "sub/.keep": ""})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project / "sub")
        result = run("new", "q3-energy", "--dir", "../briefs")
    assert (result.exit_code, result.stdout) == (
        0,
        "wrote ../briefs/q3-energy.yaml\nwrote ../schema/brief.schema.json\n",
    )
    brief_file = project / "briefs" / "q3-energy.yaml"
    modeline = brief_file.read_text(encoding="utf-8").splitlines()[0]
    target = modeline.removeprefix("# yaml-language-server: $schema=")
    assert json.loads((brief_file.parent / target).read_text(encoding="utf-8")) == brief_schema()
    again = run("new", "q4-energy")  # the schema exists now: left as it is
    assert (again.exit_code, again.stdout) == (0, "wrote briefs/q4-energy.yaml\n")


def test_schema_write(project: Path, run: Callable[..., Result]) -> None:
    assert (run("schema", "--write").stdout, run("schema", "--write", "x/s.json").stdout) == (
        "wrote schema/brief.schema.json\n",
        "wrote x/s.json\n",
    )
    printed = run("schema").stdout
    assert (project / "schema" / "brief.schema.json").read_text(encoding="utf-8") == printed
    assert (project / "x" / "s.json").read_text(encoding="utf-8") == printed
    (project / "briefgen.toml").write_text("", encoding="utf-8")
    (project / "deeper").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project / "deeper")
        assert run("schema", "--write").stdout == "wrote ../schema/brief.schema.json\n"
    bad = run("schema", "s.json")
    assert (bad.exit_code, bad.stderr.splitlines()[-1]) == (
        2,
        "Error: PATH is where --write writes the schema; add --write",
    )


def test_the_repositorys_own_schema_is_what_schema_write_writes(tmp_path: Path, run: Callable[..., Result]) -> None:
    assert run("schema", "--write", str(tmp_path / "s.json")).exit_code == 0
    assert (tmp_path / "s.json").read_bytes() == (REPO / "schema" / "brief.schema.json").read_bytes()


# --- help and version


def test_version(run: Callable[..., Result]) -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"briefgen, version {__version__}\n")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_commands(run: Callable[..., Result], flag: str) -> None:
    result = run(flag)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: briefgen [OPTIONS] COMMAND [ARGS]...\n")
    for name in ("validate", "schema", "new"):
        assert re.search(rf"^  {name} +\S", result.stdout, re.MULTILINE), name


def test_every_command_and_option_has_help(run: Callable[..., Result]) -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help or param.name in ("folder",), f"{name} {param.opts} has no help"
        result = run(name, "--help")
        assert result.exit_code == 0
        assert result.stdout.startswith(f"Usage: briefgen {name} ")


# --- end to end through the installed console script


def console_script() -> str:
    local = Path(sys.executable).parent / "briefgen"
    found = str(local) if local.is_file() else shutil.which("briefgen")
    assert found, "briefgen console script not installed (pip install -e .)"
    return found


def test_console_script_validates_real_briefs() -> None:
    proc = subprocess.run(
        [console_script(), "validate", "briefs"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("ok: ")
    assert "Traceback" not in proc.stderr


def test_console_script_reports_broken_file() -> None:
    proc = subprocess.run(
        [console_script(), "validate", "nul-byte.yaml", "several-problems.yaml"],
        cwd=CASES / "broken",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == "nul-byte.yaml:7:12: contains U+0000, which YAML does not allow; remove it"
    assert (
        "several-problems.yaml:13:17: risks[0].likelihood: expected one of rare, unlikely, possible, likely, "
        "almost-certain; got 'medium'" in lines
    )
    assert lines[-1] == "FAILED: 2 of 2 briefs failed, 7 errors, 0 warnings"
    assert proc.stdout == ""


def test_python_m_briefgen_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", "--version"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert (proc.returncode, proc.stdout) == (0, f"briefgen, version {__version__}\n")


CHECK_IMPORTS = """
import sys
from briefgen.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
heavy = sorted(m for m in ("weasyprint", "jinja2", "markdown_it") if m in sys.modules)
print(",".join(heavy) or "none")
"""


@pytest.mark.parametrize("args", [["--help"], ["validate", "briefs"], ["validate", "--help"], ["schema"]])
def test_light_commands_do_not_import_weasyprint(args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHECK_IMPORTS, *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "weasyprint" not in proc.stdout.splitlines()[-1]


def test_help_importtime_has_no_weasyprint() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("Usage: python -m briefgen ")
    assert "weasyprint" not in proc.stderr


def test_validate_reports_a_config_error_in_the_requested_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "briefgen.toml").write_text('page_size = "A5"\n', encoding="utf-8")
    (tmp_path / "briefs").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["version"], report["briefs"], report["errors"]) == (1, 0, 1)
    assert [(p["path"], p["line"], p["where"]) for p in report["problems"]] == [("briefgen.toml", 1, "page_size")]


def test_file_system_errors_are_one_line_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"briefs/a.yaml": MINIMAL, "afile": ""})
    runner = CliRunner()
    rendered = runner.invoke(main, ["render", "briefs/a.yaml", "--format", "md", "--out", "afile/sub"])
    assert rendered.exit_code == 1
    [line] = rendered.stderr.splitlines()
    assert line.startswith("afile") and line.endswith(": Not a directory"), line
    created = runner.invoke(main, ["new", "foo", "--dir", "afile"])
    assert created.exit_code == 1 and "Traceback" not in created.stderr
    merged = runner.invoke(main, ["index", "--out", "missing"])
    assert merged.exit_code == 1
    assert merged.stderr.splitlines() == ["missing: no such folder; build the shards into it first"]


def test_a_theme_can_extend_the_default_template_and_override_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path,
        {
            "briefs/a.yaml": MINIMAL,
            "theme/brief.html.j2": (
                '{% extends "default/brief.html.j2" %}{% block footer %}<footer>OUR DESK</footer>{% endblock %}'
            ),
        },
    )
    result = CliRunner().invoke(main, ["render", "briefs/a.yaml", "--format", "html", "--templates", "theme"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "output" / "a.html").read_text(encoding="utf-8")
    assert "<footer>OUR DESK</footer>" in page and "Bottom line up front" in page


def test_a_broken_theme_template_is_a_located_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"briefs/a.yaml": MINIMAL, "theme/brief.html.j2": "line one\n{% if %}\n"})
    result = CliRunner().invoke(main, ["render", "briefs/a.yaml", "--format", "html", "--templates", "theme"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("theme/brief.html.j2:2: template error: Expected an expression"), line


UNDEFINED_IN_THEME = (
    '{% extends "default/brief.html.j2" %}\n{% block footer %}\n<p>{{ nosuch.name }}</p>\n{% endblock %}\n'
)


def test_a_theme_template_failing_while_rendering_is_located(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"briefs/a.yaml": MINIMAL, "theme/brief.html.j2": UNDEFINED_IN_THEME})
    result = run("render", "briefs/a.yaml", "--format", "html", "--templates", "theme")
    assert (result.exit_code, result.stderr) == (1, "theme/brief.html.j2:3: template error: 'nosuch' is undefined\n")
    assert not (project / "output" / "a.html").exists()


def test_a_theme_template_failing_in_a_build_fails_that_brief_with_its_location(
    project: Path, run: Callable[..., Result]
) -> None:
    write_tree(project, {"briefs/a.yaml": MINIMAL, "theme/brief.html.j2": UNDEFINED_IN_THEME})
    for jobs in ("1", "2"):
        result = run("build", "--format", "md,html", "--templates", "theme", "-j", jobs, "-q")
        assert result.exit_code == 1
        assert result.stderr.splitlines() == ["theme/brief.html.j2:3: template error: 'nosuch' is undefined"]


def test_every_option_of_every_command_has_help() -> None:
    commands = {"validate", "schema", "new", "render", "diff", "build", "index", "serve", "review", "translation-stamp"}
    assert set(main.commands) == commands
    for name, command in main.commands.items():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts}"


def test_pdf_variant_help_lists_the_variants(run: Callable[..., Result]) -> None:
    result = run("render", "--help")
    assert "[pdf/ua-1|pdf/ua-2|pdf/a-2b|pdf/a-3b|pdf/a-2u|pdf/a-3u|pdf/a-4u|none]" in " ".join(result.stdout.split())
    bad = run("render", "x.yaml", "--pdf-variant", "pdf/x")
    assert bad.exit_code == 2


@pytest.mark.parametrize("command", ["render", "build", "index", "serve"])
def test_commands_that_print_progress_take_quiet_and_verbose(command: str) -> None:
    opts = {opt for param in main.commands[command].params for opt in param.opts}
    assert {"-q", "--quiet", "-v", "--verbose"} <= opts


def test_render_quiet_prints_nothing_but_errors(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {"briefs/a.yaml": MINIMAL})
    result = run("render", "briefs/a.yaml", "--format", "md", "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (project / "output" / "a.md").is_file()
    assert run("render", "briefs/a.yaml", "--format", "md").stdout == "wrote output/a.md\n"


# --- nothing a brief holds drives the terminal or writes a workflow command

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORGED = "x\n::warning title=forged::pwned"


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_validate_output_carries_no_raw_control_characters(project: Path, run: Callable[..., Result], fmt: str) -> None:
    bad = brief(extra='subtitle: "esc \\e[31m bel \\a nul \\0 csi \\u009b rtl \\u202e"\n"##[error]forged": 1\n')
    names = ["::error::top.yaml", " ::warning title=x::lead.yaml", "\u3000::notice::wide.yaml"]
    write_tree(project, {"briefs/a.yaml": bad, f"briefs/{FORGED}.yaml": MINIMAL, **{n: MINIMAL for n in names}})
    result = run("validate", "--format", fmt, "briefs", *names)
    assert result.exit_code == 1
    lines = (result.stdout + result.stderr).splitlines()
    assert lines and not [line for line in lines if CONTROLS.search(line)]
    own = ("::error file=", "::warning file=") if fmt == "github" else ()
    # the runner strips white space (Unicode's too) before "::", and reads the old "##[" form anywhere
    assert [line for line in lines if line.lstrip().startswith("::") and not line.startswith(own)] == []
    assert [line for line in lines if "##[" in line] == []
    assert any("\\x23[error]forged" in line or "\\u0023[error]forged" in line or "%23[error]" in line for line in lines)
    assert not [line for line in lines if "title=forged" in line and line.startswith("::warning title")]


def test_build_progress_and_summary_escape_file_names(project: Path, run: Callable[..., Result]) -> None:
    write_tree(project, {f"briefs/{FORGED}.yaml": MINIMAL.replace("A minimal brief", "Forged")})
    result = run("build", "--format", "md", "-j", "1", "-v")
    lines = (result.stdout + result.stderr).splitlines()
    assert not [line for line in lines if CONTROLS.search(line) or line.lstrip().startswith("::")], lines
    assert "failed briefs/x\\x0a::warning title=forged::pwned.yaml (0.0 s)" in lines
    assert any(line.startswith("briefs/x\\x0a::warning title=forged::pwned.yaml:1:1: ") for line in lines), lines
