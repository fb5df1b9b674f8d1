"""The memo's figures: total points by criterion, and the criterion profile of each offer.

The totals are a native Word chart (:mod:`ai_procurement._office.chart`): Word and
LibreOffice draw it, the buyer can edit it, and it costs milliseconds where the
matplotlib picture it replaces cost over a second of the memo with matplotlib's import.
The profile was a heat map, which neither Word nor LibreOffice draws natively: it is a
table whose cells are shaded from red to green by their figure, as readable in print
and as easy to edit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import attrs

from ai_procurement._office.chart import BarChart, Series
from ai_procurement._office.docx import WordDocument
from ai_procurement.bank.model import Criterion
from ai_procurement.decision.scoring import VendorResult
from ai_procurement.deliverables.view import EvaluationView
from ai_procurement.text import msg

__all__ = ["OFFER_COLOURS", "ProfileTable", "TotalsChart", "charts", "criterion_colours"]

_CHART_OFFERS = 40  # offers charted at most, the best-ranked
_NAME_LIMIT = 28  # characters of a vendor name on the chart's axis
_LEGEND_LIMIT = 46  # characters of a criterion's name in the legend
_LEGEND_NAMES = 24  # past this many criteria, the legend gives their ids only
_PRICE_COLOUR = "4D4D4D"
_PALETTE = ("1F77B4", "AEC7E8", "FF7F0E", "FFBB78", "2CA02C", "98DF8A", "D62728", "FF9896",
            "9467BD", "C5B0D5", "8C564B", "C49C94", "E377C2", "F7B6D2", "BCBD22", "DBDB8D",
            "17BECF", "9EDAE5")
"""The other criteria's colours, in turn: a qualitative palette (matplotlib's tab20 without
its greys, which are the price's)."""
OFFER_COLOURS = _PALETTE[::2]
"""The colours of offers drawn side by side (the profile chart's lines): the palette's
strong colours, in turn."""
_SCALE = ((0.0, (0xF8, 0x69, 0x6B)), (50.0, (0xFF, 0xEB, 0x84)), (100.0, (0x63, 0xBE, 0x7B)))
"""The profile's red-amber-green scale (a share in % and its colour): the colours of
spreadsheets' three-colour scales, light enough for black figures on every one."""
# The totals chart's height: axis and its title, each bar, each legend row (cm).
_CHART_FRAME = 2.6
_BAR = 0.6
_LEGEND_ROW = 0.42
_CHART_MAX_HEIGHT = 21.0  # the chart and its caption fit on an A4 page


@attrs.frozen
class TotalsChart:
    """The total points of each ranked offer, a bar stacked by criterion.

    Attributes:
        chart: the chart's data (categories are the offers, best first, each with its
            total; a series per criterion).
        height_cm: the chart's height on the page.
        caption: what the chart shows, without its number.
    """

    chart: BarChart
    height_cm: float
    caption: str

    def put(self, document: WordDocument, caption: str) -> None:
        """Add the chart to ``document``, above ``caption``."""
        document.chart(self.chart, caption, self.height_cm)


