"""regions.yaml and YAML loading: every mistake named with its line, nothing unsafe loaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from icsgen.config.safe_yaml import YamlError, load_yaml
from icsgen.config.settings import load_config
from icsgen.problems import Problems


def config_problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "regions.yaml").write_text(text)
    problems = Problems(tmp_path)
    load_config(tmp_path, problems)
    return [str(p) for p in problems]


def test_yaml_refuses_duplicate_keys_naming_both_lines() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("title: One\nsummary: x\ntitle: Two\n", first_line=2)
    assert caught.value.line == 4
    assert "duplicate key 'title' (first given on line 2)" in caught.value.message


def test_yaml_refuses_python_objects() -> None:
    with pytest.raises(YamlError, match=r"python/object/apply:os\.system' is not a kind of value icsgen reads"):
        load_yaml("x: !!python/object/apply:os.system ['echo hacked']\n")


def test_yaml_syntax_error_has_the_file_line() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("a: 1\nb: [1, 2\n", first_line=10)
    assert caught.value.line == 11


def test_unknown_key_is_an_error_with_line_and_hint(tmp_path: Path) -> None:
    problems = config_problems(
        tmp_path,
        "site:\n  title: T\n  base_url: https://x.example/\nregions:\n  leeds:\n    name: Leeds\n"
        "    colur: '#330072'\n",
    )
    assert problems == ["regions.yaml:7: unknown key 'colur' in region settings (did you mean 'colour'?)"]


def test_free_form_values_go_under_extra(tmp_path: Path) -> None:
    problems = config_problems(
        tmp_path,
        "site:\n  title: T\n  base_url: https://x.example/\nregions:\n  leeds:\n    name: Leeds\n"
        "    extra:\n      anything: goes\n",
    )
    assert problems == []


def test_low_contrast_accent_colour_is_refused(tmp_path: Path) -> None:
    problems = config_problems(
        tmp_path,
        "site:\n  title: T\n  base_url: https://x.example/\nregions:\n  leeds:\n    name: Leeds\n"
        "    colour: '#41b6e6'\n",
    )
    assert len(problems) == 1
    assert problems[0].startswith("regions.yaml:7: 'colour' #41b6e6 has a contrast of 2.")


def test_missing_required_and_bad_ids_all_reported_in_one_run(tmp_path: Path) -> None:
    problems = config_problems(
        tmp_path,
        "site:\n  base_url: not-a-url\nregions:\n  Leeds Place:\n    name: L\n  york:\n    short_name: Y\n",
    )
    assert "regions.yaml:1: 'title' is required in site settings (the name of the whole site, shown on the hub page)" \
        in problems
    assert any(p.startswith("regions.yaml:2: 'base_url' must be an absolute address") for p in problems)
    assert any(p.startswith("regions.yaml:4: region id 'Leeds Place' must use lower-case") for p in problems)
    assert any(p.startswith("regions.yaml:6: 'name' is required in region settings") for p in problems)


def test_missing_config_file_says_what_to_do(tmp_path: Path) -> None:
    problems = Problems(tmp_path)
    assert load_config(tmp_path, problems) is None
    assert [str(p) for p in problems] == [
        "regions.yaml: regions.yaml not found (run icsgen from the project folder or pass --root; to start a new "
        "site, run: icsgen init FOLDER)"
    ]


def test_settings_are_read_only(tmp_path: Path) -> None:
    (tmp_path / "regions.yaml").write_text(
        "site:\n  title: T\n  base_url: https://x.example\nregions:\n  leeds:\n    name: Leeds\n"
        "    extra: {a: 1}\n"
    )
    config = load_config(tmp_path, Problems(tmp_path))
    assert config is not None
    assert config.base_url == "https://x.example/"
    with pytest.raises(TypeError):
        config.regions[0].extra["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.regions[0].name = "Other"  # type: ignore[misc]


SITE = "site:\n  title: T\n  base_url: https://x.example/\nregions:\n  leeds:\n    name: Leeds\n"


def test_a_date_that_does_not_exist_is_an_error_at_its_line(tmp_path: Path) -> None:
    problems = config_problems(tmp_path, SITE + "    accessibility:\n      reviewed: 2026-02-30\n"
                                                "      prepared: 2026-13-01\n")
    assert problems == [
        "regions.yaml:8: '2026-02-30' is not a real date or time (day is out of range for month) "
        "(write a date that exists as YYYY-MM-DD, e.g. 2026-02-28, or put the text in quotes)"]


def test_bytes_that_are_not_utf8_are_an_error_at_their_line(tmp_path: Path) -> None:
    (tmp_path / "regions.yaml").write_bytes((SITE + "    owner: NHS Leeds – ICB\n").encode("cp1252"))
    problems = Problems(tmp_path)
    assert load_config(tmp_path, problems) is None
    assert [str(p)[:61] for p in problems] == ["regions.yaml:7: not valid UTF-8 text (byte 0x96 at column 22)"]


@pytest.mark.parametrize("setting, problem", [
    ("  base_url: https://x.example/\"onload=\"x", "'base_url' must be an absolute address starting https://, such as "
     "https://leeds.example.org/, not 'https://x.example/\"onload=\"x': it contains '\"'"),
    ("  base_url: https://x.example/a b", "it contains a space"),
    ("  base_url: https://x.example/?page=1", "an address to publish at has no '?' or '#' part"),
    ("  base_url: javascript:alert(1)", "not 'javascript:alert(1)'"),
    ("  base_url: https://user:secret@x.example/", "it must not contain a user name ('@')"),
    ("  base_url: https://ex_ample!/", "'ex_ample!' is not a host name"),
    ("  language: 'en\" onload=\"alert(1)'", "'language' must be a language tag such as en-GB or cy, "
     "not 'en\" onload=\"alert(1)'"),
    ("  language: en_GB", "not 'en_GB' (write 'en-GB', with a hyphen)"),
    ("  news_per_page: 99999999999999999999", "'news_per_page' must be a whole number from 1 to 1,000"),
    ("  title: \"Our \\x0b\\x01 sites\"", "'title' contains a control character (U+000B) that cannot be shown"),
])
def test_site_settings_are_checked_for_their_kind(tmp_path: Path, setting: str, problem: str) -> None:
    key = setting.split(":")[0].strip()
    text = "site:\n" + "\n".join(line for line in ["  title: T", "  base_url: https://x.example/"]
                                 if not line.strip().startswith(key + ":")) + f"\n{setting}\n"
    problems = config_problems(tmp_path, text + "regions:\n  leeds:\n    name: Leeds\n")
    assert len(problems) == 1 and problem in problems[0], problems
    assert problems[0].startswith("regions.yaml:")


@pytest.mark.parametrize("setting, problem", [
    ("    owner: \"NHS Leeds\\u0007\"", "'owner' contains a control character (U+0007) that cannot be shown"),
    ("    base_url: 'https://leeds.example.org/\"><script>'", "'base_url' must be an absolute address"),
    ("    contact: {email: 'x\" onmouseover=\"y@z.org'}", "'email' must be an email address"),
    ("    contact: {phone: 'javascript:alert(1)'}", "'phone' must be a phone number"),
    ("    check: {review_months: 100000000}", "'review_months' must be a whole number from 1 to 1,200"),
    ("    accessibility: {response_days: 0}", "'response_days' must be a whole number from 1 to 365"),
])
def test_region_settings_are_checked_for_their_kind(tmp_path: Path, setting: str, problem: str) -> None:
    problems = config_problems(tmp_path, SITE + setting + "\n")
    assert len(problems) == 1 and problem in problems[0], problems
    assert problems[0].startswith("regions.yaml:7: ")


def test_ordinary_settings_still_pass(tmp_path: Path) -> None:
    problems = config_problems(tmp_path, "site:\n  title: T\n  base_url: http://localhost:8000/sub/dir\n"
                                         "  language: cy\nregions:\n  leeds:\n    name: Leeds – Health & Care\n"
                                         "    base_url: https://xn--bcher-kva.example\n"
                                         "    contact: {email: enquiries@leeds.example.org,\n"
                                         "              phone: +44 (0)113 496-0000}\n")
    assert problems == []


def test_a_misspelt_required_key_is_one_message(tmp_path: Path) -> None:
    problems = config_problems(tmp_path, "site:\n  tittle: T\n  base_url: https://x.example/\n"
                                         "regions:\n  leeds:\n    nme: Leeds\n")
    assert problems == ["regions.yaml:2: unknown key 'tittle' in site settings (did you mean 'title'?)",
                        "regions.yaml:6: unknown key 'nme' in region settings (did you mean 'name'?)"]


def test_regions_yaml_linked_from_outside_the_project_is_not_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(SITE)
    root = tmp_path / "site"
    root.mkdir()
    (root / "regions.yaml").symlink_to(elsewhere)
    problems = Problems(root)
    assert load_config(root, problems) is None
    assert [str(p) for p in problems] == [
        f"regions.yaml: a link to '{elsewhere}', which is outside the project folder: icsgen reads nothing outside "
        "it (copy what it links to into the project folder, or replace the link with the file itself)"]
    (root / "regions.yaml").unlink()
    (root / "regions.yaml").symlink_to("regions.yaml")
    problems = Problems(root)
    assert load_config(root, problems) is None
    assert [str(p) for p in problems] == ["regions.yaml: a link to 'regions.yaml' that leads round in a loop "
                                          "(delete the link, or point it at the file itself)"]
    (root / "regions.yaml").unlink()
    (root / "settings").mkdir()
    (root / "settings/regions.yaml").write_text(SITE)
    (root / "regions.yaml").symlink_to("settings/regions.yaml")  # inside the project: read
    assert load_config(root, Problems(root)) is not None


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_regions_yaml_that_is_not_a_file_is_named_without_waiting(tmp_path: Path, kind: str) -> None:
    """A pipe would make a plain read wait for ever for something to write into it."""
    path = tmp_path / "regions.yaml"
    path.mkdir() if kind == "folder" else os.mkfifo(path)
    problems = Problems(tmp_path)
    assert load_config(tmp_path, problems) is None
    assert [str(p) for p in problems] == [
        "regions.yaml: cannot read: it is a folder, not a file (rename or remove the folder)" if kind == "folder" else
        "regions.yaml: cannot read: it is not an ordinary file (a pipe, socket or device) (replace it with an "
        "ordinary file)"]
