"""A fault inside a handler: logged with its traceback, admins told briefly, users a sorry."""

import logging

from bot.adapters.services import services
from tests.e2e import expected
from tests.e2e.conftest import (
    ADMIN,
    GROUP,
    GROUP_ADMIN,
    READER,
    command,
    replies,
    run_digest_job,
    running,
)


def error_records(caplog):
    return [r for r in caplog.records if r.name == "bot.adapters.events" and r.exc_info]


async def test_an_unreadable_telegram_answer_is_logged_and_the_admins_told(fake, settings, caplog):
    caplog.set_level(logging.ERROR, logger="bot")
    async with running(settings) as app:
        fake.garble("getChatMember")  # a proxy in front of Telegram answers with HTML

        answer = await command(fake, GROUP, GROUP_ADMIN, "/abo")
        await fake.wait_for(lambda: fake.sent_to(ADMIN))

        assert answer == [expected.SORRY]
        assert replies(fake, ADMIN) == [expected.ERROR_NOTICE_ABO]
        (record,) = error_records(caplog)
        assert record.levelno == logging.ERROR
        assert "Invalid server response" in str(record.exc_info[1])
        assert not any("Traceback" in s.text or "File " in s.text for s in fake.sent)
        assert services(app).storage.subscriptions() == ()

        # The bot carries on: the same command works once Telegram answers properly.
        assert await command(fake, GROUP, GROUP_ADMIN, "/abo") == [expected.SUBSCRIBED]


async def test_a_fault_behind_a_button_answers_in_the_group(fake, settings, caplog):
    caplog.set_level(logging.ERROR, logger="bot")
    async with running(settings) as app:
        await command(fake, GROUP, GROUP_ADMIN, "/abo")
        await run_digest_job(app)
        post = fake.sent_to(GROUP)[1]
        fake.garble("answerCallbackQuery")

        fake.inject_callback(GROUP, READER, post.message_id, "q:1:0")
        await fake.wait_for(lambda: len(fake.sent_to(GROUP)) == 3 and fake.sent_to(ADMIN))

        assert replies(fake, GROUP)[2] == expected.SORRY
        assert fake.sent_to(GROUP)[2].reply_to == post.message_id  # under the post
        (notice,) = replies(fake, ADMIN)
        assert notice.startswith("⚠️ Fehler im Bot bei Button: TelegramError")
        assert len(error_records(caplog)) == 1
