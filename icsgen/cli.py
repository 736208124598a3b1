"""The `icsgen` command: parses options, calls the library, and turns problems into exit codes."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .build import BuildOptions, build
from .errors import BuildFailed, Problem

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
    help="The project folder (holding regions.yaml, content/ and themes/).",
)
REGION_OPTION = click.option(
    "--region", "regions", multiple=True, metavar="ID",
    help="Only this region (repeat for several). Default: every region.",
)


def report_problems(problems: list[Problem], heading: str) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(1 for p in problems if p.level == "error")
    noun = "problem" if errors == 1 else "problems"
    click.secho(f"{heading}: {errors} {noun} to fix.", fg="red", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="icsgen")
@click.option("--verbose", is_flag=True, help="Show full tracebacks of unexpected errors.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Build and preview NHS Integrated Care System microsites from Markdown and YAML.

    \b
    Typical use, from the project folder:
      icsgen build          write the whole site into build/
      icsgen serve          preview while you edit, at http://127.0.0.1:8000/
      icsgen check          find mistakes in the content without building
    """
    ctx.obj = {"verbose": verbose}


@main.command("build")
@ROOT_OPTION
@REGION_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site. Default: build/ in the project folder.")
@click.option("--drafts", is_flag=True, help="Include pages marked 'draft: true'.")
@click.option("--future", is_flag=True, help="Include news dated after today.")
@click.option("--jobs", "-j", type=click.IntRange(0), default=0, show_default=True,
              help="Pages rendered at once; 0 means one per processor core.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
@click.pass_context
def build_command(ctx: click.Context, root: Path, regions: tuple[str, ...], out: Path | None,
                  drafts: bool, future: bool, jobs: int, quiet: bool) -> None:
    """Build the site into build/ (or --out).

    The new site is made beside the old one and swapped in only if every page built, so a
    mistake never costs you the last good site. Problems are listed as file:line: message.
    """
    show_progress = not quiet and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress:
            click.echo(f"\r  rendering {done}/{total} pages", nl=done == total, err=True)

    try:
        report = build(root.resolve(), BuildOptions(out=out, regions=regions, drafts=drafts,
                                                     future=future, jobs=jobs), progress)
    except BuildFailed as exc:
        report_problems(exc.problems, "Build failed; the previous site was left as it was")
        ctx.exit(1)
    except Exception:
        _unexpected(ctx)
    if not quiet:
        for warning in report.warnings:
            click.echo(str(warning), err=True)
        click.echo(report.summary())


def _unexpected(ctx: click.Context) -> None:
    if ctx.find_root().obj.get("verbose"):
        traceback.print_exc()
    else:
        kind, value, _ = sys.exc_info()
        name = kind.__name__ if kind else "Error"
        click.echo(f"icsgen: unexpected error: {name}: {value} (run with --verbose for details)", err=True)
    ctx.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
