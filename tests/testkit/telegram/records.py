"""What the fake server knows and saw: the bot, chats, calls and sent messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TOKEN = "123456:TEST-fake-token-for-tests"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Kurzlage",
    "username": "kurzlage_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class FakeChat:
    """A chat the fake server knows, and the bot's standing in it."""

    id: int
    type: str  # "channel", "group", "supergroup" or "private"
    title: str = ""
    username: str | None = None
    admins: set[int] = field(default_factory=set)
    bot_status: str = "administrator"  # "member", "kicked", "left"; "blocked" for private

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.title or "Leser"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class Call:
    """One API call as the server saw it."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    time: float


@dataclass
class Sent:
    """A message the server accepted from the bot."""

    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict[str, Any] | None
    reply_to: int | None
    link_preview_options: dict[str, Any] | None
    time: float

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


def user(user_id: int, name: str = "Leserin") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name}
