"""Survey statistics for campaign evaluation (pure: no Django).

:func:`read_responses` validates a responses CSV; :func:`analyse` gives, per question,
weighted estimates per wave and group with 95 % intervals, the change between waves and
the difference-in-differences against the comparison regions (method in
:mod:`akrim.engines.surveys.stats`).
"""

from akrim.engines.surveys.responses import (
    MAX_BYTES,
    RESERVED,
    Responses,
    ResponsesRefused,
    read_responses,
)
from akrim.engines.surveys.stats import (
    CONFIDENCE,
    MIN_RESPONSES,
    Analysis,
    Estimate,
    Kind,
    QuestionResult,
    TooSmall,
    TooSmallCode,
    analyse,
    analyse_question,
)

__all__ = [
    "CONFIDENCE",
    "MAX_BYTES",
    "MIN_RESPONSES",
    "RESERVED",
    "Analysis",
    "Estimate",
    "Kind",
    "QuestionResult",
    "Responses",
    "ResponsesRefused",
    "TooSmall",
    "TooSmallCode",
    "analyse",
    "analyse_question",
    "read_responses",
]
