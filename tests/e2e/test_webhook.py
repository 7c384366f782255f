"""``kurzlage run`` in webhook mode: Telegram POSTs updates to the bot's own web server."""

import asyncio
import json
import signal
import socket

import httpx

from bot.adapters.database import is_database_url
from tests.e2e.conftest import ADMIN, READER, ROOT
from tests.e2e.test_restart import bot_command, bot_env
from tests.fakes import TOKEN
from tests.testkit.postgres import url_without_password

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_webhook_config(path, settings, *, port):
    bot = settings.bot
    values = {
        "admins": [ADMIN],
        # The password comes from PGPASSFILE (tests/postgres.py).
        "database": url_without_password(bot.database)
        if is_database_url(bot.database)
        else bot.database,
        "inbox": bot.inbox,
        "api_base_url": bot.api_base_url,
        "api_file_url": bot.api_file_url,
        # Telegram calls the public https URL; a proxy in front forwards it to the bot.
        "webhook_url": f"https://127.0.0.1:{port}/kurzlage/hook",
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
    }
    lines = ["[bot]", *(f"{key} = {json.dumps(value)}" for key, value in values.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def post_update(url, update, headers):
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(200):  # the server may still be starting after setWebhook
            try:
                return await client.post(url, json=update, headers=headers)
            except httpx.ConnectError:
                await asyncio.sleep(0.02)
    raise AssertionError(f"nothing listens at {url}")


async def test_webhook_mode_answers_a_posted_update(fake, settings, tmp_path, golden):
    port = free_port()
    config = tmp_path / "kurzlage.toml"
    write_webhook_config(config, settings, port=port)
    hook = f"http://127.0.0.1:{port}/kurzlage/hook"

    process = await asyncio.create_subprocess_exec(
        *bot_command(config), cwd=ROOT, env=bot_env(TOKEN), stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake.wait_for(lambda: fake.webhook, within=30)
        secret = fake.webhook.get("secret_token", "")
        forged = await post_update(
            hook, fake.message_update(READER, READER, "/status"), {SECRET_HEADER: "geraten"}
        )
        answer = await post_update(
            hook, fake.message_update(READER, READER, "/hilfe"), {SECRET_HEADER: secret}
        )
        await fake.wait_for(lambda: fake.sent_to(READER))
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)

    assert fake.webhook["url"] == f"https://127.0.0.1:{port}/kurzlage/hook"
    assert len(secret) >= 32
    assert (forged.status_code, answer.status_code) == (403, 200)
    golden.check("bot/hilfe.html", [s.html for s in fake.sent_to(READER)])
    assert fake.count("getUpdates") == 0
    assert process.returncode == 0, stderr.decode()
    assert TOKEN not in stderr.decode()
    assert secret not in stderr.decode()
