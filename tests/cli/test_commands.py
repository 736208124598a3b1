"""The command line as an editor meets it: help that reads well, --version, and errors in one line."""

from __future__ import annotations

import errno
import inspect
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from icsgen import __version__
from icsgen.cli.commands import main
from tests.support.sitemaker import basic_site, run


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(main)


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"], prog_name="icsgen")
    assert result.exit_code == 0
    assert result.output == f"icsgen, version {__version__}\n"


def test_main_help_lists_every_command_in_full() -> None:
    result = CliRunner().invoke(main, ["--help"], prog_name="icsgen")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: icsgen [OPTIONS] COMMAND [ARGS]...")
    assert "--verbose" in result.output and "--version" in result.output
    assert "icsgen new --help" in result.output


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_list_shows_each_summary_whole(name: str) -> None:
    """`icsgen --help` cuts a command's first sentence at about 45 characters with '...'."""
    result = CliRunner().invoke(main, ["--help"], prog_name="icsgen")
    line = next(line for line in result.output.splitlines() if line.startswith(f"  {name} "))
    assert not line.rstrip().endswith("..."), (
        f"the summary of '{name}' is cut short in 'icsgen --help': {line.strip()!r}; "
        "shorten the first sentence of its help or give the command a short_help"
    )


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_explains_itself(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="icsgen")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: icsgen {' '.join(path)} ")
    assert command.help and command.help.strip(), "the command needs a description"
    first = inspect.cleandoc(command.help).splitlines()[0]
    assert first.endswith("."), f"the first line should be a sentence: {first!r}"
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help, f"option {param.opts[0]} of 'icsgen {' '.join(path)}' has no help text"
    if isinstance(command, click.Group):
        for name in command.commands:
            assert f"  {name} " in result.output


