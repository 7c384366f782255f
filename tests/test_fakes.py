"""The fake Bot API server must reject what Telegram rejects, or the e2e tests prove nothing."""

import asyncio
import socket
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, Conflict, Forbidden, RetryAfter

from tests.fakes import TOKEN, FakeChat, FakeTelegram
from tests.telegram_html import EntityError, parse_html


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("<b>fett</b> &amp; <i>kursiv</i>", "fett & kursiv"),
        ('<a href="https://t.me/x?start=q_1_2">Link</a>', "Link"),
        ("&lt;b&gt; &quot;x&quot; &#8222;y&#x201C;", '<b> "x" „y“'),
        ('<span class="tg-spoiler">s</span><blockquote expandable>z</blockquote>', "sz"),
        ("<b><i>ge</i>schachtelt</b>", "geschachtelt"),
    ],
    ids=["empty", "bold-italic", "link", "entities", "spoiler-quote", "nested"],
)
def test_accepted_html(html, text):
    assert parse_html(html) == text


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>offen", 'end tag corresponding to start tag "b"'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<br>", 'Unsupported start tag "br"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("a < b", "Unclosed start tag"),
        ("a > b", "must be escaped"),
        ("Müller & Söhne", "Unsupported HTML entity"),
        ("&nbsp;", "Unsupported HTML entity"),
        ("<span>x</span>", "tg-spoiler"),
        ('<a title="x">y</a>', 'Unsupported attribute "title"'),
    ],
    ids=[
        "unclosed",
        "div",
        "br",
        "crossed",
        "bare-lt",
        "bare-gt",
        "bare-amp",
        "nbsp",
        "span",
        "attr",
    ],
)
def test_rejected_html(html, error):
    with pytest.raises(EntityError, match=error):
        parse_html(html)


@pytest.fixture
def fake():
    with FakeTelegram(global_limit=(3, 1.0), group_limit=(2, 60.0)) as server:
        server.add_chat(FakeChat(-100, "channel", username="kanal_eins"))
        server.add_chat(FakeChat(-200, "channel", username="kanal_weg", bot_status="kicked"))
        server.add_chat(FakeChat(-300, "supergroup"))
        yield server


@pytest.fixture
async def bot(fake):
    async with Bot(TOKEN, base_url=fake.base_url) as client:
        yield client


async def test_send_message_round_trip(fake, bot):
    message = await bot.send_message("@kanal_eins", "<b>Lage</b> &amp; mehr", parse_mode="HTML")

    assert (message.chat.id, message.text, message.message_id) == (-100, "Lage & mehr", 1)
    assert [(s.chat_id, s.html) for s in fake.sent] == [(-100, "<b>Lage</b> &amp; mehr")]


async def test_telegram_checks(fake, bot):
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(-100, "<p>x</p>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(-100, "&amp;" * 4097, parse_mode="HTML")
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(-200, "x")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("@gibtsnicht", "x")
    assert fake.sent == []


async def test_entity_parsing_happens_before_the_length_check(fake, bot):
    await bot.send_message(-100, "&amp;" * 4096, parse_mode="HTML")

    assert len(fake.sent[0].text) == 4096


async def test_rate_limits_answer_429_with_retry_after(fake, bot):
    await bot.send_message(-300, "eins")
    await bot.send_message(-300, "zwei")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(-300, "drei")

    retry_after = caught.value.retry_after
    assert isinstance(retry_after, timedelta)
    assert retry_after.total_seconds() >= 1
    assert len(fake.sent) == 2


async def test_injected_updates_are_polled(fake, bot):
    fake.inject_message(-300, 7, "/quelle@kurzlage_test_bot 2")

    (update,) = await bot.get_updates(timeout=1)

    assert update.message.text == "/quelle@kurzlage_test_bot 2"
    assert update.message.entities[0].type == "bot_command"
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_a_second_poller_ends_the_first_with_409_conflict(fake, bot):
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for(lambda: fake.polling)
    async with Bot(TOKEN, base_url=fake.base_url) as other:
        second = await other.get_updates(timeout=0)

    with pytest.raises(Conflict) as caught:
        await first
    assert caught.value.message == (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )
    assert second == ()
    assert fake.conflicts == 1
    assert sorted(c.status for c in fake.calls if c.method == "getUpdates") == [200, 409]
    (ended,) = [c for c in fake.calls if c.status == 409]
    assert ended.response == (
        {
            "ok": False,
            "error_code": 409,
            "description": "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        }
    )


async def test_polls_one_after_the_other_do_not_conflict(fake, bot):
    fake.inject_message(-300, 7, "eins")
    (update,) = await bot.get_updates(timeout=1)
    async with Bot(TOKEN, base_url=fake.base_url) as other:
        assert await other.get_updates(offset=update.update_id + 1, timeout=0) == ()

    assert fake.conflicts == 0


async def test_a_poll_whose_client_hung_up_conflicts_with_nobody(fake, bot):
    # A killed bot's long poll: the request went out, then the connection closed.
    host, port = fake.base_url.removeprefix("http://").split("/")[0].split(":")
    with socket.create_connection((host, int(port))) as dead:
        head = f"POST /bot{TOKEN}/getUpdates HTTP/1.1\r\nHost: {host}\r\n"
        form = "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n"
        dead.sendall(f"{head}{form}\r\ntimeout=5".encode("ascii"))
        await fake.wait_for(lambda: fake.polling)
    await fake.wait_for(lambda: not fake.polling, within=2)

    assert await bot.get_updates(timeout=0) == ()
    assert fake.conflicts == 0


async def test_set_my_commands_keeps_one_menu_per_scope():
    from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

    with FakeTelegram() as fake:
        fake.add_chat(FakeChat(7, "private"))
        async with Bot(TOKEN, base_url=fake.base_url) as bot:
            await bot.set_my_commands([BotCommand("hilfe", "Hilfe")])
            await bot.set_my_commands(
                [BotCommand("hilfe", "Hilfe"), BotCommand("status", "Status")],
                scope=BotCommandScopeChat(7),
            )
            await bot.set_my_commands(
                [BotCommand("abo", "Abo")], scope=BotCommandScopeAllPrivateChats()
            )
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.set_my_commands(
                    [BotCommand("status", "Status")], scope=BotCommandScopeChat(99)
                )
            with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
                await bot.set_my_commands([BotCommand("Groß", "x")])

        assert {scope: [c["command"] for c in menu] for scope, menu in fake.menus.items()} == {
            "default": ["hilfe"],
            "chat:7": ["hilfe", "status"],
            "all_private_chats": ["abo"],
        }
        assert fake.commands == [{"command": "hilfe", "description": "Hilfe"}]
