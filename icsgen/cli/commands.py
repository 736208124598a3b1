"""The `icsgen` command: parses options, calls the library, and turns problems into exit codes."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from icsgen import __version__
from icsgen.build import BuildOptions, leave_for_exit

from .build import end_process, file_problem, report_unexpected, run_build, say

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
    help="The project folder (holding regions.yaml, content/ and themes/).",
)
REGION_OPTION = click.option(
    "--region", "regions", multiple=True, metavar="ID",
    help="Only this region (repeat for several). Default: every region.",
)
DRAFTS_OPTION = click.option("--drafts", is_flag=True, help="Include pages marked 'draft: true'.")
STRICT_OPTION = click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors.")
FUTURE_OPTION = click.option("--future", is_flag=True, help="Include news dated after today (or after --today).")
JOBS_OPTION = click.option("--jobs", "-j", type=click.IntRange(0), default=0, show_default=True,
                           help="Pages rendered at once; 0 means one per processor core.")
NO_SEARCH_OPTION = click.option(
    "--no-search", is_flag=True,
    help="Make no search index (build: the search pages then say search is not working; serve: it is otherwise "
         "brought up to date after each save).",
)
NO_CACHE_OPTION = click.option(
    "--no-cache", is_flag=True,
    help="Don't use what .icsgen-cache/ remembers from the last build: build renders every page (and "
         "leaves the cache alone); check reads nothing from it (check never changes it).",
)


class _Day(click.ParamType):
    """A calendar date written YYYY-MM-DD, as front matter writes dates."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"'{value}' is not a date: write it as YYYY-MM-DD, for example 2026-01-31", param, ctx)


TODAY_OPTION = click.option(
    "--today", type=_Day(), default=None,
    help="Build the site as it will be on this day (YYYY-MM-DD): scheduled news, meeting and "
         "consultation status. Default: the computer's date.",
)


class _Group(click.Group):
    """Turns an unexpected error in any command into one line (or a traceback with --verbose)."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:  # a file the file system refused: the editor's to fix, not a fault in icsgen
            if _verbose(ctx):
                _unexpected(ctx)
            say(str(file_problem(exc)), err=True)
            ctx.exit(1)
        except Exception:
            _unexpected(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
      icsgen new --help     start a new region, page or news post
    """
    ctx.obj = {"verbose": verbose}


@main.command("build")
@ROOT_OPTION
@REGION_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site. Default: build/ in the project folder.")
@DRAFTS_OPTION
@FUTURE_OPTION
@JOBS_OPTION
@NO_CACHE_OPTION
@NO_SEARCH_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
@STRICT_OPTION
@TODAY_OPTION
@click.pass_context
def build_command(ctx: click.Context, root: Path, regions: tuple[str, ...], out: Path | None,
                  drafts: bool, future: bool, jobs: int, no_cache: bool, no_search: bool, quiet: bool, strict: bool,
                  today: dt.date | None) -> None:
    """Build the site into build/ (or --out).

    Every page is rendered and every link checked before build/ is touched, so a mistake never
    costs you the last good site. Problems are listed as file:line: message. After the first
    build, only pages whose text, template, data or links changed are rendered again.
    """
    code = run_build(root, BuildOptions(out=out, regions=regions, drafts=drafts, future=future, jobs=jobs,
                                        cache=not no_cache, search=not no_search, today=today, strict=strict),
                     quiet, _verbose(ctx))
    if code:
        ctx.exit(code)


def _verbose(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("verbose"))


def _unexpected(ctx: click.Context) -> None:
    report_unexpected(_verbose(ctx))
    ctx.exit(2)


# -- icsgen new (icsgen/new.py does the work) -------------------------------------------------


@main.group("new")
def new_group() -> None:
    """Start a new region, page or news post from ready-made files.

    Nothing that exists is ever overwritten. The new files build and pass
    'icsgen check' straight away; then edit them.

    \b
    Examples:
      icsgen new region west-yorkshire --name "West Yorkshire"
      icsgen new page west-yorkshire about/our-board --title "Our board"
      icsgen new news west-yorkshire --title "New walk-in centre opens"
    """


def _report_created(created, root: Path) -> None:  # type: ignore[no-untyped-def]
    from icsgen.new import NEXT_STEP

    def show(path: Path) -> str:
        resolved, base = path.resolve(), root.resolve()
        return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else str(path)

    for path in created.changed:
        click.echo(f"  changed  {show(path)}")
    for path in created.files:
        click.echo(f"  created  {show(path)}")
    for note in created.notes:
        click.echo(note)
    click.echo(NEXT_STEP)


