"""Bank files: bundled banks, hostile or mistaken YAML, tailoring, dump/load round trip."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from tests.bounded import HANG, run_bounded
from tests.strategies import banks, example_bank

from ai_procurement._office.files import write_atomic
from ai_procurement._office.yaml import MAX_BYTES, load_yaml
from ai_procurement.bank.files import bank_to_yaml, dump_bank, list_banks, load_bank
from ai_procurement.bank.model import (
    AllOf,
    AnyOf,
    Bank,
    Condition,
    Criterion,
    Question,
    SingleChoice,
    Verification,
    YesNo,
    bank_warnings,
    check_bank,
)
from ai_procurement.errors import BankError, OutputError, Problem
from ai_procurement.text import Text

# The YAML a buyer would write for tests.strategies.example_bank().
BANK_YAML = """\
format: 1
id: tiny
version: "1"
title: {fr: "Petite banque", en: "Tiny bank"}
description: {fr: "Banque d'exemple", en: "Example bank"}
criteria:
  - id: GOV
    title: {fr: "Gouvernance", en: "Governance"}
    description: {fr: "Qui décide", en: "Who decides"}
    weight: 3
    questions:
      - id: GOV-01
        text: {fr: "Hébergez-vous les données ?", en: "Do you host data?"}
        why: {fr: "Pour comparer les offres.", en: "To compare offers."}
        answer: {type: yes_no}
      - id: GOV-02
        text: {fr: "Où ?", en: "Where?"}
        why: {fr: "Pour comparer les offres.", en: "To compare offers."}
        answer:
          type: single_choice
          options:
            - {id: eu, label: {fr: "UE", en: "EU"}, points: 2}
            - {id: other, label: {fr: "Ailleurs", en: "Elsewhere"}, points: 0}
        knockout: {when: [other], reason: {fr: "Hors UE", en: "Outside the EU"}}
        applies_if: {question: GOV-01, any_of: [yes]}
  - id: ENV
    title: {fr: "Environnement", en: "Environment"}
    description: {fr: "Sobriété", en: "Frugality"}
    weight: 1
    tags: [environmental]
    questions:
      - id: ENV-01
        text: {fr: "Énergie par requête ?", en: "Energy per request?"}
        why: {fr: "Pour comparer les offres.", en: "To compare offers."}
        answer:
          type: number
          unit: {fr: "Wh", en: "Wh"}
          curve: {type: linear, lower: 0.5, upper: 5, better: lower}
