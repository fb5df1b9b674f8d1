"""The memo's charts, drawn with matplotlib: totals by criterion, and criterion profiles.

No pyplot: figures are drawn on an Agg canvas, so the caller's backend and global figure
state are left alone, and nothing needs a display. The PNG files carry no date or
software version, so the same evaluation gives the same bytes.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from ai_procurement.bank.model import Criterion
from ai_procurement.decision.scoring import VendorResult
from ai_procurement.deliverables.view import EvaluationView, clean
from ai_procurement.text import msg

__all__ = ["charts"]

_CHART_NAME_LIMIT = 28


def _chart_text(text: str, limit: int = _CHART_NAME_LIMIT) -> str:
    """Text safe for a matplotlib label: one line, no controls, ``$`` not read as maths."""
    cleaned = clean(text, limit + 1).replace("\n", " ").replace("\t", " ")
    cleaned = "".join(ch for ch in cleaned if not _is_bidi_control(ch))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned.replace("$", r"\$") or "—"


def _is_bidi_control(ch: str) -> bool:
    return "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f\u061c"


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


def charts(view: EvaluationView) -> list[tuple[bytes, str]]:
    """Totals stacked by criterion, and the criterion profile of each ranked offer."""
    # Past _CHART_OFFERS, the best-ranked ones: more bars than that no longer fit the
    # page's height with a readable name each (the tables give every offer).
    ranked = view.ranking[:_CHART_OFFERS]
    criteria = [c for c in view.criteria if view.points.get(c.id, 0.0) > 0]
    if not ranked or not criteria:
        return []
    return _draw(view, ranked, criteria)


def _draw(view: EvaluationView, ranked: Sequence[VendorResult],
          criteria: Sequence[Criterion]) -> list[tuple[bytes, str]]:
    import matplotlib

    f = view.f
    charts: list[tuple[bytes, str]] = []
    every = len(view.ranking)
    part = "" if every == len(ranked) else f.t(
        msg(" The {len_ranked} best-ranked offers out of {every}.", len_ranked=len(ranked),
            every=every))
    with warnings.catch_warnings(), matplotlib.rc_context({"font.size": 7.5}):
        # Vendor names may hold characters the chart font lacks (emoji...): they show
        # as boxes in the chart and in full in the text, which is what matters.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        charts.append((_totals_chart(view, ranked, criteria), f.t(
            msg("Total points of each ranked offer, broken down by criterion.")) + part))
        charts.append((_profile_chart(view, ranked, criteria), f.t(
            msg("Profile of the ranked offers: share of each criterion's points earned, in %. "
                "Criterion ids are those of the table in section 3.")) + part))
    return charts


# Chart layout, in inches. The axes are placed from the measured size of their labels
# and legend: matplotlib's layout engines measure every artist several times, which
# costs more than drawing them.
_CHART_WIDTH = 6.7
_CHART_HEIGHT = 9.5  # at most: the figure and its caption fit on an A4 page
_LEGEND_ROWS = 32  # criteria named in full in the legend, two a row, up to this many rows
_CHART_DPI = 150  # the chart is shown 16 to 17 cm wide: about 1 000 pixels
_CHART_EDGE = 0.08
_TICK_SPACE = 7.0 / 72  # tick length and label padding, 3.5 pt each
_CHART_OFFERS = 40  # offers charted at most, the best-ranked
_ANNOTATED_CELLS = 200  # the profile shows each cell's figure up to this many cells


def _figure(height: float) -> tuple[Any, Any]:
    """A figure on an Agg canvas, and the renderer to measure text with.

    No pyplot: the caller's backend and global figure state are left alone.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(_CHART_WIDTH, height), dpi=_CHART_DPI)
    return figure, FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]


def _widest(texts: Iterable[Any], renderer: Any) -> tuple[float, float]:
    """The largest width and height, in inches, of text artists as drawn."""
    width = height = 0.0
    for text in texts:
        box = text.get_window_extent(renderer)
        width, height = max(width, box.width), max(height, box.height)
    return width / renderer.dpi, height / renderer.dpi


def _place(axes: Any, *, left: float, bottom: float, right: float, top: float) -> None:
    """Put ``axes`` with the given margins (inches) around it."""
    width, height = axes.figure.get_size_inches()
    axes.set_position((left / width, bottom / height, 1 - (left + right) / width,
                       1 - (bottom + top) / height))


