"""The campaign folder and the workflow that runs a consultation on it, and the demo.

The top wing below the command line: it reads ``campaign.yaml``, drives every stage
from publishing the questionnaire to the decision memo, and records each file read or
written in the audit trail.
"""
