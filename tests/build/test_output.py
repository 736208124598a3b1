"""Writing one output file (output.write_text): what is on disk afterwards is exactly the text given,
whatever was there before, and nothing is written outside the output folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from icsgen.build.output import UnsafeOutput, write_text


def test_the_file_holds_exactly_the_new_text_whatever_was_there(tmp_path: Path) -> None:
    write_text(tmp_path, "a/b/index.html", "<p>Café – a long first version of the page</p>\n" * 50)
    write_text(tmp_path, "a/b/index.html", "<p>Shorter — now</p>\n")  # the old, longer content must not survive
    assert (tmp_path / "a/b/index.html").read_bytes() == "<p>Shorter — now</p>\n".encode()
    write_text(tmp_path, "a/b/index.html", "x" * 200_000)  # longer than before: no part of the old left either
    assert (tmp_path / "a/b/index.html").read_text(encoding="utf-8") == "x" * 200_000


def test_an_empty_file_made_ahead_is_filled(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "index.html").touch()  # as build/prefill.py leaves it
    write_text(tmp_path, "news/index.html", "<h1>News</h1>\n")
    assert (tmp_path / "news" / "index.html").read_text(encoding="utf-8") == "<h1>News</h1>\n"


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    write_text(tmp_path, "page/index.html", "hello")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "page" / "index.html").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("rel", ["../outside.html", "/etc/passwd", "a/../../x.html", "a\\b.html", "a//b.html"])
def test_nothing_is_written_outside_the_folder(tmp_path: Path, rel: str) -> None:
    folder = tmp_path / "build"
    folder.mkdir()
    with pytest.raises(UnsafeOutput):
        write_text(folder, rel, "x")
    assert list(tmp_path.rglob("*.html")) == []