"""


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old`` in ``text``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line(text: str, fragment: str) -> int:
    """Return the 1-based line of the one line of ``text`` holding ``fragment``."""
    found = [i for i, row in enumerate(text.splitlines(), 1) if fragment in row]
    assert len(found) == 1, fragment
    return found[0]


def problems(tmp_path: Path, content: str | bytes) -> list[Problem]:
    """Load ``content`` as a bank file; return the problems of the BankError raised."""
    path = tmp_path / "bank.yaml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(BankError) as info:
        load_bank(path)
    assert info.value.source == str(path)
    return list(info.value.problems)


def test_hand_written_yaml_loads_as_the_model(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(BANK_YAML, encoding="utf-8")
    # `any_of: [yes]` reads as the option id "yes", not as the boolean True.
    assert load_bank(path) == example_bank()
    assert load_bank(str(path)) == example_bank()


# --- bundled banks -----------------------------------------------------------------


def test_bundled_banks_are_listed() -> None:
    assert list_banks() == ["ai-hardware", "ai-impact", "ai-inventory", "ai-screening",
                            "ai-territorial", "genai-addon"]


@pytest.mark.parametrize("name", list_banks())
def test_bundled_bank_loads_and_round_trips(name: str, tmp_path: Path) -> None:
    bank = load_bank(name)
    assert bank.id == name
    assert check_bank(bank) == []
    dump_bank(bank, tmp_path / f"{name}.yaml")
    assert load_bank(tmp_path / f"{name}.yaml") == bank


def test_unknown_bundled_name_lists_the_bundled_banks() -> None:
    with pytest.raises(BankError) as info:
        load_bank("ai-territoral")
    assert info.value.problems == (Problem(
        "$", "no bundled bank named 'ai-territoral' and no such file; bundled banks: "
        + ", ".join(list_banks())),)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BankError) as info:
        load_bank(tmp_path / "missing.yaml")
    assert info.value.problems == (
        Problem("$", "cannot read the file: no such file or folder"),)


# --- YAML hazards: every one is a BankError with a clear message, never a traceback ---


def test_malformed_yaml(tmp_path: Path) -> None:
    text = edit(BANK_YAML, 'title: {fr: "Petite banque", en: "Tiny bank"}',
                'title: {fr: "Petite banque", en: "Tiny bank"')
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert found[0].path == "$"
    assert found[0].what.en.startswith("invalid YAML: while parsing a flow mapping")
    assert found[0].line == line(text, "Banque d'exemple")


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    # Nine levels of nine aliases would expand to 9**9 (387 million) strings.
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    found = problems(tmp_path, "\n".join(rows) + "\n")
    assert time.perf_counter() - start < HANG
    assert found == [Problem(
        "$", "invalid YAML: aliases (*name) are not allowed in this file; repeat the value",
        2)]


def test_python_object_tag_is_refused_and_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'format: 1\nid: !!python/object/apply:os.system ["touch {marker}"]\n'
    found = problems(tmp_path, text)
    assert not marker.exists()
    assert found == [Problem("$", "invalid YAML: could not determine a constructor for the "
                             "tag 'tag:yaml.org,2002:python/object/apply:os.system'", 2)]


def test_custom_tag_is_refused(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "    weight: 3", "    weight: !points 3")
    assert problems(tmp_path, text) == [Problem(
        "$", "invalid YAML: could not determine a constructor for the tag '!points'",
        line(text, "!points"))]


def test_merge_key_is_refused(tmp_path: Path) -> None:
    # `<<` would let one of two values for `id` win silently.
    text = edit(BANK_YAML, "id: tiny\n", "id: tiny\n<<: {id: other}\n")
    assert problems(tmp_path, text) == [Problem(
        "$.<<", "merge keys (<<) are not allowed in this file; write the keys out", 3)]


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    text = BANK_YAML + "#" * MAX_BYTES + "\n"
    size = len(text.encode())
    assert problems(tmp_path, text) == [
        Problem("$", f"file too large: {size} bytes, at most 5242880")]
    assert load_yaml(text) == (
        None, [Problem("$", f"file too large: {size} bytes, at most 5242880")])


def test_deep_nesting(tmp_path: Path) -> None:
    assert problems(tmp_path, "[" * 100_000) == [Problem(
        "$", "invalid YAML: values nested too deeply (these files need about ten levels)", 1)]


def test_duplicate_key(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "    weight: 1\n", "    weight: 1\n    weight: 10\n")
    assert problems(tmp_path, text) == [
        Problem("$.criteria[1].weight", "duplicate key 'weight'", line(text, "weight: 10"))]


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("    weight: 3", "    weight: high", "$.criteria[0].weight",
     "expected a number, got 'high'"),
    ("    weight: 3", '    weight: "1.5"', "$.criteria[0].weight",
     "expected a number, got '1.5'"),
    ("    weight: 3", "    weight: true", "$.criteria[0].weight",
     "expected a number, got True"),
    ("    weight: 3", "    weight: .nan", "$.criteria[0].weight",
     "expected a finite number, got nan"),
    ("tags: [environmental]", "tags: environmental", "$.criteria[1].tags",
     "expected a list, got 'environmental'"),
    ('version: "1"', "version: 1", "$.version", "expected a text, got 1"),
    ('title: {fr: "Petite banque", en: "Tiny bank"}', "title: Tiny bank", "$.title",
     "expected a mapping of keys to values, got 'Tiny bank'"),
    ("answer: {type: yes_no}", "answer: {type: yesno}",
     "$.criteria[0].questions[0].answer", "unknown type 'yesno'; expected one of ['date', "
     "'multiple_choice', 'number', 'price', 'scale', 'single_choice', 'text', 'yes_no']"),
    ("better: lower}", "better: less}", "$.criteria[1].questions[0].answer.curve.better",
     "expected one of ['higher', 'lower'], got 'less'"),
    ('version: "1"', 'version: "1"\naudience: public', "$.audience",
     "expected one of ['vendor', 'internal'], got 'public'"),
], ids=["word-for-number", "quoted-number", "boolean-for-number", "nan", "string-for-list",
        "number-for-text", "string-for-text", "answer-type", "enum", "literal"])
def test_wrong_type(tmp_path: Path, old: str, new: str, path: str, message: str) -> None:
    text = edit(BANK_YAML, old, new)
    assert problems(tmp_path, text) == [
        Problem(path, message, line(text, new.splitlines()[-1]))]


def test_yes_no_on_off_stay_strings(tmp_path: Path) -> None:
    # YAML 1.1 would read these as booleans: an option id `no` or the country code `NO`
    # would silently become False.
    text = edit(BANK_YAML, "{id: eu,", "{id: NO,")
    text = edit(text, "[other]", "[off]").replace("id: other", "id: off")
    text = edit(text, 'en: "Tiny bank"', "en: yes")
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    bank = load_bank(path)
    assert bank.title.en == "yes"
    question = bank.question("GOV-02")
    assert isinstance(question.answer, SingleChoice)
    assert question.answer.option_ids == ("NO", "off")
    assert question.knockout is not None
    assert question.knockout.when == ("off",)
    assert question.applies_if == Condition("GOV-01", ("yes",))


def test_unknown_key(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "        answer: {type: yes_no}\n",
                "        answer: {type: yes_no}\n        evidance: required\n")
    assert problems(tmp_path, text) == [
        Problem("$.criteria[0].questions[0]", "unknown key: evidance",
                line(text, "id: GOV-01"))]


def test_missing_required_key(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "        answer: {type: yes_no}\n", "")
    assert problems(tmp_path, text) == [
        Problem("$.criteria[0].questions[0].answer", "required key missing",
                line(text, "id: GOV-01"))]


def test_out_of_range_date(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "answer: {type: yes_no}", "answer: {type: date, deadline: 2027-13-45}")
    assert problems(tmp_path, text) == [Problem(
        "$", "invalid YAML: cannot read the value '2027-13-45': month must be in 1..12",
        line(text, "2027-13-45"))]


def test_control_character(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "Petite banque", "Petite\x07banque")
    assert problems(tmp_path, text) == [Problem(
        "$", "invalid YAML: character U+0007 is not allowed in a YAML file (control "
        "characters must be escaped in double quotes)", 4)]


def test_not_utf8(tmp_path: Path) -> None:
    raw = BANK_YAML.encode("latin-1")
    first = raw.index("é".encode("latin-1"))  # in "Qui décide", line 9
    assert problems(tmp_path, raw) == [
        Problem("$", f"not UTF-8 text (byte {first}); save the file as UTF-8", 9)]


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK_YAML, encoding="utf-8-sig")
    assert load_bank(path) == example_bank()


@pytest.mark.parametrize("content", ["", "\n# only a comment\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    assert problems(tmp_path, content) == [Problem("$", "the file is empty")]


def test_top_level_list(tmp_path: Path) -> None:
    assert problems(tmp_path, "- format: 1\n- id: tiny\n") == [
        Problem("$", "expected a mapping at the top of the file", 1)]


def test_unknown_format_version(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "format: 1", "format: 2")
    assert problems(tmp_path, text) == [
        Problem("$.format", "unknown format version 2; this library reads versions [1]", 1)]


def test_missing_format_version(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "format: 1\n", "")
    assert problems(tmp_path, text) == [Problem(
        "$.format", "required key missing: the file format version (this library reads "
        "versions [1])", 1)]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "    weight: 3", "    weight: high")
    text = edit(text, "tags: [environmental]", "tags: environmental")
    text = edit(text, "        answer: {type: yes_no}\n",
                "        answer: {type: yes_no}\n        evidance: required\n")
    found = problems(tmp_path, text)
    assert found == [
        Problem("$.criteria[0].weight", "expected a number, got 'high'",
                line(text, "weight: high")),
        Problem("$.criteria[0].questions[0]", "unknown key: evidance",
                line(text, "id: GOV-01")),
        Problem("$.criteria[1].tags", "expected a list, got 'environmental'",
                line(text, "tags: environmental")),
    ]
    path = str(tmp_path / "bank.yaml")
    with pytest.raises(BankError, match="3 problem") as info:
        load_bank(path)
    assert f"{path}: $.criteria[0].weight (line 10): expected a number" in str(info.value)


def test_semantic_problems_have_lines_too(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "[other]", "[other, eu]")
    text = edit(text, "    weight: 1\n", "    weight: -1\n")
    assert problems(tmp_path, text) == [
        Problem("$.criteria[0].questions[1].knockout.when",
                "every answer would disqualify the offer", line(text, "[other, eu]")),
        Problem("$.criteria[1].weight", "expected a finite number >= 0, got -1.0",
                line(text, "weight: -1")),
    ]


# --- tailoring ---------------------------------------------------------------------

TAILORING = """\
format: 1
extends: ../base.yaml
id: metropole-courrier
version: "2026-11"
title: {fr: "Courrier", en: "Mail"}
drop: [GOV-02]
weights: {ENV: 5, GOV-01: 2}
texts:
  GOV-01: {fr: "Hébergez-vous en France ?", en: "Do you host in France?"}
  ENV: {fr: "Sobriété numérique", en: "Digital frugality"}
