import logging

from bot.adapters.services import services
from bot.app import quiet_token_loggers
from tests.e2e import expected
from tests.e2e.conftest import (
    ADMIN,
    CHANNEL_ONE,
    CHANNEL_TWO,
    GROUP,
    GROUP_ADMIN,
    NOW,
    READER,
    command,
    replies,
    run_digest_job,
    running,
)
from tests.fakes import TOKEN


async def test_scheduled_digest_reaches_channels_and_subscribed_group(fake, settings, golden):
    async with running(settings) as app:
        assert await command(fake, GROUP, GROUP_ADMIN, "/abo") == [expected.SUBSCRIBED]

        await run_digest_job(app)

        golden.check("bot/digest.html", replies(fake, CHANNEL_ONE))
        assert replies(fake, CHANNEL_TWO) == replies(fake, CHANNEL_ONE)
        assert replies(fake, GROUP) == [expected.SUBSCRIBED, *replies(fake, CHANNEL_ONE)]
        (post,) = fake.sent_to(CHANNEL_ONE)
        assert post.buttons() == [
            {"text": "Quellen", "url": "https://t.me/kurzlage_test_bot?start=q_1_0"},
            {"text": "Zahlen", "url": "https://t.me/kurzlage_test_bot?start=z_1_0"},
        ]
        assert post.link_preview_options == {"is_disabled": True}
        group_post = fake.sent_to(GROUP)[1]
        assert [b["callback_data"] for b in group_post.buttons()] == ["q:1:0", "z:1:0"]
        assert fake.count("sendMessage", status=400) == 0


async def test_quelle_and_zahlen_in_a_group_answer_from_that_digest(fake, settings, golden):
    async with running(settings) as app:
        await command(fake, GROUP, GROUP_ADMIN, "/abo")
        await run_digest_job(app)
        post = fake.sent_to(GROUP)[1]

        quelle = await command(fake, GROUP, READER, "/quelle@kurzlage_test_bot 2")
        zahlen = await command(fake, GROUP, READER, "/zahlen", reply_to=post.message_id)
        fake.inject_callback(GROUP, READER, post.message_id, "z:1:2")
        await fake.wait_for(lambda: len(fake.sent_to(GROUP)) == 5)

        golden.check("bot/quelle_2.html", quelle)
        golden.check("bot/zahlen.html", zahlen)
        golden.check("bot/zahlen_2.html", replies(fake, GROUP)[4:])
        assert fake.sent_to(GROUP)[4].reply_to == post.message_id
        assert len(fake.callback_answers) == 1


async def test_channel_deep_link_answers_in_a_private_chat(fake, settings, golden):
    async with running(settings) as app:
        await run_digest_job(app)

        answer = await command(fake, READER, READER, "/start q_1_2")

        golden.check("bot/quelle_2.html", answer)


async def test_wrong_arguments_unknown_commands_and_no_digest(fake, settings):
    async with running(settings) as app:
        assert await command(fake, READER, READER, "/quelle") == [expected.NO_DIGEST]
        await run_digest_job(app)

        assert await command(fake, READER, READER, "/quelle 99") == [expected.NO_SUCH_STORY_6]
        assert await command(fake, READER, READER, "/zahlen abc") == [expected.USAGE_ZAHLEN]
        assert await command(fake, READER, READER, "/wetter") == [expected.UNKNOWN_COMMAND]
        assert await command(fake, GROUP, READER, "/abo") == [expected.GROUP_ADMINS_ONLY]
        help_page = await command(fake, READER, READER, "/hilfe")
        assert "/quelle" in help_page[0]
        assert "/push" not in help_page[0]


async def test_commands_are_registered_in_german(fake, settings):
    async with running(settings):
        assert [c["command"] for c in fake.commands] == [
            "hilfe", "quelle", "zahlen", "abo", "abbestellen",
        ]  # fmt: skip
        assert [c["command"] for c in fake.menus[f"chat:{ADMIN}"]] == [
            "hilfe", "quelle", "zahlen", "abo", "abbestellen",
            "jetzt", "vorschau", "push", "status", "feeds",
        ]  # fmt: skip
        assert fake.menus[f"chat:{ADMIN}"][-2]["description"] == (
            "Admins: Zeitplan, wartende Artikel und Zustellung"
        )
        assert set(fake.menus) == {"default", f"chat:{ADMIN}"}
        assert fake.commands[0]["description"] == "Was Kurzlage kann und wie es geht"


async def test_a_non_admin_push_is_refused_and_posts_nothing(fake, settings):
    async with running(settings):
        answer = await command(fake, READER, READER, "/push Alle herhören")
        for admin_only in ("/jetzt", "/vorschau", "/status"):
            assert await command(fake, READER, READER, admin_only) == [expected.NOT_ADMIN]

        assert answer == [expected.NOT_ADMIN]
        assert fake.sent_to(CHANNEL_ONE) == fake.sent_to(CHANNEL_TWO) == []


