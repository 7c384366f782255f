"""Delivery through the real Application and the fake Bot API (issue 12 items 6, 9-12, 15)."""

import itertools
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from bot.adapters.render import Renderer
from bot.adapters.services import services
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
    stored_digest,
    with_bot,
)
from tests.fakes import FakeChat, FakeTelegram

FAILURE_NOTICE = (
    "⚠️ Störung bei digest: OperationalError: no such table: outbox. Gleiche Störungen melde "
    "ich frühestens in 60 Minuten wieder; Einzelheiten stehen im Log."
)
BUTTON_REPEAT = (
    "Die Antwort steht schon im Chat. Bitte einen Moment warten, bevor du noch einmal tippst."
)


def posted_reply(app, chats):
    stories = len(stored_digest(app).stories)
    chats_text = {1: "1 Chat", 2: "2 Chats"}[chats]
    return f"Ausgabe 1 mit {stories} Meldungen geht an {chats_text}."


# -- item 6: edits ------------------------------------------------------------------------


async def test_an_edited_push_posts_nothing(fake, settings):
    async with running(settings):
        fake.inject_edited_message(ADMIN, ADMIN, "/push Sondersendung um 20 Uhr", message_id=1)
        fake.inject_edited_message(GROUP, READER, "/quelle", message_id=7)
        (hilfe,) = await command(fake, ADMIN, ADMIN, "/hilfe")  # handled after the edits

        assert "/quelle" in hilfe
        assert fake.sent_to(CHANNEL_ONE) == []
        assert fake.sent_to(CHANNEL_TWO) == []
        assert fake.sent_to(GROUP) == []
        assert len(fake.sent_to(ADMIN)) == 1


# -- item 9: removed from a channel -------------------------------------------------------


async def test_a_channel_the_bot_was_removed_from_is_switched_off_with_one_notice(fake, settings):
    async with running(settings) as app:
        fake.inject_my_chat_member(CHANNEL_ONE, ADMIN, old="administrator", new="left")
        await fake.wait_for(lambda: fake.sent_to(ADMIN))  # right away, before any post

        (answer,) = await command(fake, ADMIN, ADMIN, "/jetzt")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_TWO))
        (status,) = await command(fake, ADMIN, ADMIN, "/status")

        notice = replies(fake, ADMIN)[0]
        assert notice == (
            "⚠️ Ich kann nicht mehr in @kanal_eins posten (bot left). Der Chat ist abgeschaltet, "
            "seine Nachrichten warten; sobald ich dort wieder Admin bin, hole ich sie nach."
        )
        assert answer == posted_reply(app, chats=1)  # channel two only
        assert [c.chat for c in services(app).storage.disabled_chats()] == ["@kanal_eins"]
        assert status.count("@kanal_eins") == 2  # once in "Kanäle", once as switched off
        assert str(CHANNEL_ONE) not in status
        assert fake.count("sendMessage", status=403) == 0
        assert len(fake.sent_to(ADMIN)) == 3  # one notice, the /jetzt and /status answers


async def test_a_channel_demoted_to_member_is_switched_off_and_back_on(fake, settings):
    async with running(settings) as app:
        fake.inject_my_chat_member(CHANNEL_TWO, ADMIN, old="administrator", new="member")
        await fake.wait_for(lambda: fake.sent_to(ADMIN))
        await run_digest_job(app)
        fake.inject_my_chat_member(CHANNEL_TWO, ADMIN, old="member", new="administrator")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_TWO))

        assert replies(fake, ADMIN) == [
            "⚠️ Ich kann nicht mehr in -1002 posten (bot member). Der Chat ist abgeschaltet, "
            "seine Nachrichten warten; sobald ich dort wieder Admin bin, hole ich sie nach."
        ]
        assert replies(fake, CHANNEL_TWO) == replies(fake, CHANNEL_ONE)
        assert fake.count("sendMessage", status=403) == 0


# -- item 10: replies get the posts' retries ----------------------------------------------


async def test_a_failed_confirmation_is_retried_and_no_false_error_is_sent(fake, settings):
    async with running(settings) as app:
        fake.fail(1)  # 502 on the next message: the confirmation of /jetzt
        answer = await command(fake, ADMIN, ADMIN, "/jetzt")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_ONE) and fake.sent_to(CHANNEL_TWO))

        fake.drop(1)  # the connection of the /push confirmation is reset without an answer
        pushed = await command(fake, ADMIN, ADMIN, "/push Sondersendung um 20 Uhr")
        await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_TWO)) == 2)

        assert answer == [posted_reply(app, chats=2)]
        assert pushed == ["Die Mitteilung geht an 2 Kanäle."]
        assert replies(fake, ADMIN) == [*answer, *pushed]  # no "⚠️ Fehler im Bot"
        assert fake.count("sendMessage", status=502) == 1


async def test_a_reply_retries_a_transient_error_in_a_group(fake, settings):
    async with running(settings):
        fake.fail(2)
        assert await command(fake, GROUP, READER, "/quelle 9") == [
            "Es gibt noch keine Ausgabe. Die nächste kommt zur nächsten geplanten Zeit."
        ]
        assert fake.sent_to(ADMIN) == []


# -- item 11: no self-inflicted 429 --------------------------------------------------------


