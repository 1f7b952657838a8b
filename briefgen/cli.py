"""The briefgen command line: a thin layer over the pipeline stages."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, Problem, problems_to_json
from briefgen.formats import DEFAULT_VARIANT

PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _fail(exc: BriefgenError) -> NoReturn:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    sys.exit(1)


def _default_paths(paths: tuple[Path, ...]) -> list[Path]:
    if paths:
        return list(paths)
    if not Path("briefs").is_dir():
        raise click.UsageError("no briefs/ folder here; name the briefs or folders to use")
    return [Path("briefs")]


def _report(problems: list[Problem], fmt: str) -> None:
    if fmt == "json":
        click.echo(problems_to_json(problems))
    elif fmt == "github":
        for problem in problems:
            click.echo(problem.github())
    else:
        for problem in problems:
            click.echo(str(problem), err=True)


class _Group(click.Group):
    """Turn the failures a user can fix into one-line messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except OSError as exc:  # a folder that is a file, a full disk, no permission
            where = exc.filename or "briefgen"
            click.echo(f"{where}: {exc.strerror or exc}", err=True)
            sys.exit(1)
        except Exception as exc:
            if type(exc).__module__.startswith("jinja2"):  # a mistake in a theme's template
                name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
                line = getattr(exc, "lineno", None)
                click.echo(f"{name}{f':{line}' if line else ''}: template error: {exc}", err=True)
                sys.exit(1)
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Turn YAML briefing sources into Markdown, HTML and PDF briefs."""


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
@click.option("--strict", is_flag=True, help="Fail on warnings too (e.g. stale watch-list items).")
def validate_cmd(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check briefs (files or folders; default briefs/) and report every problem."""
    from briefgen.build import check
    from briefgen.config import load_config

    try:
        config = load_config()
    except BriefgenError as exc:
        _report(exc.problems, fmt)
        sys.exit(1)
    result = check(_default_paths(paths), config)
    _report(result.problems, fmt)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    if fmt == "text":
        total = len(result.briefs) + len(result.failed)
        click.echo(
            f"{'FAILED' if failed else 'ok'}: {total} brief{'s' if total != 1 else ''}, "
            f"{len(result.errors)} error{'s' if len(result.errors) != 1 else ''}, "
            f"{len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}",
            err=True,
        )
    sys.exit(1 if failed else 0)


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the brief format (for editor completion)."""
    from briefgen.model import brief_schema

    click.echo(json.dumps(brief_schema(), indent=2, ensure_ascii=False))


@main.command("new")
@click.argument("slug")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("briefs"), show_default=True)
def new_cmd(slug: str, folder: Path) -> None:
    """Write a new brief skeleton to briefs/SLUG.yaml (never overwrites)."""
    from briefgen.model import SLUG_RE
    from briefgen.skeleton import skeleton

    if not SLUG_RE.match(slug):
        raise click.BadParameter("use lowercase letters, digits and single hyphens, e.g. q3-energy", param_hint="SLUG")
    target = folder / f"{slug}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    text = skeleton(slug, dt.date.today())
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        click.echo(f"{target}: already exists; not overwritten", err=True)
        sys.exit(1)
    click.echo(f"wrote {target}")


FORMAT_OPTION = click.option(
    "--format",
    "formats",
    default="md,html,pdf",
    show_default=True,
    help="Comma-separated output formats: md, html, pdf.",
)
OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: output/]."
)
TEMPLATES_OPTION = click.option(
    "--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Theme folder."
)
REMOTE_OPTION = click.option(
    "--allow-remote", is_flag=True, help="Let briefs use http(s) images (fetched with a timeout and a size cap)."
)
VARIANT_OPTION = click.option(
    "--pdf-variant",
    default=DEFAULT_VARIANT,
    show_default=True,
    help="PDF variant: pdf/ua-1 (tagged, accessible), pdf/a-3b (archival), ... or none.",
)


def _formats(formats: str) -> tuple[str, ...]:
    from briefgen.formats import FORMATS

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not wanted or any(f not in FORMATS for f in wanted):
        raise click.BadParameter(f"expected some of {', '.join(FORMATS)}; got {formats!r}", param_hint="--format")
    return wanted


def _variant(variant: str) -> str:
    from briefgen.formats import VARIANTS

    if variant not in VARIANTS:
        raise click.BadParameter(f"expected one of {', '.join(VARIANTS)}; got {variant!r}", param_hint="--pdf-variant")
    return variant


@main.command("render")
@click.argument("brief", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@FORMAT_OPTION
@OUT_OPTION
@TEMPLATES_OPTION
@VARIANT_OPTION
@REMOTE_OPTION
def render_cmd(
    brief: Path, formats: str, out_dir: Path | None, templates: Path | None, pdf_variant: str, allow_remote: bool
) -> None:
    """Render one brief to Markdown, HTML and PDF (no manifest, no index page)."""
    wanted, variant = _formats(formats), _variant(pdf_variant)
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C, and take the PDF engine down too
    engine = None
    if "pdf" in wanted:  # start the PDF engine's process first: its import overlaps with the work below
        from briefgen.pdf_process import PdfProcess

        try:
            engine = PdfProcess()
        except OSError:  # no interpreter to start (an unusual install): lay the PDF out here instead
            engine = None
    try:
        from briefgen.build import check, render_brief
        from briefgen.config import load_config
        from briefgen.render import Theme

        config = load_config()
        checked = check([brief], config)
        if checked.errors:
            raise BriefgenError(checked.problems)
        source, valid = checked.briefs[0]
        theme = Theme.from_config(config, templates)
        out = out_dir or config.output or Path("output")
        rendered = render_brief(
            source,
            valid,
            config,
            out,
            wanted,
            theme=theme,
            variant=variant,
            allow_remote=allow_remote,
            pdf_writer=engine.write_pdf if engine else None,
        )
    except BriefgenError as exc:
        _fail(exc)
    finally:
        if engine:
            engine.close()
    for problem in [*checked.warnings, *rendered.warnings]:
        click.echo(str(problem), err=True)
    for path in rendered.outputs:
        click.echo(f"wrote {path}")


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"expected K/N with 1 <= K <= N, e.g. 2/4; got {value!r}", param_hint="--shard")
    return int(k), int(n)


@main.command("build")
@PATHS
@FORMAT_OPTION
@OUT_OPTION
@TEMPLATES_OPTION
@VARIANT_OPTION
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Briefs rendered at once [default: number of cores].")
@click.option("--force", is_flag=True, help="Rebuild every brief, changed or not.")
@click.option("--shard", metavar="K/N", help="Build only shard K of N (for CI matrices); merge with `briefgen index`.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print every file written and each brief's time.")
@REMOTE_OPTION
def build_cmd(
    paths: tuple[Path, ...],
    formats: str,
    out_dir: Path | None,
    templates: Path | None,
    pdf_variant: str,
    jobs: int | None,
    force: bool,
    shard: str | None,
    quiet: bool,
    verbose: bool,
    allow_remote: bool,
) -> None:
    """Build every brief under PATHS (default briefs/) that changed, plus the index page and manifest."""
    from briefgen.build import build
    from briefgen.config import load_config
    from briefgen.progress import Progress
    from briefgen.render import Theme

    wanted, variant, parts = _formats(formats), _variant(pdf_variant), _shard(shard)
    try:
        config = load_config()
    except BriefgenError as exc:
        _fail(exc)
    out = out_dir or config.output or Path("output")
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: finished briefs kept, no half-written file
    with Progress(quiet=quiet, verbose=verbose) as progress:
        try:
            result = build(
                _default_paths(tuple(paths)),
                config,
                out,
                wanted,
                theme=Theme.from_config(config, templates),
                variant=variant,
                jobs=jobs or os.cpu_count() or 1,
                force=force,
                shard=parts,
                report=progress.report,
                allow_remote=allow_remote,
            )
        except BriefgenError as exc:
            _fail(exc)
    for problem in result.problems:
        if not quiet or problem.severity == "error":
            click.echo(str(problem), err=True)
    if verbose:
        for path in result.outputs:
            click.echo(f"wrote {path}")
        for name in result.removed:
            click.echo(f"removed {out / name}")
    if result.interrupted:
        click.echo("interrupted: briefs built so far are complete; the others keep their previous outputs", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(result.summary(), err=True)
    sys.exit(1 if result.failed else 0)


@main.command("index")
@OUT_OPTION
@TEMPLATES_OPTION
def index_cmd(out_dir: Path | None, templates: Path | None) -> None:
    """Merge the shards' manifests in the output folder and write manifest.json and index.html."""
    from briefgen.config import load_config
    from briefgen.render import Theme
    from briefgen.site import merge_shards

    try:
        config = load_config()
        out = out_dir or config.output or Path("output")
        manifest = merge_shards(out, config, Theme.from_config(config, templates))
    except BriefgenError as exc:
        _fail(exc)
    click.echo(f"indexed {len(manifest.entries)} briefs in {out / 'index.html'}")


@main.command("serve")
@PATHS
@OUT_OPTION
@TEMPLATES_OPTION
@VARIANT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
def serve_cmd(
    paths: tuple[Path, ...], out_dir: Path | None, templates: Path | None, pdf_variant: str, host: str, port: int
) -> None:
    """Preview the briefs under PATHS (default briefs/): rebuild on save and reload the open page."""
    from briefgen.serve import serve

    variant = _variant(pdf_variant)

    def log(message: str) -> None:
        click.echo(message, err=True)

    try:
        serve(
            _default_paths(paths), out_dir=out_dir, host=host, port=port, templates=templates, variant=variant, log=log
        )
    except BriefgenError as exc:
        _fail(exc)
