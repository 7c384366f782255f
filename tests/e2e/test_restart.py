"""A bot process killed in the middle of a digest, and a fresh one on the same database."""

import asyncio
import json
import os
import signal
import subprocess
import sys

from bot.adapters.database import is_database_url
from bot.adapters.storage import Storage
from tests.e2e import expected
from tests.e2e.conftest import ROOT, running, with_bot
from tests.fakes import TOKEN, FakeChat
from tests.testkit.postgres import url_without_password

CHANNELS = [-1_000_000_000_000 - n for n in range(1, 6)]


def write_config(path, settings):
    bot = settings.bot
    values = {
        "channels": list(bot.channels),
        "admins": list(bot.admins),
        **{
            k: getattr(bot, k)
            for k in ("database", "inbox", "seeds", "api_base_url", "api_file_url")
        },
    }
    if is_database_url(bot.database):  # the password comes from PGPASSFILE (tests/postgres.py)
        values["database"] = url_without_password(bot.database)
    lines = ["[bot]", *(f"{key} = {json.dumps(value)}" for key, value in values.items())]
    # One request in flight at a time, so "between two sends" is a well-defined moment.
    lines += ["retry_base_delay = 0.01", "retry_max_delay = 0.05", "outbox_interval = 1"]
    lines += ["send_concurrency = 1"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bot_command(config):
    return [sys.executable, "-m", "bot", "run", "--config", str(config)]


def bot_env(token):
    env = {k: v for k, v in os.environ.items() if k != "KURZLAGE_TOKEN"}
    return {**env, "KURZLAGE_TOKEN": token} if token else env


async def test_killed_mid_digest_resumes_without_duplicate_or_loss(fake, settings, tmp_path):
    for chat in CHANNELS:
        fake.add_chat(FakeChat(chat, "channel"))
    settings = with_bot(settings, channels=tuple(str(c) for c in CHANNELS), outbox_interval=1)
    store = Storage(settings.bot.database)
    store.set_meta("last_run", "2024-06-24T05:00:00+02:00")  # a run was missed: caught up at start
    store.close()
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)
    fake.hold_after(2)  # the third post is in flight when the process dies

    watcher = Storage(settings.bot.database)
    with (tmp_path / "bot.log").open("w", encoding="utf-8") as log:
        process = await asyncio.create_subprocess_exec(
            *bot_command(config), cwd=ROOT, env=bot_env(TOKEN), stderr=log
        )
        try:
            # Killed "between two sends": both answered sends are recorded, the next is in
            # flight. (A kill after Telegram answered and before the record is the documented
            # at-least-once window of bot.adapters.outbox, tested in test_outbox.py.)
            await fake.wait_for(
                lambda: fake.holding and watcher.outbox_counts().sent == 2, within=30
            )
        finally:
            watcher.close()
            process.send_signal(signal.SIGKILL)
            await process.wait()
    fake.release()
    assert len(fake.sent) == 2

    async with running(settings):
        await fake.wait_for(lambda: len(fake.sent) == len(CHANNELS))

    assert sorted(s.chat_id for s in fake.sent) == sorted(CHANNELS)
    assert len({s.html for s in fake.sent}) == 1  # the same digest everywhere


def test_run_without_token_says_how_to_get_one(tmp_path, settings):
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)

    done = subprocess.run(
        bot_command(config), cwd=ROOT, env=bot_env(""), capture_output=True, text=True, timeout=60
    )

    assert done.returncode != 0
    assert done.stderr.strip() == expected.NO_TOKEN
    assert done.stdout == ""