@attrs.frozen
class ProfileTable:
    """Each ranked offer's share of each criterion's points, as a shaded table.

    Attributes:
        headers: "Offer", then the criteria's ids.
        rows: an offer's name, then its share of each criterion's points (in %).
        fills: each body cell's colour (``RRGGBB``), None for the names.
        widths: the columns' widths, in centimetres.
        caption: what the table shows, without its number.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    fills: tuple[tuple[str | None, ...], ...]
    widths: tuple[float, ...]
    caption: str

    def put(self, document: WordDocument, caption: str) -> None:
        """Add ``caption``, then the table, to ``document``."""
        document.gap()
        document.paragraph(caption, style="Caption", align="c", keep_with_next=True)
        # The ids are written upwards in their narrow columns: the heading is given as
        # the first row (a header would widen each column to its id's width).
        document.table([""] * len(self.headers), [self.headers, *self.rows], self.widths,
                       align="l" + "c" * (len(self.headers) - 1), header=False,
                       bold_rows=[0])
        document.shade(self.fills, heading=True)


Figure = TotalsChart | ProfileTable


def charts(view: EvaluationView) -> list[Figure]:
    """Totals stacked by criterion, and the criterion profile of each ranked offer.

    Nothing when no offer is ranked or no criterion has points.
    """
    # Past _CHART_OFFERS, the best-ranked ones: more bars than that no longer fit the
    # page's height with a readable name each (the tables give every offer).
    ranked = view.ranking[:_CHART_OFFERS]
    criteria = [c for c in view.criteria if view.points.get(c.id, 0.0) > 0]
    if not ranked or not criteria:
        return []
    f = view.f
    every = len(view.ranking)
    part = "" if every == len(ranked) else f.t(
        msg(" The {len_ranked} best-ranked offers out of {every}.", len_ranked=len(ranked),
            every=every))
    return [
        _totals(view, ranked, criteria, f.t(
            msg("Total points of each ranked offer, broken down by criterion.")) + part),
        _profile(view, ranked, criteria, f.t(
            msg("Profile of the ranked offers: share of each criterion's points earned, in %. "
                "Criterion ids are those of the table in section 3.")) + part)]


def criterion_colours(criteria: Sequence[Criterion]) -> list[str]:
    """Each criterion's colour (``RRGGBB``) in the charts: the price grey, the others in turn.

    The memo's chart and the comparison workbook's give a criterion the same colour.
    """
    colours = []
    others = 0
    for criterion in criteria:
        if criterion.is_price:
            colours.append(_PRICE_COLOUR)
        else:
            colours.append(_PALETTE[others % len(_PALETTE)])
            others += 1
    return colours


def _totals(view: EvaluationView, ranked: Sequence[VendorResult],
            criteria: Sequence[Criterion], caption: str) -> TotalsChart:
    f = view.f
    named = len(criteria) <= _LEGEND_NAMES
    series = []
    for criterion, colour in zip(criteria, criterion_colours(criteria), strict=True):
        name = (f.text(f"{criterion.id} – {view.title(criterion)}", _LEGEND_LIMIT) if named
                else f.text(criterion.id, _LEGEND_LIMIT))
        series.append(Series(name, colour,
                             tuple(v.criteria.get(criterion.id, 0.0) for v in ranked)))
    chart = BarChart(
        categories=tuple(f"{f.name(v.vendor, _NAME_LIMIT)} – {f.n(v.total, 1)}"
                         for v in ranked),
        series=tuple(series),
        axis_title=f.t(msg("Points (out of {f_n_view_total_points_0})",
                           f_n_view_total_points_0=f.n(view.total_points, 0))),
        axis_max=view.total_points,
        category_title=f.t(msg("Offer")),
        lang="fr-FR" if view.lang == "fr" else "en-GB")
    legend_rows = math.ceil(len(criteria) / (2 if named else 6))
    height = min(_CHART_MAX_HEIGHT,
                 _CHART_FRAME + _BAR * len(ranked) + _LEGEND_ROW * legend_rows)
    return TotalsChart(chart, round(height, 2), caption)


def _profile(view: EvaluationView, ranked: Sequence[VendorResult],
             criteria: Sequence[Criterion], caption: str) -> ProfileTable:
    f = view.f
    rows, fills = [], []
    for v in ranked:
        shares = [100.0 * v.criteria.get(c.id, 0.0) / view.points[c.id] for c in criteria]
        rows.append((f.name(v.vendor), *(f.n(share, 0) for share in shares)))
        fills.append((None, *(_shade(share) for share in shares)))
    # The figures ("100") need 0.9 cm a column; the names take what is left, 3.5 cm at
    # least (the table is scaled down to the page's width past 15 criteria).
    column = max(0.9, min(1.6, (17.0 - 3.5) / len(criteria)))
    widths = (max(3.5, 17.0 - column * len(criteria)), *[column] * len(criteria))
    return ProfileTable((f.t(msg("Offer")), *(f.text(c.id, 16) for c in criteria)),
                        tuple(rows), tuple(fills), widths, caption)


def _shade(share: float) -> str:
    """The colour of a share of points (in %) on the red-amber-green scale."""
    share = min(100.0, max(0.0, share))
    for (low, start), (high, end) in itertools.pairwise(_SCALE):
        if share <= high:
            t = (share - low) / (high - low)
            return "".join(f"{round(a + (b - a) * t):02X}" for a, b in zip(start, end,
                                                                            strict=True))
    raise AssertionError("unreachable: the scale ends at 100")
