"""Posting: new articles in, digests and pushes stored and queued in the outbox.

The jobs and the admin commands share this: ingest the inbox, build the next edition (the
articles added since the previous one plus those carried within ``digest.carry_hours``,
stories that continue recent ones as updates: ``bot.core.editions``), store it with its
bookkeeping, render it once and queue its messages for every target chat in one transaction,
so a crash leaves either all of it queued or none. Sending is the outbox's job.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.constants import MessageLimit

from bot.adapters.inbox import MARKER_NAME, Inbox, Ingested
from bot.adapters.options import Settings
from bot.adapters.render import RenderedMessage, Renderer, telegram_length
from bot.adapters.storage import EditionPool, Storage
from bot.adapters.worker import BuildWorker, compose_edition
from bot.core.editions import RECENT_HOURS
from bot.core.language import Language
from bot.core.models import Article, Digest, Source, Story, StorySentence
from bot.core.pipeline import build_digest

logger = logging.getLogger(__name__)


class SlotTaken(Exception):
    """A scheduled digest time was posted already, or this instance no longer leads."""


class NoTargets(Exception):
    """No chat would get a digest: no channel is configured and no chat subscribed."""


@dataclass(frozen=True, slots=True)
class Posted:
    """What a post queued: the digest id, its stories, and how many chats get it."""

    digest_id: int
    stories: int
    chats: int


def button_rows(
    kind: str, *, digest_id: int, story: int, bot_username: str, labels: tuple[str, str]
) -> Mapping[str, Any]:
    """Return the ``Quellen``/``Zahlen`` keyboard of a post as a Bot API dict.

    Channels get deep links into a private chat (their readers cannot send commands there);
    groups and private chats get callback buttons answered in place. ``story`` 0 means the
    whole digest; ``labels`` are the two buttons' words (sources, figures).
    """
    keyed = tuple(zip(("q", "z"), labels, strict=True))
    if kind == "channel":
        base = f"https://t.me/{bot_username}?start="
        row = [{"text": label, "url": f"{base}{key}_{digest_id}_{story}"} for key, label in keyed]
    else:
        row = [
            {"text": label, "callback_data": f"{key}:{digest_id}:{story}"} for key, label in keyed
        ]
    return {"inline_keyboard": [row]}


class Publisher:
    """Turn stored articles into posts for every target chat.

    Args:
        storage: The database.
        renderer: Renders digests and the bot's own templates.
        settings: All settings (digest length, channels).
        lang: The German language tables.
        bot_username: The bot's @username without ``@``, for deep links.
        worker: Where digests are built; a thread when not given.
    """

    def __init__(
        self,
        storage: Storage,
        renderer: Renderer,
        *,
        settings: Settings,
        lang: Language,
        bot_username: str,
        worker: BuildWorker | None = None,
    ) -> None:
        self._storage = storage
        self._renderer = renderer
        self._settings = settings
        self._lang = lang
        self._username = bot_username
        self._posting = asyncio.Lock()
        self._worker = worker or BuildWorker(processes=False)
        self._inbox = Inbox(
            storage,
            marker=Path(settings.bot.inbox) / MARKER_NAME,
            timezone=settings.digest.timezone,
        )

    async def ingest(self, folder: Path, *, now: datetime) -> Ingested:
        """Store the articles of new or changed files under ``folder`` (rules: ``inbox``)."""
        return await self._inbox.ingest(folder, now=now)

    async def _edition(self, now: datetime) -> tuple[Digest, EditionPool]:
        """Return the next edition and the articles it considered (no edition: no stories).

        Nothing is posted without a fresh article: carried ones alone would post again what
        the previous edition left out. Storage is read here, on the event loop's thread; the
        worker (``bot.adapters.worker``) builds the edition from those values (seconds for
        1,000 articles), so the loop keeps answering.
        """
        options = self._settings.digest
        pool = self._storage.edition_pool(now=now, carry_hours=options.carry_hours)
        if not pool.fresh:
            return Digest(stories=(), created=now), pool
        editions = [
            (digest_id, stored.digest)
            for digest_id in self._storage.recent_editions(
                since=now - timedelta(hours=RECENT_HOURS)
            )
            if (stored := self._storage.digest(digest_id)) is not None
        ]
        shown = [source.id for _, d in editions for story in d.stories for source in story.sources]
        digest = await self._worker.run(
            compose_edition,
            pool.articles,
            editions,
            self._storage.articles(shown),
            settings=options,
            lang=self._lang,
            created=now,
        )
        return digest, pool

    async def build(self, *, now: datetime) -> Digest:
        """Return the next edition without storing anything (``/vorschau``)."""
        return (await self._edition(now))[0]

    async def _build(self, articles: Sequence[Article], *, now: datetime) -> Digest:
        """Build a digest of ``articles`` (read before) in the worker, off the event loop."""
        if not articles:
            return Digest(stories=(), created=now)
        return await self._worker.run(
            build_digest, articles, settings=self._settings.digest, lang=self._lang, created=now
        )

    def targets(self, *, channels_only: bool = False) -> tuple[tuple[str, str], ...]:
        """Return (chat, kind) for every chat a post goes to: channels, then subscribers."""
        chats = [(channel, "channel") for channel in self._settings.bot.channels]
        if not channels_only:
            chats += [
                (sub.chat, "private" if sub.kind == "private" else "group")
                for sub in self._storage.subscriptions()
            ]
        return tuple(dict.fromkeys(chats))

    async def post_digest(self, *, now: datetime, slot: str | None = None) -> Posted | None:
        """Build, store and queue a digest of what is new; None when there is nothing.

        One post at a time: updates are handled concurrently, and a second /jetzt during a
        build must find the first one's articles taken, not post them again. ``slot``, the
        scheduled time a digest run belongs to, is claimed in the transaction that queues the
        digest (and records ``last_run``): a process killed in between leaves it unclaimed for
        the catch-up, and of several instances only one claims it.

        Raises:
            SlotTaken: ``slot`` was claimed before, or this instance lost the lead.
            NoTargets: No chat would get it; the articles keep waiting for one.
        """
        if not self.targets():
            raise NoTargets
        async with self._posting:
            return await self._post_digest(now=now, slot=slot)

    async def _post_digest(self, *, now: datetime, slot: str | None) -> Posted | None:
        digest, pool = await self._edition(now)
        considered = [article.id for article in pool.fresh]
        if not digest.stories:
            with self._storage.transaction():
                self._claim_slot(slot, now=now)
                self._storage.record_edition(
                    None,
                    considered=considered,
                    now=now,
                    carry_hours=self._settings.digest.carry_hours,
                )
            return None
        return self._queue(
            digest,
            kind="digest",
            now=now,
            targets=self.targets(),
            considered=considered,
            slot=slot,
        )

    def _claim_slot(self, slot: str | None, *, now: datetime) -> None:
        """Claim a digest run's scheduled time and record the run (inside a transaction)."""
        if slot is None:
            return
        if not self._storage.claim_slot(slot, now=now):
            raise SlotTaken(slot)
        self._storage.set_meta("last_run", now.isoformat())

    async def post_article(self, article: Article, *, now: datetime) -> Posted | None:
        """Summarise one fetched article and queue it for the channels (``/push <url>``)."""
        async with self._posting:
            self._storage.add_articles([article], now=now)
            digest = await self._build([article], now=now)
            if not digest.stories:
                return None
            return self._queue(
                digest, kind="push", now=now, targets=self.targets(channels_only=True)
            )

    def post_text(self, text: str, *, author: str, now: datetime) -> Posted | None:
        """Queue an admin's own text for the channels (``/push <text>``); None if too long.

        The text is kept as an article of its own whose source is the admin, so /quelle
        answers for it like for any digest.
        """
        article_id = self._push_id(now)
        title = self._renderer.reply("push_source_title")
        source = Source(id=article_id, title=title, outlet=author, published=now)
        story = Story(
            title=title,
            sentences=(StorySentence(text=text, source=article_id),),
            sources=(source,),
            items=(article_id,),
        )
        digest = Digest(stories=(story,), created=now, items=(article_id,))
        page = self._renderer.render("push.html", digest=digest, story=story, text=text)
        if telegram_length(page) > MessageLimit.MAX_TEXT_LENGTH:
            return None
        article = Article(
            id=article_id, text=text, title=story.title, outlet=author, published=now
        )
        self._storage.add_articles([article], now=now)
        pages = (RenderedMessage(text=page, stories=(1,)),)
        return self._queue(
            digest, kind="push", now=now, targets=self.targets(channels_only=True), pages=pages
        )

    def _push_id(self, now: datetime) -> str:
        """Return a new article id for an admin's text: its second, numbered if taken."""
        base = f"push-{now.strftime('%Y%m%d%H%M%S')}"
        for number in itertools.count(1):
            candidate = base if number == 1 else f"{base}-{number}"
            if self._storage.stored_article(candidate) is None:
                return candidate
        raise AssertionError("unreachable")  # itertools.count never ends

    def _queue(
        self,
        digest: Digest,
        *,
        kind: str,
        now: datetime,
        targets: Sequence[tuple[str, str]],
        pages: Sequence[RenderedMessage] | None = None,
        considered: Sequence[str] | None = None,
        slot: str | None = None,
    ) -> Posted:
        """Store and queue a digest; ``considered``: it is an edition of these fresh articles.

        ``slot``: the scheduled time it is posted for, claimed in the same transaction.
        """
        pages = pages or self._renderer.digest_messages(digest)
        labels = (self._renderer.reply("button_sources"), self._renderer.reply("button_figures"))
        with self._storage.transaction():
            self._claim_slot(slot, now=now)
            digest_id = self._storage.save_digest(digest, kind=kind, created=now)
            if considered is not None:
                self._storage.record_edition(
                    digest_id,
                    considered=considered,
                    now=now,
                    carry_hours=self._settings.digest.carry_hours,
                )
            for chat, chat_kind in targets:
                queued = [
                    (
                        page.text,
                        button_rows(
                            chat_kind,
                            digest_id=digest_id,
                            story=page.stories[0] if len(page.stories) == 1 else 0,
                            bot_username=self._username,
                            labels=labels,
                        ),
                    )
                    for page in pages
                ]
                self._storage.enqueue_digest(
                    digest_id, chat, kind=chat_kind, messages=queued, now=now
                )
        logger.info(
            "Queued %s %d (%d stories) for %d chats",
            kind,
            digest_id,
            len(digest.stories),
            len(targets),
        )
        self._inbox.record_posted()  # at once: the database may be lost before the next look
        return Posted(digest_id=digest_id, stories=len(digest.stories), chats=len(targets))
