"""The real bot ``Application`` against the fake Bot API server (tests/fakes.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.jobs import digest_slot
from bot.adapters.services import services
from bot.app import build_application
from bot.settings import BotSettings, Settings
from tests.fakes import TOKEN, FakeChat, FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
ADMIN = 1001  # operator of the bot (bot.admins)
READER = 2002  # anyone
GROUP_ADMIN = 3003  # admin of the group, not of the bot
CHANNEL_ONE, CHANNEL_TWO, GROUP = -1001, -1002, -300
#: The bot's clock in these tests starts at 1 July 2026, 05:00 UTC, which is 07:00 in Berlin
#: (CEST), and moves 10 ms per reading: times are known to the minute, and still increase.
NOW = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)
TICK = timedelta(milliseconds=10)


def ticking_clock() -> Callable[[], datetime]:
    readings = itertools.count()
    return lambda: NOW + next(readings) * TICK


@pytest.fixture
def fake():
    # Telegram's limits, except 5 replies per second into one private chat instead of 1: the
    # tests type faster than people do (the 429 path has tests of its own).
    with FakeTelegram(private_limit=(5, 1.0)) as server:
        server.add_chat(
            FakeChat(CHANNEL_ONE, "channel", title="Kanal eins", username="kanal_eins")
        )
        server.add_chat(FakeChat(CHANNEL_TWO, "channel", title="Kanal zwei"))
        server.add_chat(FakeChat(GROUP, "supergroup", title="Runde", admins={GROUP_ADMIN}))
        for user_id in (ADMIN, READER, GROUP_ADMIN):
            server.add_chat(FakeChat(user_id, "private"))
        yield server


@pytest.fixture
def settings(fake, tmp_path, database):
    bot = BotSettings(
        channels=("@kanal_eins", str(CHANNEL_TWO)),
        admins=(ADMIN,),
        database=database,  # once per backend: tests/conftest.py
        inbox=str(tmp_path / "inbox"),
        seeds=str(ROOT / "seeds"),
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        # Small retry delays keep the suite fast; pacing stays at Telegram's limits, except
        # 5 messages per second into one chat, as the fake allows (see ``fake``).
        retry_base_delay=0.01,
        retry_max_delay=0.05,
        private_messages_per_second=5,
    )
    return Settings(bot=bot)


def with_bot(settings: Settings, **changes) -> Settings:
    return replace(settings, bot=replace(settings.bot, **changes))


@asynccontextmanager
async def running(settings: Settings, **options):
    """Start the application as ``run_polling`` does, without its signal handling."""
    options.setdefault("clock", ticking_clock())
    app = build_application(settings, token=TOKEN, **options)
    assert app.updater is not None
    assert app.post_init is not None
    assert app.post_shutdown is not None
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


async def run_digest_job(app) -> None:
    """Trigger the scheduled digest job now, as its cron time would.

    Each call stands for the next scheduled time, so the time the clock is in is released
    first (a digest job runs once per scheduled time: tests/e2e/test_slots.py).
    """
    s = services(app)
    slot = digest_slot(s, now=s.now())
    if slot is not None:
        s.storage.release_slot(slot)
    await digest_job_of(app).run(app)


def digest_job_of(app):
    (job, *_) = [job for job in app.job_queue.jobs() if job.name == "digest"]
    return job


def replies(fake, chat_id):
    return [s.html for s in fake.sent_to(chat_id)]


async def command(fake, chat_id, user_id, text, *, reply_to=None, count=1):
    """Send a command as a user and wait for ``count`` more messages in that chat."""
    before = len(fake.sent_to(chat_id))
    fake.inject_message(chat_id, user_id, text, reply_to=reply_to)
    await fake.wait_for(lambda: len(fake.sent_to(chat_id)) >= before + count)
    return replies(fake, chat_id)[before:]


def stored_digest(app, digest_id=1):
    stored = services(app).storage.digest(digest_id)
    assert stored is not None
    return stored.digest
