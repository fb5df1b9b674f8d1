"""Try the award rules on estimates, before publishing them.

The DAJ advises simulating the price methods before choosing one, because the method can
decide the winner. From the prices the buyer estimates and the answer profiles it
imagines (typical offers: "cheap and basic", "balanced", "premium"), :func:`check_rules`
computes, for every price method of :data:`~ai_procurement.decision.price.PRICE_METHODS`:

- the totals, the winner and the runner-up;
- how far apart the price points are (highest minus lowest);
- which criterion decides (the one that gives the winner most of its lead over the
  runner-up);
- whether removing one other offer would change the winner: the linear method scores a
  price against the spread of all prices, so one more or one fewer offer can reverse two
  others; the classique method (Pmin / P) never reverses two offers' order whatever the
  other offers, since the ratio of their price points does not depend on them;
- whether a small change of one criterion's weight (``step``, 5 points of 100 by
  default, the other weights rescaled to keep the total) changes the winner.

The offers' scores on the other criteria are given as shares (0 to 1) of each
criterion's points. A tie on the total (within 1e-9 points) is broken by name and
reported as a tie. Pure computation: the one-page report is written by
:mod:`ai_procurement.deliverables.rules_check`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from ai_procurement.decision.price import PRICE_METHODS, PriceMethod, price_points
from ai_procurement.errors import ScoringError
from ai_procurement.text import Lang, Text, msg

__all__ = ["MethodRun", "OfferProfile", "RulesCheck", "WeightChange", "check_rules"]

_TIE = 1e-9
_METHOD_NAMES = {"classique": msg("classic (Pmin / P)"),
                 "lineaire": msg("linear"),
                 "ecart-relatif": msg("relative gap")}


@attrs.frozen
class OfferProfile:
    """A typical offer the buyer imagines: its price and its scores on other criteria.

    Attributes:
        name: a label ("cheap and basic", "premium"...).
        price: the estimated total cost (euros excluding tax).
        scores: criterion id -> share (0 to 1) of that criterion's points.
    """

    name: str
    price: float
    scores: Mapping[str, float]


@attrs.frozen
class MethodRun:
    """The offers scored under one price method.

    Attributes:
        method: the price method.
        price_points: offer -> points on the price criterion.
        totals: offer -> total points.
        ranking: the offers, best first.
        tie: whether the first two are tied.
        spread: highest minus lowest price points.
        decisive: the criterion giving the winner most of its lead (None with one offer).
        without: removed offer -> the winner then, for each removal of another offer
            that changes the winner.
    """

    method: PriceMethod
    price_points: Mapping[str, float]
    totals: Mapping[str, float]
    ranking: tuple[str, ...]
    tie: bool
    spread: float
    decisive: str | None
    without: Mapping[str, str]

    @property
    def winner(self) -> str:
        """The offer ranked first."""
        return self.ranking[0]


@attrs.frozen
class WeightChange:
    """A small weight change that changes the winner under one method."""

    method: PriceMethod
    criterion: str
    delta: float
    """The change of the criterion's share (e.g. +0.05 = 5 points more of 100)."""
    winner: str


