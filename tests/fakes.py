"""The fake Telegram Bot API server and its records, as the tests import them.

The code lives in ``tests.testkit.telegram`` (split by role: records, rules, html, limits, server),
shared with the benchmarks, which must not import tests.
"""

from __future__ import annotations

from tests.testkit.telegram import *  # noqa: F403 (the same names, re-exported)
from tests.testkit.telegram import __all__ as __all__
