"""Tests for ai_procurement.decision.strategy: priorities -> criterion weights."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence

import pytest
from hypothesis import given, strategies as st

from ai_procurement.decision.strategy import (
    SAATY_RANDOM_INDEX,
    Weighting,
    ahp_weights,
    direct_weights,
    rank_weights,
)
from ai_procurement.errors import StrategyError
from ai_procurement.text import Text

RANK_METHODS = ("roc", "rank-sum", "rank-reciprocal")

# --- independent reference computations (plain floats, no library code) --------------


def roc(n: int) -> list[float]:
    """Rank-order centroid, Barron & Barrett (1996): w_i = (1/n) sum_{k=i..n} 1/k."""
    return [sum(1 / k for k in range(i, n + 1)) / n for i in range(1, n + 1)]


def rank_sum(n: int) -> list[float]:
    """Rank-sum: w_i = 2(n+1-i) / (n(n+1))."""
    return [2 * (n + 1 - i) / (n * (n + 1)) for i in range(1, n + 1)]


def rank_reciprocal(n: int) -> list[float]:
    """Rank-reciprocal: w_i = (1/i) / sum_k 1/k."""
    harmonic = sum(1 / k for k in range(1, n + 1))
    return [(1 / i) / harmonic for i in range(1, n + 1)]


CLOSED_FORMS = {"roc": roc, "rank-sum": rank_sum, "rank-reciprocal": rank_reciprocal}


def power_iteration(matrix: Sequence[Sequence[float]]) -> tuple[list[float], float]:
    """Perron vector and eigenvalue by plain power iteration (independent of numpy.eig)."""
    n = len(matrix)
    w = [1 / n] * n
    for _ in range(10_000):
        product = [sum(matrix[i][j] * w[j] for j in range(n)) for i in range(n)]
        total = sum(product)
        new = [x / total for x in product]
        if max(abs(a - b) for a, b in zip(new, w, strict=True)) < 1e-15:
            w = new
            break
        w = new
    product = [sum(matrix[i][j] * w[j] for j in range(n)) for i in range(n)]
    lambda_max = sum(product[i] / w[i] for i in range(n)) / n
    return w, lambda_max


def names(n: int) -> list[str]:
    return [f"c{i}" for i in range(1, n + 1)]


# --- rank weights ---------------------------------------------------------------------


@pytest.mark.parametrize("method", RANK_METHODS)
@pytest.mark.parametrize("n", range(2, 11))
def test_rank_weights_match_the_closed_forms(method: str, n: int) -> None:
    weighting = rank_weights(names(n), method)  # type: ignore[arg-type]
    assert list(weighting.weights) == names(n)
    assert list(weighting.weights.values()) == pytest.approx(CLOSED_FORMS[method](n), rel=1e-12)
    assert math.fsum(weighting.weights.values()) == pytest.approx(1.0, abs=1e-15)


def test_rank_weights_worked_example_for_three_criteria() -> None:
    # ROC, n = 3: w1 = (1 + 1/2 + 1/3)/3 = 11/18, w2 = (1/2 + 1/3)/3 = 5/18, w3 = (1/3)/3 = 2/18
    roc3 = rank_weights(["price", "security", "support"], "roc")
    assert roc3.method == "rank-order-centroid"
    assert roc3.weights == {"price": 11 / 18, "security": 5 / 18, "support": 2 / 18}
    # rank-sum, n = 3: 2(3+1-i)/(3*4) = 6/12, 4/12, 2/12
    assert list(rank_weights(["a", "b", "c"], "rank-sum").weights.values()) == [
        1 / 2,
        1 / 3,
        1 / 6,
    ]
    # rank-reciprocal, n = 3: sum 1/k = 11/6, so w = 6/11, 3/11, 2/11
    assert list(rank_weights(["a", "b", "c"], "rank-reciprocal").weights.values()) == [
        6 / 11,
        3 / 11,
        2 / 11,
    ]


def test_rank_weights_ties_share_the_average_of_their_ranks() -> None:
    # ROC, n = 4, "b" and "c" tied on ranks 2 and 3:
    #   w1 = (1 + 1/2 + 1/3 + 1/4)/4 = 25/48
    #   w2 = (1/2 + 1/3 + 1/4)/4 = 13/48, w3 = (1/3 + 1/4)/4 = 7/48 -> tie = (13 + 7)/2/48 = 10/48
    #   w4 = (1/4)/4 = 3/48; total 25 + 10 + 10 + 3 = 48
    weighting = rank_weights(["a", ["b", "c"], "d"], "roc")
    assert weighting.weights == pytest.approx(
        {"a": 25 / 48, "b": 10 / 48, "c": 10 / 48, "d": 3 / 48}, rel=1e-15
    )
    assert weighting.parameters["ranking"] == [["a"], ["b", "c"], ["d"]]
    assert "average" in str(weighting.parameters["ties"])


@pytest.mark.parametrize("method", RANK_METHODS)
def test_rank_weights_all_tied_gives_equal_weights(method: str) -> None:
    weighting = rank_weights([("a", "b", "c", "d", "e")], method)  # type: ignore[arg-type]
    assert list(weighting.weights.values()) == pytest.approx([0.2] * 5, rel=1e-15)


def test_rank_weights_records_method_and_formula_as_json() -> None:
    weighting = rank_weights(["a", "b"], "rank-reciprocal")
    assert weighting.method == "rank-reciprocal"
    assert weighting.parameters["n"] == 2
    assert "1/i" in str(weighting.parameters["formula"])
    assert json.loads(json.dumps(weighting.parameters)) == weighting.parameters


@given(
    n=st.integers(min_value=1, max_value=12),
    method=st.sampled_from(RANK_METHODS),
    data=st.data(),
)
def test_rank_weights_properties(n: int, method: str, data: st.DataObject) -> None:
    ranking = data.draw(st.permutations(names(n)))
    weighting = rank_weights(ranking, method)  # type: ignore[arg-type]
    values = list(weighting.weights.values())
    assert list(weighting.weights) == ranking
    assert math.fsum(values) == pytest.approx(1.0, abs=1e-12)
    assert all(a >= b for a, b in itertools.pairwise(values))
    # Weights depend only on the position: renaming criteria permutes the weights.
    assert values == list(rank_weights(names(n), method).weights.values())  # type: ignore[arg-type]


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=6),
    method=st.sampled_from(RANK_METHODS),
)
def test_rank_weights_with_ties_properties(sizes: list[int], method: str) -> None:
    all_names = iter(names(sum(sizes)))
    groups = [[next(all_names) for _ in range(size)] for size in sizes]
    weighting = rank_weights(groups, method)  # type: ignore[arg-type]
    n = sum(sizes)
    base = CLOSED_FORMS[method](n)
    assert math.fsum(weighting.weights.values()) == pytest.approx(1.0, abs=1e-12)
    start = 0
    previous = math.inf
    for group in groups:
        expected = sum(base[start : start + len(group)]) / len(group)
        for criterion in group:
            assert weighting.weights[criterion] == pytest.approx(expected, rel=1e-12)
        assert expected <= previous + 1e-15
        previous = expected
        start += len(group)


@pytest.mark.parametrize(
    ("ranking", "method", "message"),
    [
        ([], "roc", "empty"),
        (["a", [], "b"], "roc", "empty group"),
        (["a", "b", "a"], "roc", "'a' appears at position 1 and again at position 3"),
        (["a", ["b", "a"]], "rank-sum", "'a' appears"),
        (["a", "b"], "borda", "unknown method 'borda'"),
        ("abc", "roc", "sequence of criterion ids"),
        (["a", 3], "roc", "criterion id"),
        (["a", ""], "roc", "criterion id"),
    ],
)
def test_rank_weights_rejects_bad_rankings(ranking: object, method: str, message: str) -> None:
    with pytest.raises(StrategyError, match=message.replace("(", r"\(")):
        rank_weights(ranking, method)  # type: ignore[arg-type]


# --- direct weights -------------------------------------------------------------------


def test_direct_weights_normalise_points_explicitly() -> None:
    # 30 + 50 + 20 = 100 points -> 0.3, 0.5, 0.2; a percentage sheet gives the same.
    weighting = direct_weights({"quality": 30, "price": 50, "environment": 20})
    assert weighting.method == "direct"
    assert weighting.weights == {"quality": 0.3, "price": 0.5, "environment": 0.2}
    assert list(weighting.weights) == ["quality", "price", "environment"]
    assert weighting.parameters["points"] == {"quality": 30, "price": 50, "environment": 20}
    assert weighting.parameters["total"] == 100
    assert weighting.warnings == ()
    assert json.loads(json.dumps(weighting.parameters)) == weighting.parameters


def test_direct_weights_any_scale() -> None:
    # Marks 3, 2, 1 out of a total of 6 -> 1/2, 1/3, 1/6.
    weighting = direct_weights({"a": 3.0, "b": 2.0, "c": 1.0})
    assert weighting.weights == {"a": 1 / 2, "b": 1 / 3, "c": 1 / 6}
    assert weighting.parameters["total"] == 6.0


def test_direct_weights_warns_about_a_zero_weight_in_both_languages() -> None:
    weighting = direct_weights({"a": 60, "b": 40, "biometrics": 0})
    assert weighting.weights["biometrics"] == 0.0
    (warning,) = weighting.warnings
    assert isinstance(warning, Text)
    assert "'biometrics'" in warning.en
    assert "knock-out" in warning.en
    assert "« biometrics »" in warning.fr
    assert "éliminatoire" in warning.fr


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({}, "no criteria"),
        ({"a": 1, "b": -2}, "criterion 'b' has points -2"),
        ({"a": math.nan}, "criterion 'a' has points nan"),
        ({"a": 1, "b": math.inf}, "criterion 'b' has points inf"),
        ({"a": 0, "b": 0.0}, "every criterion has 0 points"),
        ({"a": True}, "criterion 'a'"),
        ({"a": "10"}, "criterion 'a'"),
        ({"": 1}, "criterion id"),
        ({"a": 1e308, "b": 1e308}, "scale them down"),
    ],
)
def test_direct_weights_rejects_bad_points(points: dict[str, object], message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        direct_weights(points)  # type: ignore[arg-type]


@given(
    st.dictionaries(
        st.text(alphabet="abcdefgh", min_size=1, max_size=4),
        # Points are what people type: zero, or at least a millionth (subnormal floats
        # would underflow to 0 when the test rescales them).
        st.floats(min_value=0, max_value=1e6, allow_nan=False).filter(
            lambda v: v == 0 or v >= 1e-6),
        min_size=1,
        max_size=10,
    ).filter(lambda p: any(v > 0 for v in p.values())),
    st.sampled_from([0.01, 3.0, 100.0]),
)
def test_direct_weights_properties(points: dict[str, float], scale: float) -> None:
    weighting = direct_weights(points)
    total = math.fsum(points.values())
    assert math.fsum(weighting.weights.values()) == pytest.approx(1.0, abs=1e-12)
    for criterion, value in points.items():
        assert weighting.weights[criterion] == pytest.approx(value / total, rel=1e-12, abs=1e-300)
    # Only proportions matter: points out of 100 or out of 1 give the same weights.
    scaled = direct_weights({c: v * scale for c, v in points.items()})
    assert list(scaled.weights.values()) == pytest.approx(
        list(weighting.weights.values()), rel=1e-9, abs=1e-300
    )


def test_weighting_refuses_weights_that_do_not_sum_to_one() -> None:
    with pytest.raises(StrategyError, match=r"sum to 0\.9"):
        Weighting(weights={"a": 0.5, "b": 0.4}, method="direct", parameters={})
    with pytest.raises(StrategyError, match="finite float >= 0"):
        Weighting(weights={"a": 1.5, "b": -0.5}, method="direct", parameters={})


# --- AHP ------------------------------------------------------------------------------

# Saaty, T.L. (2008) "Decision making with the analytic hierarchy process",
# Int. J. Services Sciences 1(1), pp. 83-98: "Which drink is consumed more in the US?"
# Judgments (row over column) and the derived priorities published beside them:
# coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129, water .327.
DRINKS = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
DRINKS_MATRIX: list[list[float]] = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
DRINKS_PUBLISHED = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]

# Wikipedia, "Analytic hierarchy process – leader example": criteria of the goal,
# judgments given once per pair. Published weights: experience .547, education .127,
# charisma .270, age .056.
LEADER = ["experience", "education", "charisma", "age"]
LEADER_JUDGMENTS = {
    ("experience", "education"): 4.0,
    ("experience", "charisma"): 3.0,
    ("experience", "age"): 7.0,
    ("education", "charisma"): 1 / 3,
    ("education", "age"): 3.0,
    ("charisma", "age"): 5.0,
}
LEADER_PUBLISHED = [0.547, 0.127, 0.270, 0.056]


def test_ahp_saaty_2008_drinks_example() -> None:
    weighting = ahp_weights(DRINKS, DRINKS_MATRIX)
    assert weighting.method == "ahp"
    weights = list(weighting.weights.values())
    # The published priorities, to the three decimals Saaty prints.
    assert [round(w, 3) for w in weights] == DRINKS_PUBLISHED
    # The rest is checked against an independent power iteration in this test.
    expected, lambda_max = power_iteration(DRINKS_MATRIX)
    assert weights == pytest.approx(expected, rel=1e-9)
    ahp = weighting.ahp
    assert ahp is not None
    assert ahp.lambda_max == pytest.approx(lambda_max, rel=1e-12)
    assert ahp.consistency_index == pytest.approx((lambda_max - 7) / 6, rel=1e-9)
    assert ahp.random_index == 1.32
    assert ahp.consistency_ratio == pytest.approx((lambda_max - 7) / 6 / 1.32, rel=1e-9)
    assert ahp.consistency_ratio < 0.10
    assert ahp.consistent
    assert weighting.warnings == ()


def test_ahp_wikipedia_leader_example_from_judgments() -> None:
    weighting = ahp_weights(LEADER, LEADER_JUDGMENTS)
    weights = list(weighting.weights.values())
    # Wikipedia prints .547 for experience where the eigenvector gives 0.5476 (the other
    # three agree once rounded), so the published figures are checked to +-0.001.
    assert weights == pytest.approx(LEADER_PUBLISHED, abs=1e-3)
    assert sorted(weighting.weights, key=weighting.weights.__getitem__, reverse=True) == [
        "experience",
        "charisma",
        "education",
        "age",
    ]
    full = weighting.parameters["matrix"]
    assert isinstance(full, list)
    expected, lambda_max = power_iteration(full)
    assert weights == pytest.approx(expected, rel=1e-9)
    assert weighting.ahp is not None
    assert weighting.ahp.consistency_ratio == pytest.approx((lambda_max - 4) / 3 / 0.90, rel=1e-9)
    assert weighting.ahp.consistent
    assert weighting.parameters["input"] == "judgments"


def test_ahp_judgments_and_full_matrix_agree_in_either_orientation() -> None:
    # ("education", "experience") = 1/4 says the same as ("experience", "education") = 4.
    judgments = dict(LEADER_JUDGMENTS)
    del judgments[("experience", "education")]
    judgments[("education", "experience")] = 1 / 4
    from_judgments = ahp_weights(LEADER, judgments)
    matrix: list[list[float]] = [
        [1, 4, 3, 7],
        [1 / 4, 1, 1 / 3, 3],
        [1 / 3, 3, 1, 5],
        [1 / 7, 1 / 3, 1 / 5, 1],
    ]
    from_matrix = ahp_weights(LEADER, matrix)
    assert from_judgments.weights == pytest.approx(from_matrix.weights, rel=1e-12)
    assert from_matrix.parameters["input"] == "matrix"


def test_ahp_consistent_matrix_gives_exact_weights_and_zero_ratio() -> None:
    # Weights 0.5, 0.3, 0.2 imply a_ij = w_i / w_j: 5/3, 5/2 and 3/2; such a matrix is
    # perfectly consistent, so lambda_max = n = 3 and CI = CR = 0.
    weighting = ahp_weights(
        ["a", "b", "c"], {("a", "b"): 5 / 3, ("a", "c"): 5 / 2, ("b", "c"): 3 / 2}
    )
    assert weighting.weights == pytest.approx({"a": 0.5, "b": 0.3, "c": 0.2}, rel=1e-12)
    ahp = weighting.ahp
    assert ahp is not None
    assert ahp.lambda_max == pytest.approx(3.0, rel=1e-12)
    assert ahp.consistency_index == pytest.approx(0.0, abs=1e-12)
    assert ahp.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    assert ahp.consistent
    assert all(item.deviation == pytest.approx(0.0, abs=1e-12) for item in ahp.inconsistencies)
    assert weighting.warnings == ()


@given(
    st.lists(st.floats(min_value=0.05, max_value=1.0), min_size=1, max_size=9),
    st.data(),
)
def test_ahp_properties_on_consistent_matrices(raw: list[float], data: st.DataObject) -> None:
    n = len(raw)
    total = math.fsum(raw)
    target = [x / total for x in raw]
    criteria = names(n)
    matrix = [[target[i] / target[j] for j in range(n)] for i in range(n)]
    weighting = ahp_weights(criteria, matrix)
    assert list(weighting.weights.values()) == pytest.approx(target, rel=1e-9)
    assert math.fsum(weighting.weights.values()) == pytest.approx(1.0, abs=1e-12)
    assert weighting.ahp is not None
    assert weighting.ahp.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    # Reordering the criteria (rows and columns together) permutes the weights.
    order = data.draw(st.permutations(range(n)))
    permuted = ahp_weights(
        [criteria[k] for k in order], [[matrix[i][j] for j in order] for i in order]
    )
    assert permuted.weights == pytest.approx(weighting.weights, rel=1e-9)


def inconsistent_five() -> list[list[float]]:
    # Consistent judgments from weights 8:4:2:1:1 (a_ij = w_i / w_j), then one judgment
    # reversed: "a is 1/4 as important as c" where the others imply a = 4 x c.
    base = [8, 4, 2, 1, 1]
    matrix = [[base[i] / base[j] for j in range(5)] for i in range(5)]
    matrix[0][2], matrix[2][0] = 1 / 4, 4.0
    return matrix


def test_ahp_inconsistent_matrix_names_the_wrong_judgment() -> None:
    weighting = ahp_weights(["a", "b", "c", "d", "e"], inconsistent_five())
    ahp = weighting.ahp
    assert ahp is not None
    assert ahp.consistency_ratio > 0.10
    assert not ahp.consistent
    worst = ahp.inconsistencies[0]
    assert (worst.a, worst.b, worst.judged) == ("a", "c", 0.25)
    assert worst.implied == pytest.approx(weighting.weights["a"] / weighting.weights["c"])
    assert worst.deviation == pytest.approx(abs(math.log(0.25 / worst.implied)))
    # Every pair once, worst first (pairs equal up to float noise keep the criteria order).
    assert len(ahp.inconsistencies) == 10
    deviations = [item.deviation for item in ahp.inconsistencies]
    assert all(x >= y - 1e-12 for x, y in itertools.pairwise(deviations))
    (warning,) = weighting.warnings
    assert "'a' vs 'c' judged 1/4" in warning.en
    assert f"consistency ratio {ahp.consistency_ratio:.3f}" in warning.en
    assert "« a » par rapport à « c » jugé 1/4" in warning.fr
    assert warning.en.count(" judged ") == 3
    assert warning.fr.count(" jugé ") == 3


def test_ahp_threshold_is_a_recorded_parameter() -> None:
    strict = ahp_weights(["a", "b", "c", "d", "e"], inconsistent_five())
    assert strict.ahp is not None
    lenient = ahp_weights(
        ["a", "b", "c", "d", "e"], inconsistent_five(), threshold=strict.ahp.consistency_ratio
    )
    assert lenient.ahp is not None
    assert lenient.ahp.consistent
    assert lenient.warnings == ()
    assert lenient.weights == strict.weights
    assert strict.parameters["consistency_threshold"] == 0.10
    assert lenient.parameters["consistency_threshold"] == strict.ahp.consistency_ratio


def test_ahp_records_the_random_index_table() -> None:
    default = ahp_weights(LEADER, LEADER_JUDGMENTS)
    assert default.parameters["random_index"] == {
        str(n): ri for n, ri in SAATY_RANDOM_INDEX.items()
    }
    assert "Saaty (1980)" in str(default.parameters["random_index_source"])
    assert json.loads(json.dumps(default.parameters)) == default.parameters
    # Another published table (here only its n = 4 entry) changes CR, and is recorded.
    other = ahp_weights(LEADER, LEADER_JUDGMENTS, random_index={4: 0.89})
    assert other.parameters["random_index"] == {"4": 0.89}
    assert other.parameters["random_index_source"] == "caller"
    assert default.ahp is not None
    assert other.ahp is not None
    assert other.ahp.random_index == 0.89
    assert other.ahp.consistency_ratio == pytest.approx(
        default.ahp.consistency_index / 0.89, rel=1e-12
    )


def test_ahp_small_matrices_are_consistent_by_construction() -> None:
    single = ahp_weights(["only"], [[1]])
    assert single.weights == {"only": 1.0}
    # A 2x2 reciprocal matrix is always consistent: 9 and 1/9 give 0.9 and 0.1.
    pair = ahp_weights(["a", "b"], {("a", "b"): 9}, random_index={})
    assert pair.weights == pytest.approx({"a": 0.9, "b": 0.1}, rel=1e-12)
    assert pair.ahp is not None
    assert pair.ahp.consistency_ratio == 0.0
    assert pair.ahp.consistent


def test_ahp_warns_about_judgments_outside_saaty_scale() -> None:
    weighting = ahp_weights(["a", "b"], {("a", "b"): 20})
    (warning,) = weighting.warnings
    assert "'a'/'b' = 20" in warning.en
    assert "1-9" in warning.en
    assert "« a »/« b » = 20" in warning.fr


@pytest.mark.parametrize(
    ("criteria", "matrix", "message"),
    [
        (["a", "b"], [[1, 2]], r"one row per criterion \(2 rows\), got 1"),
        (["a", "b"], [[1, 2], [0.5]], r"row 1 \('b'\) must have 2 entries"),
        (["a", "b"], [[1, 0], [0, 1]], r"matrix\[0\]\[1\] \(row 'a', column 'b'\) is 0"),
        (["a", "b"], [[1, math.nan], [2, 1]], "finite number > 0"),
        (["a", "b"], [[1, -2], [-0.5, 1]], "is -2"),
        (["a", "b"], [[2, 2], [0.5, 1]], r"matrix\[0\]\[0\] .* compared with itself is 1"),
        (
            ["a", "b", "c"],
            [[1, 3, 2], [0.33, 1, 1], [0.5, 1, 1]],
            r"matrix\[0\]\[1\] \(row 'a', column 'b'\) is 3 but matrix\[1\]\[0\] "
            r"\(row 'b', column 'a'\) is 0.33; they must be reciprocal",
        ),
        ([], [], "non-empty sequence"),
        (["a", "a"], [[1, 1], [1, 1]], "'a' is listed twice"),
        (
            ["a", "b", "c"],
            {("a", "b"): 2, ("a", "c"): 3},
            r"no judgment for the pair \('b', 'c'\)",
        ),
        (["a", "b"], {("a", "b"): 2, ("b", "a"): 0.5}, "give each pair once"),
        (["a", "b"], {("a", "b"): 2, ("a", "z"): 3}, "names 'z', not among the criteria"),
        (["a", "b"], {("a", "b"): 2, ("a", "a"): 1}, "compares a criterion with itself"),
        (["a", "b"], {("a", "b"): 0}, r"judgment \('a', 'b'\) is 0"),
    ],
)
def test_ahp_rejects_invalid_matrices(criteria: list[str], matrix: object, message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        ahp_weights(criteria, matrix)  # type: ignore[arg-type]


def test_ahp_needs_a_random_index_for_the_matrix_size() -> None:
    criteria = names(11)
    matrix = [[1.0] * 11 for _ in range(11)]
    with pytest.raises(StrategyError, match=r"no entry for n = 11.*pass random_index"):
        ahp_weights(criteria, matrix)
    weighting = ahp_weights(criteria, matrix, random_index={11: 1.51})
    assert list(weighting.weights.values()) == pytest.approx([1 / 11] * 11, rel=1e-12)
    with pytest.raises(StrategyError, match="random_index"):
        ahp_weights(names(3), [[1.0] * 3] * 3, random_index={3: -1.0})


def test_ahp_rejects_a_bad_threshold() -> None:
    with pytest.raises(StrategyError, match="threshold"):
        ahp_weights(LEADER, LEADER_JUDGMENTS, threshold=-0.1)