add_criteria:
  - id: SEC
    title: {fr: "Sécurité", en: "Security"}
    description: {fr: "ANSSI", en: "ANSSI"}
    weight: 2
    questions:
      - id: SEC-01
        text: {fr: "Qualifié SecNumCloud ?", en: "SecNumCloud qualified?"}
        why: {fr: "Hébergement sensible", en: "Sensitive hosting"}
        answer: {type: yes_no}
add_questions:
  ENV:
    - id: ENV-02
      text: {fr: "Mesurez-vous la consommation ?", en: "Do you measure consumption?"}
      why: {fr: "RGESN", en: "RGESN"}
      answer: {type: yes_no}
"""


@pytest.fixture
def buyer_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder beside base.yaml (the example bank), cwd elsewhere."""
    (tmp_path / "base.yaml").write_text(BANK_YAML, encoding="utf-8")
    (tmp_path / "buyer").mkdir()
    (tmp_path / "elsewhere").mkdir()
    # `extends` paths are relative to the tailoring file, not to the working directory.
    monkeypatch.chdir(tmp_path / "elsewhere")
    return tmp_path / "buyer"


def load_tailoring(buyer_dir: Path, text: str, name: str = "t.yaml") -> Bank:
    (buyer_dir / name).write_text(text, encoding="utf-8")
    return load_bank(buyer_dir / name)


