"""Command line for the web: ``kurzlage feeds check|import`` and URLs given to ``digest``.

URLs typed here are the operator's own, so they are not checked against the local network
(a feed on 127.0.0.1, a local RSS bridge, are fine); only ``/push`` links from a chat are.
"""

from __future__ import annotations

import asyncio
import json
import os
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bot.adapters.fetch import Fetcher, build_client
from bot.adapters.poller import FeedPoller, FeedReport, read_url
from bot.adapters.storage import Storage
from bot.core.models import Article
from bot.errors import ConfigError
from bot.settings import CONFIG_ENV, DEFAULT_CONFIG_PATH, Settings, parse_settings


def _client(settings: Settings) -> httpx.AsyncClient:
    timeout = httpx.Timeout(settings.fetch.read_timeout, connect=settings.fetch.connect_timeout)
    return build_client(timeout=timeout, user_agent=settings.fetch.user_agent)


def is_url(text: str) -> bool:
    """Tell whether a command-line argument is an http(s) URL rather than a path."""
    return text.startswith(("https://", "http://"))


async def _read_urls(
    urls: Sequence[str], settings: Settings
) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    async with _client(settings) as client:
        fetcher = Fetcher(client, settings=settings.fetch)
        results = await asyncio.gather(
            *(read_url(fetcher, url, limit=settings.fetch.pages_per_poll) for url in urls)
        )
    articles: dict[str, Article] = {}
    errors: list[str] = []
    for found, problems in results:
        errors.extend(problems)
        for article in found:  # the same article from two feeds once
            articles.setdefault(article.id, article)
    return tuple(articles.values()), tuple(errors)


def read_urls(
    urls: Sequence[str], settings: Settings
) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    """Fetch feed and page URLs and return their articles and one line per problem.

    Nothing is stored: this serves ``kurzlage digest URL …``.
    """
    if not urls:
        return (), ()
    return asyncio.run(_read_urls(urls, settings))


async def _check(settings: Settings) -> tuple[FeedReport, ...]:
    storage = Storage(settings.bot.database)
    try:
        async with _client(settings) as client:
            poller = FeedPoller(
                Fetcher(client, settings=settings.fetch), storage, feeds=settings.feeds
            )
            return await poller.poll(
                now=datetime.now(ZoneInfo(settings.digest.timezone)), force=True
            )
    finally:
        storage.close()


def check_feeds(settings: Settings) -> tuple[FeedReport, ...]:
    """Poll every configured feed once, as the bot does, storing what is new.

    Raises:
        ConfigError: No feed is configured.
    """
    if not settings.feeds:
        raise ConfigError(
            "config: no [[feeds]] configured; add one (see config/kurzlage.toml) or use"
            " `kurzlage feeds import FILE.opml`"
        )
    return asyncio.run(_check(settings))


def opml_feeds(path: Path) -> list[tuple[str, str]]:
    """Return (feed URL, title) of every outline with an ``xmlUrl`` in an OPML file.

    Raises:
        ConfigError: The file cannot be read or is not OPML.
    """
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except OSError as err:
        raise ConfigError(f"{path}: cannot read ({err.strerror or err})") from None
    except ElementTree.ParseError as err:
        raise ConfigError(f"{path}: not an OPML file ({err})") from None
    if root.tag.lower() != "opml":
        raise ConfigError(f"{path}: not an OPML file (root element <{root.tag}>)")
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if is_url(url):
            title = outline.get("title") or outline.get("text") or ""
            found.append((url, " ".join(title.split())))
    return found


def config_path(given: Path | None) -> Path:
    """Return the settings file a command writes to: ``--config``, the env, or the default."""
    return (
        given
        or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
        or (DEFAULT_CONFIG_PATH)
    )


def import_opml(opml: Path, *, target: Path, settings: Settings) -> list[str]:
    """Append the OPML file's feeds not yet configured as ``[[feeds]]`` tables to ``target``.

    The file is written only when the result is a valid settings file.

    Returns:
        The URLs added.

    Raises:
        ConfigError: The OPML file is unusable, or the result would not be valid.
    """
    configured = {feed.url for feed in settings.feeds}
    added: list[str] = []
    blocks: list[str] = []
    for url, title in opml_feeds(opml):
        if url in configured:
            continue
        configured.add(url)
        added.append(url)
        comment = f"# {title}\n" if title else ""
        blocks.append(f"{comment}[[feeds]]\nurl = {json.dumps(url, ensure_ascii=False)}\n")
    if not added:
        return []
    before = target.read_text(encoding="utf-8") if target.is_file() else ""
    after = before.rstrip("\n") + f"\n\n# Imported from {opml.name}\n" + "\n".join(blocks)
    try:
        parse_settings(tomllib.loads(after))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config: {target} would not be valid TOML: {err}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(after.lstrip("\n"), encoding="utf-8")
    return added
