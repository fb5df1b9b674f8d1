"""Turn an organisation's stated priorities into criterion weights it can defend.

French procurement rules require the award criteria and their weights to be published
before vendors answer and never changed afterwards, so the way the weights were obtained
must be reproducible and explainable. Each function here takes one way of stating
priorities and returns a :class:`Weighting` that holds the weights *and* everything that
determined them (method, inputs, tables, thresholds), so nothing rests on a hidden
default:

- :func:`direct_weights`: points or percentages, divided by their total;
- :func:`rank_weights`: a ranking from most to least important, turned into weights by
  a published closed form (rank-order centroid, rank-sum, rank-reciprocal), with ties;
- :func:`ahp_weights`: Saaty's pairwise comparisons (analytic hierarchy process), with
  the consistency ratio and the judgments that make a matrix inconsistent.

Everything here is pure computation; reading priorities from a file is done elsewhere.
"""

from __future__ import annotations

import math
import numbers
import types
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal, NamedTuple, TypeAlias

import attrs
import numpy as np

from ai_procurement.errors import StrategyError
from ai_procurement.text import Text, msg

__all__ = [
    "DEFAULT_CONSISTENCY_THRESHOLD",
    "RECIPROCITY_TOLERANCE",
    "SAATY_RANDOM_INDEX",
    "AHPResult",
    "Inconsistency",
    "RankMethod",
    "Weighting",
    "ahp_weights",
    "direct_weights",
    "rank_weights",
]

RankMethod: TypeAlias = Literal["roc", "rank-sum", "rank-reciprocal"]
"""The closed forms :func:`rank_weights` knows."""

