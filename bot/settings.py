"""Settings: one frozen dataclass per section, loaded once from TOML and validated.

This is the only module that reads configuration files or the environment. The dataclasses
live on the floor that uses them (``bot.core.options.DigestOptions``,
``bot.adapters.options.BotSettings`` and ``Settings``), so no adapter imports this module;
they are re-exported here. Their defaults are the documented values of
``config/kurzlage.toml``; a test keeps the two equal. A config file overrides them key by
key; an unknown key, a value of the wrong type or one out of range is a ``ConfigError`` that
names the key. The bot token is never read from a file: only from
the environment variable ``KURZLAGE_TOKEN`` (see :func:`bot_token`), and a PostgreSQL
password only from ``KURZLAGE_DATABASE_URL``.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bot.adapters.database import is_database_url
from bot.adapters.options import BotSettings, FeedSettings, FetchSettings, LogSettings, Settings
from bot.core.options import DigestOptions
from bot.errors import ConfigError

__all__ = [
    "CONFIG_ENV",
    "DATABASE_URL_ENV",
    "DEFAULT_CONFIG_PATH",
    "TOKEN_ENV",
    "BotSettings",
    "DigestOptions",
    "FeedSettings",
    "FetchSettings",
    "LogSettings",
    "Settings",
    "bot_token",
    "load_settings",
    "parse_settings",
    "require_bot_settings",
]

#: Where ``kurzlage`` looks for its settings when no ``--config`` is given.
DEFAULT_CONFIG_PATH = Path("config/kurzlage.toml")
#: Environment variable naming a config file (overridden by ``--config``).
CONFIG_ENV = "KURZLAGE_CONFIG"
#: Environment variable holding the bot token; the token is never read from a file.
TOKEN_ENV = "KURZLAGE_TOKEN"
#: Environment variable holding a PostgreSQL URL with its password; it overrides
#: ``bot.database``, which names no password (secrets come from the environment only).
DATABASE_URL_ENV = "KURZLAGE_DATABASE_URL"

logger = logging.getLogger(__name__)


_Section = TypeVar("_Section")

# Bounds of numeric keys, as (low, high) inclusive: checked when a file is loaded.
_RANGES: dict[str, tuple[int, int]] = {
    "digest.stories": (1, 50),
    "digest.sentences_per_story": (1, 10),
    "digest.max_sentence_chars": (40, 4000),
    "digest.min_sentence_chars": (0, 400),
    "digest.figures_per_story": (0, 50),
    # A month at most: older news is history, and every edition rebuilds what it carries.
    "digest.carry_hours": (1, 720),
    "bot.ingest_interval": (1, 86_400),
    "bot.webhook_port": (1, 65_535),
    "bot.messages_per_second": (1, 1000),
    "bot.group_messages_per_minute": (1, 1000),
    "bot.private_messages_per_second": (1, 1000),
    "bot.send_concurrency": (1, 256),
    "bot.retries_per_drain": (1, 100),
    "bot.outbox_interval": (1, 86_400),
    "fetch.poll_interval": (10, 86_400),
    "fetch.concurrency": (1, 256),
    "fetch.per_host": (1, 32),
    "fetch.max_bytes": (10_000, 100_000_000),
    "fetch.pages_per_poll": (0, 1000),
    "fetch.notice_after_failures": (1, 1000),
    "fetch.notice_after_hours": (1, 720),
    "fetch.max_backoff": (60, 604_800),
}

# A public channel's username: 5 to 32 letters, digits and underscores (Telegram's rule).
_CHANNEL_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}")
_CHAT_ID = re.compile(r"-?[1-9][0-9]{0,15}")


def _channels(dotted: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"config: {dotted} must be a list of @names or numeric chat ids")
    channels = []
    for channel in value:
        text = str(channel) if isinstance(channel, int) and not isinstance(channel, bool) else ""
        text = channel.strip() if isinstance(channel, str) else text
        if not (_CHANNEL_NAME.fullmatch(text) or _CHAT_ID.fullmatch(text)):
            raise ConfigError(
                f"config: {dotted} entry {channel!r} is neither an @name nor a numeric chat id"
            )
        channels.append(text)
    return tuple(channels)


def _admins(dotted: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
    ):
        raise ConfigError(f"config: {dotted} must be a list of Telegram user ids (numbers)")
    if not value:
        raise ConfigError(f"config: {dotted} is empty; list at least one Telegram user id")
    return tuple(value)


def _schedule(dotted: str, value: Any) -> tuple[str, ...]:
    # Imported here: only a config with a [bot] schedule needs the scheduler.
    from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"config: {dotted} must be a non-empty list of cron expressions")
    for expression in value:
        try:
            trigger = CronTrigger.from_crontab(expression)
        except ValueError as err:
            message = f"config: {dotted} entry {expression!r} is not a cron expression: {err}"
            raise ConfigError(message) from None
        # APScheduler gives up after year 9999, so an impossible date (31 February) answers
        # None here, in about 0.1 s; such an entry is kept but would never post.
        if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
            logger.warning("config: %s entry %r never fires (no such date)", dotted, expression)
    return tuple(value)


def _timezone(dotted: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"config: {dotted} must be an IANA time zone such as 'Europe/Berlin'")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(
            f"config: {dotted} {value!r} is not a known time zone (IANA name such as "
            "'Europe/Berlin' or 'UTC')"
        ) from None
    return value


def _folder(dotted: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"config: {dotted} must name a path, not {value!r}")
    return value


def _database(dotted: str, value: Any) -> str:
    """A SQLite file, or a PostgreSQL URL without a password (that one is read from the env)."""
    location = _folder(dotted, value).strip()
    if not is_database_url(location):
        return value if isinstance(value, str) else location
    try:
        password = conninfo_to_dict(location).get("password")
    except psycopg.ProgrammingError as err:
        raise ConfigError(f"config: {dotted} is not a PostgreSQL URL ({err})") from None
    if password:
        raise ConfigError(
            f"config: {dotted} names a password; put the whole URL in {DATABASE_URL_ENV} "
            "instead (secrets are read from the environment only)"
        )
    return location


def _url(dotted: str, value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ConfigError(f"config: {dotted} must be an http(s) URL, not {value!r}")
    return value


def _delay(dotted: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
        raise ConfigError(f"config: {dotted} must be a number of seconds from 0 to 3600")
    return float(value)


def _seconds(dotted: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
        raise ConfigError(f"config: {dotted} must be a number of seconds above 0, at most 600")
    return float(value)


def _log_format(dotted: str, value: Any) -> str:
    if value not in ("text", "json"):
        raise ConfigError(f'config: {dotted} must be "text" or "json", not {value!r}')
    return str(value)


def _user_agent(dotted: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise ConfigError(f"config: {dotted} must be one line of text naming a contact URL")
    return value.strip()


def _feeds(value: Any) -> tuple[FeedSettings, ...]:
    if not isinstance(value, list):
        raise ConfigError("config: feeds must be [[feeds]] tables, each with a url")
    feeds: list[FeedSettings] = []
    seen: set[str] = set()
    for number, table in enumerate(value, start=1):
        where = f"feeds[{number}]"
        if not isinstance(table, dict):
            raise ConfigError(f"config: {where} must be a table with a url")
        unknown = sorted(set(table) - {"url", "outlet"})
        if unknown:
            raise ConfigError(
                f"config: unknown key '{where}.{unknown[0]}' (a feed has url, outlet)"
            )
        url = _url(f"{where}.url", table.get("url"))
        outlet = table.get("outlet", "")
        if not isinstance(outlet, str):
            raise ConfigError(f"config: {where}.outlet must be a string, not {outlet!r}")
        if url in seen:
            raise ConfigError(f"config: {where}.url {url!r} is listed twice")
        seen.add(url)
        feeds.append(FeedSettings(url=url, outlet=outlet.strip()))
    return tuple(feeds)


def _webhook_url(dotted: str, value: Any) -> str:
    if not isinstance(value, str) or (value and not value.startswith("https://")):
        raise ConfigError(f"config: {dotted} must be empty (long polling) or an https URL")
    return value


# Keys whose values need more than a type check: each validator returns the value to keep.
_VALIDATORS: dict[str, Callable[[str, Any], Any]] = {
    "digest.timezone": _timezone,
    "bot.database": _database,
    "bot.inbox": _folder,
    "bot.channels": _channels,
    "bot.admins": _admins,
    "bot.schedule": _schedule,
    "bot.api_base_url": _url,
    "bot.api_file_url": _url,
    "bot.webhook_url": _webhook_url,
    "bot.retry_base_delay": _delay,
    "bot.retry_max_delay": _delay,
    "fetch.connect_timeout": _seconds,
    "fetch.read_timeout": _seconds,
    "fetch.deadline": _seconds,
    "fetch.user_agent": _user_agent,
    "bot.send_timeout": _seconds,
    "log.format": _log_format,
}


def _build_section(cls: type[_Section], name: str, raw: Any, base: _Section) -> _Section:
    if not isinstance(raw, dict):
        raise ConfigError(f"config: [{name}] must be a table")
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{name}.{key}"
        if key not in known:
            hint = f" (the token is read from {TOKEN_ENV} only)" if key == "token" else ""
            raise ConfigError(f"config: unknown key {dotted!r}{hint}")
        if dotted in _VALIDATORS:
            changes[key] = _VALIDATORS[dotted](dotted, value)
            continue
        expected = type(getattr(base, key))
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"config: {dotted} must be a whole number, not {value!r}")
        if expected is not int and not isinstance(value, expected):
            raise ConfigError(f"config: {dotted} must be a {expected.__name__}, not {value!r}")
        if dotted in _RANGES:
            low, high = _RANGES[dotted]
            if not low <= value <= high:
                raise ConfigError(f"config: {dotted} must be between {low} and {high}")
        changes[key] = value
    return replace(base, **changes)  # type: ignore[type-var]


def parse_settings(raw: dict[str, Any]) -> Settings:
    """Return settings from a parsed TOML document, validated key by key."""
    base = Settings()
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in {f.name for f in fields(Settings)}:
            raise ConfigError(f"config: unknown section [{name}]")
        if name == "feeds":
            sections[name] = _feeds(value)
            continue
        sections[name] = _build_section(
            type(getattr(base, name)), name, value, getattr(base, name)
        )
    settings = replace(base, **sections)
    if settings.digest.min_sentence_chars >= settings.digest.max_sentence_chars:
        raise ConfigError("config: digest.min_sentence_chars must be below max_sentence_chars")
    if settings.bot.retry_base_delay > settings.bot.retry_max_delay:
        raise ConfigError("config: bot.retry_base_delay must not exceed bot.retry_max_delay")
    return settings


def require_bot_settings(settings: Settings) -> None:
    """Check what running the bot needs beyond what every command needs.

    Raises:
        ConfigError: No admin is configured (``bot.admins``).
    """
    if not settings.bot.admins:
        raise ConfigError(
            "config: bot.admins is empty; list at least one Telegram user id to run the bot"
        )


def bot_token(environ: Mapping[str, str] | None = None) -> str:
    """Return the bot token from ``$KURZLAGE_TOKEN``, or an empty string when it is not set."""
    source = os.environ if environ is None else environ
    return source.get(TOKEN_ENV, "").strip()


def load_settings(path: Path | None = None) -> Settings:
    """Load settings from ``path``, else ``$KURZLAGE_CONFIG``, else ``config/kurzlage.toml``.

    A missing default file gives the built-in defaults; a missing named file is an error.

    Raises:
        ConfigError: The file cannot be read or parsed, or a key is unknown or invalid.
    """
    return _database_from_env(_load_file(path), os.environ)


def _database_from_env(settings: Settings, environ: Mapping[str, str]) -> Settings:
    """Let ``$KURZLAGE_DATABASE_URL`` (a PostgreSQL URL, password and all) name the database."""
    url = environ.get(DATABASE_URL_ENV, "").strip()
    if not url:
        return settings
    if not is_database_url(url):
        raise ConfigError(
            f"config: {DATABASE_URL_ENV} must be a postgresql:// URL (a SQLite file is "
            "named by bot.database)"
        )
    return replace(settings, bot=replace(settings.bot, database=url))


def _load_file(path: Path | None) -> Settings:
    named = path or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    target = named or DEFAULT_CONFIG_PATH
    if named is None and not target.is_file():
        return Settings()
    try:
        raw = tomllib.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config: {target} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"config: cannot read {target}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config: {target} is not valid TOML: {err}") from None
    return parse_settings(raw)
