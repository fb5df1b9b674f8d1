"""A canonical digest of an evaluation and its robustness checks, to the last digit.

Optimisations must not move a single figure: :func:`canonical` turns every score, rank,
price score and robustness figure into JSON with exact decimal strings (``repr`` of each
float, the shortest string that reads back as the same float), and :func:`sections`
gives the SHA-256 of each part, so that a failing comparison names the part that moved.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from ai_procurement.decision.robustness import Robustness
from ai_procurement.decision.scoring import Evaluation
from ai_procurement.text import Text


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data; floats as exact strings, mappings in key order."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return f"f:{number!r}" if math.isfinite(number) else f"f:{number}"
    if isinstance(value, decimal.Decimal):
        return f"d:{value}"  # exact: the digits as computed
    if isinstance(value, np.ndarray):
        return [canonical(item) for item in value.tolist()]
    if isinstance(value, Text):
        return {"fr": value.fr, "en": value.en}
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if attrs.has(type(value)):
        fields = {field.name: canonical(getattr(value, field.name))
                  for field in attrs.fields(type(value)) if field.name != "questionnaire"}
        return {"@": type(value).__name__, **fields}
    if isinstance(value, Mapping):
        return {str(key): canonical(item) for key, item in sorted(
            value.items(), key=lambda pair: str(pair[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(item) for item in value), key=repr)
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")


def _sha(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sections(evaluation: Evaluation, robustness: Robustness) -> dict[str, Any]:
    """The digest: each vendor's total and rank in clear, and a SHA-256 per part."""
    parts: dict[str, Any] = {"fingerprint": evaluation.questionnaire.fingerprint}
    parts["totals"] = {v.vendor: [canonical(v.total), v.rank, v.status]
                       for v in evaluation.vendors}
    for field in attrs.fields(Evaluation):
        if field.name != "questionnaire":
            parts[f"evaluation.{field.name}"] = _sha(canonical(getattr(evaluation,
                                                                       field.name)))
    for field in attrs.fields(Robustness):
        parts[f"robustness.{field.name}"] = _sha(canonical(getattr(robustness, field.name)))
    return parts
