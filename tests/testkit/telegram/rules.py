"""What the Bot API refuses, and how it reads requests: errors, markup, scopes, bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from tests.testkit.telegram.records import BOT_USER, FakeChat

# BotCommandScope types that name no chat (core.telegram.org/bots/api#botcommandscope).
SCOPES_WITHOUT_CHAT = {
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
}  # fmt: skip
# What an administrator may do (ChatMemberAdministrator's required fields).
ADMIN_RIGHTS = [
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
]
# Parameters whose form values are JSON (python-telegram-bot JSON-encodes non-strings).
JSON_PARAMS = {
    "chat_id", "user_id", "offset", "limit", "timeout", "reply_markup", "link_preview_options",
    "commands", "reply_parameters", "allowed_updates", "message_id", "show_alert",
    "disable_notification", "drop_pending_updates", "scope",
}  # fmt: skip


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description, optional ``parameters``."""

    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def member(status: str) -> dict[str, Any]:
    """The bot as a ChatMember with ``status`` (admin rights as a channel poster)."""
    data: dict[str, Any] = {"status": status, "user": BOT_USER}
    if status == "administrator":
        data.update({"can_be_edited": False, "is_anonymous": False})
        data.update(dict.fromkeys((*ADMIN_RIGHTS, "can_post_messages", "can_edit_messages"), True))
    elif status == "kicked":
        data["until_date"] = 0
    return data


def forbidden(chat: FakeChat) -> str:
    if chat.type == "private":
        return "Forbidden: bot was blocked by the user"
    if chat.bot_status == "kicked":
        return f"Forbidden: bot was kicked from the {chat.type} chat"
    return f"Forbidden: bot is not a member of the {chat.type} chat"


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for button in (b for row in rows for b in row):
        kinds = {"url", "callback_data"} & set(button)
        if not button.get("text") or len(kinds) != 1:
            raise ApiError(400, "Bad Request: can't parse inline keyboard button")
        if len(button.get("callback_data", "").encode("utf-8")) > 64:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        if "url" in button and not button["url"].startswith(("https://", "http://", "tg://")):
            raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def parse_body(body: str, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body))
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        if key in JSON_PARAMS:
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value  # "@channelname"
        else:
            params[key] = value
    return params