def _scaffold(action, root: Path, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from icsgen.new import ScaffoldError

    try:
        created = action(root.resolve(), *args, **kwargs)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    _report_created(created, root)


@new_group.command("region")
@click.argument("region_id", metavar="ID")
@click.option("--name", required=True, help='The region\'s full name, e.g. "West Yorkshire".')
@click.option("--short-name", default="", help="A short name for tight spaces. Default: the name.")
@click.option("--owner", default="", help="The organisation named in the footer. "
              'Default: "NHS <name> Integrated Care Board".')
@click.option("--base-url", default=None, metavar="URL",
              help="The region's own web address, if it is also published on its own domain.")
@ROOT_OPTION
def new_region_command(region_id: str, name: str, short_name: str, owner: str, base_url: str | None,
                       root: Path) -> None:
    """Add a region to regions.yaml and create content/ID/ with example pages.

    ID becomes the folder name and the first part of the region's web addresses:
    lower-case letters, digits and hyphens, such as west-yorkshire. The region is
    added at the end of regions.yaml; everything else in the file stays as it is.
    """
    from icsgen.new import new_region

    _scaffold(new_region, root, region_id, name, short_name=short_name, owner=owner, base_url=base_url)


@new_group.command("page")
@click.argument("region_id", metavar="REGION")
@click.argument("path", metavar="PATH")
@click.option("--title", required=True, help='The page title, e.g. "Our board".')
@ROOT_OPTION
def new_page_command(region_id: str, path: str, title: str, root: Path) -> None:
    """Create a page of REGION at PATH, such as about/our-board.

    PATH is inside the region's folder; '.md' is added if you leave it out. Use
    lower-case letters, digits and hyphens, with '/' between folders.
    """
    from icsgen.new import new_page

    _scaffold(new_page, root, region_id, path, title)


@new_group.command("news")
@click.argument("region_id", metavar="REGION")
@click.option("--title", required=True, help='The headline, e.g. "New walk-in centre opens".')
@click.option("--date", type=_Day(), default=None,
              help="The publication date. Default: today. A later date schedules the post.")
@ROOT_OPTION
def new_news_command(region_id: str, title: str, date: dt.date | None, root: Path) -> None:
    """Create a draft news post of REGION, named news/YYYY-MM-DD-headline.md.

    The post has 'draft: true', so it is not published until you remove that line.
    """
    from icsgen.new import new_news

    _scaffold(new_news, root, region_id, title, date)


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--region", "region_id", default="", metavar="ID",
              help="The first region's id (lower-case letters, digits, hyphens). Default: from FOLDER's name.")
@click.option("--name", default="", help='The region\'s full name, e.g. "West Yorkshire". Default: from the id.')
@click.option("--base-url", default="", metavar="URL", help="The web address the site will be published at.")
def init_command(folder: Path, region_id: str, name: str, base_url: str) -> None:
    """Start a new site project in FOLDER (new or empty) with one region.

    Writes regions.yaml, the region's first pages, the accessibility, cookies and
    privacy pages every region gets, and a .gitignore. The new site builds and
    passes 'icsgen check --strict' at once.

    \b
    Example:
      icsgen init west-yorkshire --name "West Yorkshire"
    """
    from icsgen.new import ScaffoldError, init_site

    try:
        created = init_site(folder, region_id, name, base_url)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    for path in created.files:
        click.echo(f"  created  {path}")
    for note in created.notes:
        click.echo(note)


@main.command("serve", short_help="Preview the site while you edit, updating as you save.")
@ROOT_OPTION
@REGION_OPTION
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on (0.0.0.0 shows the preview to your network).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port; if it is in use, the next free one is taken (and said).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in your web browser.")
@click.option("--no-drafts", is_flag=True, help="Leave out drafts and news dated after today.")
@click.option("--poll", is_flag=True,
              help="Look for changes by polling (for Docker, WSL and network drives).")