async def test_an_admin_push_reaches_every_channel(fake, settings):
    async with running(settings):
        answer = await command(fake, ADMIN, ADMIN, "/push Heute um 20 Uhr: Sondersendung & Q&A")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_ONE) and fake.sent_to(CHANNEL_TWO))

        assert answer == [expected.PUSH_POSTED_2]
        for chat in (CHANNEL_ONE, CHANNEL_TWO):
            (post,) = fake.sent_to(chat)
            assert "Heute um 20 Uhr: Sondersendung &amp; Q&amp;A" in post.html
            assert "Heute um 20 Uhr: Sondersendung & Q&A" in post.text
        (quelle,) = await command(fake, ADMIN, ADMIN, "/start q_1_1")
        assert expected.PUSH_SOURCE_TITLE in quelle


async def test_a_429_storm_delays_but_loses_nothing(fake, settings):
    async with running(settings) as app:
        await command(fake, GROUP, GROUP_ADMIN, "/abo")
        fake.storm(3, retry_after=1)

        await run_digest_job(app)

        assert fake.count("sendMessage", status=429) == 3
        for chat in (CHANNEL_ONE, CHANNEL_TWO):
            assert len(fake.sent_to(chat)) == 1
        assert len(fake.sent_to(GROUP)) == 2  # the /abo answer and the digest
        assert services(app).storage.outbox_counts().pending == 0


async def test_a_kicked_channel_is_disabled_and_the_admins_told(fake, settings):
    fake.chats[CHANNEL_TWO].bot_status = "kicked"
    async with running(settings) as app:
        await run_digest_job(app)
        await fake.wait_for(lambda: fake.sent_to(ADMIN))

        (notice,) = fake.sent_to(ADMIN)
        assert str(CHANNEL_TWO) in notice.text
        assert "kicked" in notice.text
        assert len(fake.sent_to(CHANNEL_ONE)) == 1
        (status,) = await command(fake, ADMIN, ADMIN, "/status")
        assert f"▪ {CHANNEL_TWO} – " in status
        assert "Outbox: 1 wartend, 2 gesendet, 0 abgelehnt" in status


async def test_no_new_articles_no_digest(fake, settings):
    async with running(settings) as app:
        await run_digest_job(app)
        await run_digest_job(app)

        assert len(fake.sent_to(CHANNEL_ONE)) == 1
        assert await command(fake, ADMIN, ADMIN, "/jetzt") == [expected.NOTHING_NEW]


async def test_jetzt_and_vorschau_from_the_inbox(fake, settings, tmp_path):
    async with running(settings) as app:
        await run_digest_job(app)  # the seeds
        inbox = tmp_path / "inbox"
        inbox.mkdir(exist_ok=True)  # the bot keeps its marker of posted articles there
        (inbox / "neu.json").write_text(
            '{"id": "neu", "title": "Bahn streikt", "text": "Die Gewerkschaft GDL hat für '
            "Donnerstag einen bundesweiten Streik im Personenverkehr angekündigt. Betroffen sind "
            'rund 5.000 Verbindungen im Fern- und Regionalverkehr der Deutschen Bahn."}',
            encoding="utf-8",
        )

        (preview,) = await command(fake, ADMIN, ADMIN, "/vorschau")
        assert "Bahn streikt" in preview
        assert len(fake.sent_to(CHANNEL_ONE)) == 1

        await command(fake, ADMIN, ADMIN, "/jetzt")
        await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_TWO)) == 2)
        assert "Bahn streikt" in fake.sent_to(CHANNEL_ONE)[1].text
        assert services(app).storage.count_new_articles() == 0


async def test_a_missed_run_is_caught_up_once_at_start(fake, settings):
    async with running(settings) as app:
        services(app).storage.set_meta("last_run", "2024-06-24T05:00:00+02:00")  # days ago
    async with running(settings):
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_ONE))
    async with running(settings):
        pass

    assert len(fake.sent_to(CHANNEL_ONE)) == 1


async def test_the_token_never_reaches_the_log(fake, settings, caplog):
    caplog.set_level(logging.DEBUG)
    quiet_token_loggers()  # as bot.app.run does
    async with running(settings) as app:
        await command(fake, READER, READER, "/hilfe")
        await run_digest_job(app)

    assert "sendMessage" in caplog.text or "Queued digest" in caplog.text
    assert TOKEN not in caplog.text


async def test_status_shows_times_in_berlin_time(fake, settings):
    # A chat disabled at 05:00 UTC (stored as the outbox stores it) is 07:00 in Berlin.
    async with running(settings) as app:
        services(app).storage.disable_chat(str(CHANNEL_TWO), reason="bot kicked", now=NOW)

        (status,) = await command(fake, ADMIN, ADMIN, "/status")

        assert f"▪ {CHANNEL_TWO} – bot kicked (seit 01.07.2026, 07:00 Uhr)" in status
        assert "Letzte Ausgabe geplant: 01.07.2026, 07:00 Uhr" in status
