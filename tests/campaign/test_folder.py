"""campaign.yaml: a closed list of procedures, bounded reads, names that clash, all located."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from tests.bounded import HANG, run_bounded

from ai_procurement.campaign.folder import init_campaign, load_campaign
from ai_procurement.errors import CampaignError, QuestionnaireError
from ai_procurement.legal.procedure import ProcedureKind


def test_the_template_names_a_procedure_of_the_list(tmp_path: Path) -> None:
    campaign = init_campaign(tmp_path / "c")
    assert campaign.config.procedure.procedure_type is ProcedureKind.ADAPTED_WITH_PUBLICITY
    text = (tmp_path / "c" / "campaign.yaml").read_text("utf-8")
    for kind in ProcedureKind:
        assert kind.value in text  # the comment lists every allowed value


@pytest.mark.parametrize("value", ["MAPA", "appel d'offres", "mapa"])
def test_an_unknown_procedure_lists_the_allowed_values(tmp_path: Path, value: str) -> None:
    init_campaign(tmp_path / "c")
    path = tmp_path / "c" / "campaign.yaml"
    text = path.read_text("utf-8").replace("procedure_type: mapa-avec-publicite",
                                           f'procedure_type: "{value}"')
    path.write_text(text, "utf-8")
    with pytest.raises(CampaignError) as caught:
        load_campaign(tmp_path / "c")
    message = str(caught.value)
    line = text.splitlines().index(f'  procedure_type: "{value}"') + 1
    assert f"$.procedure.procedure_type (line {line})" in message
    assert "'appel-offres-ouvert'" in message
    assert "'marche-subsequent'" in message
    assert repr(value) in message


def test_no_procedure_is_allowed(tmp_path: Path) -> None:
    init_campaign(tmp_path / "c")
    path = tmp_path / "c" / "campaign.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "  procedure_type: mapa-avec-publicite\n", ""), "utf-8")
    assert load_campaign(tmp_path / "c").config.procedure.procedure_type is None


def test_the_template_asks_for_the_items_of_the_report(tmp_path: Path) -> None:
    campaign = init_campaign(tmp_path / "c")
    procedure = campaign.config.procedure
    assert (procedure.estimated_value, procedure.subcontracting, procedure.no_lots_reason,
            procedure.negotiation_reason) == (None, "", "", "")
    text = (tmp_path / "c" / "campaign.yaml").read_text("utf-8")
    assert "estimated_value: null          # valeur estimée du besoin, en euros HT" in text
    assert "no_lots_reason: \"\"             # sans lots : motif du non-allotissement " \
        "(L2113-11)" in text
    path = tmp_path / "c" / "campaign.yaml"
    path.write_text(text.replace("estimated_value: null", "estimated_value: -5")
                    .replace('no_lots_reason: ""', 'no_lots_reason: "Solution unique"'),
                    "utf-8")
    with pytest.raises(CampaignError, match=r"\$\.procedure\.estimated_value.*got -5"):
        load_campaign(tmp_path / "c")
    path.write_text(path.read_text("utf-8").replace("estimated_value: -5",
                                                    "estimated_value: 180000.5"), "utf-8")
    procedure = load_campaign(tmp_path / "c").config.procedure
    assert (procedure.estimated_value, procedure.no_lots_reason) == (180000.5,
                                                                     "Solution unique")


NOT_REGULAR = "not a regular file (a folder, a pipe or a device)"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    init_campaign(tmp_path / "campaign", bank="ai-screening")
    return tmp_path / "campaign"


def set_names(folder: Path, field: str, names: list[str]) -> None:
    config = folder / "campaign.yaml"
    text = config.read_text("utf-8")
    listed = "".join(f"  - {name!r}\n" for name in names)
    if field == "vendors":  # vendors are invited: a restricted procedure
        text = text.replace("\nmode: open\n", f"\nmode: invited\nvendors:\n{listed}")
    else:
        text = text.replace("  - Évaluateur 1\n  - Évaluateur 2\n", listed)
    config.write_text(text, "utf-8")


@pytest.mark.parametrize(("field", "names"), [
    ("vendors", ["Acme", "ACME"]),
    ("vendors", ["Acme", "Acme !"]),
    ("vendors", ["Numérique", "Numerique"]),
    ("evaluators", ["🦊", "🐻"]),
])
def test_names_that_share_a_file_name_are_refused_naming_both(
        folder: Path, field: str, names: list[str]) -> None:
    set_names(folder, field, names)
    with pytest.raises(CampaignError) as info:
        load_campaign(folder)
    message = str(info.value)
    assert f"$.{field}[1]" in message
    assert f"{names[0]!r} and {names[1]!r} give the same file name" in message


def test_names_that_differ_in_letters_are_accepted(folder: Path) -> None:
    set_names(folder, "vendors", ["Acme", "Acme 2", "Acmé Bis"])
    assert load_campaign(folder).config.vendors == ("Acme", "Acme 2", "Acmé Bis")


def test_a_fifo_as_campaign_file_is_refused_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    os.mkfifo(tmp_path / "c" / "campaign.yaml")
    start = time.perf_counter()
    with pytest.raises(CampaignError, match=re.escape(NOT_REGULAR)):
        load_campaign(tmp_path / "c")
    assert time.perf_counter() - start < HANG


def test_a_fifo_as_agreed_scores_is_refused_without_blocking(folder: Path) -> None:
    os.mkfifo(folder / "reviews" / "agreed.yaml")
    campaign = load_campaign(folder)
    with pytest.raises(CampaignError, match=re.escape(NOT_REGULAR)):
        campaign.agreed()


def test_a_fifo_as_key_file_is_refused_without_blocking(folder: Path) -> None:
    key = folder / "private" / "signing.key"
    key.unlink()
    os.mkfifo(key)
    campaign = load_campaign(folder)
    with pytest.raises(QuestionnaireError, match=re.escape(NOT_REGULAR)):
        campaign.key()


@pytest.mark.parametrize("which", ["campaign.yaml", "reviews/agreed.yaml",
                                   "private/signing.key"])
def test_a_huge_sparse_input_ends_in_the_library_error_fast_and_small(
        folder: Path, which: str) -> None:
    path = folder / which
    path.unlink(missing_ok=True)
    with path.open("wb") as handle:
        handle.truncate(1 << 36)  # 64 GiB that cost no disk
    found = run_bounded(f"""
        from ai_procurement.campaign.folder import load_campaign
        from ai_procurement.errors import AIProcurementError
        def run():
            try:
                campaign = load_campaign({str(folder)!r})
                campaign.agreed()
                campaign.key()
            except AIProcurementError as exc:
                return type(exc).__name__ + ": " + str(exc)
            return "read"
        """)
    assert "file too large" in found.result, found.result
    assert found.result.startswith(("CampaignError", "QuestionnaireError"))
    assert found.elapsed < HANG


def test_init_force_never_replaces_an_edited_campaign_file(tmp_path: Path) -> None:
    init_campaign(tmp_path / "c")
    config = tmp_path / "c" / "campaign.yaml"
    edited = config.read_text("utf-8").replace("Vendor", "Fournisseur") + "# mine\n"
    config.write_text(edited, "utf-8")
    with pytest.raises(CampaignError, match="never replaced, not even with --force"):
        init_campaign(tmp_path / "c", force=True)
    assert config.read_text("utf-8") == edited
    # The untouched template may be set up again: its missing key comes back.
    init_campaign(tmp_path / "d")
    (tmp_path / "d" / "private" / "signing.key").unlink()
    init_campaign(tmp_path / "d", force=True)
    key = tmp_path / "d" / "private" / "signing.key"
    assert key.stat().st_mode & 0o777 == 0o600  # the owner's only, from the start


# -- price model, budget and document precedence -------------------------------------------

DQE_PRICE = """
price:
  model: dqe
  dqe:
    - {id: D1, label: {fr: "Page traduite", en: "Translated page"},
       unit: {fr: page, en: page}, quantity: 20000}
    - {id: D2, label: {fr: "Journée de formation", en: "Training day"},
       unit: {fr: jour, en: day}, quantity: 3}
