"""The fake Telegram Bot API server and its records, as the tests import them.

The code lives in ``testkit.telegram`` (split by role: records, rules, html, limits, server),
shared with the benchmarks, which must not import tests.
"""

from __future__ import annotations

from testkit.telegram import *  # noqa: F403 (the same names, re-exported)
from testkit.telegram import __all__ as __all__
