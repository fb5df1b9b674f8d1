"""The decision: weights, scoring, price formulas and robustness, as pure computation.

Nothing here reads or writes a file: the wing takes a frozen questionnaire and answers
in memory (:mod:`ai_procurement.answers`) and returns results that record their
methods and parameters, so it can be tested with plain numbers.
"""