def tailoring_problems(buyer_dir: Path, text: str) -> list[Problem]:
    with pytest.raises(BankError) as info:
        load_tailoring(buyer_dir, text)
    return list(info.value.problems)


def test_tailoring(buyer_dir: Path) -> None:
    base = example_bank()
    gov, env = base.criteria
    yes_no = Question("SEC-01", Text("Qualifié SecNumCloud ?", "SecNumCloud qualified?"),
                      Text("Hébergement sensible", "Sensitive hosting"), YesNo())
    env_02 = Question("ENV-02", Text("Mesurez-vous la consommation ?",
                                     "Do you measure consumption?"),
                      Text("RGESN", "RGESN"), YesNo())
    expected = attrs.evolve(
        base, id="metropole-courrier", version="2026-11", title=Text("Courrier", "Mail"),
        criteria=(
            attrs.evolve(gov, questions=(attrs.evolve(
                gov.questions[0], weight=2.0,
                text=Text("Hébergez-vous en France ?", "Do you host in France?")),)),
            attrs.evolve(env, weight=5.0, title=Text("Sobriété numérique", "Digital frugality"),
                         questions=(*env.questions, env_02)),
            Criterion("SEC", Text("Sécurité", "Security"), Text("ANSSI", "ANSSI"), 2.0,
                      (yes_no,)),
        ))
    assert load_tailoring(buyer_dir, TAILORING) == expected


def test_tailoring_of_a_tailoring(buyer_dir: Path) -> None:
    load_tailoring(buyer_dir, TAILORING)
    second = load_tailoring(buyer_dir, "format: 1\nextends: t.yaml\nid: again\nversion: '2'\n"
                            "drop: [SEC]\n", name="t2.yaml")
    assert [c.id for c in second.criteria] == ["GOV", "ENV"]
    assert second.id == "again"


def test_tailoring_unknown_ids_are_all_reported(buyer_dir: Path) -> None:
    text = edit(TAILORING, "drop: [GOV-02]", "drop: [GOV-02, GOV-99]")
    text = edit(text, "weights: {ENV: 5, GOV-01: 2}", "weights: {ENV: 5, GOV-01: 2, SOV: 1}")
    text = edit(text, "add_questions:\n  ENV:", "add_questions:\n  ACC: []\n  ENV:")
    assert tailoring_problems(buyer_dir, text) == [
        Problem("$.drop[1]", "'GOV-99' is neither a criterion nor a question of 'tiny'",
                line(text, "drop:")),
        Problem("$.weights.SOV", "'SOV' is neither a criterion nor a question of 'tiny'",
                line(text, "weights:")),
        Problem("$.add_questions.ACC", "unknown criterion 'ACC' of 'tiny'",
                line(text, "ACC: []")),
    ]


