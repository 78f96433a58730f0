"""The strict YAML loader: plain data, locations, and every refusal with its exact message."""
from pathlib import Path

import pytest

from booklet.errors import BookletError
from booklet.yamlsource import parse_yaml


def problems(text: str) -> list[str]:
    """Return the messages that loading ``text`` raises."""
    with pytest.raises(BookletError) as caught:
        parse_yaml(text, Path("x.yaml"))
    return [str(p) for p in caught.value.problems]


def test_scalars_stay_plain_and_yaml_1_1_coercions_are_off():
    data = parse_yaml("a: no\nb: 1992-02-26\nc: 12\nd: on\ne: 1_000\n", Path("x.yaml")).data
    assert data == {"a": "no", "b": "1992-02-26", "c": 12, "d": "on", "e": 1000}


def test_locations_are_recorded_for_values_and_keys():
    source = parse_yaml("top:\n  - first\n  - key: value\n", Path("x.yaml"))
    assert str(source.at(("top", 1, "key"))) == "x.yaml:3:10"
    assert str(source.key_at(("top", 1, "key"))) == "x.yaml:3:5"
    assert str(source.at(("top", 0))) == "x.yaml:2:5"


def test_duplicate_keys_are_errors():
    assert problems("a: 1\nb: 2\na: 3\n") == ["x.yaml:3:1: error: duplicate key 'a' (first defined at line 1)"]


def test_every_alias_is_reported_before_anything_is_expanded():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    assert problems(bomb) == [
        "x.yaml:1:4: error: anchors and aliases (*name) are not allowed",
        "x.yaml:2:4: error: anchors and aliases (*name) are not allowed",
        "x.yaml:2:8: error: anchors and aliases (*name) are not allowed",
        "x.yaml:2:12: error: anchors and aliases (*name) are not allowed",
        "x.yaml:3:5: error: anchors and aliases (*name) are not allowed",
        "x.yaml:3:9: error: anchors and aliases (*name) are not allowed",
    ]


def test_python_tags_are_refused():
    assert problems("a: !!python/object/apply:os.system [ls]\n") == [
        "x.yaml:1:4: error: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"]


def test_syntax_errors_carry_line_and_column():
    assert problems("a: [1, 2\nb: 3\n") == ["x.yaml:2:2: error: invalid YAML: did not find expected ',' or ']'"]