@NO_SEARCH_OPTION
@TODAY_OPTION
@click.pass_context
def serve_command(ctx: click.Context, root: Path, regions: tuple[str, ...], host: str, port: int,
                  open_browser: bool, no_drafts: bool, poll: bool, no_search: bool, today: dt.date | None) -> None:
    """Preview the site while you edit: pages refresh themselves a moment after you save.

    Drafts and future news are shown unless --no-drafts (with --today, news dated after
    that day is not). The preview is built into a temporary folder of its
    own (never build/), which is removed when it stops (Ctrl-C, kill, a closed terminal).
    Mistakes are shown over the page as file:line: message, and the last good pages stay
    served until they are fixed.
    """
    import signal
    import threading
    import webbrowser

    from icsgen.config import CONFIG_FILE
    from icsgen.serve import Session, seen_by_others

    if not (root / CONFIG_FILE).exists():  # the wrong folder, or a mistyped --root: nothing to preview
        raise click.ClickException(
            f"no {CONFIG_FILE} in {root.resolve()}, so there is no site to preview (run icsgen serve in the "
            f"project folder, the one that holds {CONFIG_FILE}, or pass --root FOLDER; to start a new site, "
            "run: icsgen init FOLDER)")

    def said(result, paths) -> None:  # type: ignore[no-untyped-def]
        names = ", ".join(sorted({p.name for p in paths})[:3]) + (", ..." if len(paths) > 3 else "")
        if not result.problems:
            count = len(result.rendered)
            click.echo(f"Saw {names}: {count} {'page' if count == 1 else 'pages'} updated in {result.seconds:.2f} s")
            return
        for line in result.problems:
            click.echo(line, err=True)
        noun = "problem" if len(result.problems) == 1 else "problems"
        click.secho(f"Saw {names}: {len(result.problems)} {noun} to fix; the preview shows the last good "
                    "pages until then.", fg="red", err=True)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    drafts = not no_drafts
    # with --today the preview is the site as on that day: news dated later waits for its date
    options = BuildOptions(regions=regions, drafts=drafts, future=drafts and today is None, today=today,
                           search=not no_search)
    # a plain `kill`, or closing the terminal, stops it as Ctrl-C does, even while the first build runs
    ending = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    for name in ending:
        signal.signal(name, interrupted)
    try:
        session = Session(root.resolve(), options, host, port, poll, on_rebuild=said)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:  # stopped while starting: the session has cleaned up after itself
        click.echo("Stopping the preview.")
        return
    except Exception:
        _unexpected(ctx)
    stop = threading.Event()
    try:
        for line in session.first.problems:
            click.echo(line, err=True)
        if session.first.problems:
            click.secho("The first build failed: fix the problems above; the page will show them too.",
                        fg="red", err=True)
        assert session.server is not None
        if session.server.port != port and port:
            click.secho(f"Port {port} is in use, so the preview uses port {session.server.port}.",
                        fg="yellow")
        session.start()
        click.echo(f"Serving the preview at {session.url} (press Ctrl-C to stop)")
        if seen_by_others(host):  # said every time: the preview shows drafts and pages not yet published
            if host in ("0.0.0.0", "::"):
                click.echo(f"On this computer: http://127.0.0.1:{session.server.port}/")
            click.secho(f"Other computers that can reach this one can see the preview too (--host {host}), "
                        "drafts included. Leave out --host to keep it to this computer.", fg="yellow")
        if open_browser:
            webbrowser.open(session.url)
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        click.echo("Stopping the preview.")
    finally:
        for name in (signal.SIGINT, *ending):  # a second Ctrl-C must not cut the clean-up short
            signal.signal(name, signal.SIG_IGN)
        session.close()


# -- icsgen check (icsgen/check.py does the work) --------------------------------------------------


@main.command("check")
@ROOT_OPTION
@REGION_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: one 'file:line: level: message' a line; json: for tools.")
@STRICT_OPTION
@DRAFTS_OPTION
@FUTURE_OPTION
@TODAY_OPTION
@JOBS_OPTION
@NO_CACHE_OPTION
@click.option("--against", "against", multiple=True, metavar="SITEMAP",
              help="The live site's sitemap (a file or an http(s) address): warn about each of its addresses "
                   "the new build would not publish. Give it once for each sitemap.")
@click.pass_context
def check_command(ctx: click.Context, root: Path, regions: tuple[str, ...], output_format: str, strict: bool,
                  drafts: bool, future: bool, today: dt.date | None, jobs: int, no_cache: bool,
                  against: tuple[str, ...]) -> None:
    """Find mistakes in the content without building: writes nothing.

    Errors are what 'icsgen build' stops on (front matter, broken links and #anchors, images
    without alt text, templates). Warnings come from the NHS content style guide: headings,
    link text, abbreviations, long sentences and paragraphs, reading level, review dates and
    news summaries; addresses the last build (or, with --against, the live site) published that
    the new build would not. Exit status 1 if there are errors (or, with --strict, warnings).
    """
    from icsgen.check import CheckOptions, check

    try:
        report = check(root.resolve(), CheckOptions(regions=regions, drafts=drafts, future=future, today=today,
                                                    jobs=jobs, cache=not no_cache, against=against))
    except OSError as exc:  # check only reads; see _Group
        if _verbose(ctx):
            _unexpected(ctx)
        say(str(file_problem(exc, "cannot read")), err=True)
        ctx.exit(1)
    except Exception:
        _unexpected(ctx)
    click.echo(report.json() if output_format == "json" else report.text())
    if report.errors or (strict and report.warnings):
        ctx.exit(1)


def run() -> None:
    """The `icsgen` command as installed (and `python -m icsgen`).

    Ends with `os._exit` once everything is printed: a build leaves its site model to the end of
    the process (see `build.leave_for_exit`), and freeing ten thousand pages' objects one by one,
    only for the process to end, cost ~65 ms of a one-page rebuild at 10,000 pages. Whoever calls
    `main` from Python (the tests, a script) gets an ordinary return and nothing left behind.
    """
    leave_for_exit()
    try:
        main(prog_name="icsgen")  # also when started as `python -m icsgen`
        code = 0
    except SystemExit as exc:  # click ends every command so
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    end_process(code)


if __name__ == "__main__":  # pragma: no cover
    run()