SAATY_RANDOM_INDEX: Mapping[int, float] = types.MappingProxyType(
    {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
)
"""Saaty's (1980) random index RI(n): the mean consistency index of random matrices."""

DEFAULT_CONSISTENCY_THRESHOLD = 0.10
"""Saaty's rule of thumb: a consistency ratio above 0.10 calls for revised judgments."""

RECIPROCITY_TOLERANCE = 1e-9
"""Relative tolerance when checking that a full matrix is reciprocal (a_ji = 1/a_ij)."""

_SAATY_SOURCE = "Saaty (1980), The Analytic Hierarchy Process"
_NAMED_INCONSISTENCIES = 3
_SCALE_MIN, _SCALE_MAX = 1.0 / 9.0, 9.0
_SUM_TOLERANCE = 1e-9

_RANK_METHODS: Mapping[str, tuple[str, str]] = types.MappingProxyType(
    {
        "roc": ("rank-order-centroid", "w_i = (1/n) * sum_{k=i..n} 1/k"),
        "rank-sum": ("rank-sum", "w_i = 2(n+1-i) / (n(n+1))"),
        "rank-reciprocal": ("rank-reciprocal", "w_i = (1/i) / sum_{k=1..n} 1/k"),
    }
)
_TIES_RULE = "tied criteria each get the average of the weights of the ranks they occupy"


def _check_weights(instance: object, attribute: attrs.Attribute[object], value: object) -> None:
    if not isinstance(value, dict) or not value:
        raise StrategyError("Weighting.weights: expected a non-empty dict criterion -> weight")
    for key, weight in value.items():
        if not isinstance(key, str) or not key.strip():
            raise StrategyError(f"Weighting.weights: criterion id {key!r} is not a non-empty str")
        if not isinstance(weight, float) or not math.isfinite(weight) or weight < 0:
            raise StrategyError(
                f"Weighting.weights[{key!r}]: expected a finite float >= 0, got {weight!r}"
            )
    total = math.fsum(value.values())
    if abs(total - 1.0) > _SUM_TOLERANCE:
        raise StrategyError(f"Weighting.weights: the weights sum to {total!r}, expected 1")


class Inconsistency(NamedTuple):
    """How far one pairwise judgment is from the ratio the derived weights imply.

    Attributes:
        a: the criterion judged more (or less) important...
        b: ...than this one.
        judged: the judgment a_ab: "a is ``judged`` times as important as b".
        implied: the ratio w_a / w_b of the derived weights.
        deviation: |ln(judged / implied)|, 0 when the judgment agrees with the weights.

    """

    a: str
    b: str
    judged: float
    implied: float
    deviation: float


@attrs.frozen
class AHPResult:
    """Details of an analytic-hierarchy-process weighting.

    Attributes:
        criteria: the criteria, in the order of the matrix rows and columns.
        matrix: the full reciprocal comparison matrix the weights were derived from.
        lambda_max: the principal (Perron) eigenvalue of the matrix.
        consistency_index: CI = (lambda_max - n) / (n - 1); 0 when n <= 2.
        consistency_ratio: CR = CI / RI(n); 0 when n <= 2.
        random_index: RI(n) from the table used; 0 when n <= 2.
        threshold: the largest CR accepted as consistent.
        consistent: whether CR <= threshold.
        inconsistencies: every pair (i < j in criteria order), the judgments furthest from
            the weights first.

    """

    criteria: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    threshold: float
    consistent: bool
    inconsistencies: tuple[Inconsistency, ...]


@attrs.frozen
class Weighting:
    """Criterion weights with the method and inputs that produced them.

    Attributes:
        weights: criterion id -> share; the shares sum to 1 (up to float rounding), in the
            order the criteria were given.
        method: ``"direct"``, ``"rank-order-centroid"``, ``"rank-sum"``,
            ``"rank-reciprocal"`` or ``"ahp"``.
        parameters: everything that determined the weights, as JSON-serialisable data.
        ahp: the consistency analysis, for AHP weightings only.
        warnings: what a buyer should look at before publishing the weights, in French
            and English.

    """

    weights: dict[str, float] = attrs.field(validator=_check_weights)
    method: str
    parameters: dict[str, object]
    ahp: AHPResult | None = None
    warnings: tuple[Text, ...] = ()


# --- shared input checks -------------------------------------------------------------


def _real(value: object) -> float | None:
    """Return ``value`` as a float if it is a real number (bools are not), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def _check_id(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StrategyError(
            f"{where}: expected a criterion id (a non-empty string), got {value!r}"
        )
    return value


def _fmt(value: float, lang: Literal["fr", "en"], digits: int = 3) -> str:
    text = f"{value:.{digits}g}"
    return text.replace(".", ",") if lang == "fr" else text


def _fmt_judgment(value: float, lang: Literal["fr", "en"]) -> str:
    """Write a judgment as Saaty does: 5, 1/5, or a decimal when it is neither."""
    if value >= 1 and math.isclose(value, round(value), rel_tol=1e-9):
        return str(round(value))
    if value < 1 and math.isclose(1 / value, round(1 / value), rel_tol=1e-9):
        return f"1/{round(1 / value)}"
    return _fmt(value, lang)


# --- direct points -------------------------------------------------------------------


def direct_weights(points: Mapping[str, float]) -> Weighting:
    """Normalise points (or percentages) given to each criterion into weights.

    Each weight is the criterion's points divided by the total of all points, computed
    exactly and rounded once. The points and their total are recorded in ``parameters``
    so a reader sees that, say, 30 points out of 120 became 0.25.

    Args:
        points: criterion id -> points (any scale: 100 points, percentages, 1-5 marks).

    Returns:
        A ``"direct"`` weighting. A criterion with 0 points gets weight 0 and a warning:
        a requirement belongs in a knock-out, not in a zero weight.

    Raises:
        StrategyError: no criteria, a criterion id that is not a non-empty string, points
            that are not a finite number >= 0, or points that are all zero.

    """
    if not isinstance(points, Mapping):
        raise StrategyError(
            f"direct_weights: expected a mapping criterion -> points, got {type(points).__name__}"
        )
    if not points:
        raise StrategyError("direct_weights: no criteria given; give at least one criterion")
    exact: dict[str, Fraction] = {}
    recorded: dict[str, float | int] = {}
    for key, raw in points.items():
        criterion = _check_id(key, "direct_weights")
        value = _real(raw)
        if value is None or not math.isfinite(value) or value < 0:
            raise StrategyError(
                f"direct_weights: criterion {criterion!r} has points {raw!r}; expected a "
                "finite number >= 0 (points, percentages or marks)."
            )
        if isinstance(raw, numbers.Integral):
            exact[criterion] = Fraction(int(raw))
            recorded[criterion] = int(raw)
        else:
            exact[criterion] = Fraction(value)
            recorded[criterion] = value
    total = sum(exact.values(), Fraction(0))
    if total == 0:
        raise StrategyError(
            "direct_weights: every criterion has 0 points, so no weight can be derived; "
            "give at least one criterion a positive number of points."
        )
    try:
        total_float = float(total)
    except OverflowError:
        total_float = math.inf
    if not math.isfinite(total_float):
        raise StrategyError(
            "direct_weights: the points add up beyond the float range; scale them down."
        )
    weights = {criterion: float(value / total) for criterion, value in exact.items()}
    warnings = tuple(_zero_weight_warning(c) for c, w in exact.items() if w == 0)
    return Weighting(
        weights=weights,
        method="direct",
        parameters={
            "points": recorded,
            "total": (
                int(total) if all(isinstance(v, int) for v in recorded.values()) else total_float
            ),
            "formula": "w_i = points_i / total",
        },
        warnings=warnings,
    )


def _zero_weight_warning(criterion: str) -> Text:
    return msg("Criterion '{criterion}' has 0 points and so weight 0: it cannot influence the "
               "ranking. If it is a requirement, make it a knock-out (conformity) rather than a "
               "zero weight; otherwise remove it.", criterion=criterion)


# --- rankings ------------------------------------------------------------------------


def _rank_base(n: int, method: str) -> list[Fraction]:
    """Return the exact weights of ranks 1..n (no ties) for ``method``."""
    if method == "roc":
        weights: list[Fraction] = []
        tail = Fraction(0)
        for k in range(n, 0, -1):
            tail += Fraction(1, k)
            weights.append(tail / n)
        return weights[::-1]
    if method == "rank-sum":
        return [Fraction(2 * (n + 1 - i), n * (n + 1)) for i in range(1, n + 1)]
    harmonic = sum((Fraction(1, k) for k in range(1, n + 1)), Fraction(0))
    return [Fraction(1, i) / harmonic for i in range(1, n + 1)]


def _ranking_groups(ranking: object) -> list[list[str]]:
    if isinstance(ranking, str) or not isinstance(ranking, Sequence):
        raise StrategyError(
            "rank_weights: expected a sequence of criterion ids (or groups of tied ids), "
            f"most important first, got {ranking!r}"
        )
    if not ranking:
        raise StrategyError("rank_weights: the ranking is empty; give at least one criterion")
    groups: list[list[str]] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(ranking, start=1):
        where = f"rank_weights: position {position}"
        if isinstance(entry, str):
            members: Sequence[object] = [entry]
        elif isinstance(entry, Sequence):
            members = entry
            if not members:
                raise StrategyError(f"{where}: empty group of tied criteria; remove it")
        else:
            raise StrategyError(f"{where}: expected a criterion id or a group, got {entry!r}")
        group = []
        for member in members:
            criterion = _check_id(member, where)
            if criterion in seen:
                raise StrategyError(
                    f"rank_weights: criterion {criterion!r} appears at position "
                    f"{seen[criterion]} and again at position {position}; rank each "
                    "criterion once (put tied criteria together in one group)."
                )
            seen[criterion] = position
            group.append(criterion)
        groups.append(group)
    return groups


def rank_weights(ranking: Sequence[str | Sequence[str]], method: RankMethod) -> Weighting:
    """Derive weights from a ranking of the criteria, most important first.

    The closed forms, for rank i among n criteria:

    - ``"roc"`` (rank-order centroid, Barron & Barrett 1996):
      w_i = (1/n) * sum_{k=i..n} 1/k;
    - ``"rank-sum"``: w_i = 2(n+1-i) / (n(n+1));
    - ``"rank-reciprocal"``: w_i = (1/i) / sum_{k=1..n} 1/k.

    Ties: a group of k tied criteria occupies k consecutive ranks; each of them gets the
    average of the weights of those ranks. The weights still sum to 1, and criteria
    ranked above the group keep exactly the weight they would have without the tie.
    Weights are computed in exact rational arithmetic and rounded once.

    Args:
        ranking: criterion ids from most to least important; an entry may be a group
            (list or tuple) of tied criteria, e.g. ``["price", ["security", "privacy"]]``.
        method: ``"roc"``, ``"rank-sum"`` or ``"rank-reciprocal"``.

    Returns:
        A weighting whose ``method`` is ``"rank-order-centroid"``, ``"rank-sum"`` or
        ``"rank-reciprocal"``; its weights follow the ranking's order.

    Raises:
        StrategyError: an unknown method, an empty ranking or group, an id that is not a
            non-empty string, or a criterion ranked twice.

    """
    if method not in _RANK_METHODS:
        known = ", ".join(repr(m) for m in _RANK_METHODS)
        raise StrategyError(f"rank_weights: unknown method {method!r}; expected one of {known}")
    groups = _ranking_groups(ranking)
    n = sum(len(group) for group in groups)
    base = _rank_base(n, method)
    weights: dict[str, float] = {}
    start = 0
    for group in groups:
        share = sum(base[start : start + len(group)], Fraction(0)) / len(group)
        for criterion in group:
            weights[criterion] = float(share)
        start += len(group)
    name, formula = _RANK_METHODS[method]
    return Weighting(
        weights=weights,
        method=name,
        parameters={
            "ranking": [list(group) for group in groups],
            "n": n,
            "formula": formula,
            "ties": _TIES_RULE,
        },
    )


# --- analytic hierarchy process ------------------------------------------------------


def _check_random_index(table: Mapping[int, float]) -> dict[int, float]:
    if not isinstance(table, Mapping):
        raise StrategyError(
            f"ahp_weights: random_index must map a matrix size to RI, got {type(table).__name__}"
        )
    checked: dict[int, float] = {}
    for size, raw in table.items():
        value = _real(raw)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise StrategyError(
                f"ahp_weights: random_index key {size!r} is not a matrix size (an int >= 1)"
            )
        if value is None or not math.isfinite(value) or value < 0:
            raise StrategyError(
                f"ahp_weights: random_index[{size}] = {raw!r}; expected a finite number >= 0"
            )
        checked[size] = value
    return dict(sorted(checked.items()))


def _cell(criteria: Sequence[str], i: int, j: int) -> str:
    return f"matrix[{i}][{j}] (row {criteria[i]!r}, column {criteria[j]!r})"


def _full_matrix(criteria: Sequence[str], rows: object) -> list[list[float]]:
    n = len(criteria)
    if isinstance(rows, str) or not isinstance(rows, Sequence) or len(rows) != n:
        size = len(rows) if isinstance(rows, Sequence) else type(rows).__name__
        raise StrategyError(
            f"ahp_weights: the matrix must have one row per criterion ({n} rows), got {size}"
        )
    matrix: list[list[float]] = []
    problems: list[str] = []
    for i, row in enumerate(rows):
        if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != n:
            length = len(row) if isinstance(row, Sequence) else type(row).__name__
            raise StrategyError(
                f"ahp_weights: row {i} ({criteria[i]!r}) must have {n} entries, got {length}; "
                "the matrix must be square with one row and column per criterion"
            )
        values: list[float] = []
        for j, raw in enumerate(row):
            value = _real(raw)
            if value is None or not math.isfinite(value) or value <= 0:
                problems.append(
                    f"{_cell(criteria, i, j)} is {raw!r}; expected a finite number > 0"
                )
                value = math.nan
            values.append(value)
        matrix.append(values)
    if not problems:
        problems = _reciprocity_problems(criteria, matrix)
    if problems:
        raise StrategyError(
            "ahp_weights: invalid pairwise comparison matrix:\n  " + "\n  ".join(problems)
        )
    return matrix


def _reciprocity_problems(criteria: Sequence[str], matrix: list[list[float]]) -> list[str]:
    problems = []
    tol = RECIPROCITY_TOLERANCE
    for i, row in enumerate(matrix):
        if not math.isclose(row[i], 1.0, rel_tol=tol):
            problems.append(
                f"{_cell(criteria, i, i)} is {row[i]:.6g}; a criterion compared with itself is 1"
            )
        for j in range(i + 1, len(matrix)):
            a_ij, a_ji = row[j], matrix[j][i]
            if not math.isclose(a_ji * a_ij, 1.0, rel_tol=tol):
                problems.append(
                    f"{_cell(criteria, i, j)} is {a_ij:.6g} but {_cell(criteria, j, i)} is "
                    f"{a_ji:.6g}; they must be reciprocal: expected matrix[{j}][{i}] = "
                    f"1/{a_ij:.6g} = {1 / a_ij:.6g}"
                )
    if any("reciprocal" in p for p in problems):
        problems.append(
            "enter reciprocals exactly (1/3, not 0.33), or give only the upper-triangle "
            "judgments as a mapping (a, b) -> value and let the reciprocals be derived"
        )
    return problems


def _matrix_from_judgments(
    criteria: Sequence[str], judgments: Mapping[tuple[str, str], float]
) -> list[list[float]]:
    n = len(criteria)
    index = {criterion: i for i, criterion in enumerate(criteria)}
    matrix = [[1.0 if i == j else math.nan for j in range(n)] for i in range(n)]
    given: dict[frozenset[int], tuple[str, str]] = {}
    problems: list[str] = []
    for key, raw in judgments.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)):
            problems.append(f"key {key!r} is not a pair (a, b) of criterion ids")
            continue
        a, b = key
        unknown = [c for c in (a, b) if c not in index]
        if unknown:
            problems.append(
                f"judgment ({a!r}, {b!r}) names {', '.join(repr(c) for c in unknown)}, "
                f"not among the criteria {list(criteria)!r}"
            )
            continue
        if a == b:
            problems.append(
                f"judgment ({a!r}, {b!r}) compares a criterion with itself; remove it "
                "(the diagonal is 1 by construction)"
            )
            continue
        pair = frozenset((index[a], index[b]))
        if pair in given:
            first = given[pair]
            problems.append(
                f"judgment ({a!r}, {b!r}) repeats ({first[0]!r}, {first[1]!r}); give each "
                "pair once (its reciprocal is derived)"
            )
            continue
        given[pair] = (a, b)
        value = _real(raw)
        if value is None or not math.isfinite(value) or value <= 0:
            problems.append(f"judgment ({a!r}, {b!r}) is {raw!r}; expected a finite number > 0")
            continue
        matrix[index[a]][index[b]] = value
        matrix[index[b]][index[a]] = 1.0 / value
    for i in range(n):
        for j in range(i + 1, n):
            if frozenset((i, j)) not in given:
                problems.append(
                    f"no judgment for the pair ({criteria[i]!r}, {criteria[j]!r}); "
                    f"add how many times {criteria[i]!r} is as important as {criteria[j]!r}"
                )
    if problems:
        raise StrategyError("ahp_weights: invalid pairwise judgments:\n  " + "\n  ".join(problems))
    return matrix


def _principal_eigen(matrix: list[list[float]]) -> tuple[list[float], float]:
    """Return the Perron eigenvector (normalised to sum 1) and eigenvalue of ``matrix``."""
    values, vectors = np.linalg.eig(np.array(matrix, dtype=np.float64))
    # A positive matrix has one real, simple eigenvalue of largest modulus (Perron):
    # it is also the one with the largest real part.
    k = int(np.argmax(values.real))
    vector = vectors[:, k].real
    vector = vector / vector.sum()
    weights = [float(x) for x in vector]
    if not all(math.isfinite(w) and w > 0 for w in weights):
        raise StrategyError(
            "ahp_weights: no positive priority vector could be computed; the judgments span "
            "too wide a range of values. Use Saaty's 1-9 scale."
        )
    return weights, float(values[k].real)


def _inconsistencies(
    criteria: Sequence[str], matrix: list[list[float]], weights: list[float]
) -> tuple[Inconsistency, ...]:
    pairs = []
    for i in range(len(criteria)):
        for j in range(i + 1, len(criteria)):
            implied = weights[i] / weights[j]
            judged = matrix[i][j]
            deviation = abs(math.log(judged * weights[j] / weights[i]))
            pairs.append(Inconsistency(criteria[i], criteria[j], judged, implied, deviation))
    # Stable sort: equal deviations keep the criteria order.
    # Deviations are rounded for sorting so that pairs equal up to float noise keep the
    # criteria order on every platform.
    return tuple(sorted(pairs, key=lambda p: -round(p.deviation, 12)))


def _inconsistency_warning(ratio: float, threshold: float, worst: Sequence[Inconsistency]) -> Text:
    fr_items = " ; ".join(
        f"« {p.a} » par rapport à « {p.b} » jugé {_fmt_judgment(p.judged, 'fr')} "
        f"alors que les poids impliquent {_fmt(p.implied, 'fr')}"
        for p in worst
    )
    en_items = "; ".join(
        f"'{p.a}' vs '{p.b}' judged {_fmt_judgment(p.judged, 'en')} "
        f"but the weights imply {_fmt(p.implied, 'en')}"
        for p in worst
    )
    fr_ratio, fr_threshold = (f"{x:.3f}".replace(".", ",") for x in (ratio, threshold))
    return msg("The pairwise comparisons are inconsistent: consistency ratio {ratio} > threshold "
               "{threshold}. Judgments furthest from the weights: {items}. Review these "
               "judgments with the people who made them, then recompute the weights.",
               items=Text(fr=format(fr_items, ''), en=format(en_items, '')),
               ratio=Text(fr=format(fr_ratio, ''), en=format(ratio, '.3f')),
               threshold=Text(fr=format(fr_threshold, ''), en=format(threshold, '.3f')))


def _scale_warning(outside: Sequence[tuple[str, str, float]]) -> Text:
    fr = " ; ".join(f"« {a} »/« {b} » = {_fmt_judgment(v, 'fr')}" for a, b, v in outside)
    en = "; ".join(f"'{a}'/'{b}' = {_fmt_judgment(v, 'en')}" for a, b, v in outside)
    return msg("Judgments outside Saaty's 1-9 scale (1/9 to 9): {text}. The random-index table "
               "was calibrated on that scale, so the consistency ratio may mislead. Bring these "
               "judgments back into the scale.", text=Text(fr=fr, en=en))


def ahp_weights(
    criteria: Sequence[str],
    matrix: Sequence[Sequence[float]] | Mapping[tuple[str, str], float],
    random_index: Mapping[int, float] | None = None,
    *,
    threshold: float = DEFAULT_CONSISTENCY_THRESHOLD,
) -> Weighting:
    """Derive weights from pairwise comparisons (Saaty's analytic hierarchy process).

    The weights are the principal right eigenvector of the reciprocal comparison matrix
    (computed with ``numpy.linalg.eig``, normalised to sum 1). Its eigenvalue lambda_max
    gives CI = (lambda_max - n) / (n - 1) and CR = CI / RI(n). A matrix with n <= 2 is
    consistent by construction (CI = CR = 0). Rounding can leave lambda_max a hair below
    n for a consistent matrix; CI is then reported as 0.

    When CR > ``threshold``, a warning names the three judgments furthest from the
    ratios the weights imply, measured by |ln(a_ij * w_j / w_i)|; they are the first to
    revisit. Judgments outside 1/9..9 get a warning too, since RI was calibrated on it.

    Args:
        criteria: the criterion ids, in the order of the matrix rows and columns.
        matrix: either the full n x n matrix, where ``matrix[i][j]`` says how many times
            criterion i is as important as criterion j (diagonal 1, ``matrix[j][i]`` =
            1/``matrix[i][j]`` within a relative tolerance of 1e-9); or a mapping with one
            judgment per pair, ``(a, b) -> value`` meaning "a is value times as important
            as b", from which the reciprocal matrix is built.
        random_index: RI by matrix size; ``None`` uses :data:`SAATY_RANDOM_INDEX`
            (Saaty 1980). Other published tables differ: pass the one your method states.
        threshold: the largest consistency ratio accepted (Saaty: 0.10).

    Returns:
        An ``"ahp"`` weighting whose ``ahp`` holds lambda_max, CI, CR, the table entry
        used and every judgment's deviation; the table and threshold are in
        ``parameters``.

    Raises:
        StrategyError: empty or duplicate criteria; a matrix that is not square of the
            criteria's size, not positive, not 1 on the diagonal or not reciprocal (each
            wrong cell is named); a missing, repeated or unknown judgment; a table without
            an entry (> 0) for n >= 3; a threshold that is not a finite number >= 0.

    """
    if isinstance(criteria, str) or not isinstance(criteria, Sequence) or not criteria:
        raise StrategyError(
            f"ahp_weights: expected a non-empty sequence of criterion ids, got {criteria!r}"
        )
    names: list[str] = []
    for position, criterion in enumerate(criteria):
        name = _check_id(criterion, f"ahp_weights: criteria[{position}]")
        if name in names:
            raise StrategyError(
                f"ahp_weights: criterion {name!r} is listed twice (positions "
                f"{names.index(name)} and {position}); list each criterion once"
            )
        names.append(name)
    limit = _real(threshold)
    if limit is None or not math.isfinite(limit) or limit < 0:
        raise StrategyError(
            f"ahp_weights: threshold {threshold!r} is not a finite number >= 0 (Saaty: 0.10)"
        )
    table = _check_random_index(SAATY_RANDOM_INDEX if random_index is None else random_index)
    n = len(names)
    if n >= 3 and (n not in table or table[n] <= 0):
        state = "has no entry" if n not in table else f"has {table[n]!r}"
        raise StrategyError(
            f"ahp_weights: the random-index table {state} for n = {n} criteria, so the "
            f"consistency ratio cannot be computed; pass random_index with a value > 0 for "
            f"{n} (from a published table, e.g. {{{n}: ...}})."
        )

    if isinstance(matrix, Mapping):
        full = _matrix_from_judgments(names, matrix)
        form = "judgments"
    else:
        full = _full_matrix(names, matrix)
        form = "matrix"

    weights, lambda_max = _principal_eigen(full)
    if n <= 2:
        ri = ci = cr = 0.0
    else:
        ri = table[n]
        ci = max(0.0, (lambda_max - n) / (n - 1))
        cr = ci / ri
    inconsistencies = _inconsistencies(names, full, weights)
    consistent = cr <= limit

    warnings: list[Text] = []
    if not consistent:
        warnings.append(
            _inconsistency_warning(cr, limit, inconsistencies[:_NAMED_INCONSISTENCIES])
        )
    outside = [
        (names[i], names[j], full[i][j])
        for i in range(n)
        for j in range(i + 1, n)
        if not _SCALE_MIN * (1 - 1e-9) <= full[i][j] <= _SCALE_MAX * (1 + 1e-9)
    ]
    if outside:
        warnings.append(_scale_warning(outside))

    result = AHPResult(
        criteria=tuple(names),
        matrix=tuple(tuple(row) for row in full),
        lambda_max=lambda_max,
        consistency_index=ci,
        consistency_ratio=cr,
        random_index=ri,
        threshold=limit,
        consistent=consistent,
        inconsistencies=inconsistencies,
    )
    return Weighting(
        weights=dict(zip(names, weights, strict=True)),
        method="ahp",
        parameters={
            "criteria": list(names),
            "matrix": [list(row) for row in full],
            "input": form,
            "priority": "principal right eigenvector (numpy.linalg.eig), normalised to sum 1",
            "random_index": {str(size): value for size, value in table.items()},
            "random_index_source": _SAATY_SOURCE if random_index is None else "caller",
            "consistency_threshold": limit,
            "reciprocity_tolerance": RECIPROCITY_TOLERANCE,
            "inconsistency_measure": "|ln(a_ij * w_j / w_i)|",
        },
        ahp=result,
        warnings=tuple(warnings),
    )
