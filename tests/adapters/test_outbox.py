import asyncio
import itertools
import time
from datetime import UTC, datetime

import pytest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.adapters.outbox import Outbox
from bot.adapters.pacing import Pacing
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.core.models import Digest
from bot.settings import BotSettings
from tests.fakes import TOKEN, FakeChat, FakeTelegram

NOW = datetime(2024, 6, 26, 7, 0, tzinfo=UTC)
ADMIN = 1001
# Limits' periods shrunk 20-fold (1 s -> 50 ms, 60 s -> 3 s) on both sides, so the pacing
# logic runs as in production in a fraction of the time.
SCALE = 0.05
FAST = BotSettings(
    admins=(ADMIN,),
    messages_per_second=5,
    group_messages_per_minute=20,
    private_messages_per_second=1,
    retry_base_delay=0.01,
    retry_max_delay=0.05,
)


@pytest.fixture
def fake():
    with FakeTelegram(
        global_limit=(5, 1.0 * SCALE),
        group_limit=(20, 60.0 * SCALE),
        private_limit=(1, 1.0 * SCALE),
    ) as server:
        server.add_chat(FakeChat(-100, "channel", username="kanal_eins"))
        server.add_chat(FakeChat(-200, "channel", username="kanal_zwei"))
        server.add_chat(FakeChat(-300, "supergroup"))
        server.add_chat(FakeChat(ADMIN, "private"))
        yield server


@pytest.fixture
def storage(database):
    store = Storage(database)
    yield store
    store.close()


@pytest.fixture
def limits():
    """The bot's limits; a test may replace them before the bot is built."""
    return FAST


@pytest.fixture
async def bot(fake, limits):
    request = HTTPXRequest(connection_pool_size=32)
    pacing = Pacing(limits, period_scale=SCALE, margin=0.001)
    async with ExtBot(
        TOKEN, base_url=fake.base_url, request=request, rate_limiter=pacing
    ) as client:
        yield client


def outbox(storage, bot, settings=FAST):
    return Outbox(
        storage, bot, settings=settings, renderer=Renderer(), now=lambda: datetime.now(UTC)
    )


def queue(storage, chats, texts):
    digest_id = storage.save_digest(Digest(stories=()), kind="digest", created=NOW)
    for chat in chats:
        kind = "private" if not chat.startswith(("@", "-")) else "channel"
        storage.enqueue_digest(
            digest_id, chat, kind=kind, messages=[(t, None) for t in texts], now=NOW
        )
    return digest_id


def delivered(fake):
    return sorted((s.chat_id, s.html) for s in fake.sent)


async def test_delivers_every_message_once_in_order(fake, storage, bot):
    queue(storage, ["@kanal_eins", "-300"], ["<b>eins</b>", "zwei", "drei"])

    report = await outbox(storage, bot).drain()
    again = await outbox(storage, bot).drain()

    assert (report.sent, report.waiting, again.sent) == (6, 0, 0)
    assert [s.html for s in fake.sent_to(-100)] == ["<b>eins</b>", "zwei", "drei"]
    assert [s.html for s in fake.sent_to(-300)] == ["<b>eins</b>", "zwei", "drei"]
    assert [m.message_id for m in storage.messages(chat="-300")] == [1, 2, 3]


async def test_pacing_keeps_within_every_limit(fake, storage, bot):
    chats = [str(-100 - i) for i in range(12)]
    for chat in chats:
        fake.add_chat(FakeChat(int(chat), "channel"))
    queue(storage, chats, ["eins"])
    queue(storage, [str(ADMIN)], ["a", "b", "c"])
    started = time.monotonic()

    report = await outbox(storage, bot).drain()

    assert report.sent == 15
    assert fake.count("sendMessage", status=429) == 0
    # 15 messages at 5 per 50 ms need two full windows; 3 private ones need two periods.
    assert time.monotonic() - started >= 2 * SCALE


async def test_429_waits_retry_after_and_loses_nothing(fake, storage, bot):
    queue(storage, ["@kanal_eins", "@kanal_zwei", "-300"], ["eins", "zwei"])
    fake.storm(3, retry_after=1)
    started = time.monotonic()

    report = await outbox(storage, bot).drain()

    assert time.monotonic() - started >= 1.0
    assert fake.count("sendMessage", status=429) == 3
    assert (report.sent, report.retried, report.waiting) == (6, 3, 0)
    assert delivered(fake) == sorted((c, t) for c in (-100, -200, -300) for t in ("eins", "zwei"))


async def test_transient_errors_retry_with_backoff(fake, storage, bot):
    queue(storage, ["-300"], ["eins", "zwei"])
    fake.fail(3)

    report = await outbox(storage, bot).drain()

    assert (report.sent, report.retried) == (2, 3)
    assert [s.html for s in fake.sent_to(-300)] == ["eins", "zwei"]


async def test_a_message_still_failing_waits_for_the_next_round(fake, storage, bot):
    queue(storage, ["-300"], ["eins", "zwei"])
    fake.fail(2)
    settings = BotSettings(
        admins=(ADMIN,), retries_per_drain=2, retry_base_delay=0.05, retry_max_delay=0.05
    )

    first = await outbox(storage, bot, settings).drain()
    (waiting, _) = storage.unsent_messages()
    await asyncio.sleep(0.06)
    second = await outbox(storage, bot, settings).drain()

    assert (first.sent, first.waiting, waiting.attempts) == (0, 2, 2)
    assert (second.sent, second.waiting) == (2, 0)
    assert [s.html for s in fake.sent_to(-300)] == ["eins", "zwei"]


