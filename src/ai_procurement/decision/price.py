"""Price scoring, abnormally low offers and total cost of ownership.

The price criterion is scored by a formula, not by evaluators, and the formula changes the
result: the same prices can rank offers differently under two methods, and under some
methods an offer's points depend on the other offers. This module turns prices into
points with the method the buyer published, explains every number in words (for the
analysis report) and records every parameter with the result. It does no I/O.

Price methods (:data:`PRICE_METHODS`), with ``Nmax`` the maximum points, ``P`` the price
of the offer scored, ``Pmin`` / ``Pmax`` the lowest / highest price among the offers:

- ``"classique"``: ``Nmax × Pmin / P``. One of the three methods of the fiche of the DAJ
  (ministry of economy, "Les méthodes de notation du critère prix dans les marchés
  publics", 2024).
- ``"lineaire"``: ``Nmax × (Pmax − P) / (Pmax − Pmin)``. Also in the DAJ fiche. The
  highest price always gets 0 and the gap between two offers depends on the spread of
  all offers: adding an offer can change it and reverse a total ranking.
- ``"ecart-relatif"``: ``Nmax × (1 − coefficient × (P − Pmin) / Pmin)``, floored at 0.
  A practitioners' variant, not in the DAJ fiche; the usual coefficient is 1 and it is
  recorded with the result.

The third DAJ method, scoring relative to the average of the offers, is not implemented.
Its exact formula could not be established from a reliable source: the DAJ page on the
calculator (economie.gouv.fr, "Méthodes de notation du critère prix : un outil pratique")
and commentaries on the 2024 fiche say only that it compares each offer with the mean
price of the offers, that the cheapest offer does not necessarily get full points and
that it compresses price gaps; the formula itself is in the fiche's PDF and spreadsheet,
which were not available. Coding a guessed formula would score vendors by a rule nobody
published.

Rules for cases the sources leave undefined (applied in this order):

1. No offer: :class:`~ai_procurement.errors.PriceError`.
2. A price that is not a number, negative, NaN or infinite: ``PriceError`` naming every
   such vendor at once.
3. A zero price with ``"classique"`` or ``"ecart-relatif"``: ``PriceError`` (both divide
   by ``Pmin``); a zero price is almost always a reading or typing error and needs
   checking with the vendor. ``"lineaire"`` accepts it.
4. One offer: it gets ``Nmax`` under every method.
5. All prices equal: every offer gets ``Nmax`` (``"lineaire"`` would divide 0 by 0;
   ``"classique"`` and ``"ecart-relatif"`` give ``Nmax`` anyway).

Whatever the method, the lowest price gets exactly ``Nmax``, points stay in ``[0, Nmax]``
and a lower price never gets fewer points.

Abnormally low offers (:func:`abnormally_low`): a formula may only flag an offer so the
buyer asks the vendor in writing to justify its price (code de la commande publique,
L2152-5 and L2152-6); it never excludes an offer. Total cost of ownership
(:func:`total_cost`) adds one-off items and yearly items over the contract years (the
lump-sum model) and, for a DQE (détail quantitatif estimatif), the sum of each
buyer-set quantity times the unit price the bidder gave (:func:`offer_cost`). Totals are
added in decimal arithmetic from the amounts as typed, so a total is exact to the cent
and the same inputs always give the same figure.

Budget (:func:`check_budget`): an offer whose compared price exceeds the credits
allocated to the contract, set before the procedure was launched, is unacceptable (code
de la commande publique, L2152-3). In an open or restricted call for tenders and in an
adapted procedure without negotiation it is eliminated (L2152-1, R2152-1, first
paragraph); where a negotiation or a dialogue takes place it may become acceptable
through it, if it is not abnormally low (R2152-1, second paragraph). The regularisation
of R2152-2 concerns irregular offers only, not unacceptable ones. Equal to the budget is
acceptable; one cent over is not.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Literal, TypeAlias

import attrs

from ai_procurement.bank.model import DqeItem, Price, Recurrence
from ai_procurement.errors import PriceError
from ai_procurement.text import Lang, Text, msg, nmsg, pmsg

__all__ = [
    "LOW_OFFER_METHODS",
    "PRICE_METHODS",
    "Budget",
    "BudgetCheck",
    "CostBreakdown",
    "CostLine",
    "DqeLine",
    "LowOfferCheck",
    "LowOfferMethod",
    "PriceMethod",
    "PriceScores",
    "abnormally_low",
    "check_budget",
    "offer_cost",
    "price_points",
    "total_cost",
]

PriceMethod: TypeAlias = Literal["classique", "lineaire", "ecart-relatif"]
PRICE_METHODS: tuple[PriceMethod, ...] = ("classique", "lineaire", "ecart-relatif")
"""The price scoring methods :func:`price_points` knows."""

LowOfferMethod: TypeAlias = Literal["m1m2", "mean-minus-sd"]
LOW_OFFER_METHODS: tuple[LowOfferMethod, ...] = ("m1m2", "mean-minus-sd")
"""The abnormally-low-offer checks :func:`abnormally_low` knows."""

_NBSP = "\u00a0"
_MIN_OFFERS_FOR_LOW_CHECK = 3
_HUGE = 1e100


@attrs.frozen
class PriceScores:
    """Points given to each offer on the price criterion, with how they were computed.

    Attributes:
        method: the price method used.
        max_points: ``Nmax``, the points of the best price.
        coefficient: the coefficient of ``"ecart-relatif"`` (1.0 for the other methods,
            which have none).
        prices: the prices scored, vendor id -> euros.
        points: vendor id -> points, in ``[0, max_points]``.
        pmin: the lowest price.
        pmax: the highest price.
        mean: the mean price (for the report; no method here uses it).
        depends_on_other_offers: True when an offer's points change with the other
            offers' prices (all methods here do, through ``Pmin`` or ``Pmax``).
        formula: the formula in words, for the memo.
        special_case: the rule applied when the formula was not (one offer, equal
            prices), else None.

    """

    method: PriceMethod
    max_points: float
    coefficient: float
    prices: dict[str, float]
    points: dict[str, float]
    pmin: float
    pmax: float
    mean: float
    depends_on_other_offers: bool
    formula: Text
    special_case: Text | None = None

    def explain(self, vendor: str) -> Text:
        """Return the computation of ``vendor``'s points with the numbers.

        For example ``40 × 80 000 / 100 000 = 32`` (classique, French). Results that
        are not round to two decimals are shown with ``≈``.

        Raises:
            PriceError: ``vendor`` is not among the offers scored.

        """
        if vendor not in self.points:
            raise PriceError(f"no price for vendor {vendor!r}; the offers scored are "
                             f"{sorted(self.points)}")
        if self.special_case is not None:
            return msg("{special_case} ({num_max_points})", special_case=self.special_case,
                       num_max_points=Text(fr=format(_num(self.max_points, 'fr'), ''),
                       en=format(_num(self.max_points, 'en'), '')))
        price = self.prices[vendor]
        points = self.points[vendor]
        return Text(fr=self._computation(price, points, "fr"),
                    en=self._computation(price, points, "en"))

    def _computation(self, price: float, points: float, lang: Lang) -> str:
        n, p = _num(self.max_points, lang), _num(price, lang)
        lo, hi = _num(self.pmin, lang), _num(self.pmax, lang)
        if self.method == "classique":
            return f"{n} × {lo} / {p} {_equals(points, lang)}"
        if self.method == "lineaire":
            return f"{n} × ({hi} − {p}) / ({hi} − {lo}) {_equals(points, lang)}"
        c = _num(self.coefficient, lang)
        text = f"{n} × (1 − {c} × ({p} − {lo}) / {lo})"
        raw = self.max_points * (1.0 - self.coefficient * (price - self.pmin) / self.pmin)
        if raw < 0:
            floor = msg("floored at 0").get(lang)
            return f"{text} {_equals(raw, lang)}, {floor}"
        return f"{text} {_equals(points, lang)}"


def price_points(
    prices: Mapping[str, float],
    method: PriceMethod,
    max_points: float,
    *,
    coefficient: float = 1.0,
) -> PriceScores:
    """Score each offer's price with ``method`` on ``max_points``.

    Args:
        prices: vendor id -> price (total cost, euros).
        method: one of :data:`PRICE_METHODS`.
        max_points: ``Nmax``, the points the best price gets (finite, > 0).
        coefficient: the coefficient of ``"ecart-relatif"`` (finite, > 0). The other
            methods have none, so any other value than 1 is refused with them.

    Returns:
        The points of every offer with the formula, the parameters and ``Pmin`` /
        ``Pmax`` / mean. The degenerate cases follow the module docstring.

    Raises:
        PriceError: unknown method, invalid ``max_points`` or ``coefficient``, no offer,
            invalid prices (every bad vendor named), or a zero price with a method that
            divides by the lowest price.

    """
    if method not in PRICE_METHODS:
        raise PriceError(f"unknown price method {method!r}; expected one of "
                         f"{list(PRICE_METHODS)}")
    if not _is_number(max_points) or not math.isfinite(max_points) or max_points <= 0:
        raise PriceError(f"max_points: expected a finite number > 0, got {max_points!r}")
    if not _is_number(coefficient) or not math.isfinite(coefficient) or coefficient <= 0:
        raise PriceError(f"coefficient: expected a finite number > 0, got {coefficient!r}")
    if method != "ecart-relatif" and coefficient != 1.0:
        raise PriceError(f"coefficient={coefficient!r} applies to the 'ecart-relatif' "
                         f"method only; method {method!r} has none: leave it at 1")
    checked = _checked_prices(prices, what="price")
    if method != "lineaire":
        zeros = sorted(v for v, p in checked.items() if p == 0)
        if zeros:
            raise PriceError(nmsg(
                "zero price for vendor {zeros}: the {method!r} method divides by the lowest "
                "price. A zero total cost is almost always a reading or typing error: check "
                "the offer with the vendor, or use the 'lineaire' method if the price really "
                "is zero", "zero price for vendors {zeros}: the {method!r} method divides by "
                "the lowest price. A zero total cost is almost always a reading or typing "
                "error: check the offers with the vendors, or use the 'lineaire' method if "
                "the prices really are zero", len(zeros), zeros=", ".join(zeros),
                method=method))
    pmin, pmax = min(checked.values()), max(checked.values())
    special: Text | None = None
    if len(checked) == 1:
        special = msg("Only one offer: it gets the maximum points")
        points = dict.fromkeys(checked, float(max_points))
    elif pmin == pmax:
        special = msg("All offers have the same price: each gets the maximum points")
        points = dict.fromkeys(checked, float(max_points))
    else:
        points = {v: _points(p, method, max_points, coefficient, pmin, pmax)
                  for v, p in checked.items()}
    return PriceScores(
        method=method,
        max_points=float(max_points),
        coefficient=float(coefficient),
        prices=checked,
        points=points,
        pmin=pmin,
        pmax=pmax,
        mean=_mean(checked.values()),
        depends_on_other_offers=True,
        formula=_formula(method, max_points, coefficient),
        special_case=special,
    )


def _points(price: float, method: PriceMethod, nmax: float, coefficient: float,
            pmin: float, pmax: float) -> float:
    # Each ratio is computed before multiplying by nmax so that the lowest price gives
    # a ratio of exactly 1, hence exactly nmax points; every step is monotonic in the
    # price, so a lower price never gets fewer points despite rounding.
    if method == "classique":
        return nmax * (pmin / price)
    if method == "lineaire":
        return nmax * ((pmax - price) / (pmax - pmin))
    return nmax * max(0.0, 1.0 - coefficient * ((price - pmin) / pmin))


def _formula(method: PriceMethod, nmax: float, coefficient: float) -> Text:
    n_fr, n_en = _num(nmax, "fr"), _num(nmax, "en")
    if method == "classique":
        return msg("Classic method: points = {n} × lowest price / price of the offer. The points "
                   "depend on the lowest price received.", n=Text(fr=n_fr, en=n_en))
    if method == "lineaire":
        return msg("Linear method: points = {n} × (highest price − price of the offer) / "
                   "(highest price − lowest price); the dearest offer gets 0 and, if all prices "
                   "are equal, every offer gets the maximum points. The gap in points between "
                   "two offers depends on all the prices received.", n=Text(fr=n_fr, en=n_en))
    c_fr, c_en = _num(coefficient, "fr"), _num(coefficient, "en")
    return msg("Relative gap method: points = {n} × (1 − {c} × (price of the offer − lowest "
               "price) / lowest price), never below 0 (coefficient {c}). The points depend on "
               "the lowest price received.", n=Text(fr=n_fr, en=n_en), c=Text(fr=c_fr, en=c_en))


@attrs.frozen
class LowOfferCheck:
    """The result of an abnormally-low-offer check: flags, never exclusions.

    A flagged offer must be justified by its vendor in writing before any decision
    (code de la commande publique, L2152-6); it stays in the evaluation.

    Attributes:
        method: the check used.
        parameters: the factors the check used, by name (``upper_factor`` and
            ``lower_factor`` for ``"m1m2"``, ``sd_factor`` for ``"mean-minus-sd"``).
        prices: the prices checked, vendor id -> euros.
        meaningful: False when there were too few offers (fewer than 3) to compare.
        m1: the mean of all prices (``"m1m2"``; also the mean for ``"mean-minus-sd"``).
        m2: the mean of the prices left after dropping those above
            ``upper_factor × m1`` (``"m1m2"`` only).
        dropped_for_m2: vendors left out of ``m2`` (``"m1m2"`` only).
        sd: the population standard deviation of the prices, dividing by the number of
            offers (``"mean-minus-sd"`` only).
        threshold: an offer strictly below it is flagged (None when not meaningful).
        flagged: the flagged vendor ids, sorted.
        explanations: vendor id -> why it is flagged and what to do.
        summary: the whole check in words, for the memo.

    """

    method: LowOfferMethod
    parameters: dict[str, float]
    prices: dict[str, float]
    meaningful: bool
    m1: float | None
    m2: float | None
    dropped_for_m2: tuple[str, ...]
    sd: float | None
    threshold: float | None
    flagged: tuple[str, ...]
    explanations: dict[str, Text]
    summary: Text


def abnormally_low(
    prices: Mapping[str, float],
    method: LowOfferMethod,
    *,
    upper_factor: float = 1.2,
    lower_factor: float = 0.9,
    sd_factor: float = 1.0,
) -> LowOfferCheck:
    """Flag offers whose price looks abnormally low, for a written request to justify it.

    The two checks:

    - ``"m1m2"``: ``M1`` = mean of all prices; leave out prices strictly above
      ``upper_factor × M1``; ``M2`` = mean of the rest; flag prices strictly below
      ``lower_factor × M2``.
    - ``"mean-minus-sd"``: flag prices strictly below ``mean − sd_factor × SD``, where SD
      is the population standard deviation (divided by the number of offers, not by
      that number minus one: the offers received are the whole population compared).

    With fewer than 3 offers a mean says little about what a normal price is: the check
    is recorded as not meaningful and flags nothing. A known limit of ``"m1m2"``: among
    few offers, one very low price drags ``M1`` down so far that the normal prices are
    left out of ``M2`` and the low one escapes (100, 100, 100, 1 flags nothing);
    :attr:`LowOfferCheck.dropped_for_m2` shows it, and ``"mean-minus-sd"`` or the
    buyer's own estimate catch it. A zero price is accepted (and will
    usually be flagged). Nothing is ever excluded.

    Args:
        prices: vendor id -> price (total cost, euros).
        method: one of :data:`LOW_OFFER_METHODS`.
        upper_factor: ``"m1m2"`` only; finite, >= 1 (1.2 in common practice).
        lower_factor: ``"m1m2"`` only; in ``]0, 1]`` (0.9 in common practice).
        sd_factor: ``"mean-minus-sd"`` only; finite, > 0.

    Raises:
        PriceError: unknown method, invalid factor, a factor of the other method set
            to another value than its default, no offer, or invalid prices.

    """
    if method not in LOW_OFFER_METHODS:
        raise PriceError(f"unknown abnormally-low-offer check {method!r}; expected one of "
                         f"{list(LOW_OFFER_METHODS)}")
    _check_factor("upper_factor", upper_factor, low=1.0, high=math.inf, low_open=False)
    _check_factor("lower_factor", lower_factor, low=0.0, high=1.0, low_open=True)
    _check_factor("sd_factor", sd_factor, low=0.0, high=math.inf, low_open=True)
    if method == "m1m2" and sd_factor != 1.0:
        raise PriceError("sd_factor applies to the 'mean-minus-sd' check only; leave it "
                         "at 1 with 'm1m2'")
    if method == "mean-minus-sd" and (upper_factor != 1.2 or lower_factor != 0.9):
        raise PriceError("upper_factor and lower_factor apply to the 'm1m2' check only; "
                         "leave them at 1.2 and 0.9 with 'mean-minus-sd'")
    checked = _checked_prices(prices, what="price")
    parameters = ({"upper_factor": float(upper_factor), "lower_factor": float(lower_factor)}
                  if method == "m1m2" else {"sd_factor": float(sd_factor)})
    if len(checked) < _MIN_OFFERS_FOR_LOW_CHECK:
        return LowOfferCheck(
            method=method, parameters=parameters, prices=checked, meaningful=False,
            m1=None, m2=None, dropped_for_m2=(), sd=None, threshold=None, flagged=(),
            explanations={},
            summary=nmsg("Only {n} offer: a formula cannot detect abnormally low offers with "
                         "fewer than 3 offers; no offer is flagged. Judge the prices against "
                         "the buyer's own estimate.",
                         "Only {n} offers: a formula cannot detect abnormally low offers with "
                         "fewer than 3 offers; no offer is flagged. Judge the prices against "
                         "the buyer's own estimate.", len(checked)))
    m1 = _mean(checked.values())
    m2: float | None = None
    sd: float | None = None
    dropped: tuple[str, ...] = ()
    if method == "m1m2":
        ceiling = upper_factor * m1
        dropped = tuple(sorted(v for v, p in checked.items() if p > ceiling))
        # upper_factor >= 1 keeps at least the lowest price, which is <= m1.
        m2 = _mean(p for v, p in checked.items() if v not in dropped)
        threshold = lower_factor * m2
    else:
        sd = _pstdev(list(checked.values()), m1)
        threshold = m1 - sd_factor * sd
    flagged = tuple(sorted(v for v, p in checked.items() if p < threshold))
    explanations = {v: _low_explanation(v, checked[v], method, threshold, parameters, m1,
                                        m2, sd) for v in flagged}
    return LowOfferCheck(
        method=method, parameters=parameters, prices=checked, meaningful=True, m1=m1,
        m2=m2, dropped_for_m2=dropped, sd=sd, threshold=threshold, flagged=flagged,
        explanations=explanations,
        summary=_low_summary(method, parameters, m1, m2, sd, threshold, dropped, flagged))


def _threshold_words(method: LowOfferMethod, parameters: Mapping[str, float], m1: float,
                     m2: float | None, sd: float | None, threshold: float,
                     lang: Lang) -> str:
    if method == "m1m2":
        assert m2 is not None
        f = _num(parameters["lower_factor"], lang)
        return f"{f} × M2 = {f} × {_num(m2, lang)} {_equals(threshold, lang)}"
    assert sd is not None
    k = _num(parameters["sd_factor"], lang)
    mean = pmsg("low offer threshold", "mean").get(lang)
    sd_name = pmsg("low offer threshold", "SD").get(lang)
    return (f"{mean} − {k} × {sd_name} = {_num(m1, lang)} − {k} × {_num(sd, lang)} "
            f"{_equals(threshold, lang)}")


def _low_explanation(vendor: str, price: float, method: LowOfferMethod, threshold: float,
                     parameters: Mapping[str, float], m1: float, m2: float | None,
                     sd: float | None) -> Text:
    fr = _threshold_words(method, parameters, m1, m2, sd, threshold, "fr")
    en = _threshold_words(method, parameters, m1, m2, sd, threshold, "en")
    return msg("Offer {vendor}: {num_price} € < {text} €. The offer looks abnormally low: ask "
               "the vendor in writing to explain and justify its price (French public "
               "procurement code, L2152-6). It is not excluded: it may only be rejected after "
               "its justifications have been examined.",
               num_price=Text(fr=format(_num(price, 'fr'), ''), en=format(_num(price, 'en'), '')),
               text=Text(fr=fr, en=en), vendor=vendor)


def _low_summary(method: LowOfferMethod, parameters: Mapping[str, float], m1: float,
                 m2: float | None, sd: float | None, threshold: float,
                 dropped: tuple[str, ...], flagged: tuple[str, ...]) -> Text:
    words = {lang: _threshold_words(method, parameters, m1, m2, sd, threshold, lang)
             for lang in ("fr", "en")}
    mean = Text(fr=_num(m1, "fr"), en=_num(m1, "en"))
    limit = Text(fr=words["fr"], en=words["en"])
    if method == "m1m2" and dropped:
        factor = parameters["upper_factor"]
        threshold_text = msg("M1 = mean price = {mean} €; offers above {factor} × M1, left out "
                             "of M2: {dropped}; M2 = mean of the other prices; threshold: "
                             "{threshold} €.", mean=mean, dropped=", ".join(dropped),
                             factor=Text(fr=_num(factor, "fr"), en=_num(factor, "en")),
                             threshold=limit)
    elif method == "m1m2":
        threshold_text = msg("M1 = mean price = {mean} €; M2 = mean of the other prices; "
                             "threshold: {threshold} €.", mean=mean, threshold=limit)
    else:
        threshold_text = msg("Mean = {mean} €; population standard deviation (divided by the "
                             "number of offers); threshold: {threshold} €.", mean=mean,
                             threshold=limit)
    if flagged:
        return _sentences([threshold_text, msg(
            "Offers flagged for a written request for justification (none is excluded): "
            "{vendors}.", vendors=", ".join(flagged))])
    return _sentences([threshold_text, msg("No offer flagged.")])


def _check_factor(name: str, value: float, *, low: float, high: float,
                  low_open: bool) -> None:
    ok = _is_number(value) and math.isfinite(value) and value <= high and (
        value > low if low_open else value >= low)
    if not ok:
        lower = f"> {low:g}" if low_open else f">= {low:g}"
        upper = "" if math.isinf(high) else f" and <= {high:g}"
        raise PriceError(f"{name}: expected a finite number {lower}{upper}, got {value!r}")


@attrs.frozen
class CostLine:
    """One cost item over the contract.

    Attributes:
        item: the cost item id.
        amount: the amount per occurrence (euros, once or per year).
        recurrence: once or yearly.
        total: the amount over the contract (``amount``, or ``amount × years``).

    """

    item: str
    amount: float
    recurrence: Recurrence
    total: float


@attrs.frozen
class DqeLine:
    """One line of a DQE: the buyer's quantity times the bidder's unit price.

    Attributes:
        item: the DQE item id.
        quantity: the quantity the buyer set.
        unit_price: the unit price the bidder gave (euros excluding VAT).
        total: ``quantity × unit_price``, exact.

    """

    item: str
    quantity: Decimal
    unit_price: Decimal
    total: Decimal


@attrs.frozen
class CostBreakdown:
    """The compared price of an offer, with its lines.

    Lump sum: ``one_off + years × yearly``. DQE: the sum of the ``dqe`` line totals.
    Both parts add up when a price has both.

    Attributes:
        years: the contract years.
        lines: one line per lump-sum item, in the order given.
        one_off: the sum of the one-off items.
        yearly: the sum of the yearly items (for one year).
        total: the compared price (the float of ``exact``).
        dqe: one line per DQE item, in the order of the DQE.
        exact: the compared price in decimal, exact to the cent (None only for a
            breakdown built by hand).

    """

    years: int
    lines: tuple[CostLine, ...]
    one_off: float
    yearly: float
    total: float
    dqe: tuple[DqeLine, ...] = ()
    exact: Decimal | None = None

    @property
    def model(self) -> Literal["lump-sum", "dqe", "mixed"]:
        """``"lump-sum"``, ``"dqe"`` or ``"mixed"``."""
        if not self.dqe:
            return "lump-sum"
        return "mixed" if self.lines else "dqe"

    @property
    def dqe_total(self) -> Decimal:
        """The sum of the DQE line totals (0 without a DQE)."""
        return sum((line.total for line in self.dqe), Decimal(0))

    def explain(self) -> Text:
        """Return the total as a computation, e.g. ``12 000 + 5 × 3 000 = 27 000``.

        A DQE shows each line, e.g. ``20 × 450 + 3 × 1 200 = 12 600 €``.
        """
        def text(lang: Lang) -> str:
            parts: list[str] = []
            if self.lines:
                parts.append(f"{_num(self.one_off, lang)} + {self.years} × "
                             f"{_num(self.yearly, lang)}")
            if self.dqe:
                dqe = " + ".join(f"{_dec(line.quantity, lang)} × {_dec(line.unit_price, lang)}"
                                 for line in self.dqe)
                parts.append(f"({dqe})" if self.lines else dqe)
            return f"{' + '.join(parts)} = {_dec(self._exact(), lang)} €"

        return Text(fr=text("fr"), en=text("en"))

    def _exact(self) -> Decimal:
        return self.exact if self.exact is not None else _decimal(self.total)


def total_cost(
    items: Mapping[str, float],
    recurrence: Mapping[str, Recurrence | Literal["once", "yearly"]],
    years: int,
) -> CostBreakdown:
    """Add cost items into a total cost of ownership over ``years`` contract years.

    Args:
        items: item id -> amount in euros (a zero amount is allowed).
        recurrence: item id -> :class:`~ai_procurement.bank.model.Recurrence` or ``"once"`` /
            ``"yearly"``; every item needs one, and only items have one.
        years: contract years (an integer >= 1).

    Returns:
        The lines and ``one_off + years × yearly``.

    Raises:
        PriceError: no item, ``years`` not an integer >= 1, or items with an invalid
            amount or recurrence (every such item named at once).

    """
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise PriceError(f"years: expected an integer >= 1 (contract years), got {years!r}")
    amounts = _checked_prices(items, what="amount", subject="item")
    problems: list[str] = []
    kinds: dict[str, Recurrence] = {}
    for item in amounts:
        if item not in recurrence:
            problems.append(f"item {item!r}: no recurrence; expected 'once' or 'yearly'")
            continue
        value = recurrence[item]
        if isinstance(value, Recurrence):
            kinds[item] = value
        elif isinstance(value, str) and value in {r.value for r in Recurrence}:
            kinds[item] = Recurrence(value)
        else:
            problems.append(f"item {item!r}: recurrence {value!r}; expected 'once' or "
                            "'yearly'")
    problems += [f"item {item!r}: recurrence given but no amount"
                 for item in recurrence if item not in amounts]
    if problems:
        raise PriceError("cannot compute the total cost: " + "; ".join(problems))
    lines = tuple(
        CostLine(item=item, amount=amount, recurrence=kinds[item],
                 total=amount if kinds[item] is Recurrence.ONCE else amount * years)
        for item, amount in amounts.items())
    one_off = math.fsum(line.amount for line in lines if line.recurrence is Recurrence.ONCE)
    yearly = math.fsum(line.amount for line in lines if line.recurrence is Recurrence.YEARLY)
    exact = sum((_decimal(line.amount) * (1 if line.recurrence is Recurrence.ONCE else years)
                 for line in lines), Decimal(0))
    return CostBreakdown(years=years, lines=lines, one_off=one_off, yearly=yearly,
                         total=float(exact), exact=exact)


def offer_cost(spec: Price, amounts: Mapping[str, float]) -> CostBreakdown:
    """The compared price of an offer under the price model of ``spec``.

    Args:
        spec: the price question's specification: lump-sum items, DQE items, or both.
        amounts: item id -> what the bidder typed: the amount of a lump-sum item, the
            unit price of a DQE item (euros excluding VAT, >= 0).

    Returns:
        The breakdown; its total is one-off + years × yearly (lump sum) plus the sum of
        quantity × unit price over the DQE (exact decimal arithmetic).

    Raises:
        PriceError: an item without a value or a value without an item, or an invalid
            value (every such item named at once).

    """
    dqe_ids = {line.id for line in spec.dqe}
    unit_prices = {k: v for k, v in amounts.items() if k in dqe_ids}
    lump = {k: v for k, v in amounts.items() if k not in dqe_ids}
    missing = [line.id for line in spec.dqe if line.id not in unit_prices]
    if missing:
        raise PriceError(nmsg("no unit price for DQE item {missing}; expected a unit price in "
                              "euros excluding VAT for every item", "no unit price for DQE "
                              "items {missing}; expected a unit price in euros excluding VAT "
                              "for every item", len(missing), missing=", ".join(missing)))
    dqe = _dqe_lines(spec.dqe, unit_prices) if spec.dqe else ()
    if spec.items:
        base = total_cost(lump, {i.id: i.recurrence for i in spec.items}, spec.years)
    else:
        if lump:
            raise PriceError(nmsg("amount for unknown item {items}; the price has only DQE "
                                  "items", "amounts for unknown items {items}; the price has "
                                  "only DQE items", len(lump), items=", ".join(sorted(lump))))
        base = CostBreakdown(years=spec.years, lines=(), one_off=0.0, yearly=0.0, total=0.0,
                             exact=Decimal(0))
    exact = (base.exact or Decimal(0)) + sum((line.total for line in dqe), Decimal(0))
    return attrs.evolve(base, dqe=dqe, exact=exact, total=float(exact))


def _dqe_lines(items: Sequence[DqeItem],
               unit_prices: Mapping[str, float]) -> tuple[DqeLine, ...]:
    """One :class:`DqeLine` per item, in order: quantity × unit price, exact."""
    checked = _checked_prices(unit_prices, what="unit price", subject="item")
    lines = []
    for item in items:
        quantity, price = _decimal(item.quantity), _decimal(checked[item.id])
        lines.append(DqeLine(item.id, quantity, price, quantity * price))
    return tuple(lines)


@attrs.frozen
class Budget:
    """The credits allocated to a contract (a lot), excluding VAT.

    Attributes:
        amount: euros excluding VAT, set before the procedure was launched (L2152-3).
        covers: what the amount covers (e.g. "4 years, set-up and run, excl. VAT").
        source: the decision that set it (e.g. a deliberation), for the file.

    """

    amount: Decimal
    covers: str
    source: str = ""


@attrs.frozen
class BudgetCheck:
    """Which offers exceed the budget, and what follows (never silently).

    Attributes:
        budget: the budget compared with.
        negotiation: True when the procedure negotiates (the offers stay listed).
        prices: the compared prices, vendor -> euros (exact).
        over: the vendors whose price exceeds the budget, sorted.
        explanations: vendor -> why it is unacceptable and what follows, with articles.
        summary: the check in words, for the report.

    """

    budget: Budget
    negotiation: bool
    prices: dict[str, Decimal]
    over: tuple[str, ...]
    explanations: dict[str, Text]
    summary: Text


def check_budget(prices: Mapping[str, Decimal | float], budget: Budget, *,
                 negotiation: bool) -> BudgetCheck:
    """Find the offers whose compared price exceeds ``budget`` (unacceptable, L2152-3).

    A price equal to the budget is acceptable; above it by any amount, even one cent,
    it is not. Comparisons are exact (decimal).

    Args:
        prices: vendor -> compared price (euros excluding VAT).
        budget: the credits allocated to the contract.
        negotiation: True when a negotiation or a dialogue takes place, so that an
            unacceptable offer may become acceptable through it (R2152-1).

    Raises:
        PriceError: a budget that is not a finite amount > 0, or an invalid price.

    """
    amount = budget.amount
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise PriceError(f"budget: expected a finite amount > 0 in euros excluding VAT, "
                         f"got {amount!r}")
    exact = {v: p if isinstance(p, Decimal) else _decimal(float(p)) for v, p in prices.items()}
    bad = sorted(v for v, p in exact.items() if not p.is_finite() or p < 0)
    if bad:
        raise PriceError(f"invalid price(s) for {bad}; expected amounts >= 0")
    over = tuple(sorted(v for v, p in exact.items() if p > amount))
    covers = f" ({budget.covers})" if budget.covers.strip() else ""
    explanations = {v: _over_budget(v, exact[v], amount, covers, negotiation) for v in over}
    summary = [msg("Budget: {amount} € excl. VAT{covers}, the credits allocated to the contract "
                   "before the procedure was launched. An offer whose price exceeds it is "
                   "unacceptable (French public procurement code, L2152-3); a price equal to the "
                   "budget is acceptable.", amount=_exact_amount(amount), covers=covers)]
    if not over:
        summary.append(msg("No offer exceeds the budget."))
    elif negotiation:
        summary += [msg("Offers above the budget: {vendors}.", vendors=", ".join(over)),
                    msg("In this procedure an unacceptable offer may become acceptable during "
                        "the negotiation or dialogue, if it is not abnormally low (R2152-1): "
                        "they stay ranked and flagged, and may only be chosen once acceptable.")]
    else:
        summary += [msg("Offers above the budget: {vendors}.", vendors=", ".join(over)),
                    msg("In this procedure (call for tenders, or adapted procedure without "
                        "negotiation) they are eliminated without being ranked (L2152-1 and "
                        "R2152-1); the regularisation of R2152-2 concerns irregular offers "
                        "only.")]
    return BudgetCheck(budget, negotiation, exact, over, explanations, _sentences(summary))


def _exact_amount(x: Decimal) -> Text:
    """An exact amount written in each language's way (:func:`_dec`)."""
    return Text(fr=_dec(x, "fr"), en=_dec(x, "en"))


