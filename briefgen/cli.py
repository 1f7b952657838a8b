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
from briefgen.cli_options import (
    DIFF_FORMATS,
    DIFF_HELP,
    EDITION_OPTION,
    FORMAT_OPTION,
    NOT_RELEASED,
    OUT_OPTION,
    PATHS,
    QUIET_OPTION,
    RELEASE_OPTION,
    REMOTE_OPTION,
    REPORT,
    REPORT_FORMATS,
    SINCE_OPTION,
    TEMPLATES_OPTION,
    VARIANT_OPTION,
    VERBOSE_OPTION,
    default_paths,
    edition_from,
    interrupt,
    parse_shard,
    project_from,
    report_problems,
    shown,
)
from briefgen.errors import BriefgenError, Problem, printable

if TYPE_CHECKING:
    from briefgen.project import Project


class _Group(click.Group):
    """The error boundary: failures a user can fix become their one-line messages, never tracebacks."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            report_problems(exc.problems, ctx.meta.get(REPORT, "text"))
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


@main.command("validate")
@PATHS
@click.option("--format", "fmt", type=REPORT_FORMATS, default="text", show_default=True,
              help="text for people, json for editors, github for CI annotations.")  # fmt: skip
@click.option("--strict", is_flag=True, help="Fail on warnings too (a draft's stale watch items, for one).")
@REMOTE_OPTION
@click.pass_context
def validate_cmd(ctx: click.Context, paths: tuple[Path, ...], fmt: str, strict: bool, allow_remote: bool) -> None:
    """Check briefs (files or folders; default briefs/) and report every problem."""
    from briefgen.check import check
    from briefgen.report import summary_line

    ctx.meta[REPORT] = fmt
    result = check(default_paths(paths), project_from(allow_remote=allow_remote), keep=False)
    # a final brief's past watch dates prompt for a new edition: --strict does not fail on that warning
    strict_warnings = [p for p in result.warnings if p.strict] if strict else []
    failed = bool(result.errors) or bool(strict_warnings)
    failed_briefs = set(result.failed)
    if strict:  # a brief with a warning fails too
        failed_briefs |= {p.path for p in strict_warnings} & set(result.passed)
    total = len(result.passed) + len(result.failed)
    counts = {"errors": len(result.errors), "warnings": len(result.warnings)}
    summary = summary_line(failed=failed, briefs=total, failed_briefs=len(failed_briefs), **counts)
    report_problems(result.problems, fmt, briefs=total, summary=summary)
    sys.exit(1 if failed else 0)


@main.command("review")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--brief",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The brief's YAML [default: the one under briefs/ whose id the document carries].",
)
@click.option("--format", "fmt", type=REPORT_FORMATS, default="text", help="As for validate.")
@click.pass_context
def review_cmd(ctx: click.Context, document: Path, brief: Path | None, fmt: str) -> None:
    """List a cleared Word edition's tracked changes and comments, each at its line in the brief's YAML."""
    from briefgen.report import summary_line
    from briefgen.review import review

    ctx.meta[REPORT] = fmt
    result = review(document, project_from(), brief)
    notes = {"warnings": len(result.valid.warnings), "notes": len(result.notes)}
    summary = summary_line(failed=False, briefs=1, failed_briefs=0, errors=0, **notes)
    report_problems([*result.valid.warnings, *result.notes], fmt, briefs=1, summary=summary)


@main.command("schema")
@click.option("--write", is_flag=True, help="Write it to PATH instead [default: schema/brief.schema.json in the"
              " folder of briefgen.toml, else here].")  # fmt: skip
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def schema_cmd(write: bool, path: Path | None) -> None:
    """Print the JSON Schema of the brief format (for editor completion), or write it with --write [PATH]."""
    from briefgen.skeleton import default_schema_path, schema_text, write_schema

    if path is not None and not write:
        raise click.UsageError("PATH is where --write writes the schema; add --write")
    if not write:
        click.echo(schema_text(), nl=False)
        return
    click.echo(f"wrote {shown(write_schema(path or default_schema_path(Path.cwd())))}")


@main.command("new")
@click.argument("slug")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("briefs"), show_default=True,
              help="Folder to write the new brief into.")  # fmt: skip
def new_cmd(slug: str, folder: Path) -> None:
    """Write a new brief skeleton to briefs/SLUG.yaml (never overwrites); its first line points editors to
    schema/brief.schema.json in the project, written too if it is missing (`briefgen schema --write` renews it)."""
    from briefgen.skeleton import default_schema_path, is_slug, new_brief, write_schema

    if not is_slug(slug):
        raise click.BadParameter("use lowercase letters, digits and single hyphens, e.g. q3-energy", param_hint="SLUG")
    schema = default_schema_path(Path.cwd())
    click.echo(printable(f"wrote {new_brief(slug, folder, dt.date.today(), schema)}"))
    if not schema.exists():
        click.echo(f"wrote {shown(write_schema(schema))}")


@main.command("render")
@click.argument("brief", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@FORMAT_OPTION
@RELEASE_OPTION
@SINCE_OPTION
@OUT_OPTION
@TEMPLATES_OPTION
@VARIANT_OPTION
@EDITION_OPTION
@REMOTE_OPTION
@QUIET_OPTION
@VERBOSE_OPTION
def render_cmd(brief: Path, quiet: bool, verbose: bool, **options: Any) -> None:
    """Render one brief to Markdown, HTML and PDF (no manifest, no index page)."""
    from briefgen.pdf_process import PdfProcess

    signal.signal(signal.SIGTERM, interrupt)  # stop like Ctrl-C, and take the PDF engine down too
    # started before anything else is imported: the engine's import of WeasyPrint overlaps with the work below
    engine = PdfProcess.start_for(options["formats"])
    try:
        from briefgen.build import refuse_foreign_id
        from briefgen.check import check
        from briefgen.produce import render_brief

        project = edition_from(**options)
        checked = check([brief], project)
        if checked.errors or not checked.briefs:
            raise BriefgenError(
                checked.problems or [Problem(shown(brief), 0, 0, "", f"{NOT_RELEASED} {options['release']}")]
            )
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
@RELEASE_OPTION
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True, help=DIFF_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to this file.")
def diff_cmd(editions: tuple[str, ...], since: str | None, release: str | None, fmt: str, output: Path | None) -> None:
    """Say what changed between editions: OLD and NEW are brief files or REV:PATH (`briefgen diff HEAD~1:briefs/x.yaml
    briefs/x.yaml`); with --since REV, every brief changed since REV (under the paths given, if any)."""
    from briefgen.diff_report import diff_output, editions_compared

    if (since is None and len(editions) != 2) or (fmt == "pdf" and output is None and sys.stdout.isatty()):
        raise click.UsageError("name OLD and NEW, or use --since REV; a pdf goes to a file (--output) or a pipe")
    project = project_from(since=since, release=release)  # a release: both editions cut at its level
    data = diff_output(editions_compared(list(editions), since, project), fmt, since, project)
    output.write_bytes(data) if output is not None else click.echo(data, nl=False)


@main.command("translation-stamp")
@click.argument("original", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--git", "use_git", is_flag=True, help="Stamp the original's last commit (git:REV) instead of its"
              " content; the file must have no changes since.")  # fmt: skip
def translation_stamp_cmd(original: Path, use_git: bool) -> None:
    """Print the value of `translated_from:` for a translation of ORIGINAL made now: a hash of its translatable
    content, section by section, so validate can say which sections changed since."""
    from briefgen.check import Checker
    from briefgen.translation import Original, stamp

    project = project_from()
    valid = Checker(project).check(original)
    click.echo(stamp(Original(valid.path, valid.source, valid.brief), project, git=use_git))


@main.command("build")
@PATHS
@RELEASE_OPTION
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
    callback=parse_shard,
    help="Build only shard K of N (for CI matrices); merge with `briefgen index`.",
)
@QUIET_OPTION
@click.option("-v", "--verbose", is_flag=True, help="Also print every file written and each brief's time.")
@REMOTE_OPTION
def build_cmd(paths: tuple[Path, ...], jobs: int | None, force: bool, shard: tuple[int, int] | None, quiet: bool,
              verbose: bool, **options: Any) -> None:  # fmt: skip
    """Build every brief under PATHS (default briefs/) that changed, plus the index page and manifest (and
    each release edition of briefgen.toml's marking.releases, each in a folder of its own)."""
    signal.signal(signal.SIGTERM, interrupt)  # stop like Ctrl-C: finished briefs kept, no half-written file
    project = edition_from(**options)
    editions = [project] if project.release else [project, *map(project.with_release, project.releases)]
    said: set[str] = set()  # a warning of a kept portion is said once, not once per edition
    failed = [_build_edition(e, default_paths(paths), jobs, force, shard, quiet, verbose, said) for e in editions]
    sys.exit(1 if any(failed) else 0)


def _build_edition(project: Project, paths: list[Path], jobs: int | None, force: bool, shard: Any, quiet: bool,
                   verbose: bool, said: set[str]) -> bool:  # fmt: skip
    from briefgen.build import build
    from briefgen.progress import Progress

    with Progress(quiet=quiet, verbose=verbose) as progress:
        jobs = jobs or os.cpu_count() or 1
        result = build(paths, project, jobs=jobs, force=force, shard=shard, report=progress.report)
    for line in [str(p) for p in result.problems if not quiet or p.severity == "error"]:
        if line not in said:
            click.echo(line, err=True)
            said.add(line)
    if verbose:
        for path in result.outputs:
            click.echo(printable(f"wrote {path}"))
        for name in result.removed if project.release is None else ():  # a release never names what it drops
            click.echo(printable(f"removed {project.out_dir / name}"))
    if result.interrupted:
        click.echo("interrupted: briefs built so far are complete; the others keep their previous outputs", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(result.summary() + (f" (release {project.release})" if project.release else ""), err=True)
    return bool(result.failed)


@main.command("index")
@OUT_OPTION
@TEMPLATES_OPTION
@QUIET_OPTION
@VERBOSE_OPTION
def index_cmd(quiet: bool, verbose: bool, **options: Any) -> None:
    """Merge the shards' manifests in the output folder and write manifest.json and index.html."""
    from briefgen.site import merge_shards

    project = project_from(**options)
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
    serve(default_paths(paths), resolve, host=host, port=port, log=log, quiet=quiet, verbose=verbose)
