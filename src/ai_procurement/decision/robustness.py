"""How fragile is the ranking? Findings a procurement committee can read.

A ranking is a point estimate: the weights could have been set a little differently,
the price could have been scored by another method, one offer could have stayed out,
one evaluator could have been away. :func:`robustness` asks each of those questions of
an :class:`~ai_procurement.decision.scoring.Evaluation` and states every answer in a plain
sentence, in French and English, for the decision memo. The mathematics lives in
:mod:`ai_procurement.decision.robustness_math` (pure numpy, tested against closed forms).

Every parameter (samples, seed, band, thresholds) is explicit and recorded with the
result: the same evaluation and parameters give the same findings.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import attrs

from ai_procurement.bank.model import FreeText
from ai_procurement.decision import robustness_math as rm
from ai_procurement.decision.price import PRICE_METHODS, PriceMethod, price_points
from ai_procurement.decision.ranking import competition_ranking
from ai_procurement.decision.scoring import Evaluation, ScoreLine, VendorResult
from ai_procurement.errors import PriceError
from ai_procurement.text import Lang, Text, msg, nmsg

__all__ = ["MethodOutcome", "Parts", "Robustness", "assess_robustness"]


@attrs.frozen
class MethodOutcome:
    """The ranking if the price had been scored by ``method``."""

    method: PriceMethod
    totals: Mapping[str, float]
    ranks: Mapping[str, int]

    @property
    def winners(self) -> tuple[str, ...]:
        """The vendors ranked first (several when tied)."""
        return tuple(sorted(v for v, r in self.ranks.items() if r == 1))


@attrs.frozen
class Robustness:
    """Every robustness check of one evaluation, with its parameters and findings.

    ``vendors`` and ``criteria`` give the order of the rows and columns of the numeric
    results (only ranked offers and weighted criteria take part).
    """

    vendors: tuple[str, ...]
    criteria: tuple[str, ...]
    parameters: Mapping[str, object]
    close_call: rm.CloseCall | None
    tipping: rm.TippingPoints | None
    acceptability_band: rm.SMAAResult | None
    acceptability_simplex: rm.SMAAResult | None
    price_methods: tuple[MethodOutcome, ...]
    leave_one_out: rm.LeaveOneOut | None
    without_evaluator: Mapping[str, tuple[str, ...]]
    findings: tuple[Text, ...]

    def sentences(self, lang: Lang) -> list[str]:
        """The findings in ``lang``, one plain sentence each."""
        return [finding.get(lang) for finding in self.findings]


def assess_robustness(evaluation: Evaluation, *, samples: int = 20_000, seed: int = 2026,
                      band: float = 0.2, close_call_threshold: float = 0.02,
                      run: Parts | None = None) -> Robustness:
    """Test how robust the ranking of ``evaluation`` is.

    Args:
        evaluation: the scored offers.
        samples: weight vectors drawn for the acceptability analysis (SMAA-2).
        seed: seed of the random generator (same seed, same results).
        band: relative half-width of the weight variations around the published
            weights (0.2 = +/- 20 %).
        close_call_threshold: below this gap between the first two offers, as a share
            of the total points, there is no clear winner (0.02 = 2 % of the points).
        run: runs the three independent tests (the two acceptability analyses, then the
            price methods, leave-one-out and leave-one-evaluator-out together), given as
            callables without arguments, and returns their results in the same order;
            None runs them here, one after the other. A caller may run them in parallel:
            the results do not depend on it.

    Returns:
        A :class:`Robustness` whose ``findings`` state each result plainly.
    """
    settings = evaluation.settings
    ranked = [v.vendor for v in evaluation.ranking]
    questionnaire = evaluation.questionnaire
    weights_all = questionnaire.weights
    criteria = [cid for cid, w in weights_all.items() if w > 0]
    parameters: dict[str, object] = {
        "samples": samples, "seed": seed, "band": band,
        "close_call_threshold": close_call_threshold,
        "tie_tolerance": settings.tie_tolerance, "rescaling": "proportional"}
    findings: list[Text] = []
    names = _names(evaluation)
    if not ranked:
        findings.append(msg("No offer is ranked: there is no ranking to test."))
        return Robustness((), tuple(criteria), parameters, None, None, None, None, (), None,
                          {}, tuple(findings))
    import numpy as np

    points = evaluation.criterion_points
    result = _results(evaluation)
    scores = np.array([[result[v].criteria[c] / points[c] for c in criteria]
                       for v in ranked], dtype=float)
    weights = np.array([weights_all[c] for c in criteria], dtype=float)
    weights = weights / weights.sum()
    tolerance = settings.tie_tolerance
    totals = [result[v].total for v in ranked]
    close = rm.close_call(np.array(totals) / settings.total_points,
                          threshold=close_call_threshold, basis="absolute")
    findings.append(_close_call_sentence(evaluation, ranked, close_call_threshold))
    if len(ranked) < 2:
        return Robustness(tuple(ranked), tuple(criteria), parameters, close, None, None, None,
                          (), None, {}, tuple(findings))
    tipping = rm.tipping_points(scores, weights, tolerance=tolerance)
    findings.append(_tipping_sentence(tipping, ranked, criteria, names))
    tests: list[Callable[[], Any]] = [
        functools.partial(rm.smaa, scores, weights, samples=samples, seed=seed, band=band,
                          tolerance=tolerance),
        functools.partial(rm.smaa, scores, weights, samples=samples, seed=seed, band=None,
                          tolerance=tolerance),
        functools.partial(_comparisons, evaluation, ranked)]
    band_result, simplex, (methods, loo, without) = (run or _in_order)(tests)
    findings.append(_acceptability_sentence(band_result, ranked, band))
    if methods:
        findings.append(_methods_sentence(methods))
    if loo is not None:
        findings.append(_leave_one_out_sentence(loo, ranked, settings.price_method))
    if without:
        findings.append(_evaluator_sentence(without, evaluation))
    return Robustness(tuple(ranked), tuple(criteria), parameters, close, tipping, band_result,
                      simplex, tuple(methods), loo, without, tuple(findings))


Parts: TypeAlias = Callable[[Sequence[Callable[[], Any]]], Sequence[Any]]
"""Runs independent callables without arguments; returns their results in their order."""


def _in_order(tests: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run ``tests`` here, one after the other."""
    return [test() for test in tests]