@attrs.frozen
class RulesCheck:
    """The rules tried on estimates: every price method, offer removals, weight changes."""

    weights: Mapping[str, float]
    price_criterion: str
    total_points: float
    step: float
    offers: tuple[OfferProfile, ...]
    runs: tuple[MethodRun, ...]
    weight_changes: tuple[WeightChange, ...]

    @property
    def winners(self) -> dict[PriceMethod, str]:
        """Price method -> its winner."""
        return {run.method: run.winner for run in self.runs}

    def run(self, method: PriceMethod) -> MethodRun:
        """The run of one price method."""
        return next(r for r in self.runs if r.method == method)

    def sentences(self, lang: Lang) -> list[str]:
        """The findings as sentences for the buyer, in ``lang``."""
        out: list[str] = []
        for r in self.runs:
            name = _METHOD_NAMES[r.method].get(lang)
            lead = (r.totals[r.ranking[0]] - r.totals[r.ranking[1]]) if len(r.ranking) > 1 \
                else 0.0
            if lang == "fr":
                s = (f"Méthode {name} : {r.winner} l'emporte ({_n(r.totals[r.winner], lang)} "
                     f"points")
                s += f", {_n(lead, lang)} d'avance)" if len(r.ranking) > 1 else ")"
                s += (f" ; les points prix vont de {_n(min(r.price_points.values()), lang)} à "
                      f"{_n(max(r.price_points.values()), lang)} (écart "
                      f"{_n(r.spread, lang)})")
                s += f" ; le critère qui décide : {r.decisive}." if r.decisive else "."
                if r.tie:
                    s += " Attention : égalité avec l'offre suivante."
            else:
                s = f"{_cap(name)} method: {r.winner} wins " \
                    f"({_n(r.totals[r.winner], lang)} points"
                s += f", {_n(lead, lang)} ahead)" if len(r.ranking) > 1 else ")"
                s += (f"; price points range from {_n(min(r.price_points.values()), lang)} to "
                      f"{_n(max(r.price_points.values()), lang)} (spread "
                      f"{_n(r.spread, lang)})")
                s += f"; the deciding criterion: {r.decisive}." if r.decisive else "."
                if r.tie:
                    s += " Beware: tied with the next offer."
            out.append(s)
            for removed, winner in r.without.items():
                out.append(msg("{cap_name} method: without offer {removed}, {winner} would win "
                               "instead of {r_winner}: an offer's points depend on the other "
                               "offers.", cap_name=Text(fr=format(name, ''),
                               en=format(_cap(name), '')), removed=removed, winner=winner,
                               r_winner=r.winner).get(lang))
        winners = set(self.winners.values())
        if len(winners) > 1:
            listed = ", ".join(f"{_METHOD_NAMES[m].get(lang)} → {w}"
                               for m, w in self.winners.items())
            out.append(msg("The choice of price method decides the winner ({listed}): choose it "
                           "for a stated reason, before publishing.", listed=listed).get(lang))
        else:
            out.append(msg("Every price method gives the same winner "
                           "({next_iter_winners_values}).",
                           next_iter_winners_values=Text(fr=format(winners.pop(), ''),
                           en=format(next(iter(self.winners.values())), ''))).get(lang))
        pct = f"{self.step * 100:.0f}"
        if self.weight_changes:
            for change in self.weight_changes:
                sign = "+" if change.delta > 0 else "−"
                out.append(msg(
                        "{cap_METHOD_NAMES_change_method} method: {sign}{pct} points of weight "
                        "on {change_criterion} make {change_winner} win.",
                        cap_METHOD_NAMES_change_method=Text(fr=_METHOD_NAMES[change.method].fr,
                        en=format(_cap(_METHOD_NAMES[change.method].en), '')), sign=sign, pct=pct,
                        change_criterion=change.criterion, change_winner=change.winner).get(lang))
        else:
            out.append(msg("No change of {pct} points of weight on one criterion changes the "
                           "winner, whatever the method.", pct=pct).get(lang))
        return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _n(value: float, lang: Lang) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def _shares(weights: Mapping[str, float]) -> dict[str, float]:
    total = math.fsum(weights.values())
    return {c: w / total for c, w in weights.items()}


def _run(method: PriceMethod, shares: Mapping[str, float], price_criterion: str,
         total_points: float, offers: Sequence[OfferProfile], coefficient: float,
         removals: bool) -> MethodRun:
    nmax = shares[price_criterion] * total_points
    prices = {o.name: o.price for o in offers}
    if nmax > 0:
        points = price_points(prices, method, nmax,
                              coefficient=coefficient if method == "ecart-relatif" else 1.0
                              ).points
    else:
        points = dict.fromkeys(prices, 0.0)
    parts = {o.name: {c: shares[c] * total_points * o.scores.get(c, 0.0)
                      for c in shares if c != price_criterion} | {price_criterion: points[o.name]}
             for o in offers}
    totals = {name: math.fsum(p.values()) for name, p in parts.items()}
    ranking = tuple(sorted(totals, key=lambda n: (-totals[n], n)))
    tie = len(ranking) > 1 and abs(totals[ranking[0]] - totals[ranking[1]]) <= _TIE
    decisive = None
    if len(ranking) > 1:
        first, second = parts[ranking[0]], parts[ranking[1]]
        gaps = {c: first[c] - second[c] for c in first}
        best = max(gaps, key=lambda c: (gaps[c], c))
        decisive = best if gaps[best] > 0 else None
    without: dict[str, str] = {}
    if removals and len(offers) > 2:
        for removed in offers:
            if removed.name == ranking[0]:
                continue
            rest = [o for o in offers if o.name != removed.name]
            winner = _run(method, shares, price_criterion, total_points, rest, coefficient,
                          False).winner
            if winner != ranking[0]:
                without[removed.name] = winner
    spread = max(points.values()) - min(points.values())
    return MethodRun(method, points, totals, ranking, tie, spread, decisive, without)


