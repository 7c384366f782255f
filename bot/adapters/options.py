"""The options of the adapters, as plain values: the settings file's ``[bot]`` and the whole.

``bot.settings`` (the floor above) reads and validates the file and builds these; adapters take
them as values and never import ``bot.settings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.options import DigestOptions


@dataclass(frozen=True, slots=True)
class BotSettings:
    """How the Telegram bot runs: where it posts, who may command it, when and how fast.

    Attributes:
        channels: Channels every digest goes to, as ``@name`` or numeric chat id (as text).
        admins: Telegram user ids allowed to use /jetzt, /vorschau, /push and /status; the bot
            needs at least one to run (:func:`require_bot_settings`).
        schedule: Digest times as cron expressions (minute hour day month weekday) in
            ``digest.timezone``.
        database: The SQLite file (created with its folder on first start).
        inbox: Folder watched for new article files (``.txt``, ``.md``, ``.json``, ``.jsonl``).
        seeds: Folder ingested once on the very first start; empty for none.
        ingest_interval: Seconds between two looks into the inbox.
        link_previews: Whether Telegram shows link previews under posts.
        webhook_url: Public HTTPS URL for webhook mode; empty for long polling.
        webhook_listen: Address the webhook server binds to.
        webhook_port: Port the webhook server listens on.
        api_base_url: Bot API endpoint (a local Bot API server or a test server may replace it).
        api_file_url: Bot API file endpoint, matching ``api_base_url``.
        messages_per_second: Messages per second over all chats (Telegram: about 30).
        group_messages_per_minute: Messages per minute into one group or channel (Telegram: 20).
        private_messages_per_second: Messages per second into one private chat (Telegram: 1).
        send_concurrency: Requests to Telegram in flight at once while delivering.
        retry_base_delay: Seconds before the first retry after a transient error; doubles.
        retry_max_delay: Upper bound of the retry delay in seconds.
        retries_per_drain: Transient failures of one message before the outbox leaves it for
            the next delivery round (``outbox_interval`` later); it is never dropped.
        outbox_interval: Seconds between two delivery rounds for messages left waiting.
    """

    channels: tuple[str, ...] = ()
    admins: tuple[int, ...] = ()
    schedule: tuple[str, ...] = ("0 7,12,18 * * *",)
    database: str = "data/kurzlage.sqlite3"
    inbox: str = "data/inbox"
    seeds: str = "seeds"
    ingest_interval: int = 60
    link_previews: bool = False
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    messages_per_second: int = 30
    group_messages_per_minute: int = 20
    private_messages_per_second: int = 1
    send_concurrency: int = 30
    retry_base_delay: float = 1.0
    retry_max_delay: float = 60.0
    retries_per_drain: int = 5
    outbox_interval: int = 30


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings, one attribute per TOML section."""

    digest: DigestOptions = field(default_factory=DigestOptions)
    bot: BotSettings = field(default_factory=BotSettings)
