"""`icsgen serve` as an editor runs it: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.serve_support import fetch
from tests.sitemaker import basic_site


def start(root: Path, tmp: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "icsgen.cli", "serve", "--root", str(root), "--port", "0",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def address(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    for line in process.stdout:  # ends if the process dies, so this cannot hang for ever
        if line.startswith("Serving the preview at "):
            return line.split(" at ", 1)[1].split(" ", 1)[0]
    raise AssertionError(f"no address printed; stderr: {process.stderr.read() if process.stderr else ''}")


def test_serve_prints_its_address_and_ctrl_c_removes_the_preview(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp, "--no-drafts")
    try:
        url = address(process)
        assert url.startswith("http://127.0.0.1:")
        status, _, body = fetch(url + "alpha/")
        assert status == 200 and b"Welcome to Alpha" in body
        assert next(p.name for p in temp.iterdir()).startswith("icsgen-preview-")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert list(temp.iterdir()) == []  # the preview folder is gone
    assert not (root / "build").exists()


def test_serve_starts_even_when_the_site_has_a_mistake(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/about/index.md": "---\ntitle: [oops\n---\n"})
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp)
    try:
        url = address(process)
        status, _, body = fetch(url + "alpha/")
        assert status == 404 and b"/__icsgen/events" in body  # the overlay will reach the page
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=15)
        assert process.returncode == 0
        assert "content/alpha/about/index.md:2: " in errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