def test_tailoring_text_of_a_dropped_question(buyer_dir: Path) -> None:
    text = edit(TAILORING, "drop: [GOV-02]", "drop: [GOV-02, GOV-01]")
    found = tailoring_problems(buyer_dir, text)
    assert Problem("$.weights.GOV-01", "'GOV-01' is also dropped",
                   line(text, "weights:")) in found
    assert Problem("$.texts.GOV-01", "'GOV-01' is also dropped",
                   line(text, "GOV-01: {fr:")) in found


def test_tailored_bank_is_validated_as_a_whole(buyer_dir: Path) -> None:
    # Dropping GOV-01 leaves GOV-02's condition dangling.
    text = "format: 1\nextends: ../base.yaml\nid: t\nversion: '1'\ndrop: [GOV-01]\n"
    assert [(p.path, p.what.en) for p in tailoring_problems(buyer_dir, text)] == [
        ("$.criteria[0].questions[0].applies_if.question",
         "condition refers to unknown question 'GOV-01'")]


def test_tailoring_with_a_typo(buyer_dir: Path) -> None:
    text = edit(TAILORING, "weights:", "weigths:")
    assert tailoring_problems(buyer_dir, text) == [
        Problem("$", "unknown key: weigths", 1)]


@pytest.mark.parametrize("cycle", ["self", "pair"])
def test_extends_cycle_is_refused(buyer_dir: Path, cycle: str) -> None:
    if cycle == "self":
        text, expected = "format: 1\nextends: t.yaml\nid: a\nversion: '1'\n", "t.yaml -> t.yaml"
    else:
        (buyer_dir / "b.yaml").write_text("format: 1\nextends: t.yaml\nid: b\nversion: '1'\n")
        text, expected = ("format: 1\nextends: b.yaml\nid: a\nversion: '1'\n",
                          "t.yaml -> b.yaml -> t.yaml")
    found = tailoring_problems(buyer_dir, text)
    assert len(found) == 1
    assert found[0].path == "$.extends"
    assert found[0].line == 2
    assert found[0].what.en.endswith(f"'extends' cycle: {expected}")


def test_extends_a_missing_file(buyer_dir: Path) -> None:
    text = "format: 1\nextends: nope.yaml\nid: a\nversion: '1'\n"
    assert tailoring_problems(buyer_dir, text) == [Problem(
        "$.extends", "cannot load 'nope.yaml': $: cannot read the file: no such file or "
        "folder", 2)]


@pytest.mark.parametrize("name", list_banks())
def test_tailoring_extends_a_bundled_bank(buyer_dir: Path, name: str) -> None:
    bank = load_tailoring(buyer_dir, f"format: 1\nextends: {name}\nid: mine\nversion: '1'\n")
    assert bank.criteria == load_bank(name).criteria
    assert bank.id == "mine"


# --- dump ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(banks())
def test_dump_then_load_gives_the_same_bank(bank: Bank) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        dump_bank(bank, path)
        assert load_bank(path) == bank


def test_dump_keeps_line_breaks_that_yaml_folds(tmp_path: Path) -> None:
    # PyYAML writes U+0085 (next line) raw inside single quotes, which reads back as a
    # space: the dump must escape it.
    bank = attrs.evolve(example_bank(), title=Text("Petite\x85banque", "Tiny\u2028bank\x85"))
    dump_bank(bank, tmp_path / "bank.yaml")
    assert load_bank(tmp_path / "bank.yaml") == bank


def test_dump_is_readable_yaml(tmp_path: Path) -> None:
    text = bank_to_yaml(example_bank())
    assert text.startswith("format: 1\nid: tiny\n")
    assert "fr: Énergie par requête ?" in text  # French stays readable, not \xc9 escapes
    assert "- 'yes'" in text  # quoted, so that YAML 1.1 readers do not see a boolean


def test_dump_of_an_invalid_bank_writes_nothing(tmp_path: Path) -> None:
    bank = attrs.evolve(example_bank(), title=Text("", "Tiny bank"))
    with pytest.raises(BankError) as info:
        dump_bank(bank, tmp_path / "bank.yaml")
    assert info.value.problems == (
        Problem("$.title.fr", "missing translation: the fr text is empty"),)
    assert list(tmp_path.iterdir()) == []


# --- write_atomic ------------------------------------------------------------------