def _sentences(parts: list[Text]) -> Text:
    """Sentences one after the other, in each language."""
    return Text(fr=" ".join(p.fr for p in parts), en=" ".join(p.en for p in parts))


def _over_budget(vendor: str, price: Decimal, amount: Decimal, covers: str,
                 negotiation: bool) -> Text:
    unacceptable = msg("Offer {vendor}: price {price} € excl. VAT, {gap} € above the budget of "
                       "{amount} € excl. VAT{covers}: the offer is unacceptable (French public "
                       "procurement code, L2152-3).", vendor=vendor, price=_exact_amount(price),
                       gap=_exact_amount(price - amount), amount=_exact_amount(amount),
                       covers=covers)
    if negotiation:
        return _sentences([unacceptable, msg(
            "It may become acceptable during the negotiation, if it is not abnormally low "
            "(R2152-1); it stays ranked, flagged.")])
    return _sentences([unacceptable, msg(
        "It is eliminated without being ranked (L2152-1 and R2152-1).")])


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _checked_prices(values: Mapping[str, float], *, what: str,
                    subject: str = "vendor") -> dict[str, float]:
    """Return ``values`` as floats, or raise one PriceError naming every bad entry."""
    words = {"what": _PRICE_WORDS[what], "subject": _PRICE_WORDS[subject]}
    if not values:
        if subject == "vendor":
            raise PriceError(msg("no {what} given: expected at least one of the offers",
                                 **words))
        raise PriceError(msg("no {what} given: expected at least one of the cost items",
                             **words))
    problems: list[Text] = []
    checked: dict[str, float] = {}
    for key, value in values.items():
        if not isinstance(key, str):
            problems.append(msg("{subject} id {key!r}: expected a text id", key=key, **words))
        elif not _is_number(value):
            problems.append(msg("{subject} {key!r}: {what} {value!r} is not a number",
                                key=key, value=value, **words))
        elif not math.isfinite(value):
            problems.append(msg("{subject} {key!r}: {what} {value!r} is not a finite number",
                                key=key, value=value, **words))
        elif value < 0:
            problems.append(msg("{subject} {key!r}: {what} {value!r} is negative", key=key,
                                value=value, **words))
        else:
            checked[key] = float(value)
    if problems:
        listed = Text(fr=" ; ".join(p.fr for p in problems),
                      en="; ".join(p.en for p in problems))
        raise PriceError(nmsg("{n} invalid value: {problems}; expected a finite number of "
                              "euros >= 0 for each {subject}", "{n} invalid values: "
                              "{problems}; expected a finite number of euros >= 0 for each "
                              "{subject}", len(problems), problems=listed, **words))
    return checked


