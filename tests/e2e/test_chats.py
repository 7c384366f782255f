"""Subscriptions, a disabled channel coming back, and /quelle where no digest was posted."""

import json

from bot.adapters.services import services
from tests.e2e import expected
from tests.e2e.conftest import (
    ADMIN,
    CHANNEL_ONE,
    CHANNEL_TWO,
    GROUP,
    GROUP_ADMIN,
    READER,
    command,
    replies,
    run_digest_job,
    running,
)


def add_inbox_article(tmp_path, name, title, text):
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    article = {"id": name, "title": title, "text": text}
    (inbox / f"{name}.json").write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")


BAHN = (
    "Die Gewerkschaft GDL hat für Donnerstag einen bundesweiten Streik im Personenverkehr "
    "angekündigt. Betroffen sind rund 5.000 Verbindungen im Fern- und Regionalverkehr der "
    "Deutschen Bahn."
)


async def test_a_group_that_unsubscribes_gets_no_further_digest(fake, settings, tmp_path):
    async with running(settings) as app:
        await command(fake, GROUP, GROUP_ADMIN, "/abo")
        await run_digest_job(app)
        assert len(fake.sent_to(GROUP)) == 2  # the /abo answer and the digest

        assert await command(fake, GROUP, GROUP_ADMIN, "/abbestellen") == [expected.UNSUBSCRIBED]
        add_inbox_article(tmp_path, "bahn", "Bahn streikt", BAHN)
        await run_digest_job(app)

        assert len(fake.sent_to(CHANNEL_ONE)) == 2  # the second digest was posted
        assert replies(fake, GROUP)[2:] == [expected.UNSUBSCRIBED]
        assert await command(fake, GROUP, GROUP_ADMIN, "/abbestellen") == [expected.NOT_SUBSCRIBED]
        assert services(app).storage.subscriptions() == ()


async def test_a_member_who_is_not_group_admin_can_neither_subscribe_nor_unsubscribe(
    fake, settings
):
    async with running(settings) as app:
        assert await command(fake, GROUP, READER, "/abo") == [expected.GROUP_ADMINS_ONLY]
        assert services(app).storage.subscriptions() == ()

        await command(fake, GROUP, GROUP_ADMIN, "/abo")
        assert await command(fake, GROUP, READER, "/abbestellen@kurzlage_test_bot") == [
            expected.GROUP_ADMINS_ONLY
        ]
        await run_digest_job(app)

        assert [c.chat for c in services(app).storage.subscriptions()] == [str(GROUP)]
        assert len(fake.sent_to(GROUP)) == 4  # 3 answers, then the digest still arrives
        assert fake.count("getChatMember") == 3


async def test_a_private_chat_subscribes_itself(fake, settings):
    async with running(settings) as app:
        assert await command(fake, READER, READER, "/abo") == [expected.SUBSCRIBED]
        await run_digest_job(app)
        assert await command(fake, READER, READER, "/abbestellen") == [expected.UNSUBSCRIBED]

        assert len(fake.sent_to(READER)) == 3  # answer, digest, answer
        assert fake.count("getChatMember") == 0


async def test_a_disabled_channel_gets_its_waiting_posts_when_the_bot_is_admin_again(
    fake, settings, tmp_path
):
    fake.chats[CHANNEL_TWO].bot_status = "left"  # the bot was removed from the channel
    async with running(settings) as app:
        await run_digest_job(app)  # the seeds: 403 in channel two, which is disabled
        await fake.wait_for(lambda: fake.sent_to(ADMIN))
        add_inbox_article(tmp_path, "bahn", "Bahn streikt", BAHN)
        await run_digest_job(app)  # a second digest waits for channel two as well
        assert len(fake.sent_to(CHANNEL_ONE)) == 2
        assert fake.sent_to(CHANNEL_TWO) == []

        fake.inject_my_chat_member(CHANNEL_TWO, ADMIN, old="left", new="administrator")
        await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_TWO)) == 2)
        await run_digest_job(app)  # nothing new: nothing more
        (status,) = await command(fake, ADMIN, ADMIN, "/status")

        assert replies(fake, CHANNEL_TWO) == replies(fake, CHANNEL_ONE)  # in order, once each
        assert fake.count("sendMessage", status=403) == 1
        assert services(app).storage.disabled_chats() == ()
        assert "Abgeschaltete Chats: keine" in status
        assert "Outbox: 0 wartend" in status


async def test_a_channel_where_the_bot_is_only_member_stays_disabled(fake, settings):
    fake.chats[CHANNEL_TWO].bot_status = "kicked"
    async with running(settings) as app:
        await run_digest_job(app)
        await fake.wait_for(lambda: fake.sent_to(ADMIN))

        fake.inject_my_chat_member(CHANNEL_TWO, ADMIN, old="kicked", new="member")
        await command(fake, ADMIN, ADMIN, "/status")  # handled after the membership update

        assert [c.chat for c in services(app).storage.disabled_chats()] == [str(CHANNEL_TWO)]
        assert fake.count("sendMessage", status=403) == 1  # no attempt while it cannot post
        assert len(fake.sent_to(ADMIN)) == 2  # one notice, then the /status answer


async def test_quelle_in_a_fresh_group_names_the_digest_it_answers_for(
    fake, settings, tmp_path, golden
):
    async with running(settings) as app:
        await run_digest_job(app)  # posted in the channels only

        fresh = await command(fake, GROUP, READER, "/quelle")
        await command(fake, GROUP, GROUP_ADMIN, "/abo")
        add_inbox_article(tmp_path, "bahn", "Bahn streikt", BAHN)
        await run_digest_job(app)  # digest 2 reaches the group
        await command(fake, ADMIN, ADMIN, "/push Sondersendung um 20 Uhr")  # newer, elsewhere
        here = await command(fake, GROUP, READER, "/quelle")

        assert fresh[0].startswith(
            "<i>In diesem Chat ist noch keine Ausgabe erschienen. Das hier gehört zur neuesten"
            " Ausgabe (Nr. 1 vom 01.07.2026, 07:00 Uhr).</i>\n\n<b>🔎 Quellen dieser Ausgabe</b>"
        )
        golden.check("bot/quelle_elsewhere.html", fresh)
        golden.check("bot/quelle_bahn.html", here)