def test_write_atomic_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "memo.docx"
    target.write_bytes(b"earlier result")
    with pytest.raises(OutputError, match="already exists; refusing to overwrite") as info:
        write_atomic(target, b"new", overwrite=False)
    assert isinstance(info.value, OSError)
    assert "overwrite=True" in str(info.value)
    assert target.read_bytes() == b"earlier result"
    assert os.listdir(tmp_path) == ["memo.docx"]


def test_write_atomic_overwrites_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "out" / "memo.docx"
    write_atomic(target, b"first", overwrite=False)
    write_atomic(target, b"second", overwrite=True)
    assert target.read_bytes() == b"second"
    assert os.listdir(tmp_path / "out") == ["memo.docx"]  # no temporary file left


def test_write_atomic_failure_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "memo.docx"
    target.mkdir()  # a folder cannot be replaced by a file
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(target, b"data", overwrite=True)
    assert os.listdir(tmp_path) == ["memo.docx"]
    assert target.is_dir()


def test_combined_conditions_sub_criteria_and_optional_fields_round_trip(
        tmp_path: Path) -> None:
    text = edit(BANK_YAML, '''  - id: ENV
    title: {fr: "Environnement", en: "Environment"}''', '''  - id: ENV
    applies_if:
      all_of:
        - {question: GOV-01, any_of: [yes]}
        - any_of:
            - {question: GOV-02, any_of: [eu]}
            - {question: GOV-01, any_of: [no]}
    sub_criteria:
      - {id: ENV-A, title: {fr: "Énergie", en: "Energy"}, weight: 2}
    title: {fr: "Environnement", en: "Environment"}''')
    text = edit(text, '''      - id: ENV-01
        text: {fr: "Énergie par requête ?", en: "Energy per request?"}''', '''      - id: ENV-01
        sub_criterion: ENV-A
        text: {fr: "Énergie par requête ?", en: "Energy per request?"}''')
    text += '''      - id: ENV-02
        sub_criterion: ENV-A
        text: {en: "Describe your data centre."}
        answer: {type: text}
        weight: 0
'''
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as info:
        load_bank(path)
    problems_ = [(p.path, p.what.en) for p in info.value.problems]
    # The bank declares French: the English-only text is reported, nothing else.
    assert problems_ == [("$.criteria[1].questions[1].text.fr",
                          "missing translation: the fr text is empty")]
    path.write_text(edit(text, 'text: {en: "Describe your data centre."}',
                         'text: {fr: "Décrivez le centre.", en: "Describe your data centre."}'),
                    encoding="utf-8")
    bank = load_bank(path)
    env = bank.criteria[1]
    assert isinstance(env.applies_if, AllOf)
    assert isinstance(env.applies_if.all_of[1], AnyOf)
    assert env.questions[1].why is None
    assert env.questions[1].information_only
    out = tmp_path / "out.yaml"
    dump_bank(bank, out)
    assert load_bank(out) == bank


def test_new_fields_at_their_default_are_not_written() -> None:
    # Existing banks keep their bytes (and published questionnaires their fingerprints).
    written = bank_to_yaml(example_bank())
    for key in ("languages", "aggregation", "sub_criteria", "sub_criterion",
                "guidance_by_answer", "require_verification"):
        assert key not in written


def test_a_combination_with_another_key_is_refused(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "applies_if: {question: GOV-01, any_of: [yes]}",
                "applies_if: {all_of: [], note: x}")
    assert [(p.path, p.what.en.split(",")[0]) for p in problems(tmp_path, text)] == [
        ("$.criteria[0].questions[1].applies_if",
         "expected a condition {question")]
# --- verification -------------------------------------------------------------------------


def test_verification_reads_and_round_trips(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "        answer: {type: yes_no}\n",
                "        answer: {type: yes_no}\n        verification: commitment\n")
    path = tmp_path / "bank.yaml"
    path.write_text(text, "utf-8")
    bank = load_bank(path)
    assert bank.question("GOV-01").verification is Verification.COMMITMENT
    dump_bank(bank, tmp_path / "again.yaml")
    assert "verification: commitment" in (tmp_path / "again.yaml").read_text("utf-8")
    assert load_bank(tmp_path / "again.yaml") == bank


def test_unknown_verification_lists_the_allowed_ones(tmp_path: Path) -> None:
    text = edit(BANK_YAML, "        answer: {type: yes_no}\n",
                "        answer: {type: yes_no}\n        verification: trust-me\n")
    (problem,) = problems(tmp_path, text)
    assert problem.path == "$.criteria[0].questions[0].verification"
    assert "expected one of ['document', 'demonstration', 'test', 'audit', 'commitment']" \
        in problem.what.en
    assert problem.line == line(text, "verification: trust-me")


