"""The template sandbox: what phrasebank templates and conditions may do, and where they run.

* :mod:`narrator.sandbox.policy` — the one policy: what a template may read, call and
  build, decided at compile time (:func:`~narrator.sandbox.policy.refusals`) and while it
  runs; limits on the work a block may do; format patterns; frozen data.
* :mod:`narrator.sandbox.environment` — :class:`Sandbox`, Jinja2's sandbox with the
  policy in its hooks and a code generator that bounds ``~`` and loops.
* :mod:`narrator.sandbox.phrase` — :class:`Phrase` and :class:`Expression`, compiled once
  and evaluated from their syntax tree when that is all they need.
"""

from __future__ import annotations

from narrator.sandbox.environment import Refused, Sandbox, shared_context
from narrator.sandbox.phrase import Expression, Phrase
from narrator.sandbox.policy import expose, freeze, safe_format, trust

__all__ = [
    "Expression",
    "Phrase",
    "Refused",
    "Sandbox",
    "expose",
    "freeze",
    "safe_format",
    "shared_context",
    "trust",
]
