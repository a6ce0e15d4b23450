"""Personal-information detection and redaction for Chinese and English text.

Plain Python with no Django import, so that it works as a library and a command alone::

    from cyberweek.pii import scan, redact, Policy
    scan("手机 138 1234 5678")        # [Finding(type='CN_MOBILE', start=3, end=16, ...)]
    redact("手机13812345678")         # '手机138****5678'
"""

from .custom import DenyList, Pattern, configure
from .engine import scan, scan_segments, scan_stream
from .finding import EXPLANATIONS, LABELS, TYPES, Finding
from .id_numbers import id_facts
from .redaction import ACTIONS, Policy, Rule, redact, redact_stream

__all__ = [
    "ACTIONS",
    "EXPLANATIONS",
    "LABELS",
    "TYPES",
    "DenyList",
    "Finding",
    "Pattern",
    "Policy",
    "Rule",
    "configure",
    "id_facts",
    "redact",
    "redact_stream",
    "scan",
    "scan_segments",
    "scan_stream",
]