def test_a_bank_can_require_verification(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK_YAML, "utf-8")
    lenient = load_bank(path)
    warned = {w.path for w in bank_warnings(lenient)}
    assert warned == {"$.criteria[0].questions[0].verification",
                      "$.criteria[0].questions[1].verification",
                      "$.criteria[1].questions[0].verification"}
    strict = edit(BANK_YAML, 'version: "1"\n', 'version: "1"\nrequire_verification: true\n')
    found = problems(tmp_path, strict)
    assert {p.path for p in found} == warned
    assert all("means of verification" in p.what.en for p in found)
    assert bank_warnings(attrs.evolve(lenient, require_verification=True)) == []


# -- inputs that are not regular files --------------------------------------------------


def test_a_fifo_as_bank_file_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "bank.yaml"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(BankError) as info:
        load_bank(fifo)
    assert time.perf_counter() - start < HANG
    assert info.value.problems == (Problem(
        "$", "cannot read the file: not a regular file (a folder, a pipe or a device)"),)


def test_a_fifo_as_extends_target_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "base.yaml")
    tailoring = tmp_path / "tailoring.yaml"
    tailoring.write_text("format: 1\nextends: base.yaml\nid: t\nversion: '1'\n", "utf-8")
    with pytest.raises(BankError) as info:
        load_bank(tailoring)
    assert [p.what.en for p in info.value.problems] == [
        "cannot load 'base.yaml': $: cannot read the file: not a regular file (a folder, a "
        "pipe or a device)"]


def test_a_huge_sparse_bank_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    with path.open("wb") as handle:
        handle.truncate(1 << 36)
    found = run_bounded(f"""
        from ai_procurement.bank.files import load_bank
        from ai_procurement.errors import BankError
        def run():
            try:
                load_bank({str(path)!r})
            except BankError as exc:
                return str(exc.problems[0])
            return "loaded"
        """)
    assert found.result == f"$: file too large: {1 << 36} bytes, at most 5242880"
    assert found.elapsed < HANG


def test_a_deeply_nested_bank_is_refused_fast(tmp_path: Path) -> None:
    text = "format: 1\nid: x\nversion: '1'\ncriteria: " + "[" * 200_000 + "\n"
    start = time.perf_counter()
    assert problems(tmp_path, text) == [Problem(
        "$", "invalid YAML: values nested too deeply (these files need about ten levels)", 4)]
    assert time.perf_counter() - start < HANG


