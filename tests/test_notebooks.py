"""The notebooks of ``docs/notebooks`` run from top to bottom and show what they promise.

Each notebook is copied to a fresh folder and executed there with the ``python3`` kernel,
as a buyer would open and run it. The session's demo campaign is copied beside it as
``demo-campaign``, as if the buyer had run ``ai-procurement demo`` first; the evaluation
notebook runs the demo again over it (``force=True``), the robustness notebook reuses it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from tests.campaign_fixtures import copy_campaign

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).parents[1] / "docs" / "notebooks"
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$", re.M)

EXPECTED: dict[str, list[str | re.Pattern[str]]] = {
    "0-strategy.ipynb": [
        "Niveau d'impact III (élevé) : score 24 sur 37 (65 %)",
        "HUM-01  dès le niveau 3 : éliminatoire, preuve obligatoire",
        "impact: {level: 3, ",
        "{'Q': 0.7273, 'P': 0.1818, 'E': 0.0909} = 8/11, 2/11, 1/11",
        "(8 participants, 3 groupes)",
        "Groupes les plus éloignés : élus / panel citoyen",
        "Pondérations retenues par la commission d'appel d'offres",
        "Méthode linéaire : sans l'offre Offre économique",
        "demo-campaign/strategy/rules-check-fr.docx",
        "Traitement (outil);Finalité;Service",
    ],
    "1-prepare.ipynb": [
        "['ai-hardware', 'ai-impact', 'ai-inventory', 'ai-screening', 'ai-territorial', "
        "'genai-addon']",
        "COST    30.0  Coût complet",
        "CR = ", "cohérent",
        "rank-order-centroid",
        FINGERPRINT,  # the tailored questionnaire's fingerprint, on a line of its own
        "'COST': 0.25", "'ENV': 0.11",  # the tailoring's weights, normalised
        "envoi/Alizé Systèmes.xlsx",
    ],
    "2-evaluate.ipynb": [
        re.compile(r"^\s+1\s+Alizé Systèmes\s+76,86\s+classée$", re.M),
        re.compile(r"^\s+-\s+Cumulus IA\s+[\d,]+\s+irrégulière \(exigence éliminatoire\)$", re.M),
        "il n'y a pas de gagnant net",
        re.compile(r"P05\s+lot 1\s+Estuaire Numérique\s+ok=True erreurs=0"),
        "écartée : offre reçue hors délai",  # the late offer of lot 2
        "« Sans objet » n'est pas admis",
        "Alizé Systèmes",  # the results table
        "RED-01",  # the traceable score lines
        "image/png",  # the stacked bar chart
        "demo-campaign/out/lot-1/memo-fr.docx",
    ],
    "3-robustness.ipynb": [
        "• Alizé Systèmes devance Boréal Data",
        "image/png",  # rank acceptabilities
        "Boréal Data passe devant",  # a tipping point
        re.compile(r"^classique\s+Alizé Systèmes \([\d.]+\) > Boréal Data", re.M),
        "ecart-relatif",
    ],
}


def test_every_notebook_is_tested() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


def test_the_committed_notebooks_have_no_outputs() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path.name}: clear the outputs before committing"
                assert cell.execution_count is None, path.name


def _outputs(notebook: object) -> str:
    texts = []
    for cell in notebook.cells:  # type: ignore[attr-defined]
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                texts.append(output.text)
            elif output.output_type in ("display_data", "execute_result"):
                texts += list(output.data)
                texts += [value for key, value in output.data.items()
                          if key.startswith("text/") and isinstance(value, str)]
            elif output.output_type == "error":
                texts.append(f"{output.ename}: {output.evalue}")
    return "\n".join(texts)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_notebook_runs_and_shows_its_results(name: str, tmp_path: Path,
                                                  demo_campaign: Path) -> None:
    shutil.copy(NOTEBOOKS / name, tmp_path / name)
    copy_campaign(demo_campaign, tmp_path / "demo-campaign")
    notebook = nbformat.read(tmp_path / name, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on error
    shown = _outputs(notebook)
    assert "Traceback" not in shown
    for expected in EXPECTED[name]:
        if isinstance(expected, re.Pattern):
            assert expected.search(shown), f"{name}: no match for {expected.pattern!r}"
        else:
            assert expected in shown, f"{name}: {expected!r} not shown"
