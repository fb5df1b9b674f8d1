"""The Excel workbooks people fill: vendor questionnaires, evaluator reviews, screening.

Each is written signed under the buyer's key and read back behind the guards of
:mod:`ai_procurement._office`, every problem collected into one report per file.
"""