def test_a_bank_loads_the_same_from_its_cache(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ai_procurement.bank import files

    monkeypatch.setenv(files.CACHE_ENV, str(tmp_path / "cache"))
    path = tmp_path / "bank.yaml"
    dump_bank(example_bank(), path)
    first = load_bank(path)
    kept = list((tmp_path / "cache" / "banks").iterdir())
    assert len(kept) == 1
    assert load_bank(path) == first  # from the cache
    document, _ = load_yaml(path.read_bytes())
    assert document is not None
    assert files._cached(kept[0]) == document.data

    # A cache file cut short or altered is ignored, and written again whole.
    for damaged in (kept[0].read_bytes()[:100], b"x" * 40 + kept[0].read_bytes()[40:]):
        kept[0].write_bytes(damaged)
        assert load_bank(path) == first
        assert files._cached(kept[0]) == document.data

    # Values kept for a file are never used for other bytes: an invalid edit is refused.
    path.write_text(path.read_text(encoding="utf-8").replace("format: 1", "format: 99"),
                    encoding="utf-8")
    with pytest.raises(BankError, match="unknown format version 99"):
        load_bank(path)
    assert len(list((tmp_path / "cache" / "banks").iterdir())) == 1  # nothing kept for it


def test_the_bank_cache_can_be_turned_off(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from ai_procurement.bank import files

    monkeypatch.setenv(files.CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    path = tmp_path / "bank.yaml"
    dump_bank(example_bank(), path)
    assert load_bank(path) == load_bank(path)
    assert not (tmp_path / "home-cache").exists()


# -- problems through the command line, in the buyer's language ------------------------

NBSP = "\u00a0"
BROKEN_YAML = edit(edit(BANK_YAML, "    weight: 1\n", "    weight: -1\n"),
                   "when: [other]", "when: [elsewhere]")
"""The example bank with two mistakes: an unknown knock-out option, a negative weight."""


def cli_error(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str]:
    """Run the command line; return its exit code and what it printed on stderr."""
    from ai_procurement.cli import main

    capsys.readouterr()
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_a_broken_bank_is_refused_in_french_with_lang_fr(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "banque.yaml"
    path.write_text(BROKEN_YAML, "utf-8")
    code, err = cli_error(capsys, "--lang", "fr", "banks", path)
    assert code == 3
    assert f"ai-procurement : {path} : 2 problèmes\n" in err
    assert (f"$.criteria[0].questions[1].knockout.when[0] (ligne "
            f"{line(BROKEN_YAML, 'when: [elsewhere]')}) : option «{NBSP}elsewhere{NBSP}» "
            f"inconnue{NBSP}; attendu l'une de ['eu', 'other']") in err
    assert (f"$.criteria[1].weight (ligne {line(BROKEN_YAML, 'weight: -1')}) : nombre fini "
            "supérieur ou égal à 0 attendu, reçu -1.0") in err
    assert "expected" not in err


def test_a_broken_bank_is_refused_in_english_with_lang_en(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(BROKEN_YAML, "utf-8")
    code, err = cli_error(capsys, "banks", path, "--lang", "en")
    assert code == 3
    assert f"ai-procurement: {path}: 2 problems\n" in err
    assert ("knockout.when[0] (line 24): unknown option 'elsewhere'; expected one of "
            "['eu', 'other']") in err
    assert "weight (line 29): expected a finite number >= 0, got -1.0" in err


def test_a_bad_tailoring_is_refused_in_the_language_asked(
        capsys: pytest.CaptureFixture[str], buyer_dir: Path) -> None:
    path = buyer_dir / "t.yaml"
    path.write_text(edit(TAILORING, "drop: [GOV-02]", "drop: [GOV-02, GOV-99]"), "utf-8")
    code, french = cli_error(capsys, "--lang", "fr", "banks", path)
    assert code == 3
    assert f"{path} (après adaptation) : 1 problème\n" in french
    assert (f"$.drop[1] (ligne 6) : «{NBSP}GOV-99{NBSP}» n'est ni un critère ni une question "
            f"de «{NBSP}tiny{NBSP}»") in french
    code, english = cli_error(capsys, "--lang", "en", "banks", path)
    assert f"{path} (tailored): 1 problem\n" in english
    assert "$.drop[1] (line 6): 'GOV-99' is neither a criterion nor a question of 'tiny'" in (
        english)


def test_a_tailoring_of_a_broken_bank_says_why_in_french(
        capsys: pytest.CaptureFixture[str], buyer_dir: Path) -> None:
    (buyer_dir.parent / "base.yaml").write_text(BROKEN_YAML, "utf-8")
    path = buyer_dir / "t.yaml"
    path.write_text("format: 1\nextends: ../base.yaml\nid: t\nversion: '1'\n", "utf-8")
    code, err = cli_error(capsys, "--lang", "fr", "banks", path)
    assert code == 3
    assert (f"$.extends (ligne 2) : impossible de charger «{NBSP}../base.yaml{NBSP}»{NBSP}: "
            "$.criteria[1].weight (ligne 29) : nombre fini supérieur ou égal à 0 attendu") in err


def test_a_french_campaign_reports_the_problems_of_its_bank_in_french(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "consultation"
    assert cli_error(capsys, "init", folder)[0] == 0
    (folder / "banque.yaml").write_text(BROKEN_YAML, "utf-8")
    config = folder / "campaign.yaml"
    text = config.read_text("utf-8")
    assert "\nlanguage: fr " in text
    config.write_text(text.replace("\nbank: ai-territorial ", "\nbank: banque.yaml "), "utf-8")
    # No --lang: the campaign's language.
    code, err = cli_error(capsys, "questionnaire", folder)
    assert code == 3
    assert "banque.yaml : 2 problèmes" in err
    assert f"option «{NBSP}elsewhere{NBSP}» inconnue" in err
    code, err = cli_error(capsys, "questionnaire", folder, "--lang", "en")
    assert "banque.yaml: 2 problems" in err
    assert "unknown option 'elsewhere'" in err


def test_an_unknown_bundled_bank_is_named_in_french() -> None:
    with pytest.raises(BankError) as info:
        load_bank("ai-nope")
    assert "aucune banque fournie" in info.value.in_language("fr")
    assert str(info.value).startswith("ai-nope: 1 problem\n")