def check_rules(weights: Mapping[str, float], offers: Sequence[OfferProfile], *,
                price_criterion: str, total_points: float = 100.0, step: float = 0.05,
                coefficient: float = 1.0) -> RulesCheck:
    """Try every price method and small weight changes on estimated offers.

    Args:
        weights: criterion id -> weight (any positive scale), the price criterion
            included.
        offers: at least two typical offers, with distinct names; their ``scores`` name
            criteria of ``weights`` (a missing criterion scores 0).
        price_criterion: the id of the price criterion in ``weights``.
        total_points: the points of the whole scale (100 by default).
        step: the weight change tried on each criterion, as a share (0.05 = 5 points
            of 100), up and down; the other weights are rescaled to keep the total.
        coefficient: the coefficient of the ``"ecart-relatif"`` method.

    Returns:
        Every method's run and every weight change that changes a winner.

    Raises:
        ScoringError: fewer than two offers, duplicate names, an unknown criterion in a
            profile, a score outside [0, 1], weights that are not finite and >= 0 (not
            all 0), or a price criterion not in ``weights``.
        PriceError: a price the method cannot score (negative, zero with classique...).
    """
    if len(offers) < 2:
        raise ScoringError(msg("a rules check needs at least two offers to compare"))
    names = [o.name for o in offers]
    if len(set(names)) != len(names) or any(not n.strip() for n in names):
        raise ScoringError(msg("offers need distinct, non-blank names; got {names}",
                               names=names))
    if price_criterion not in weights:
        raise ScoringError(msg("price criterion {price!r} is not in the weights {weights}",
                               price=price_criterion, weights=list(weights)))
    if any(not (math.isfinite(w) and w >= 0) for w in weights.values()) or not any(
            weights.values()):
        raise ScoringError(msg("weights must be finite numbers >= 0, not all 0; got "
                               "{weights}", weights=dict(weights)))
    if not (math.isfinite(step) and 0 < step < 1):
        raise ScoringError(msg("step must be a share between 0 and 1, got {step!r}",
                               step=step))
    for offer in offers:
        for criterion, score in offer.scores.items():
            if criterion not in weights or criterion == price_criterion:
                raise ScoringError(msg("offer {offer!r}: {criterion!r} is not a non-price "
                                       "criterion of the weights {weights}", offer=offer.name,
                                       criterion=criterion, weights=list(weights)))
            if not (math.isfinite(score) and 0 <= score <= 1):
                raise ScoringError(msg("offer {offer!r}: score on {criterion!r} must be a "
                                       "share from 0 to 1, got {score!r}", offer=offer.name,
                                       criterion=criterion, score=score))
    shares = _shares(weights)
    runs = tuple(_run(m, shares, price_criterion, total_points, offers, coefficient, True)
                 for m in PRICE_METHODS)
    changes: list[WeightChange] = []
    for run in runs:
        for criterion in shares:
            for delta in (step, -step):
                changed = shares[criterion] + delta
                rest = 1.0 - shares[criterion]
                if not 0 <= changed <= 1 or rest <= 0:
                    continue
                tilted = {c: changed if c == criterion else s * (1 - changed) / rest
                          for c, s in shares.items()}
                winner = _run(run.method, tilted, price_criterion, total_points, offers,
                              coefficient, False).winner
                if winner != run.winner:
                    changes.append(WeightChange(run.method, criterion, delta, winner))
    return RulesCheck(shares, price_criterion, float(total_points), step, tuple(offers), runs,
                      tuple(changes))
