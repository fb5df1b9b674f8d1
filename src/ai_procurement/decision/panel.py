"""Criterion weights from several people: elected members, departments, panels.

One person's judgments make fragile weights. Here each participant (with a ``group``:
elected members, a department, a staff panel drawn by lot, a citizens' panel...) gives
either Saaty pairwise comparisons or a points allocation, and :func:`aggregate_panel`
combines them with the published group methods of the analytic hierarchy process
(Forman & Peniwati 1998, "Aggregating individual judgments and priorities with the
AHP", European Journal of Operational Research 108):

- ``"aij"`` (aggregation of individual judgments): the element-wise **geometric mean**
  of the participants' comparison matrices, which stays reciprocal, then the principal
  eigenvector (:func:`ai_procurement.decision.strategy.ahp_weights`);
- ``"aip"`` (aggregation of individual priorities): the **geometric mean** of each
  participant's weights, criterion by criterion, normalised to sum 1;
- ``"points"``: each participant's points normalised to shares, then the **arithmetic
  mean** of the shares (every participant counts the same, whatever total they used).

The result also shows what a buyer must see before adopting weights: each
participant's consistency ratio, the spread of the individual weights per criterion,
the weights each group alone would give and which groups disagree most (distance =
half the sum of absolute differences of their weights, i.e. the share of weight that
would have to move to turn one into the other). Participants count equally: no hidden
participant or group weights.

Pure computation: workbooks are read by :mod:`ai_procurement.workbooks.panel`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Literal, TypeAlias

import attrs

from ai_procurement.decision.strategy import Weighting, ahp_weights, direct_weights
from ai_procurement.errors import StrategyError
from ai_procurement.text import Lang, Text, msg

__all__ = [
    "AGGREGATIONS",
    "AdoptedWeights",
    "Aggregation",
    "GroupDistance",
    "PanelResult",
    "Participant",
    "Spread",
    "aggregate_panel",
    "weights_origin",
]

Aggregation: TypeAlias = Literal["aij", "aip", "points"]
AGGREGATIONS: tuple[Aggregation, ...] = ("aij", "aip", "points")
"""The ways :func:`aggregate_panel` combines judgments."""

_METHOD_NAMES = {
    "aij": msg("geometric mean of the judgments (AIJ)"),
    "aip": msg("geometric mean of the priorities (AIP)"),
    "points": msg("arithmetic mean of the shares of points"),
}


@attrs.frozen
class Participant:
    """One participant's judgments.

    Give either ``pairwise`` (``(a, b) -> v``: "a is v times as important as b", one
    judgment per pair of criteria) or ``points`` (criterion -> points, any total).
    """

    name: str
    group: str
    pairwise: Mapping[tuple[str, str], float] | None = None
    points: Mapping[str, float] | None = None

    def weighting(self, criteria: Sequence[str]) -> Weighting:
        """This participant's own weights (AHP or normalised points)."""
        if self.pairwise is not None:
            return ahp_weights(criteria, dict(self.pairwise))
        assert self.points is not None
        return direct_weights({c: self.points.get(c, 0.0) for c in criteria})


@attrs.frozen
class Spread:
    """How far the participants' weights of one criterion are apart."""

    criterion: str
    minimum: float
    maximum: float
    stdev: float
    """Population standard deviation of the individual weights."""


@attrs.frozen
class GroupDistance:
    """How far two groups' weights are apart (share of weight to move, 0 to 1)."""

    a: str
    b: str
    distance: float
    most_apart: str
    """The criterion on which the two groups differ most."""


