"""The command line's shared parts: its options, how it resolves the Project from them (the full edition or a
release), and how it prints problems. cli.py holds the commands and the error boundary."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.errors import Problem, printable
from briefgen.formats import DEFAULT_VARIANT, EDITION_VARIANTS, NAMES, VARIANTS

if TYPE_CHECKING:
    from briefgen.project import Project

REPORT = "briefgen.report"  # ctx.meta key: how the error boundary prints problems (text, json, github)


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def report_problems(problems: list[Problem], fmt: str, briefs: int = 0, summary: str = "") -> None:
    """Print problems: text to stderr (with the summary line), json and github to stdout (github also writes all
    of them to the job summary, as GitHub shows only ten annotations per step)."""
    from briefgen import report

    if fmt == "json":
        click.echo(report.to_json(problems, report.Totals(briefs=briefs)))
        return
    if fmt == "github":
        for problem in problems:
            click.echo(problem.github())
        if os.environ.get("GITHUB_STEP_SUMMARY"):
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
                handle.write(report.github_summary(problems, summary or f"{len(problems)} problems"))
        return
    for problem in problems:
        click.echo(str(problem), err=True)
    if summary:
        click.echo(summary, err=True)


PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


def default_paths(paths: tuple[Path, ...]) -> list[Path]:
    if paths:
        return list(paths)
    if not Path("briefs").is_dir():
        raise click.UsageError("no briefs/ folder here; name the briefs or folders to use")
    return [Path("briefs")]


def parse_formats(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if value is None:  # the project's formats (project.resolve_project applies the default)
        return None
    wanted = tuple(f.strip() for f in value.split(",") if f.strip())
    if not wanted or any(f not in NAMES for f in wanted):
        raise click.BadParameter(f"expected some of {', '.join(NAMES)}; got {value!r}", param_hint="--format")
    return wanted


FORMAT_OPTION = click.option(
    "--format",
    "formats",
    show_default=",".join(NAMES),
    callback=parse_formats,
    help=f"Comma-separated output formats: {', '.join(NAMES)}.",
)
OUT_OPTION = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: `output` in briefgen.toml, else output/].",
)
TEMPLATES_OPTION = click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Theme folder: templates that replace the defaults by name, and an extra.css.",
)
REMOTE_OPTION = click.option(
    "--allow-remote", is_flag=True, help="Let briefs use http(s) images (fetched with a timeout and a size cap)."
)
VARIANT_OPTION = click.option(
    "--pdf-variant",
    type=click.Choice(VARIANTS),
    show_default=DEFAULT_VARIANT,
    help="PDF variant: pdf/ua-1 is tagged and accessible, pdf/a-3b archival; none for a plain PDF.",
)
EDITION_OPTION = click.option(
    "--variant",
    "edition_variant",
    type=click.Choice(EDITION_VARIANTS),
    show_default="full",
    help="Edition: summary is one page (title block, BLUF, key judgements, top three risks, watch list, sources)"
    " written as <id>-summary.*, and fails if its PDF does not fit the page.",
)
RELEASE_OPTION = click.option(
    "--release",
    help="Make the release edition at this marking level (briefgen.toml's [marking]): nothing above it is in any"
    " output [default: the full edition, then each of marking.releases into <out>/release-<level>/].",
)
SINCE_OPTION = click.option("--since", metavar="REV", help="Compare each brief with its edition at git revision REV.")
DIFF_FORMATS = ["text", "markdown", "json", "html", "pdf"]
DIFF_HELP = "text, markdown (a pull request's job summary), json (schema/diff.schema.json), or a redline: html, pdf."

QUIET_OPTION = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
VERBOSE_OPTION = click.option("-v", "--verbose", is_flag=True, help="Also print every file written.")


def project_from(**options: Any) -> Project:
    """The run's settings: briefgen.toml (found from the working folder) with the command line's options."""
    from briefgen.project import resolve_project

    return resolve_project(**options)


NOT_RELEASED = (
    "is marked above the release, or cannot be read (`briefgen validate` says which), so it has no edition at"
)


def edition_from(release: str | None = None, out_dir: Path | None = None, **options: Any) -> Project:
    """The project, or its release edition at ``release`` (into --out, else <output>/release-<level>/)."""
    project = project_from(out_dir=out_dir, release=release, **options)  # the level checked against the scheme
    return project.with_release(release, out_dir) if release else project


REPORT_FORMATS = click.Choice(["text", "json", "github"])


def shown(path: Path) -> str:
    """A path as the user would type it from here: relative to the working folder where it can be."""
    return printable(os.path.relpath(path) if path.is_absolute() else str(path))


def parse_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"expected K/N with 1 <= K <= N, e.g. 2/4; got {value!r}", param_hint="--shard")
    return int(k), int(n)
