"""Telegram's rate and length limits as the fake server enforces them."""

from __future__ import annotations

import math
import time
from collections import deque
from typing import Any

from tests.testkit.telegram.rules import ApiError

# Telegram's limits (core.telegram.org/bots/faq): (messages, per seconds).
GLOBAL_LIMIT = (30, 1.0)
GROUP_LIMIT = (20, 60.0)
PRIVATE_LIMIT = (1, 1.0)
MAX_TEXT_LENGTH = 4096


class RateWindows:
    """Sliding windows: overall, per group or channel, per private chat; 429 when full."""

    def __init__(
        self,
        *,
        global_limit: tuple[int, float] = GLOBAL_LIMIT,
        group_limit: tuple[int, float] = GROUP_LIMIT,
        private_limit: tuple[int, float] = PRIVATE_LIMIT,
        chat_limit: tuple[int, float] | None = None,
    ) -> None:
        # chat_limit: an extra limit for every chat of any kind, as a strict emulator of
        # Telegram's "about one message per second in one chat" would enforce.
        self.limits = {"global": global_limit, "group": group_limit, "private": private_limit}
        if chat_limit is not None:
            self.limits["chat"] = chat_limit
        self._windows: dict[Any, deque[float]] = {}

    def take(self, chat_id: int, kind: str) -> None:
        """Count a message into ``chat_id`` (``private`` or ``group``), or raise 429."""
        now = time.monotonic()
        windows: list[tuple[Any, tuple[int, float]]] = [
            ("global", self.limits["global"]),
            (chat_id, self.limits[kind]),
        ]
        if "chat" in self.limits:
            windows.append(((chat_id, "chat"), self.limits["chat"]))
        for key, (limit, period) in windows:
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - period:
                window.popleft()
            if len(window) >= limit:
                retry = max(1, math.ceil(window[0] + period - now))
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        for key, _ in windows:
            self._windows[key].append(now)


def text_too_long(text: str) -> bool:
    """Tell whether a message's visible text exceeds Telegram's limit (counted in UTF-16)."""
    return len(text.encode("utf-16-le")) // 2 > MAX_TEXT_LENGTH