_PRICE_WORDS: dict[str, Text] = {
    "price": pmsg("checked value", "price"), "amount": pmsg("checked value", "amount"),
    "unit price": pmsg("checked value", "unit price"),
    "vendor": pmsg("checked value", "vendor"), "item": pmsg("checked value", "item")}
"""The words of :func:`_checked_prices`' messages: what is checked, and whose it is."""


def _mean(values: Iterable[float]) -> float:
    data = list(values)
    try:
        return statistics.fmean(data)
    except OverflowError:
        # Sums of prices near the float limit overflow; scaling keeps the mean exact
        # enough and finite (it is at most the largest price).
        scale = max(data)
        return scale * statistics.fmean(x / scale for x in data)


def _pstdev(values: list[float], mean: float) -> float:
    scale = max(values)
    if scale <= _HUGE:
        return statistics.pstdev(values, mean)
    # statistics.pstdev fails on values near the float limit (seen on CPython 3.11);
    # scaling keeps the result finite. No real price comes near this.
    return scale * statistics.pstdev([x / scale for x in values], mean / scale)


def _decimal(value: float) -> Decimal:
    """``value`` as the decimal it was typed as (its shortest repr), not its binary value."""
    return Decimal(repr(float(value))) if not isinstance(value, int) else Decimal(value)


def _dec(x: Decimal, lang: Lang) -> str:
    """Format an exact amount with its cents (up to 4 decimals when it has more)."""
    exponent = x.normalize().as_tuple().exponent
    places = 2 if isinstance(exponent, str) or exponent >= -2 else min(4, -exponent)
    text = f"{x:,.{places}f}"
    if text.endswith(".00"):
        text = text[:-3]
    text = text.replace("-", "−")
    if lang == "fr":
        text = text.replace(",", _NBSP).replace(".", ",")
    return text


def _num(x: float, lang: Lang) -> str:
    """Format ``x`` with at most two decimals, French or English style."""
    text = f"{round(x, 2) + 0.0:,.2f}".rstrip("0").rstrip(".").replace("-", "−")
    if lang == "fr":
        text = text.replace(",", _NBSP).replace(".", ",")
    return text


def _equals(x: float, lang: Lang) -> str:
    """Return ``= x`` or ``≈ x`` when ``x`` is not round to two decimals."""
    exact = abs(round(x, 2) - x) <= 1e-9 * max(1.0, abs(x))
    return f"{'=' if exact else '≈'} {_num(x, lang)}"