def _comparisons(evaluation: Evaluation, ranked: list[str]) -> tuple[
        list[MethodOutcome], rm.LeaveOneOut | None, dict[str, tuple[str, ...]]]:
    """The ranking under the other price methods, without each offer, without each evaluator."""
    return (_price_methods(evaluation, ranked), _leave_one_out(evaluation, ranked),
            _without_each_evaluator(evaluation, ranked))


def _names(evaluation: Evaluation) -> dict[str, Text]:
    return {c.id: c.title for c in evaluation.questionnaire.bank.criteria}


def _num(value: float, lang: Lang, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def _pct(share: float, lang: Lang, digits: int = 0) -> str:
    number = _num(share * 100, lang, digits)
    return f"{number}\u00a0%" if lang == "fr" else f"{number}%"


def _both(build: Callable[[Lang], str]) -> Text:
    return Text(build("fr"), build("en"))


def _close_call_sentence(evaluation: Evaluation, ranked: list[str], threshold: float) -> Text:
    total_points = evaluation.settings.total_points
    first = evaluation.vendor(ranked[0])
    if len(ranked) == 1:
        return msg("Only one offer is ranked ({first_vendor}): there is nothing to compare.",
                   first_vendor=first.vendor)
    second = evaluation.vendor(ranked[1])
    gap = first.total - second.total
    share = gap / total_points
    if first.rank == second.rank:
        return msg("{first_vendor} and {second_vendor} are tied first ({num_first_total_2} "
                   "points): there is no winner.",
                   num_first_total_2=Text(fr=format(_num(first.total, 'fr', 2), ''),
                   en=format(_num(first.total, 'en', 2), '')), first_vendor=first.vendor,
                   second_vendor=second.vendor)
    fields = {"first": first.vendor, "second": second.vendor,
              "gap": _both(lambda lang: _num(gap, lang, 2)),
              "share": _both(lambda lang: _pct(share, lang, 1)),
              "threshold": _both(lambda lang: _pct(threshold, lang, 1))}
    # The gap is shown with two decimals: "1.00 point", "0.50 points".
    one = 1 if _num(gap, "en", 2) == "1.00" else 2
    if share < threshold:
        return nmsg("{first} leads {second} by {gap} point ({share} of the total), less than the "
                    "{threshold} threshold: there is no clear winner.",
                    "{first} leads {second} by {gap} points ({share} of the total), less than "
                    "the {threshold} threshold: there is no clear winner.", one, **fields)
    return nmsg("{first} leads {second} by {gap} point ({share} of the total), above the "
                "{threshold} threshold.", "{first} leads {second} by {gap} points ({share} of "
                "the total), above the {threshold} threshold.", one, **fields)


def _tipping_sentence(tipping: rm.TippingPoints, ranked: list[str], criteria: list[str],
                      names: Mapping[str, Text]) -> Text:
    if len(tipping.tied) > 1:
        tied = [ranked[i] for i in tipping.tied]
        return msg("{join_tied} are tied for first place: the smallest change of weights would "
                   "separate them.", join_tied=Text(fr=' et '.join(tied), en=' and '.join(tied)))
    smallest = tipping.smallest()
    winner = ranked[tipping.winner]
    if smallest is None:
        return msg("No change of a single criterion's weight takes first place from {winner}.",
                   winner=winner)
    position, shift = smallest
    item = tipping.criteria[position]
    rival = ranked[shift.overtaken_by]
    name = names[criteria[item.criterion]]
    verb_fr = "porter" if shift.delta > 0 else "ramener"
    verb_en = "raising" if shift.delta > 0 else "lowering"
    return msg("The smallest change of a single weight that puts {rival} ahead of {winner} is "
               "{verb} '{name}' from {pct_item_weight_1} to {pct_shift_new_weight_1} (the other "
               "weights rescaled in proportion).", verb=Text(fr=verb_fr, en=verb_en), name=name,
               pct_item_weight_1=Text(fr=format(_pct(item.weight, 'fr', 1), ''),
               en=format(_pct(item.weight, 'en', 1), '')),
               pct_shift_new_weight_1=Text(fr=format(_pct(shift.new_weight, 'fr', 1), ''),
               en=format(_pct(shift.new_weight, 'en', 1), '')), rival=rival, winner=winner)


def _acceptability_sentence(result: rm.SMAAResult, ranked: list[str], band: float) -> Text:
    first_share = [float(result.acceptability[i, 0]) for i in range(len(ranked))]
    order = sorted(range(len(ranked)), key=lambda i: (-first_share[i], ranked[i]))
    leader = order[0]
    others = [i for i in order[1:] if first_share[i] > 0]

    def share(i: int) -> Text:
        return _both(lambda lang: _pct(first_share[i], lang))

    band_text = _both(lambda lang: _pct(band, lang))
    if not others:
        return msg("{leader} stays first in {share} of weight variations within ±{band}.",
                   leader=ranked[leader], share=share(leader), band=band_text)
    each = [msg("{vendor} in {share}", vendor=ranked[i], share=share(i)) for i in others[:3]]
    return msg("{leader} stays first in {share} of weight variations within ±{band}; {others}.",
               leader=ranked[leader], share=share(leader), band=band_text,
               others=Text(", ".join(t.fr for t in each), ", ".join(t.en for t in each)))


def _results(evaluation: Evaluation) -> dict[str, VendorResult]:
    """Each offer's result by name.

    ``Evaluation.vendor`` searches the list: 300 offers of 13 criteria made 4,000
    searches of 300 results.
    """
    return {v.vendor: v for v in evaluation.vendors}


def _price_methods(evaluation: Evaluation, ranked: list[str]) -> list[MethodOutcome]:
    price = evaluation.price
    if price is None:
        return []
    price_id = next(c.id for c in evaluation.questionnaire.bank.criteria if c.is_price)
    result = _results(evaluation)
    technical = {v: result[v].total - result[v].criteria[price_id] for v in ranked}
    prices = {v: price.prices[v] for v in ranked if v in price.prices}
    outcomes = []
    for method in PRICE_METHODS:
        try:
            scored = price_points(prices, method, price.max_points,
                                  coefficient=evaluation.settings.price_coefficient
                                  if method == "ecart-relatif" else 1.0)
        except PriceError:
            continue
        totals = {v: technical[v] + scored.points.get(v, 0.0) for v in ranked}
        ranks = competition_ranking(totals, evaluation.settings.tie_tolerance
                                    * evaluation.settings.total_points)
        outcomes.append(MethodOutcome(method, totals, ranks))
    return outcomes


_METHOD_NAMES = {"classique": msg("classic"),
                 "lineaire": msg("linear"),
                 "ecart-relatif": msg("relative gap")}


def _methods_sentence(outcomes: list[MethodOutcome]) -> Text:
    winners = {o.method: o.winners for o in outcomes}
    if len(set(winners.values())) == 1:
        who = " et ".join(next(iter(winners.values())))
        who_en = " and ".join(next(iter(winners.values())))
        return msg("{who} comes first with each of the {len_outcomes} price scoring methods "
                   "simulated.", who=Text(fr=format(who, ''), en=who_en),
                   len_outcomes=len(outcomes))
    # Methods that give the same winner are named together, in simulation order.
    groups: dict[tuple[str, ...], list[PriceMethod]] = {}
    for method, first in winners.items():
        groups.setdefault(first, []).append(method)

    def methods(names: list[PriceMethod], lang: Lang) -> str:
        words = [_METHOD_NAMES[m].get(lang) for m in names]
        if lang == "fr":
            joined = " et ".join(words)
            return f"la méthode {joined}" if len(words) == 1 else f"les méthodes {joined}"
        joined = " and ".join(words)
        return f"the {joined} method" + ("s" if len(words) > 1 else "")

    fr = " ; ".join(f"{' et '.join(w)} avec {methods(m, 'fr')}" for w, m in groups.items())
    en = "; ".join(f"{' and '.join(w)} with {methods(m, 'en')}" for w, m in groups.items())
    return msg("The winner depends on the price scoring method: {text}.", text=Text(fr=fr, en=en))


def _leave_one_out(evaluation: Evaluation, ranked: list[str]) -> rm.LeaveOneOut | None:
    price = evaluation.price
    if price is None or len(ranked) < 3 or any(v not in price.prices for v in ranked):
        return None
    price_id = next(c.id for c in evaluation.questionnaire.bank.criteria if c.is_price)
    result = _results(evaluation)
    technical = [result[v].total - result[v].criteria[price_id] for v in ranked]
    method = evaluation.settings.price_method
    coefficient = evaluation.settings.price_coefficient

    def price_fn(values: Iterable[float]) -> list[float]:
        listed = [float(x) for x in values]
        keys = [f"o{i}" for i in range(len(listed))]
        scored = price_points(dict(zip(keys, listed, strict=True)), method, price.max_points,
                              coefficient=coefficient)
        return [scored.points[k] for k in keys]

    return rm.order_changes_when_removed(
        technical, [price.prices[v] for v in ranked], price_fn,
        tolerance=evaluation.settings.tie_tolerance * evaluation.settings.total_points)


def _leave_one_out_sentence(loo: rm.LeaveOneOut, ranked: list[str],
                            method: PriceMethod) -> Text:
    swaps = [c for c in loo.changes if c.swapped]
    name = _METHOD_NAMES[method]
    if not swaps:
        return msg("Removing any one offer reverses the order of no other pair ({name} method).",
                   name=name)
    change = swaps[0]
    removed, a, b = ranked[change.removed], ranked[change.a], ranked[change.b]
    more = len(swaps) - 1
    extra = nmsg(" ({n} other reversal of this kind)", " ({n} other reversals of this kind)",
                 more) if more else ""
    return msg("Without offer {removed}, {b} would overtake {a}: the {name} method makes the gap "
               "in points depend on all the offers{extra}.", name=name, extra=extra,
               removed=removed, b=b, a=a)


def _without_each_evaluator(evaluation: Evaluation,
                            ranked: list[str]) -> dict[str, tuple[str, ...]]:
    """Winners when each evaluator's scores are left out (recomputed consensus)."""
    evaluators = sorted({s.evaluator for s in evaluation.evaluator_scores if s.level is not None})
    if len(evaluators) < 2:
        return {}
    questions = {q.id: q for _, q in evaluation.questionnaire.bank.questions()}
    # Index the scores once: (vendor, question) -> [(evaluator, level)].
    by_answer: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for score in evaluation.evaluator_scores:
        if score.level is not None:
            by_answer.setdefault((score.vendor, score.question_id), []).append(
                (score.evaluator, score.level))
    # One pass over the lines, in their order (lines_for per vendor rescans them all).
    reviewed: dict[str, list[ScoreLine]] = {vendor: [] for vendor in ranked}
    for line in evaluation.lines:
        if line.vendor in reviewed and line.source == "evaluators" and line.counted:
            reviewed[line.vendor].append(line)
    published = {v.vendor: v.total for v in evaluation.vendors}
    result: dict[str, tuple[str, ...]] = {}
    for left_out in evaluators:
        totals: dict[str, float] = {}
        for vendor in ranked:
            total = published[vendor]
            for line in reviewed[vendor]:
                kept = [level for evaluator, level in by_answer.get((vendor, line.question_id), ())
                        if evaluator != left_out]
                if not kept:
                    continue
                spec = questions[line.question_id].answer
                assert isinstance(spec, FreeText)  # only free text is scored by evaluators
                low, high = spec.scale[0].value, spec.scale[-1].value
                level = (statistics.fmean(kept) if evaluation.settings.consensus == "mean"
                         else statistics.median(kept))
                fraction = (level - low) / (high - low)
                total += line.max_points * (fraction - line.fraction)
            totals[vendor] = total
        ranks = competition_ranking(totals, evaluation.settings.tie_tolerance
                                    * evaluation.settings.total_points)
        result[left_out] = tuple(sorted(v for v, r in ranks.items() if r == 1))
    return result


def _evaluator_sentence(without: Mapping[str, tuple[str, ...]], evaluation: Evaluation) -> Text:
    winners = tuple(v.vendor for v in evaluation.ranking if v.rank == 1)
    changed = {e: w for e, w in without.items() if w != winners}
    if not changed:
        return msg("Leaving out any one evaluator's scores does not change the winner.")
    fr = " ; ".join(f"sans {e}, {' et '.join(w)} serait première" for e, w in changed.items())
    en = "; ".join(f"without {e}, {' and '.join(w)} would come first"
                   for e, w in changed.items())
    return msg("The winner depends on one evaluator: {text}.", text=Text(fr=fr, en=en))