def test_editor_mistakes_are_file_and_line_messages_without_a_traceback(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/about/index.md": "---\ntitle: About\ntitel: x\n---\n"})
    result = run(root, "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "content/alpha/about/index.md:3: unknown key 'titel' in front matter" in result.output
    assert "Traceback" not in result.output


def _explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("something icsgen did not expect")


def _line_of_raise() -> int:
    return _explode.__code__.co_firstlineno + 1


def test_an_unexpected_error_is_one_line_naming_file_and_line(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = basic_site(tmp_path / "site")
    monkeypatch.setattr("icsgen.build.loading.load_config", _explode)
    result = run(root, "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output == (
        f"icsgen: unexpected error at tests/cli/test_commands.py:{_line_of_raise()}: RuntimeError: something icsgen "
        "did not expect (run icsgen --verbose ... for the full traceback)\n"
    )


def test_verbose_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = basic_site(tmp_path / "site")
    monkeypatch.setattr("icsgen.build.loading.load_config", _explode)
    result = run(root, "--verbose", "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.startswith("Traceback (most recent call last):")
    assert f'test_commands.py", line {_line_of_raise()}, in _explode' in result.output
    assert result.output.rstrip().endswith("RuntimeError: something icsgen did not expect")


def test_unexpected_errors_in_any_command_are_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The group catches them, so commands other than build (here: new) behave the same way."""
    root = basic_site(tmp_path / "site")

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("gamma")

    monkeypatch.setattr("icsgen.new.new_region", broken)
    result = run(root, "new", "region", "gamma", "--name", "Gamma")
    assert result.exit_code == 2
    assert result.output.startswith("icsgen: unexpected error at tests/cli/test_commands.py:")
    assert len(result.output.splitlines()) == 1
    verbose = run(root, "--verbose", "new", "region", "gamma", "--name", "Gamma")
    assert "Traceback (most recent call last):" in verbose.output


def test_a_file_the_system_refuses_in_any_command_is_named_plainly(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a fault in icsgen: the file and what to do, exit 1 (a traceback only with --verbose)."""
    root = basic_site(tmp_path / "site")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "content/gamma/index.md")

    monkeypatch.setattr("icsgen.new.new_region", denied)
    result = run(root, "new", "region", "gamma", "--name", "Gamma")
    assert result.exit_code == 1
    assert result.output == "content/gamma/index.md: permission denied (check the permissions of the file and its " \
                            "folders (ls -l))\n"
    verbose = run(root, "--verbose", "new", "region", "gamma", "--name", "Gamma")
    assert "Traceback (most recent call last):" in verbose.output


def test_usage_mistakes_point_to_help(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["biuld"], prog_name="icsgen")
    assert result.exit_code == 2
    assert "No such command 'biuld'" in result.output
    assert "Try 'icsgen -h' for help." in result.output or "Try 'icsgen --help' for help." in result.output


# -- the README and the guide describe what the code does --------------------------------------------

DOCS = Path(__file__).resolve().parent.parent.parent


def test_readme_names_every_command_and_the_two_fresh_machine_commands() -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    # the main command needs only Python: no apt, npm or browser on the way to a built site
    assert "\npython3 -m pip install . && python3 -m icsgen build\n" in readme
    assert "bash scripts/test.sh" in readme
    assert (DOCS / "scripts/setup.sh").is_file() and (DOCS / "scripts/test.sh").is_file()
    for path, _ in COMMANDS:
        assert f"`icsgen {' '.join(path)}" in readme, path


@pytest.mark.slow
def test_the_readme_install_leaves_build_free_for_the_site(tmp_path: Path) -> None:
    """`pip install .` runs setuptools in the project folder, whose default build folder is icsgen's
    output folder: a fresh machine following the README then had `icsgen build` refuse build/."""
    project = tmp_path / "project"
    shutil.copytree(DOCS, project, ignore=shutil.ignore_patterns(
        ".git", "build", ".setuptools-build", "*.egg-info", ".icsgen-cache", "node_modules", ".*cache", "bench"))
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "wheel"),
                           str(project)], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-2000:]
    assert list((tmp_path / "wheel").glob("icsgen-*.whl"))
    assert not (project / "build").exists()
    built = subprocess.run([sys.executable, "-m", "icsgen", "build", "--no-search", "--region", "leeds"],
                           cwd=project, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (project / "build" / "leeds" / "index.html").is_file()


def test_a_build_folder_left_by_python_packaging_is_named_as_such(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert CliRunner().invoke(main, ["init", str(site)]).exit_code == 0
    (site / "build" / "lib" / "icsgen").mkdir(parents=True)
    (site / "build" / "bdist.linux-x86_64").mkdir()
    result = run(site, "build", "--no-search")
    assert result.exit_code == 1
    assert "Python packaging" in result.output and "delete that folder" in result.output
    assert (site / "build" / "lib" / "icsgen").is_dir()  # told, never deleted


def test_guide_explains_every_front_matter_field_and_its_own_links_work() -> None:
    from markdown.extensions.toc import slugify

    from icsgen.content.frontmatter import FRONT_MATTER

    guide = (DOCS / "docs/guide.md").read_text(encoding="utf-8")
    for spec in FRONT_MATTER.fields:
        assert f"\n| `{spec.name}` | `{spec.name}:" in guide, spec.name
    headings = {slugify(line.lstrip("#").strip(), "-") for line in guide.splitlines() if line.startswith("#")}
    targets = set(re.findall(r"\]\(#([^)]+)\)", guide))
    assert targets - headings == set()
    assert "click here" not in guide.replace("Never write \"click here\"", "").replace("'click here'", "")


@pytest.mark.parametrize("module", ["icsgen", "icsgen.cli"])
def test_the_command_as_run_prints_everything_and_exits_with_the_right_code(tmp_path: Path, module: str) -> None:
    """`icsgen` ends with os._exit after a build: nothing it printed may be lost, and the code must be right."""
    root = basic_site(tmp_path / "site")
    ok = subprocess.run([sys.executable, "-m", module, "build", "--root", str(root)], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Built 9 pages (alpha 7, beta 2) into ")
    again = subprocess.run([sys.executable, "-m", module, "build", "--root", str(root)], capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0 and "0 re-rendered" in again.stdout
    (root / "content/alpha/about/index.md").write_text("---\ntitle: About\n---\nSee [nowhere](nowhere.md).\n")
    failed = subprocess.run([sys.executable, "-m", module, "build", "--root", str(root)], capture_output=True,
                            text=True, timeout=120)
    assert failed.returncode == 1
    assert "content/alpha/about/index.md:4: " in failed.stderr and "1 problem to fix" in failed.stderr
    usage = subprocess.run([sys.executable, "-m", module, "build", "--no-such-option"], capture_output=True, text=True,
                           timeout=120)
    # click 8.4 quotes the option ("No such option '--x'"), earlier ones follow a colon ("No such option: --x")
    assert usage.returncode == 2 and re.search(r"No such option:? '?--no-such-option", usage.stderr)
    assert usage.stderr.startswith("Usage: icsgen build [OPTIONS]")


def test_an_option_that_several_commands_take_means_and_reads_the_same_in_each() -> None:
    """Declared once (commands.py's *_OPTION): --jobs on check once said 'checked' and on build
    'rendered', with different --no-cache wording; a fix to one was missed in the other."""
    seen: dict[str, tuple[str, ...]] = {}
    for path, command in COMMANDS:
        for param in command.params:
            if not isinstance(param, click.Option) or param.name in ("help", "title", "name", "base_url", "region_id"):
                continue  # --title, --name, --base-url: different things to `new page`, `new news`, `init`
            described = (str(param.type), param.help or "", repr(param.default), str(param.is_flag))
            for name in param.opts:
                assert seen.setdefault(name, described) == described, f"{name} differs on {' '.join(path)}"
    assert {"--region", "--drafts", "--future", "--jobs", "--no-cache", "--today", "--root"} <= seen.keys()


@pytest.mark.slow
def test_serve_on_every_address_says_who_can_see_the_preview(tmp_path: Path) -> None:
    """--host 0.0.0.0 shows drafts to anyone on the network: said each time, with this computer's address."""
    from tests.support.serve import start

    root = basic_site(tmp_path / "site")
    process = start(root, tmp_path, "--host", "0.0.0.0")
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Other computers"):
                break
        said = "".join(lines)
        assert re.search(r"On this computer: http://127\.0\.0\.1:\d+/", said), said
        assert "can see the preview too (--host 0.0.0.0), drafts included" in said
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, to the whole group: the builder's workers too
        process.wait(timeout=30)


def test_serve_in_a_folder_without_regions_yaml_stops_and_says_why(tmp_path: Path) -> None:
    """Run in the wrong folder (or with a mistyped --root), serve once went on 'serving' a preview of
    nothing, saying to fix the problems above; nothing the editor could save there would fix it."""
    for root in (tmp_path, tmp_path / "no-such-folder"):
        ran = subprocess.run([sys.executable, "-m", "icsgen", "serve", "--root", str(root), "--port", "0"],
                             capture_output=True, text=True, timeout=60)
        assert ran.returncode == 1
        assert f"no regions.yaml in {root.resolve()}, so there is no site to preview" in ran.stderr
        assert "icsgen init FOLDER" in ran.stderr and "Serving" not in ran.stdout


@pytest.mark.slow
def test_serve_says_what_each_save_updated_in_plain_english(tmp_path: Path) -> None:
    """It said 'Saw index.md: 1 pages updated in 0.03 s' after the commonest save of all, one page's text."""
    from tests.support.serve import start

    root = basic_site(tmp_path / "site")
    process = start(root, tmp_path)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Serving the preview at"):
                break
        page = root / "content/alpha/about/index.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
        for line in process.stdout:
            if line.startswith("Saw "):
                break
        assert re.match(r"Saw index\.md: 1 page updated in \d+\.\d\d s$", line), line
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
