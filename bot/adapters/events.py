"""Updates that are not commands: the bot's own membership changes, and errors.

A chat the outbox disabled after a 403 is enabled again here when Telegram reports the bot
back (``my_chat_member``); its waiting messages then go out in their order. The global error
handler is one of the two places allowed a broad view of exceptions (STYLE.md, rule 26).
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.adapters.services import services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# Error notices to admins name the error in at most this many characters: enough for the
# exception type and its first line; the full traceback is in the log.
ERROR_NOTICE_CHARS = 300
# Standing in which the bot can post: in a channel only as admin, elsewhere as any member.
_CAN_POST = {
    Chat.CHANNEL: (ChatMember.ADMINISTRATOR, ChatMember.OWNER),
    "other": (ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.MEMBER),
}
_GONE = (ChatMember.BANNED, ChatMember.LEFT)


async def my_chat_member(update: Update, context: Context) -> None:
    """Enable a chat again when the bot may post there again; disable it on removal."""
    s = services(context)
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    # The outbox keys channels as configured: ``@name`` or the numeric id.
    keys = [str(chat.id)] + ([f"@{chat.username}"] if chat.username else [])
    status = change.new_chat_member.status
    if status in _CAN_POST.get(chat.type, _CAN_POST["other"]):
        if any([s.storage.enable_chat(key) for key in keys]):
            logger.info("Chat %s enabled again: sending its waiting messages", keys[0])
            await s.outbox.drain()
    elif status in _GONE:
        for key in keys:
            s.storage.disable_chat(key, reason=f"bot {status}", now=s.now())


def _where(update: Update) -> str:
    """Name what the user did, for the admins' notice (a command or a button)."""
    if update.callback_query is not None:
        return "Button"
    message = update.effective_message
    if message is not None and message.text:
        return message.text.split()[0][:64]
    return "Update"


async def error_handler(update: object, context: Context) -> None:
    """Log the error with its traceback, tell the admins briefly, and the user a short sorry.

    Errors outside an update (polling, jobs) are only logged: they repeat until the cause is
    gone, and one notice per retry would flood the admins.
    """
    logger.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    s = services(context)
    error = context.error
    detail = f"{type(error).__name__}: {error}".splitlines()[0] if error else "?"
    if len(detail) > ERROR_NOTICE_CHARS:
        detail = detail[: ERROR_NOTICE_CHARS - 1] + "…"
    notice = s.renderer.reply("error_notice", where=_where(update), error=detail)
    with s.storage.transaction():
        for admin in s.settings.bot.admins:
            s.storage.enqueue_notice(str(admin), kind="private", text=notice, now=s.now())
    message = update.effective_message
    # An admin's private chat gets the notice; any other chat a short sorry.
    if message is not None and message.chat.id not in s.settings.bot.admins:
        try:
            await message.reply_text(s.renderer.reply("sorry"))
        except TelegramError as err:  # the fault may be Telegram itself; the log has both
            logger.warning("Could not tell the user about the error: %s", err)
    await s.outbox.drain()