budget:
  amount: 90000
  covers: "4 ans, HT"
"""


def _with(tmp_path: Path, extra: str) -> Path:
    init_campaign(tmp_path / "c")
    path = tmp_path / "c" / "campaign.yaml"
    path.write_text(path.read_text("utf-8") + extra, "utf-8")
    return tmp_path / "c"


def test_a_dqe_is_published_with_its_quantities_and_fingerprint(tmp_path: Path) -> None:
    from ai_procurement.bank.model import Price
    from ai_procurement.campaign.folder import budget_of
    from ai_procurement.decision.price import Budget

    campaign = load_campaign(_with(tmp_path, DQE_PRICE))
    lot = campaign.lot()
    frozen = campaign.freeze(lot)
    spec = next(q.answer for _, q in frozen.bank.questions() if isinstance(q.answer, Price))
    assert spec.model == "dqe"
    assert [(d.id, d.quantity) for d in spec.dqe] == [("D1", 20000), ("D2", 3)]
    lump = load_campaign(_with(tmp_path / "x", "")).freeze()
    assert lump.fingerprint != frozen.fingerprint  # the quantities are published
    budget = budget_of(lot)
    assert isinstance(budget, Budget)
    assert (str(budget.amount), budget.covers) == ("90000.0", "4 ans, HT")


@pytest.mark.parametrize(("edit", "where", "said"), [
    (("model: dqe", "model: forfait"), "$.price.model", "lump-sum"),
    (("quantity: 3", "quantity: 0"), "$.price.dqe[1].quantity", "above 0"),
    (("id: D2", "id: D1"), "$.price.dqe[1].id", "duplicate item 'D1'"),
    (("en: day}", "en: \"\"}"), "$.price.dqe[1].unit", "English"),
    (("model: dqe", "model: lump-sum"), "$.price.model", "set model: dqe"),
    (("amount: 90000", "amount: -1"), "$.budget.amount", "above 0"),
    (('covers: "4 ans, HT"', 'covers: ""'), "$.budget.covers", "what the budget covers"),
])
def test_a_wrong_price_or_budget_names_its_key_in_french_and_english(
        tmp_path: Path, edit: tuple[str, str], where: str, said: str) -> None:
    folder = _with(tmp_path, DQE_PRICE.replace(*edit))
    with pytest.raises(CampaignError) as caught:
        load_campaign(folder)
    message = str(caught.value)
    assert where in message
    assert said in message


def test_precedence_is_a_closed_list(tmp_path: Path) -> None:
    folder = _with(tmp_path, "precedence: [bpu, devis, questionnaire]\n")
    with pytest.raises(CampaignError, match=r"\$\.precedence.*unknown document 'devis'"):
        load_campaign(folder)
    folder = _with(tmp_path / "ok", "precedence: [bpu, questionnaire]\n")
    campaign = load_campaign(folder)
    assert campaign.freeze().consultation.precedence == ("bpu", "questionnaire")


def test_the_template_states_the_default_precedence_and_the_price_keys(
        tmp_path: Path) -> None:
    campaign = init_campaign(tmp_path / "c")
    text = (tmp_path / "c" / "campaign.yaml").read_text("utf-8")
    assert "l'ordre par défaut s'applique" in text
    assert "acte-engagement, bpu, dqe, questionnaire" in text
    assert "model: dqe" in text
    assert "L2152-3" in text
    assert campaign.config.precedence == ()
    assert campaign.lot().budget is None


def test_the_template_budget_example_does_not_repeat_excluding_vat(tmp_path: Path) -> None:
    # The report prints « Budget : 90 000 € HT (<covers>) »: an example « 4 ans, HT »
    # copied as is gave « 90 000 € HT (4 ans, HT) ».
    for lang, example in (("fr", 'covers: "4 ans"'), ("en", 'covers: "4 years"')):
        init_campaign(tmp_path / lang, language=lang)
        text = (tmp_path / lang / "campaign.yaml").read_text("utf-8")
        line = next(line for line in text.splitlines() if "covers:" in line)
        assert example in line
        assert "HT\"" not in line
        assert "VAT\"" not in line


def test_a_batch_of_audit_events_is_one_append_in_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A step's many events are written and flushed once, when the batch ends."""
    from ai_procurement.campaign.folder import AuditTrail

    path = tmp_path / "audit.jsonl"
    trail = AuditTrail(path)
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd))[1])
    trail.append("publish", lot="")
    with trail.batch():
        for name in ("a", "b", "c"):
            trail.append("read", file=f"responses/{name}.xlsx")
        with trail.batch():  # nested: the outer batch writes
            trail.append("read", file="responses/d.xlsx")
        assert path.read_text(encoding="utf-8").count("\n") == 1  # nothing written yet
    assert len(flushed) == 2
    assert [r.get("file") for r in AuditTrail(path).records()] == [
        None, "responses/a.xlsx", "responses/b.xlsx", "responses/c.xlsx", "responses/d.xlsx"]
    # Reading the trail within a batch writes what it kept first.
    with trail.batch():
        trail.append("read", file="responses/e.xlsx")
        assert trail.records()[-1]["file"] == "responses/e.xlsx"
        trail.append("read", file="responses/f.xlsx")
    assert [r["file"] for r in AuditTrail(path).records()[-2:]] == [
        "responses/e.xlsx", "responses/f.xlsx"]