@attrs.frozen
class PanelResult:
    """The panel's aggregated weights and what lies behind them.

    Attributes:
        criteria: the criterion ids, in order.
        aggregation: ``"aij"``, ``"aip"`` or ``"points"``.
        weighting: the aggregated weights (with the AHP consistency of the aggregated
            matrix for ``"aij"``).
        individual: participant -> their own weights.
        groups: participant -> group.
        consistency: participant -> consistency ratio (pairwise comparisons only).
        by_group: group -> the weights that group alone gives (same aggregation).
        spread: per criterion, the spread of the individual weights.
        disagreements: every pair of groups, the most apart first.
        threshold: the consistency ratio above which a participant is flagged.
    """

    criteria: tuple[str, ...]
    aggregation: Aggregation
    weighting: Weighting
    individual: Mapping[str, Mapping[str, float]]
    groups: Mapping[str, str]
    consistency: Mapping[str, float]
    by_group: Mapping[str, Mapping[str, float]]
    spread: tuple[Spread, ...]
    disagreements: tuple[GroupDistance, ...]
    threshold: float

    @property
    def weights(self) -> dict[str, float]:
        """The aggregated weights (criterion -> share summing to 1)."""
        return dict(self.weighting.weights)

    @property
    def inconsistent(self) -> tuple[str, ...]:
        """Participants whose consistency ratio is above the threshold."""
        return tuple(p for p, cr in self.consistency.items() if cr > self.threshold)

    def lines(self, lang: Lang) -> list[str]:
        """The result as lines of text for the buyer."""
        t = _texts(lang)
        colon = " : " if lang == "fr" else ": "
        out = [f"{t['method']}{colon}{_METHOD_NAMES[self.aggregation].get(lang)} "
               f"({len(self.individual)} {t['participants']}, {len(self.by_group)} "
               f"{t['groups']})"]
        out.append(f"  {'':16}" + "".join(f"{c:>8}" for c in self.criteria))
        out.append(f"  {t['panel'][:16]:16}" + _row(self.weights, self.criteria))
        for group, weights in self.by_group.items():
            out.append(f"  {group[:16]:16}" + _row(weights, self.criteria))
        out.append(f"  {t['spread']:16}" + "".join(
            f"{(s.maximum - s.minimum) * 100:>7.1f}%" for s in self.spread))
        for name in self.individual:
            cr = self.consistency.get(name)
            mark = ""
            if cr is not None:
                mark = f"  CR = {cr:.3f}" + (f"  ! {t['revise']}" if cr > self.threshold
                                              else "")
            out.append(f"    {name} ({self.groups[name]}){mark}")
        if self.disagreements:
            d = self.disagreements[0]
            out.append(f"{t['apart']}{colon}{d.a} / {d.b} ({d.distance * 100:.0f} %, "
                       f"{t['most']} {d.most_apart})" if lang == "fr" else
                       f"{t['apart']}{colon}{d.a} / {d.b} ({d.distance:.0%}, {t['most']} "
                       f"{d.most_apart})")
        return out


def _row(weights: Mapping[str, float], criteria: Sequence[str]) -> str:
    return "".join(f"{weights[c] * 100:>7.1f}%" for c in criteria)


def _texts(lang: Lang) -> dict[str, str]:
    if lang == "fr":
        return {"method": "Agrégation", "participants": "participants", "groups": "groupes",
                "panel": "Ensemble", "spread": "Écart max−min", "revise": "jugements à revoir",
                "apart": "Groupes les plus éloignés", "most": "surtout sur"}
    return {"method": "Aggregation", "participants": "participants", "groups": "groups",
            "panel": "All", "spread": "Spread max−min", "revise": "judgments to revise",
            "apart": "Groups most apart", "most": "mostly on"}


def _geometric_matrix(criteria: Sequence[str],
                      weightings: Sequence[Weighting]) -> list[list[float]]:
    n = len(criteria)
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            logs = []
            for w in weightings:
                assert w.ahp is not None
                logs.append(math.log(w.ahp.matrix[i][j]))
            value = math.exp(math.fsum(logs) / len(logs))
            matrix[i][j], matrix[j][i] = value, 1.0 / value
    return matrix


