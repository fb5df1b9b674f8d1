"""The question bank: its model, its files, and how a buyer tailors a bundled bank.

The lowest wing of the flow: every later stage (questionnaire, workbooks, decision,
deliverables, campaign) reads a bank. Bundled banks live in ``questionnaires/`` beside
this file and are found through :mod:`importlib.resources`.
"""
