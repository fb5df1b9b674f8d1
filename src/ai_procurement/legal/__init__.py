"""The law the library applies, as data: dated legal facts and the procedure types.

Above the bank (it reads its files with the bank's converter) and below the
questionnaire, which warns with these facts. :mod:`ai_procurement.legal.facts` holds
dates, delays and thresholds with their sources and validity periods;
:mod:`ai_procurement.legal.procedure` the closed list of procurement procedures and
the rules attached to each.
"""