def _totals_chart(view: EvaluationView, ranked: Sequence[VendorResult],
                  criteria: Sequence[Criterion]) -> bytes:
    import matplotlib
    from matplotlib.collections import PolyCollection
    from matplotlib.ticker import FuncFormatter

    f = view.f
    count = len(ranked)
    palette = matplotlib.colormaps["tab20"]
    labels = [_chart_text(f"{c.id} – {view.title(c)}", 46) for c in criteria]
    columns = 2
    if math.ceil(len(criteria) / columns) > _LEGEND_ROWS:
        # Too many criteria to name in full: their ids, as in the profile chart.
        labels = [_chart_text(c.id, 16) for c in criteria]
        columns = min(5, math.ceil(len(criteria) / _LEGEND_ROWS))
    legend_rows = math.ceil(len(criteria) / columns)
    figure, renderer = _figure(min(_CHART_HEIGHT, 1.2 + 0.28 * count + 0.17 * legend_rows))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    left = [0.0] * count
    for k, criterion in enumerate(criteria):
        values = [v.criteria.get(criterion.id, 0.0) for v in ranked]
        # One collection of bars per criterion: a patch per bar costs far more to add.
        bars = [((x, i - 0.4), (x, i + 0.4), (x + w, i + 0.4), (x + w, i - 0.4))
                for i, (x, w) in enumerate(zip(left, values, strict=True))]
        axes.add_collection(PolyCollection(
            bars, facecolors="#4d4d4d" if criterion.is_price else palette(k % 20),
            edgecolors="white", linewidths=0.4, label=labels[k]), autolim=False)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for i, vendor in enumerate(ranked):
        axes.text(vendor.total + view.total_points * 0.01, i, f.n(vendor.total, 1),
                  va="center", fontsize=7)
    axes.set_yticks(range(count), labels=[_chart_text(v.vendor) for v in ranked])
    axes.set_ylim(count - 0.4, -0.6)  # the best offer on top
    axes.set_xlim(0, view.total_points * 1.1)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f.n(x, 0)))
    axes.set_xlabel(f.t(msg("Points (out of {f_n_view_total_points_0})",
                            f_n_view_total_points_0=f.n(view.total_points, 0))))
    axes.spines[["top", "right"]].set_visible(False)
    legend = figure.legend(loc="lower center", ncol=columns, fontsize=6.5, frameon=False)
    names, _ = _widest(axes.get_yticklabels(), renderer)
    _, line = _widest([axes.xaxis.label], renderer)
    below = legend.get_window_extent(renderer).height / renderer.dpi
    # The bars keep at least a third of the height, whatever the legend needs.
    bottom = min(below + 2 * line + _TICK_SPACE + 4 / 72 + _CHART_EDGE,
                 figure.get_size_inches()[1] * 2 / 3)
    _place(axes, left=_CHART_EDGE + names + _TICK_SPACE, bottom=bottom, right=0.2,
           top=_CHART_EDGE)
    return _png(figure)


def _profile_chart(view: EvaluationView, ranked: Sequence[VendorResult],
                   criteria: Sequence[Criterion]) -> bytes:
    from matplotlib.ticker import FuncFormatter

    f = view.f
    count = len(ranked)
    # At least 2 inches: the colour bar's label stays within the figure.
    figure, renderer = _figure(min(_CHART_HEIGHT, max(2.0, 1.4 + 0.26 * count)))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    shares = [[100.0 * v.criteria.get(c.id, 0.0) / view.points[c.id] for c in criteria]
              for v in ranked]
    image = axes.imshow(shares, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
    axes.set_xticks(range(len(criteria)), labels=[_chart_text(c.id, 16) for c in criteria],
                    rotation=45, ha="right")
    axes.set_yticks(range(count), labels=[_chart_text(v.vendor) for v in ranked])
    # Each figure is a text drawn on its own: the figures of more than about 200 cells
    # made most of the memo's time, in print too small to read (the tables of section
    # 3 give them all).
    if count * len(criteria) <= _ANNOTATED_CELLS:
        size = 6.5 if count <= 15 else 5.5
        for i, row in enumerate(shares):
            for j, value in enumerate(row):
                axes.text(j, i, f.n(value, 0), ha="center", va="center", fontsize=size)
    # The colour bar beside the matrix, 80 % of its height, as figure.colorbar puts it.
    bar_axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    bar = figure.colorbar(image, cax=bar_axes, format=FuncFormatter(lambda x, _pos: f.n(x, 0)))
    bar.set_label(f.t(msg("% of the criterion's points")))
    names, _ = _widest(axes.get_yticklabels(), renderer)
    _, ids = _widest(axes.get_xticklabels(), renderer)
    scale, line = _widest([bar.ax.text(0, 0, f.n(100, 0))], renderer)
    bar.ax.texts[-1].remove()
    pad, thickness = 0.15, 0.15
    right = pad + thickness + _TICK_SPACE + scale + 4 / 72 + line + _CHART_EDGE
    _place(axes, left=_CHART_EDGE + names + _TICK_SPACE,
           bottom=_CHART_EDGE + ids + _TICK_SPACE, right=right, top=_CHART_EDGE)
    x, y, width, height = axes.get_position().bounds
    figure_width = _CHART_WIDTH
    bar_axes.set_position((x + width + pad / figure_width, y + 0.1 * height,
                           thickness / figure_width, 0.8 * height))
    return _png(figure)