async def test_a_bot_paced_to_the_limits_gets_no_429_from_a_strict_server(settings):
    # Telegram's limits, plus about one message per second into any one chat.
    with FakeTelegram(chat_limit=(1, 1.0)) as strict:
        strict.add_chat(FakeChat(CHANNEL_ONE, "channel", username="kanal_eins"))
        strict.add_chat(FakeChat(CHANNEL_TWO, "channel"))
        strict.add_chat(FakeChat(GROUP, "supergroup", admins={GROUP_ADMIN}))
        for user_id in (ADMIN, READER, GROUP_ADMIN):
            strict.add_chat(FakeChat(user_id, "private"))
        paced = with_bot(
            settings,
            api_base_url=strict.base_url,
            api_file_url=strict.base_file_url,
            private_messages_per_second=1,  # Telegram's: about one per second in one chat
        )
        async with running(paced) as app:
            await command(strict, GROUP, GROUP_ADMIN, "/abo")
            strict.inject_message(ADMIN, ADMIN, "/jetzt")
            strict.inject_message(GROUP, READER, "/hilfe")
            strict.inject_message(GROUP, READER, "/quelle")
            await strict.wait_for(lambda: len(strict.sent_to(GROUP)) >= 4, within=20)
            await strict.wait_for(lambda: bool(strict.sent_to(CHANNEL_TWO)))
            await strict.wait_for(lambda: len(strict.sent_to(ADMIN)) == 1)
            pages = len(stored_digest(app).stories)

        group = strict.sent_to(GROUP)
        gaps = [later.time - earlier.time for earlier, later in itertools.pairwise(group)]
        assert pages >= 1
        assert strict.count("sendMessage", status=429) == 0
        assert min(gaps) >= 0.95  # the fake counts arrival; the bot counts from the answer


# -- item 12: failures in jobs reach the admins --------------------------------------------


def sqlite_file(app) -> Path:
    path = services(app).storage.path
    assert path is not None  # these tests run on SQLite only
    return path


@pytest.mark.sqlite_only  # breaks the file with a second connection
async def test_a_database_error_in_a_job_reaches_the_admins_once_without_the_database(
    fake, settings
):
    async with running(settings) as app:
        broken = sqlite3.connect(sqlite_file(app))
        broken.execute("DROP TABLE outbox")  # the notice cannot go through the outbox
        broken.close()

        await run_digest_job(app)
        await fake.wait_for(lambda: FAILURE_NOTICE in replies(fake, ADMIN))
        await run_digest_job(app)  # the same failure again: logged, not told again
        await run_digest_job(app)
        kinds = {f.kind for f in services(app).storage.failures()}

        # The outbox job, which runs a second after the start, fails of its own kind.
        outbox_notice = FAILURE_NOTICE.replace("bei digest:", "bei outbox:")
        told = replies(fake, ADMIN)
        assert told.count(FAILURE_NOTICE) == 1
        assert told.count(outbox_notice) <= 1
        assert set(told) <= {FAILURE_NOTICE, outbox_notice}
        assert "digest:OperationalError" in kinds
        assert kinds <= {"digest:OperationalError", "outbox:OperationalError"}
        assert fake.sent_to(CHANNEL_ONE) == []


@pytest.mark.sqlite_only  # breaks the file with a second connection
async def test_a_failure_is_cleared_when_the_job_works_again(fake, settings):
    async with running(settings) as app:
        s = services(app)
        broken = sqlite3.connect(sqlite_file(app), isolation_level=None)
        broken.execute("ALTER TABLE outbox RENAME TO outbox_away")
        await run_digest_job(app)
        await fake.wait_for(lambda: fake.sent_to(ADMIN))
        failing = s.storage.failures()
        broken.execute("ALTER TABLE outbox_away RENAME TO outbox")
        broken.close()
        await run_digest_job(app)

        # (The outbox job, a second after the start, may have failed as well: its own kind,
        # cleared by its own next success.)
        assert "digest:OperationalError" in {f.kind for f in failing}
        assert [f.kind for f in s.storage.failures() if f.kind.startswith("digest:")] == []
        assert fake.sent_to(CHANNEL_ONE) != []


# -- item 15: button presses ---------------------------------------------------------------


async def test_a_button_pressed_again_gets_a_short_notice_not_another_reply(fake, settings):
    async with running(settings) as app:
        await command(fake, GROUP, GROUP_ADMIN, "/abo")
        await run_digest_job(app)
        await fake.wait_for(lambda: len(fake.sent_to(GROUP)) == 2)
        post = fake.sent_to(GROUP)[1]

        for _ in range(5):
            fake.inject_callback(GROUP, READER, post.message_id, "q:1:0")
        fake.inject_callback(GROUP, GROUP_ADMIN, post.message_id, "q:1:0")  # another user
        await fake.wait_for(lambda: len(fake.callback_answers) == 6)
        await fake.wait_for(lambda: len(fake.sent_to(GROUP)) >= 2 + 2 * len(pages_of(app)))

        # Updates are handled concurrently, so the answers come in any order: per user the
        # first press gets the pages (an empty answer), every repeat the short notice.
        texts = Counter(a.get("text") for a in fake.callback_answers)
        assert texts == {None: 2, BUTTON_REPEAT: 4}
        assert len(fake.sent_to(GROUP)) == 2 + 2 * len(pages_of(app))  # one answer per user


def pages_of(app):
    return list(Renderer().quelle(stored_digest(app, 1)))


@pytest.mark.sqlite_only  # breaks the file with a second connection
async def test_the_error_handler_reaches_the_admins_when_the_outbox_is_broken(fake, settings):
    async with running(settings) as app:
        broken = sqlite3.connect(sqlite_file(app))
        broken.execute("DROP TABLE outbox")
        broken.close()

        fake.inject_message(ADMIN, ADMIN, "/status")  # /status reads the outbox: it fails
        await fake.wait_for(lambda: fake.sent_to(ADMIN))

        assert replies(fake, ADMIN) == [
            "⚠️ Fehler im Bot bei /status: OperationalError: no such table: outbox. "
            "Einzelheiten stehen im Log."
        ]
