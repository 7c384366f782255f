"""The fake server's state and the scenario controls tests use: chats, updates, faults."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.testkit.telegram.limits import RateWindows
from tests.testkit.telegram.records import Call, FakeChat, Sent, user
from tests.testkit.telegram.rules import ApiError, member


class Scenario:
    """What the fake Bot API server knows, and how a test steers it (see ``FakeTelegram``)."""

    def __init__(self, **limits: tuple[int, float]) -> None:
        self.rates = RateWindows(**limits)
        self.chats: dict[int, FakeChat] = {}
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.commands: list[dict[str, Any]] = []  # the default scope's menu
        #: Command menus by scope: "default", "all_private_chats", "chat:<id>", …
        self.menus: dict[str, list[dict[str, Any]]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] = {}
        #: getUpdates calls ended with 409 by a later one (two instances polling).
        self.conflicts = 0
        self._polls = 0  # getUpdates calls so far: the latest one is the one that waits
        self._waiting = 0  # getUpdates calls not answered yet
        self._garbled: dict[str, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._storm = 0
        self._faults = 0
        self._storm_retry_after = 1
        self._hold_after: int | None = None
        self._drops = 0
        self._slow: dict[str, Any] = {}
        self._held = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Condition()
        self._closed = False

    # -- scenario controls -----------------------------------------------------------------

    def add_chat(self, chat: FakeChat) -> FakeChat:
        with self._lock:
            self.chats[chat.id] = chat
        return chat

    def storm(self, count: int, *, retry_after: int = 1) -> None:
        """Answer the next ``count`` sendMessage calls with 429 ``retry_after``."""
        with self._lock:
            self._storm, self._storm_retry_after = count, retry_after

    def fail(self, count: int) -> None:
        """Answer the next ``count`` sendMessage calls with 502 Bad Gateway (transient)."""
        with self._lock:
            self._faults = count

    def drop(self, count: int) -> None:
        """Close the connection of the next ``count`` sendMessage calls without an answer."""
        with self._lock:
            self._drops = count

    def slow(self, seconds: float, *, chat: int | None = None) -> None:
        """Answer sendMessage (into ``chat``, or any) ``seconds`` late; 0: at once again.

        The message is delivered when the request arrives; only the answer is late, as with
        a Telegram that is slow to answer.
        """
        with self._lock:
            self._slow = {"seconds": seconds, "chat": chat} if seconds else {}

    def inject_edited_message(
        self, chat_id: int, from_user: int, text: str, *, message_id: int
    ) -> int:
        """Queue the edit of an earlier message of a user (now reading ``text``)."""
        update = self.message_update(chat_id, from_user, text)
        message = {**update["message"], "message_id": message_id, "edit_date": int(time.time())}
        with self._lock:
            return self._push({"edited_message": message})

    def hold_after(self, sends: int) -> None:
        """Accept ``sends`` more messages, then hold every sendMessage unanswered."""
        with self._lock:
            self._hold_after = sends

    @property
    def holding(self) -> bool:
        return self._held.is_set()

    @property
    def polling(self) -> bool:
        """Whether a getUpdates call is waiting for updates (a bot long-polls right now)."""
        with self._lock:
            return self._waiting > 0

    def release(self) -> None:
        """Stop holding; held requests are answered 500 and never delivered."""
        with self._lock:
            self._hold_after = None
        self._release.set()

    def inject_message(
        self, chat_id: int, from_user: int, text: str, *, reply_to: int | None = None
    ) -> int:
        """Queue a message from a user (commands get their bot_command entity)."""
        update = self.message_update(chat_id, from_user, text, reply_to=reply_to)
        with self._lock:
            return self._push(update)

    def message_update(
        self, chat_id: int, from_user: int, text: str, *, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Return the update of a message from a user, without queueing it (for webhooks)."""
        chat = self.chats[chat_id]
        with self._lock:
            message: dict[str, Any] = {
                "message_id": next(self._counter(chat_id)),
                "date": int(time.time()),
                "chat": chat.to_json(),
                "from": user(from_user),
                "text": text,
            }
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command)}
                ]
            if reply_to is not None:
                message["reply_to_message"] = self._messages[(chat_id, reply_to)]
            return {"update_id": next(self._update_ids), "message": message}

    def garble(self, method: str, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` with an HTML error page, not JSON."""
        with self._lock:
            self._garbled[method] = count

    def inject_my_chat_member(self, chat_id: int, from_user: int, *, old: str, new: str) -> int:
        """Change the bot's standing in a chat and queue the ``my_chat_member`` update."""
        chat = self.chats[chat_id]
        with self._lock:
            chat.bot_status = new
            change = {
                "chat": chat.to_json(),
                "from": user(from_user),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            }
            return self._push({"my_chat_member": change})

    def inject_callback(self, chat_id: int, from_user: int, message_id: int, data: str) -> int:
        """Queue a press on an inline button of a message the bot sent."""
        with self._lock:
            query = {
                "id": str(next(self._update_ids) * 1000),
                "from": user(from_user),
                "chat_instance": str(chat_id),
                "data": data,
                "message": self._messages[(chat_id, message_id)],
            }
            return self._push({"callback_query": query})

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.chat_id == chat_id]

    def count(self, method: str, *, status: int | None = None) -> int:
        with self._lock:
            return sum(1 for c in self.calls if c.method == method and status in (None, c.status))

    async def wait_for(self, condition: Callable[[], bool], *, within: float = 10.0) -> None:
        """Wait (polling) until ``condition()`` holds; fail the test after ``within`` seconds."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {within} s; transcript: {self.summary()}")
            await asyncio.sleep(0.01)

    def summary(self) -> list[str]:
        with self._lock:
            return [f"{c.method} {c.status} {c.params.get('chat_id', '')}" for c in self.calls]

    def _counter(self, chat_id: int) -> itertools.count[int]:
        return self._message_ids.setdefault(chat_id, itertools.count(1))

    def _push(self, update: dict[str, Any]) -> int:
        update_id = update.get("update_id") or next(self._update_ids)
        self._updates.append({**update, "update_id": update_id})
        self._lock.notify_all()
        return int(update_id)

    # -- lookups ---------------------------------------------------------------------------

    def _chat(self, chat_id: Any) -> FakeChat:
        with self._lock:
            if isinstance(chat_id, str) and chat_id.startswith("@"):
                for chat in self.chats.values():
                    if chat.username and f"@{chat.username}".lower() == chat_id.lower():
                        return chat
            elif chat_id is not None and int(chat_id) in self.chats:
                return self.chats[int(chat_id)]
        raise ApiError(400, "Bad Request: chat not found")
