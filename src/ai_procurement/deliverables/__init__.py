"""What the buyer signs and sends: comparison workbook, decision memo, letters.

Built from an evaluation and its robustness checks; every figure is formatted by
:mod:`ai_procurement.deliverables.labels` so it reads the same in every document.
"""
