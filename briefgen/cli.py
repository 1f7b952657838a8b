"""The briefgen command line: a thin layer over the pipeline stages.

Each command resolves the Project once from its options and calls one library function; the group is the
one place that turns a BriefgenError (and an interrupt, and an OSError) into its lines and exit code.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, Problem, printable
from briefgen.formats import DEFAULT_VARIANT, NAMES, VARIANTS

if TYPE_CHECKING:
    from briefgen.project import Project

REPORT = "briefgen.report"  # ctx.meta key: how the error boundary prints problems (text, json, github)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report(problems: list[Problem], fmt: str, briefs: int = 0, summary: str = "") -> None:
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


class _Group(click.Group):
    """The error boundary: failures a user can fix become their one-line messages, never tracebacks."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            _report(exc.problems, ctx.meta.get(REPORT, "text"))
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except OSError as exc:  # a folder that is a file, a full disk, no permission
            where = exc.filename or "briefgen"
            click.echo(Problem(str(where), 0, 0, "", str(exc.strerror or exc)), err=True)
            sys.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors and exits: click prints them itself
        except Exception as exc:  # a bug: one line, as for the rest (BRIEFGEN_TRACEBACK=1 shows where)
            if os.environ.get("BRIEFGEN_TRACEBACK"):
                raise
            click.echo(Problem.internal("briefgen", f"running {ctx.invoked_subcommand}", exc), err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Turn YAML briefing sources into Markdown, HTML and PDF briefs."""


PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


def _default_paths(paths: tuple[Path, ...]) -> list[Path]:
    if paths:
        return list(paths)
    if not Path("briefs").is_dir():
        raise click.UsageError("no briefs/ folder here; name the briefs or folders to use")
    return [Path("briefs")]


def _formats(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
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
    callback=_formats,
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
SINCE_OPTION = click.option("--since", metavar="REV", help="Compare each brief with its edition at git revision REV.")
DIFF_FORMATS = ["text", "markdown", "json", "html", "pdf"]
DIFF_HELP = "text, markdown (a pull request's job summary), json (schema/diff.schema.json), or a redline: html, pdf."
QUIET_OPTION = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
VERBOSE_OPTION = click.option("-v", "--verbose", is_flag=True, help="Also print every file written.")


def _project(**options: Any) -> Project:
    """The run's settings: briefgen.toml (found from the working folder) with the command line's options."""
    from briefgen.project import resolve_project

    return resolve_project(**options)


@main.command("validate")
@PATHS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for editors, github for CI annotations.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too (a draft's stale watch items, for one).")
@REMOTE_OPTION
@click.pass_context
def validate_cmd(ctx: click.Context, paths: tuple[Path, ...], fmt: str, strict: bool, allow_remote: bool) -> None:
    """Check briefs (files or folders; default briefs/) and report every problem."""
    from briefgen.check import check
    from briefgen.report import summary_line

    ctx.meta[REPORT] = fmt
    result = check(_default_paths(paths), _project(allow_remote=allow_remote))
    # a final brief's past watch dates prompt for a new edition: --strict does not fail on that warning
    strict_warnings = [p for p in result.warnings if p.strict] if strict else []
    failed = bool(result.errors) or bool(strict_warnings)
    failed_briefs = set(result.failed)
    if strict:  # a brief with a warning fails too
        failed_briefs |= {p.path for p in strict_warnings} & {valid.source.name for valid in result.briefs}
    total = len(result.briefs) + len(result.failed)
    counts = {"errors": len(result.errors), "warnings": len(result.warnings)}
    summary = summary_line(failed=failed, briefs=total, failed_briefs=len(failed_briefs), **counts)
    _report(result.problems, fmt, briefs=total, summary=summary)
    sys.exit(1 if failed else 0)


def _shown(path: Path) -> str:
    """A path as the user would type it from here: relative to the working folder where it can be."""
    return printable(os.path.relpath(path) if path.is_absolute() else str(path))


@main.command("schema")
@click.option(
    "--write",
    is_flag=True,
    help="Write it to PATH instead [default: schema/brief.schema.json in the folder of briefgen.toml, else here].",
)
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def schema_cmd(write: bool, path: Path | None) -> None:
    """Print the JSON Schema of the brief format (for editor completion), or write it with --write [PATH]."""
    from briefgen.skeleton import default_schema_path, schema_text, write_schema

    if path is not None and not write:
        raise click.UsageError("PATH is where --write writes the schema; add --write")
    if not write:
        click.echo(schema_text(), nl=False)
        return
    click.echo(f"wrote {_shown(write_schema(path or default_schema_path(Path.cwd())))}")


@main.command("new")
@click.argument("slug")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=Path("briefs"),
    show_default=True,
    help="Folder to write the new brief into.",
)
def new_cmd(slug: str, folder: Path) -> None:
    """Write a new brief skeleton to briefs/SLUG.yaml (never overwrites); its first line points editors to
    schema/brief.schema.json in the project, written too if it is missing (`briefgen schema --write` renews it)."""
    from briefgen.skeleton import default_schema_path, is_slug, new_brief, write_schema

    if not is_slug(slug):
        raise click.BadParameter("use lowercase letters, digits and single hyphens, e.g. q3-energy", param_hint="SLUG")
    schema = default_schema_path(Path.cwd())
    click.echo(printable(f"wrote {new_brief(slug, folder, dt.date.today(), schema)}"))
    if not schema.exists():
        click.echo(f"wrote {_shown(write_schema(schema))}")


@main.command("render")
@click.argument("brief", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@FORMAT_OPTION
@SINCE_OPTION
@OUT_OPTION
@TEMPLATES_OPTION
@VARIANT_OPTION
@REMOTE_OPTION
@QUIET_OPTION
@VERBOSE_OPTION
def render_cmd(brief: Path, quiet: bool, verbose: bool, **options: Any) -> None:
    """Render one brief to Markdown, HTML and PDF (no manifest, no index page)."""
    from briefgen.pdf_process import PdfProcess

    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C, and take the PDF engine down too
    # started before anything else is imported: the engine's import of WeasyPrint overlaps with the work below
    engine = PdfProcess.start_for(options["formats"])
    try:
        from briefgen.build import refuse_foreign_id
        from briefgen.check import check
        from briefgen.produce import render_brief

        project = _project(**options)
        checked = check([brief], project)
        if checked.errors:
            raise BriefgenError(checked.problems)
        valid = checked.briefs[0]
        refuse_foreign_id(valid, project)
        try:
            rendered = render_brief(valid, project, pdf_writer=engine.write_pdf if engine else None)
        except (BriefgenError, OSError):
            raise
        except Exception as exc:  # a bug met by this brief: say which brief, in one line
            raise BriefgenError([Problem.internal(valid.source.name, "rendering it", exc)]) from exc
    finally:
        if engine:
            engine.close()
    for problem in [*checked.warnings, *rendered.warnings]:
        if not quiet:
            click.echo(str(problem), err=True)
    for path in rendered.outputs:
        if not quiet:
            click.echo(printable(f"wrote {path}"))


@main.command("diff")
@click.argument("editions", nargs=-1, metavar="OLD NEW")
@SINCE_OPTION
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True, help=DIFF_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to this file.")
def diff_cmd(editions: tuple[str, ...], since: str | None, fmt: str, output: Path | None) -> None:
    """Say what changed between editions: OLD and NEW are brief files or REV:PATH (`briefgen diff HEAD~1:briefs/x.yaml
    briefs/x.yaml`); with --since REV, every brief changed since REV (under the paths given, if any)."""
    from briefgen.diff_report import diff_output, editions_compared

    if (since is None and len(editions) != 2) or (fmt == "pdf" and output is None and sys.stdout.isatty()):
        raise click.UsageError("name OLD and NEW, or use --since REV; a pdf goes to a file (--output) or a pipe")
    project = _project(since=since)
    data = diff_output(editions_compared(list(editions), since, project), fmt, since, project)
    output.write_bytes(data) if output is not None else click.echo(data, nl=False)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"expected K/N with 1 <= K <= N, e.g. 2/4; got {value!r}", param_hint="--shard")
    return int(k), int(n)


@main.command("build")
@PATHS
@FORMAT_OPTION
@SINCE_OPTION
@OUT_OPTION
@TEMPLATES_OPTION
@VARIANT_OPTION
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Briefs rendered at once [default: number of cores].")
@click.option("--force", is_flag=True, help="Rebuild every brief, changed or not.")
@click.option(
    "--shard",
    metavar="K/N",
    callback=_shard,
    help="Build only shard K of N (for CI matrices); merge with `briefgen index`.",
)
@QUIET_OPTION
@click.option("-v", "--verbose", is_flag=True, help="Also print every file written and each brief's time.")
@REMOTE_OPTION
def build_cmd(
    paths: tuple[Path, ...],
    jobs: int | None,
    force: bool,
    shard: tuple[int, int] | None,
    quiet: bool,
    verbose: bool,
    **options: Any,
) -> None:
    """Build every brief under PATHS (default briefs/) that changed, plus the index page and manifest."""
    from briefgen.build import build
    from briefgen.progress import Progress

    project = _project(**options)
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: finished briefs kept, no half-written file
    with Progress(quiet=quiet, verbose=verbose) as progress:
        result = build(
            _default_paths(paths),
            project,
            jobs=jobs or os.cpu_count() or 1,
            force=force,
            shard=shard,
            report=progress.report,
        )
    for problem in result.problems:
        if not quiet or problem.severity == "error":
            click.echo(str(problem), err=True)
    if verbose:
        for path in result.outputs:
            click.echo(printable(f"wrote {path}"))
        for name in result.removed:
            click.echo(printable(f"removed {project.out_dir / name}"))
    if result.interrupted:
        click.echo("interrupted: briefs built so far are complete; the others keep their previous outputs", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(result.summary(), err=True)
    sys.exit(1 if result.failed else 0)


@main.command("index")
@OUT_OPTION
@TEMPLATES_OPTION
@QUIET_OPTION
@VERBOSE_OPTION
def index_cmd(quiet: bool, verbose: bool, **options: Any) -> None:
    """Merge the shards' manifests in the output folder and write manifest.json and index.html."""
    from briefgen.site import merge_shards

    project = _project(**options)
    manifest = merge_shards(project)
    if verbose:
        click.echo(printable(f"wrote {project.out_dir / 'manifest.json'}"))
    if not quiet:
        click.echo(printable(f"indexed {len(manifest.entries)} briefs in {project.out_dir / 'index.html'}"))


@main.command("serve")
@PATHS
@OUT_OPTION
@TEMPLATES_OPTION
@VARIANT_OPTION
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default serves this machine only (another address warns: the network sees it).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@QUIET_OPTION
@VERBOSE_OPTION
def serve_cmd(paths: tuple[Path, ...], host: str, port: int, quiet: bool, verbose: bool, **options: Any) -> None:
    """Preview the briefs under PATHS (default briefs/): rebuild on save and reload the open page."""
    from briefgen.project import resolve_project
    from briefgen.serve import exposure_warning, serve

    warning = exposure_warning(host)
    if warning:
        click.secho(printable(warning), err=True, fg="red", bold=True)

    def log(message: str) -> None:
        click.echo(printable(message), err=True)

    resolve: Callable[..., Project] = functools.partial(resolve_project, **options)
    serve(_default_paths(paths), resolve, host=host, port=port, log=log, quiet=quiet, verbose=verbose)
