"""What `icsgen build` does and prints, without click: the command line's parsing lives in cli.py, and
cli/launch.py runs a plain build straight from here.

Importing click (with the modules it pulls in, uuid and platform among them) took ~25 ms, a few per
cent of a one-page rebuild at 10,000 pages, to read options that `launch.build_request` reads itself.
Both routes call `run_build`, so they print the same and end with the same exit code.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from pathlib import Path
from typing import TextIO

from icsgen.build import BuildOptions, build
from icsgen.problems import BuildFailed, Problem, Problems, where


def say(text: str, err: bool = False, end: str = "\n") -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + end)
    stream.flush()


def alarm(text: str) -> None:
    """A line in red on a terminal (as `click.secho(fg="red")`), plain anywhere else."""
    say(f"\x1b[31m{text}\x1b[0m" if _is_terminal(sys.stderr) else text, err=True)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def report_problems(problems: list[Problem], heading: str) -> None:
    for problem in problems:
        say(str(problem), err=True)
    errors = sum(1 for p in problems if p.level == "error")
    noun = "problem" if errors == 1 else "problems"
    alarm(f"{heading}: {errors} {noun} to fix.")


def file_problem(error: OSError, doing: str = "") -> Problem:
    """A file the file system refused, found where no reader expected it, as a problem naming the file
    (relative to the current folder when it is inside it); `doing` says what was refused, if known."""
    problems = Problems(Path.cwd())
    problems.add_os_error(error.filename or Path.cwd(), error, doing)
    return problems.errors[0]


def report_unexpected(verbose: bool) -> None:
    """The error being handled: a traceback with --verbose, else one line naming where it happened."""
    if verbose:
        traceback.print_exc()
        return
    kind, value, tb = sys.exc_info()
    name = kind.__name__ if kind else "Error"
    say(f"icsgen: unexpected error at {where(value, tb)}: {name}: {value} "
        "(run icsgen --verbose ... for the full traceback)", err=True)




INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)


def report_interrupt(published: bool) -> None:
    """What a build stopped by Ctrl-C did: the site is published whole or not at all (see output.py)."""
    if published:
        alarm("Build stopped (Ctrl-C) just after the new site was put in place; it is complete.")
    else:
        alarm("Build stopped (Ctrl-C) before it finished; the previous site was left as it was.")


def end_process(code: int) -> None:
    """Print what is left and end the process at once (see `cli.run`: a build's site model is never freed)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # nothing left to tell anyone
            stream.flush()
    os._exit(code)


def run_build(root: Path, options: BuildOptions, quiet: bool, verbose: bool) -> int:
    """Build, print the outcome, and return the exit code: 0 built, 1 problems to fix, 2 unexpected error,
    130 stopped by Ctrl-C."""
    show_progress = not quiet and _is_terminal(sys.stderr)

    def progress(done: int, total: int) -> None:
        if show_progress:
            say(f"\r  rendering {done}/{total} pages", err=True, end="\n" if done == total else "")

    try:
        report = build(root.resolve(), options, progress)
    except BuildFailed as exc:
        report_problems(exc.problems, "Build failed; the previous site was left as it was")
        return 1
    except KeyboardInterrupt as exc:
        report_interrupt(getattr(exc, "published", False))
        return INTERRUPTED
    except Exception:
        report_unexpected(verbose)
        return 2
    if not quiet:
        for warning in report.warnings:
            say(str(warning), err=True)
        say(report.summary())
    return 0