def test_a_failed_step_still_records_its_batch_and_raises_its_own_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from ai_procurement.campaign.folder import AuditTrail
    from ai_procurement.errors import OutputError

    path = tmp_path / "audit.jsonl"
    trail = AuditTrail(path)

    def step(name: str) -> None:
        with trail.batch():
            trail.append("read", file=f"responses/{name}.xlsx")
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        step("a")
    assert [r["file"] for r in trail.records()] == ["responses/a.xlsx"]

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    # The disk is full: the step's own error is the one raised...
    with pytest.raises(KeyError, match="boom"):
        step("b")
    # ...and a step that did not fail learns that its events are not recorded.
    with pytest.raises(OutputError, match="audit trail"), trail.batch():
        trail.append("read", file="responses/c.xlsx")


def test_audit_records_read_again_after_appends_and_a_torn_line(tmp_path: Path) -> None:
    """Records read after new lines (and a line cut short) are those of a fresh read."""
    from ai_procurement.campaign.folder import AuditTrail

    path = tmp_path / "audit.jsonl"
    trail = AuditTrail(path)
    trail.append("read", file="responses/a.xlsx")
    assert [r["event"] for r in trail.records()] == ["read"]
    with path.open("a", encoding="utf-8") as stream:
        stream.write('{"event": "write", "file": "out/memo-fr.docx"}\n{"event": "wr')
    assert [r.get("event") for r in trail.records()] == ["read", "write", "unreadable-line"]
    trail.append("publish", lot="")
    fresh = AuditTrail(path).records()
    assert trail.records() == fresh
    assert [r.get("event") for r in fresh] == ["read", "write", "unreadable-line",
                                               "torn-line-fenced", "publish"]
    path.write_text('{"event": "other"}\n', encoding="utf-8")  # replaced, not appended
    assert trail.records() == [{"event": "other"}]


def test_a_file_read_once_is_read_again_when_replaced(tmp_path: Path) -> None:
    """A loaded file is given again while unchanged, and read anew once replaced."""
    from ai_procurement._office.files import write_atomic

    campaign = init_campaign(tmp_path / "c")
    path = campaign.root / "notes.txt"
    write_atomic(path, b"first", overwrite=True)
    reads: list[str] = []

    def load(p: Path) -> str:
        reads.append(p.read_text())
        return reads[-1]

    assert campaign.read_once(path, load) == "first"
    assert campaign.read_once(path, load) == "first"
    write_atomic(path, b"second!", overwrite=True)
    assert campaign.read_once(path, load) == "second!"
    assert reads == ["first", "second!"]
