"""campaign.yaml: the procedure is one of a closed list, and a wrong value is located."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_procurement.campaign.folder import init_campaign, load_campaign
from ai_procurement.errors import CampaignError
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
