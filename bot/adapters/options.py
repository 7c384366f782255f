"""The options of the adapters, as plain values: ``[bot]``, ``[fetch]``, ``[[feeds]]``, the whole.

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
        database: The SQLite file (created with its folder on first start), or a
            ``postgresql://`` URL of the shared store (``bot.adapters.database``).
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
        send_timeout: Seconds to wait for Telegram's answer to one request; a message whose
            send timed out may have been posted, so it is resent at most once.
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
    send_timeout: float = 20.0


@dataclass(frozen=True, slots=True)
class LogSettings:
    """How log lines look (on stderr).

    Attributes:
        format: ``text`` (one readable line each) or ``json`` (one JSON object per line:
            ``time``, ``level``, ``logger``, ``message`` and ``exception`` when there is one).
    """

    format: str = "text"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How feeds and pages are fetched (``[fetch]``).

    Attributes:
        poll_interval: Seconds between two polls of one feed (a feed's Cache-Control,
            Expires or Retry-After may ask for longer, up to six hours).
        concurrency: Requests in flight at once, over all hosts.
        per_host: Requests in flight at once to one host.
        connect_timeout: Seconds to open a connection.
        read_timeout: Seconds to wait for the next bytes of an answer.
        deadline: Seconds one request may take in all, redirects and body included.
        max_bytes: Largest feed or page body read, in bytes.
        user_agent: Sent with every request; name a contact URL, as outlets ask bots to.
        pages_per_poll: New article pages fetched per feed and poll; the rest wait.
        notice_after_failures: Consecutive failures of a feed before the admins are told.
        notice_after_hours: Hours without success before the admins are told.
        max_backoff: Longest pause, in seconds, between polls of a failing feed.
        allow_private_push: Let ``/push`` fetch addresses inside the network (loopback,
            private, link-local, reserved); off, since anyone an admin forwards a link
            from could aim the bot at the local network.
    """

    poll_interval: int = 600
    concurrency: int = 16
    per_host: int = 2
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 20.0
    max_bytes: int = 5_000_000
    user_agent: str = "Kurzlage/0.1 (+https://github.com/kurzlage/kurzlage; news digest bot)"
    pages_per_poll: int = 30
    notice_after_failures: int = 5
    notice_after_hours: int = 24
    max_backoff: int = 21_600
    allow_private_push: bool = False


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """One feed (a ``[[feeds]]`` table).

    Attributes:
        url: The feed (RSS, Atom, RDF or JSON Feed), http(s).
        outlet: The outlet's name to show; empty: the page's or the feed's site name.
    """

    url: str
    outlet: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings, one attribute per TOML section."""

    digest: DigestOptions = field(default_factory=DigestOptions)
    bot: BotSettings = field(default_factory=BotSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    feeds: tuple[FeedSettings, ...] = ()
    log: LogSettings = field(default_factory=LogSettings)