def _combine(criteria: Sequence[str], aggregation: Aggregation,
             weightings: Sequence[Weighting]) -> Weighting:
    if aggregation == "aij":
        return ahp_weights(criteria, _geometric_matrix(criteria, weightings))
    if aggregation == "aip":
        if any(w.weights[c] <= 0 for w in weightings for c in criteria):
            raise StrategyError(msg("aggregation 'aip' takes a geometric mean of weights, "
                                    "which needs every weight above 0; use 'aij' or 'points'"))
        means = {c: math.exp(math.fsum(math.log(w.weights[c]) for w in weightings)
                             / len(weightings)) for c in criteria}
        total = math.fsum(means.values())
        shares = {c: means[c] / total for c in criteria}
        result = direct_weights(shares)
        return attrs.evolve(result, method="panel-aip", parameters={
            "individual_weights": [dict(w.weights) for w in weightings],
            "rule": "geometric mean of each criterion's weights, normalised to sum 1"})
    shares = {c: math.fsum(w.weights[c] for w in weightings) / len(weightings)
              for c in criteria}
    result = direct_weights(shares)
    return attrs.evolve(result, method="panel-points", parameters={
        "individual_weights": [dict(w.weights) for w in weightings],
        "rule": "arithmetic mean of each participant's shares of points"})


def aggregate_panel(criteria: Sequence[str], participants: Sequence[Participant], *,
                    aggregation: Aggregation | None = None,
                    threshold: float = 0.10) -> PanelResult:
    """Combine several participants' judgments into criterion weights.

    Args:
        criteria: the criterion ids, in order.
        participants: each participant's judgments, all pairwise or all points.
        aggregation: ``"aij"`` (default for pairwise), ``"aip"``, or ``"points"``
            (the only one for points allocations).
        threshold: the consistency ratio above which a participant's judgments are
            flagged for revision (Saaty: 0.10).

    Returns:
        The aggregated weights with each participant's weights and consistency ratio,
        the spread per criterion, the weights per group and the groups most apart.

    Raises:
        StrategyError: no participant, a duplicate or blank name or group, judgments
            that mix pairwise comparisons and points or fit neither, an aggregation that
            does not fit the judgments, or invalid judgments (from
            :func:`~ai_procurement.decision.strategy.ahp_weights`, naming the participant).
    """
    if not participants:
        raise StrategyError("aggregate_panel: no participant")
    names = [p.name for p in participants]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates or any(not n.strip() or not p.group.strip()
                         for n, p in zip(names, participants, strict=True)):
        raise StrategyError(f"aggregate_panel: every participant needs a unique, non-blank "
                            f"name and a group; duplicates: {duplicates}")
    kinds = {(p.pairwise is not None, p.points is not None) for p in participants}
    if kinds == {(True, False)}:
        chosen: Aggregation = aggregation or "aij"
        if chosen == "points":
            raise StrategyError(msg("aggregation 'points' is for points allocations; "
                                    "pairwise comparisons use 'aij' or 'aip'"))
    elif kinds == {(False, True)}:
        chosen = aggregation or "points"
        if chosen != "points":
            raise StrategyError(msg("aggregation {chosen!r} needs pairwise comparisons; "
                                    "points allocations use 'points'", chosen=chosen))
    else:
        raise StrategyError(msg("each participant gives either pairwise comparisons or "
                                "points, and all participants the same kind"))
    individual: dict[str, Weighting] = {}
    for p in participants:
        try:
            individual[p.name] = p.weighting(criteria)
        except StrategyError as exc:
            raise StrategyError(msg("participant {name!r}: {problem}", name=p.name,
                                    problem=exc.text)) from None
    overall = _combine(criteria, chosen, list(individual.values()))
    groups: dict[str, list[Weighting]] = {}
    for p in participants:
        groups.setdefault(p.group, []).append(individual[p.name])
    by_group = {g: dict(_combine(criteria, chosen, ws).weights) for g, ws in groups.items()}
    spread = []
    for c in criteria:
        values = [w.weights[c] for w in individual.values()]
        mean = math.fsum(values) / len(values)
        spread.append(Spread(c, min(values), max(values),
                             math.sqrt(math.fsum((v - mean) ** 2 for v in values)
                                       / len(values))))
    distances = []
    for a, b in combinations(by_group, 2):
        gaps = {c: abs(by_group[a][c] - by_group[b][c]) for c in criteria}
        most = max(criteria, key=lambda c: gaps[c])
        distances.append(GroupDistance(a, b, math.fsum(gaps.values()) / 2, most))
    distances.sort(key=lambda d: -d.distance)
    consistency = {name: w.ahp.consistency_ratio for name, w in individual.items()
                   if w.ahp is not None}
    return PanelResult(tuple(criteria), chosen, overall,
                       {n: dict(w.weights) for n, w in individual.items()},
                       {p.name: p.group for p in participants}, consistency, by_group,
                       tuple(spread), tuple(distances), threshold)