async def test_403_disables_the_chat_keeps_its_messages_and_tells_the_admins(fake, storage, bot):
    fake.chats[-200].bot_status = "kicked"
    queue(storage, ["@kanal_eins", "@kanal_zwei"], ["eins", "zwei"])

    report = await outbox(storage, bot).drain()

    assert report.disabled == ("@kanal_zwei",)
    assert [c.chat for c in storage.disabled_chats()] == ["@kanal_zwei"]
    assert [s.html for s in fake.sent_to(-100)] == ["eins", "zwei"]
    (notice,) = fake.sent_to(ADMIN)
    assert "@kanal_zwei" in notice.text
    assert "kicked" in notice.text
    assert [m.text for m in storage.messages(chat="@kanal_zwei") if m.state == "pending"] == [
        "eins",
        "zwei",
    ]

    fake.chats[-200].bot_status = "administrator"
    storage.enable_chat("@kanal_zwei")
    await outbox(storage, bot).drain()

    assert [s.html for s in fake.sent_to(-200)] == ["eins", "zwei"]


async def test_a_refused_message_is_kept_as_failed_and_the_rest_goes_out(fake, storage, bot):
    queue(storage, ["-300"], ["<b>kaputt", "heil"])

    report = await outbox(storage, bot).drain()

    assert (report.sent, report.failed) == (2, 1)  # "heil" and the notice to the admin
    assert [s.html for s in fake.sent_to(-300)] == ["heil"]
    assert "parse entities" in fake.sent_to(ADMIN)[0].text
    assert storage.outbox_counts().failed == 1


async def test_a_send_started_before_a_crash_is_resent_after_restart(fake, storage, bot):
    queue(storage, ["-300"], ["eins", "zwei"])
    first, _ = storage.unsent_messages()
    assert storage.claim_message(first.id)  # the process died during this send

    await outbox(storage, bot).drain()

    assert [s.html for s in fake.sent_to(-300)] == ["eins", "zwei"]


# -- pacing per chat and sends without an answer (issue 12 items 11 and 18) ----------------


async def test_a_chats_pages_go_a_second_apart(storage, limits):
    with FakeTelegram(
        global_limit=(5, 1.0 * SCALE),
        group_limit=(20, 60.0 * SCALE),
        private_limit=(1, 1.0 * SCALE),
        chat_limit=(1, 1.0 * SCALE),  # strict: about one message per second in any chat
    ) as strict:
        strict.add_chat(FakeChat(-100, "channel", username="kanal_eins"))
        strict.add_chat(FakeChat(-300, "supergroup"))
        pacing = Pacing(limits, period_scale=SCALE, margin=0.001)
        async with ExtBot(TOKEN, base_url=strict.base_url, rate_limiter=pacing) as bot:
            queue(storage, ["@kanal_eins", "-300"], ["eins", "zwei", "drei", "vier"])

            report = await outbox(storage, bot).drain()

        assert (report.sent, report.retried) == (8, 0)
        assert strict.count("sendMessage", status=429) == 0
        for chat in (-100, -300):
            times = [s.time for s in strict.sent_to(chat)]
            assert min(b - a for a, b in itertools.pairwise(times)) >= 0.9 * SCALE


async def test_a_send_without_answer_is_resent_once_then_kept_unclear(fake, storage):
    settings = BotSettings(admins=(ADMIN,), send_timeout=0.3, retry_base_delay=0.01)
    pacing = Pacing(settings, period_scale=SCALE, margin=0.001)
    async with ExtBot(TOKEN, base_url=fake.base_url, rate_limiter=pacing) as bot:
        queue(storage, ["-300"], ["eins", "zwei"])
        fake.slow(1.0, chat=-300)  # Telegram posts each message and answers after a second

        first = await outbox(storage, bot, settings).drain()
        fake.slow(0)
        again = await outbox(storage, bot, settings).drain()

    # Two copies of each at most (the send and one resend), never one per timeout.
    assert [s.html for s in fake.sent_to(-300)] == ["eins", "eins", "zwei", "zwei"]
    assert [m.state for m in storage.messages(chat="-300")] == ["unclear", "unclear"]
    assert (first.sent, first.failed, again.sent) == (2, 2, 0)  # the two notices to the admin
    assert storage.outbox_counts().unclear == 2
    assert (
        replies_to_admin(fake)
        == [
            "⚠️ Telegram hat zweimal nicht geantwortet, als ich eine Nachricht an -300 schicken "
            "wollte. Vielleicht ist sie schon angekommen; ich schicke sie nicht blind ein drittes "
            "Mal. /status zählt sie unter „unklar“."
        ]
        * 2
    )


async def test_a_send_in_doubt_from_before_a_crash_is_resent_at_most_once(fake, storage, bot):
    queue(storage, ["-300"], ["eins", "zwei"])
    first, second = storage.unsent_messages()
    assert storage.claim_message(
        first.id, uncertain=1
    )  # resent once already; that one was cut off
    assert storage.claim_message(second.id)  # cut off once: may be posted, one resend allowed

    await outbox(storage, bot).drain()

    assert [s.html for s in fake.sent_to(-300)] == ["zwei"]
    assert [m.state for m in storage.messages(chat="-300")] == ["unclear", "sent"]


async def test_close_cuts_off_a_send_in_flight_and_marks_it_in_doubt(fake, storage, bot):
    queue(storage, ["-300"], ["eins", "zwei"])
    fake.slow(5.0, chat=-300)
    box = outbox(storage, bot)
    drain = asyncio.create_task(box.drain())
    await fake.wait_for(lambda: fake.sent_to(-300))
    started = time.monotonic()

    await box.close(grace=0.2)
    report = await drain

    assert time.monotonic() - started < 1.0
    assert report.sent == 0
    first, second = storage.messages(chat="-300")
    assert (first.state, first.uncertain, second.state) == ("pending", 1, "pending")


def replies_to_admin(fake):
    return [s.html for s in fake.sent_to(ADMIN)]
