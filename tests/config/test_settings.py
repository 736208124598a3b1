"""regions.yaml and YAML loading: every mistake named with its line, nothing unsafe loaded."""

from __future__ import annotations

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
    with pytest.raises(YamlError, match="could not determine a constructor"):
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
        "regions.yaml: regions.yaml not found (run icsgen from the project folder or pass --root)"
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
