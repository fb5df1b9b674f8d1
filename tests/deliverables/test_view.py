"""An evaluation as the documents read it (deliverables/view.py)."""

from __future__ import annotations

import datetime as dt

from ai_procurement.deliverables.view import Formatter


def test_figures_read_the_same_in_every_document_of_a_run() -> None:
    # What one document wrote is taken up by the next (another formatter, another
    # language): the sign of zero, the language and the decimals still count.
    for _ in range(2):
        fr, en = Formatter("fr"), Formatter("en")
        assert en.n(-0.0) == "0.00"  # as it always read
        assert en.pts(0.0) == en.pts(-0.0) == "0.00"
        assert fr.n(1234.5) == "1\u202f234,50"
        assert en.n(1234.5) == "1,234.50"
        assert en.n(1234.5, 0) == "1,234"
        assert fr.n(1234, 0) == fr.n(1234.0, 0) == "1\u202f234"
        assert fr.pts(12.345) == "12,34"
        assert fr.pct(0.125, 1) == "12,5\u00a0%"
        assert fr.money(1234.5) == "1\u202f234,50\u00a0€"
        assert en.money(1234.5) == "€1,234.50"
        assert fr.money(-0.0) == "-0,00\u00a0€"
        assert fr.money(0.0) == "0,00\u00a0€"
        assert fr.date(dt.date(2027, 3, 1)) == "1er mars 2027"
        assert en.date(dt.date(2027, 3, 1)) == "1 March 2027"
        assert en.date(dt.datetime(2027, 3, 2, 23, 30)) == "2 March 2027"
        assert en.date(None) == "—"
