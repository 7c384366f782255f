"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and the benchmarks.

It speaks the real Bot API over HTTP (form-encoded requests as python-telegram-bot sends them,
``{"ok": ..., "result": ...}`` answers), keeps a transcript of every call, and checks what
Telegram checks:

* HTML that Telegram would reject -> 400 ``Bad Request: can't parse entities: …``;
* text over 4,096 characters after entity parsing -> 400 ``Bad Request: message is too long``;
* more than the rate limits allow (overall, per group or channel, per private chat) -> 429
  with ``parameters.retry_after``;
* sending where the bot is not admin, was kicked or blocked -> 403;
* command menus per ``BotCommandScope`` (a chat scope needs a known chat);
* one getUpdates consumer per token: a getUpdates while another still waits ends the waiting
  one with 409 ``Conflict: terminated by other getUpdates request; …`` (``conflicts``).

Split by role: :mod:`.records` (what the server knows and saw), :mod:`.rules` (what the Bot
API refuses), :mod:`.html` (its HTML parse mode), :mod:`.limits` (rate limits),
:mod:`.scenario` (state and what tests inject) and :mod:`.server` (HTTP, the API methods).
``tests.fakes`` re-exports the same names.
"""

from __future__ import annotations

import os

# Opt in to python-telegram-bot's coming timedelta periods, as ``bot.app.run`` does: otherwise
# building a ``RetryAfter`` warns, and ``filterwarnings = error`` turns that into a failure.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from tests.testkit.telegram.limits import GLOBAL_LIMIT, GROUP_LIMIT, MAX_TEXT_LENGTH, PRIVATE_LIMIT
from tests.testkit.telegram.records import BOT_USER, TOKEN, Call, FakeChat, Sent, user
from tests.testkit.telegram.server import FakeTelegram

__all__ = [
    "BOT_USER",
    "GLOBAL_LIMIT",
    "GROUP_LIMIT",
    "MAX_TEXT_LENGTH",
    "PRIVATE_LIMIT",
    "TOKEN",
    "Call",
    "FakeChat",
    "FakeTelegram",
    "Sent",
    "user",
]
