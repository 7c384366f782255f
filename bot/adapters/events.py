"""Updates that are not commands: the bot's own membership changes, and errors.

Telegram sends ``my_chat_member`` whenever the bot's standing in a chat changes. A chat it
can no longer post to (removed, banned, demoted in a channel) is switched off at once, under
the name the outbox knows it by (``@name`` or the id, as configured or subscribed), and the
admins get one notice (not for a reader who blocked it); its messages wait. When the bot
may post there again the chat is switched on and its waiting messages go out in their order.
The global error handler is one of the two places allowed a broad view of exceptions
(STYLE.md, rule 26).
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Update
from telegram.error import Conflict, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.adapters.alerts import describe
from bot.adapters.services import Services, services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# Standing in which the bot can post: in a channel only as admin, elsewhere as any member.
_CAN_POST = {
    Chat.CHANNEL: (ChatMember.ADMINISTRATOR, ChatMember.OWNER),
    "other": (ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.MEMBER),
}
_GONE = (ChatMember.BANNED, ChatMember.LEFT)


def _outbox_keys(s: Services, chat: Chat) -> list[str]:
    """Return the names the outbox uses for ``chat``: as configured or subscribed."""
    names = [str(chat.id)] + ([f"@{chat.username}"] if chat.username else [])
    known = {c.lower(): c for c in s.settings.bot.channels}
    known |= {sub.chat: sub.chat for sub in s.storage.subscriptions()}
    return [known[name.lower()] for name in names if name.lower() in known]


async def my_chat_member(update: Update, context: Context) -> None:
    """Enable a chat again when the bot may post there again; disable it on removal."""
    s = services(context)
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    keys = _outbox_keys(s, chat)
    status = change.new_chat_member.status
    if status in _CAN_POST.get(chat.type, _CAN_POST["other"]):
        if any([s.storage.enable_chat(key) for key in keys]):
            logger.info("Chat %s enabled again: sending its waiting messages", keys[0])
            await s.outbox.drain()
        return
    if chat.type != Chat.CHANNEL and status not in _GONE:
        return  # e.g. restricted in a group: Telegram's 403 will tell if it cannot post
    reason = f"bot {status}"
    disabled = [key for key in keys if s.storage.disable_chat(key, reason=reason, now=s.now())]
    if not disabled:
        return
    logger.warning("Chat %s switched off: %s", disabled[0], reason)
    if chat.type == Chat.PRIVATE:
        return  # a reader who blocked the bot: nothing for the admins to do
    notice = s.renderer.reply("chat_disabled_notice", chat=disabled[0], reason=reason)
    await s.alerts.notify(notice)


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

    Errors of jobs reach the admins once per kind and hour (``Alerts``); so do errors of
    fetching updates, except the network blips PTB retries by itself and, in the first
    seconds of leading, the previous leader's last getUpdates (``Leadership.handing_over``);
    errors of an update every time, since a person is waiting for an answer.
    """
    s = services(context)
    if (
        isinstance(context.error, Conflict)
        and s.leadership is not None
        and s.leadership.handing_over()
    ):
        # The instance that led before polls once more before it notices it lost: expected.
        logger.info("getUpdates conflict while taking over the lead: %s", context.error)
        return
    logger.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        if context.job is not None:
            await s.alerts.report(context.error, where=context.job.name or "Job")
        elif not isinstance(context.error, NetworkError):  # e.g. Conflict: a second bot polls
            await s.alerts.report(context.error, where="getUpdates")
        return
    notice = s.renderer.reply("error_notice", where=_where(update), error=describe(context.error))
    message = update.effective_message
    # An admin's private chat gets the notice; any other chat a short sorry.
    if message is not None and message.chat.id not in s.settings.bot.admins:
        try:
            await message.reply_text(s.renderer.reply("sorry"))
        except TelegramError as err:  # the fault may be Telegram itself; the log has both
            logger.warning("Could not tell the user about the error: %s", err)
    await s.alerts.notify(notice)