@attrs.frozen
class AdoptedWeights:
    """The weights the buyer finally adopts, and why (they may differ from the panel's).

    Attributes:
        weights: criterion -> weight (any positive scale).
        rationale: why these weights, in the buyer's words.
        decided_by: who adopted them (a body, a meeting, a person).
    """

    weights: Mapping[str, float]
    rationale: str
    decided_by: str = ""


def weights_origin(result: PanelResult, adopted: AdoptedWeights | None = None) -> Text:
    """Sentences for the memo: how the weights were obtained (French and English).

    Names the participants by group, the aggregation method, the consistency of the
    judgments, the groups most apart and, when given, the weights adopted and why.
    """
    count: dict[str, int] = {}
    for group in result.groups.values():
        count[group] = count.get(group, 0) + 1
    groups_fr = ", ".join(f"{g} ({n})" for g, n in count.items())
    n = len(result.individual)
    kind_fr = ("comparaisons par paires sur l'échelle de Saaty" if result.aggregation != "points"
               else "une répartition de points")
    kind_en = ("pairwise comparisons on Saaty's scale" if result.aggregation != "points"
               else "a points allocation")
    method = _METHOD_NAMES[result.aggregation]
    fr = [f"Les pondérations ont été établies avec {n} participants ({groups_fr}), qui ont "
          f"chacun donné leur avis par {kind_fr} dans un classeur signé ; les avis ont été "
          f"agrégés par {method.fr}."]
    en = [f"The weights were set with {n} participants ({groups_fr}), each of whom gave "
          f"their judgments as {kind_en} in a signed workbook; the judgments were aggregated "
          f"by {method.en}."]
    if result.consistency:
        flagged = result.inconsistent
        if flagged:
            fr.append(f"Les jugements de {', '.join(flagged)} dépassent le ratio de cohérence "
                      f"de {result.threshold:.2f}.".replace(".", ",", 1))
            en.append(f"The judgments of {', '.join(flagged)} exceed the consistency ratio "
                      f"of {result.threshold:.2f}.")
        else:
            fr.append("Les jugements de chaque participant sont cohérents (ratio de cohérence "
                      f"au plus {result.threshold:.2f}).".replace(".", ",", 1))
            en.append("Each participant's judgments are consistent (consistency ratio at "
                      f"most {result.threshold:.2f}).")
    if result.disagreements:
        d = result.disagreements[0]
        fr.append(f"Les groupes les plus éloignés sont {d.a} et {d.b} "
                  f"({d.distance * 100:.0f} % du poids à déplacer), surtout sur {d.most_apart}.")
        en.append(f"The groups most apart are {d.a} and {d.b} ({d.distance * 100:.0f}% of the "
                  f"weight to move), mostly on {d.most_apart}.")
    if adopted is not None:
        total = math.fsum(adopted.weights.values()) or 1.0
        shown = ", ".join(f"{c} {w / total * 100:.0f} %" for c, w in adopted.weights.items())
        shown_en = ", ".join(f"{c} {w / total * 100:.0f}%" for c, w in adopted.weights.items())
        who_fr = f" par {adopted.decided_by}" if adopted.decided_by else ""
        who_en = f" by {adopted.decided_by}" if adopted.decided_by else ""
        fr.append(f"Pondérations retenues{who_fr} : {shown}. Motif : {adopted.rationale}")
        en.append(f"Weights adopted{who_en}: {shown_en}. Reason: {adopted.rationale}")
    return Text(" ".join(fr), " ".join(en))
