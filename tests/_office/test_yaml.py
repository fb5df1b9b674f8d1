"""The YAML reader: libyaml and the pure-Python fallback read alike, and hostile nesting
or size is refused before the parser's cost grows."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

import pytest
from tests.bounded import HANG, run_bounded

from ai_procurement._office import yaml as office_yaml
from ai_procurement._office.yaml import MAX_BYTES, MAX_DEPTH, MAX_VALUES, load_yaml
from ai_procurement.errors import Problem

DEEP = "invalid YAML: values nested too deeply (these files need about ten levels)"


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test with libyaml's parser, then with the pure-Python fallback."""
    if request.param == "libyaml" and office_yaml._CLoader is None:
        pytest.skip("PyYAML without libyaml")
    office_yaml._FAST = request.param == "libyaml"
    yield request.param
    office_yaml._FAST = True


def nested(size: int, depth: int) -> str:
    """A flow sequence of blocks nested ``depth`` deep, about ``size`` bytes."""
    block = "[" * depth + "1" + "]" * depth + ","
    return "[" + (block * (size // len(block)))[:-1] + "]\n"


def test_both_parsers_read_the_bundled_banks_alike() -> None:
    folder = resources.files("ai_procurement.bank") / "questionnaires"
    for entry in folder.iterdir():
        raw = entry.read_bytes()
        office_yaml._FAST = False
        try:
            slow, problems = load_yaml(raw)
        finally:
            office_yaml._FAST = True
        fast, more = load_yaml(raw)
        assert problems == more == []
        assert slow is not None
        assert fast is not None
        assert fast.data == slow.data
        assert fast.lines == slow.lines


@pytest.mark.parametrize(("text", "expected"), [
    ("a: &x [1]\nb: *x\n", Problem(
        "$", "invalid YAML: aliases (*name) are not allowed in this file; repeat the value", 2)),
    ("a: 1\nb: 2\na: 3\n", Problem("$.a", "duplicate key 'a'", 3)),
    ("<<: {a: 1}\n", Problem(
        "$.<<", "merge keys (<<) are not allowed in this file; write the keys out", 1)),
    ("a: 1\n---\nb: 2\n", Problem("$", "invalid YAML: expected a single document in the "
                                  "stream but found another document", 2)),
    ("a: !points 3\n", Problem("$", "invalid YAML: could not determine a constructor for "
                               "the tag '!points'", 1)),
    ("", Problem("$", "the file is empty")),
])
def test_both_parsers_refuse_alike(parser: str, text: str, expected: Problem) -> None:
    assert load_yaml(text) == (None, [expected])


def test_yaml_1_2_booleans_with_both_parsers(parser: str) -> None:
    document, problems = load_yaml("a: yes\nb: NO\nc: true\nd: off\n")
    assert problems == []
    assert document is not None
    assert document.data == {"a": "yes", "b": "NO", "c": True, "d": "off"}
    assert document.line("$.c") == 3


@pytest.mark.parametrize("size", [250_000, MAX_BYTES - 100])
def test_deep_nesting_is_refused_at_once(parser: str, size: int) -> None:
    text = nested(size, MAX_DEPTH + 5)
    assert load_yaml(text) == (None, [Problem("$", DEEP, 1)])


def test_brackets_in_quotes_and_comments_do_not_count(parser: str) -> None:
    deep = "[" * (MAX_DEPTH + 5)
    text = f'a: "{deep}"\nb: \'{deep}\'  # {deep}\n# {deep}\nc: [1, [2]]\n'
    document, problems = load_yaml(text)
    assert problems == []
    assert document is not None
    assert document.data["a"] == deep


def test_deep_indentation_is_refused(parser: str) -> None:
    lines = [" " * (2 * level) + f"k{level}:" for level in range(3 * MAX_DEPTH)]
    text = "\n".join(lines) + " 1\n"
    problems = load_yaml(text)[1]
    # libyaml's events stop at the 41st level; the fallback's look at the bytes at the
    # first line indented 4 * MAX_DEPTH spaces.
    assert problems == [Problem("$", DEEP, MAX_DEPTH + 1 if parser == "libyaml"
                                else 2 * MAX_DEPTH + 1)]


def test_nesting_just_allowed_is_read(parser: str) -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    document, problems = load_yaml(text)
    assert problems == []
    assert document is not None


def test_too_many_values_are_refused(parser: str) -> None:
    text = "[" + ",".join(["1"] * (MAX_VALUES + 10)) + "]\n"
    document, problems = load_yaml(text)
    assert document is None
    assert problems[0].what.en.startswith(f"invalid YAML: more than {MAX_VALUES:,} values")


@pytest.mark.parametrize(("parser_name", "depth"), [
    ("libyaml", MAX_DEPTH + 5), ("python", MAX_DEPTH + 5),
    # Nested just under the limit, the file is read until MAX_VALUES values; the
    # pure-Python fallback spends a few seconds there (its cost per token grows with
    # the depth), libyaml a fraction of a second.
    ("libyaml", MAX_DEPTH - 2)])
def test_a_5_mib_hostile_file_ends_within_a_second_and_300_mb(parser_name: str,
                                                               depth: int) -> None:
    found = run_bounded(f"""
        from ai_procurement._office import yaml
        yaml._FAST = {parser_name == "libyaml"}
        block = "[" * {depth} + "1" + "]" * {depth} + ","
        text = ("[" + (block * ({MAX_BYTES - 100} // len(block)))[:-1] + "]").encode()
        def run():
            document, problems = yaml.load_yaml(text)
            return problems[0].what.en if problems else "read"
        """)
    assert found.result.startswith("invalid YAML: ")
    assert found.elapsed < HANG


@pytest.mark.parametrize("text", [
    "a: 1\nb: [0x1F, 1_000, 1.5e3, .inf, -.nan, ~, null, true, 'x', \"y\"]\n",
    "when: 2027-03-01\nat: 2027-03-01T10:00:00Z\nraw: !!binary aGVsbG8=\n",
    "? [a, b]\n: 1\n",  # a collection as a key
    "a: 1\nb: {c: 2, c: 3}\nd: *x\n",  # a duplicate key before an alias
    "a: 1\n01: 2\n1: 3\n",  # keys equal once read, written differently
    "a: !!str 1\nb: !!int '2'\nc: !!set {x, y}\nd: !!omap [{k: 1}]\n",
    "a: 2027-13-45\nb: [\n",  # a bad date, then invalid YAML
    "a: !!binary '%%%'\n<<: {b: 1}\n",
    "- a\n- ! b\n- !!map {k: v}\n",
    "plain scalar\n",
    "# only a comment\n",
    "a:\n  - {b: [1, {c: d}]}\n  - e\n",
])
def test_the_fast_path_reads_as_the_node_tree(parser: str, text: str) -> None:
    fast, problems = load_yaml(text)
    slow, expected = office_yaml._load_nodes(text)
    assert problems == expected
    if slow is None:
        assert fast is None
        return
    assert fast is not None
    assert repr(fast.data) == repr(slow.data)
    assert fast.lines == slow.lines
