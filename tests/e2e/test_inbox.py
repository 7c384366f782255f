"""The inbox of a running bot: hostile and unreadable files, and each schedule time once."""

import asyncio
import json
import logging
import os
import shutil
import signal

import pytest

from bot.adapters.jobs import digest_slot, ingest_inbox
from bot.adapters.services import services
from tests.adapters.test_inbox import BAHN, WETTER
from tests.e2e.conftest import (
    ADMIN,
    CHANNEL_ONE,
    CHANNEL_TWO,
    ROOT,
    command,
    digest_job_of,
    running,
    with_bot,
)
from tests.e2e.test_restart import bot_command, bot_env, write_config
from tests.fakes import TOKEN

# Root reads any file whatever its mode: the bot then runs without that capability.
WITHOUT_READ_ANY = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                    "--bounding-set=-dac_override,-dac_read_search"]  # fmt: skip


def drop(inbox, name, article_id, title, text):
    inbox.mkdir(exist_ok=True)
    path = inbox / name
    article = {"id": article_id, "title": title, "text": text}
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="running as root without setpriv: every file is readable",
)
async def test_hostile_and_unreadable_files_do_not_stop_the_inbox(fake, settings, tmp_path):
    settings = with_bot(settings, seeds="")
    inbox = tmp_path / "inbox"
    drop(inbox, "bahn.json", "bahn", "Bahn streikt", BAHN)
    (inbox / "n.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    locked = drop(inbox, "wetter.json", "wetter", "Unwetter in Bayern", WETTER)
    locked.chmod(0)
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)
    prefix = WITHOUT_READ_ANY if os.geteuid() == 0 else []
    log_path = tmp_path / "bot.log"
    with log_path.open("w", encoding="utf-8") as log:
        bot = await asyncio.create_subprocess_exec(
            *prefix, *bot_command(config), cwd=ROOT, env=bot_env(TOKEN), stderr=log
        )
        try:
            await fake.wait_for(lambda: fake.count("deleteWebhook") > 0, within=30)

            first = await command(fake, ADMIN, ADMIN, "/jetzt")
            await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_TWO)) == 1)
            locked.chmod(0o644)
            second = await command(fake, ADMIN, ADMIN, "/jetzt")
            await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_TWO)) == 2)
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()

    assert first == ["Ausgabe 1 mit 1 Meldung geht an 2 Chats."]
    assert second == ["Ausgabe 2 mit 1 Meldung geht an 2 Chats."]
    one, two = (post.text for post in fake.sent_to(CHANNEL_ONE))
    assert ("Bahn streikt" in one, "Unwetter" in one) == (True, False)
    assert ("Unwetter in Bayern" in two, "Bahn" in two) == (True, False)
    warnings = [
        line for line in log_path.read_text(encoding="utf-8").splitlines() if "Inbox:" in line
    ]
    assert warnings == [
        f"kurzlage: WARNING: Inbox: {inbox / 'n.json'}: JSON nested too deeply, skipped",
        f"kurzlage: WARNING: Inbox: {locked}: cannot read (Permission denied)",
    ]


async def test_a_schedule_time_is_posted_once_by_two_bots_on_one_database(
    fake, settings, tmp_path, caplog
):
    caplog.set_level(logging.WARNING, logger="bot")
    settings = with_bot(settings, seeds="")
    inbox = tmp_path / "inbox"
    async with running(settings) as first, running(settings) as second:
        drop(inbox, "bahn.json", "bahn", "Bahn streikt", BAHN)
        await digest_job_of(first).run(first)
        drop(inbox, "wetter.json", "wetter", "Unwetter in Bayern", WETTER)
        await digest_job_of(second).run(second)  # the same schedule time

        assert len(fake.sent_to(CHANNEL_ONE)) == 1
        await ingest_inbox(services(second))
        assert services(second).storage.count_new_articles() == 1  # waits for the next time
        slot = digest_slot(services(second), now=services(second).now())
    assert [r.getMessage() for r in caplog.records if r.name == "bot.adapters.jobs"] == [
        f"Digest run for {slot} was already posted; not posting it again"
    ]
