"""The checker: every figure that does not add up, found before anything is published.

Checks are pure functions over the figures and the decided :class:`~narrator.decisions.Facts`,
one module per concern, each listing the codes it declares (stable; severities with them):

* :mod:`narrator.checks.identities` — every total equals its parts;
* :mod:`narrator.checks.plausibility` — figures that cannot all be right;
* :mod:`narrator.checks.catalog` — codes, names and what items are used for;
* :mod:`narrator.checks.completeness` — reasons, English and prior-year figures missing.

:mod:`narrator.checks.core` holds the diagnostics, the registry (:func:`check`,
:data:`CODES`) and what checks share; :mod:`narrator.checks.present` turns diagnostics
into records, JSON and text. Counts are whole and non-negative, and amounts non-negative,
by the figures model itself: figures that break that never validate, so no check repeats it.
"""

from __future__ import annotations

# The concern modules register their checks on import, in this order.
from narrator.checks import catalog as catalog
from narrator.checks import completeness as completeness
from narrator.checks import identities as identities
from narrator.checks import plausibility as plausibility
from narrator.checks.core import (
    CHECKS,
    CODES,
    SEVERITIES,
    CheckContext,
    Diagnostic,
    Severity,
    amount_text,
    check,
    check_data,
    run_checks,
)
from narrator.checks.present import (
    COLOURS,
    error_records,
    format_text,
    grouped_text,
    records,
    to_json,
)

__all__ = [
    "CHECKS",
    "CODES",
    "COLOURS",
    "SEVERITIES",
    "CheckContext",
    "Diagnostic",
    "Severity",
    "amount_text",
    "check",
    "check_data",
    "error_records",
    "format_text",
    "grouped_text",
    "records",
    "run_checks",
    "to_json",
]
