"""One leading instance in this process (PostgreSQL): /status names it, and a digest run whose
claims are fenced off (the lead lost) queues nothing and leaves its slot to the next leader.

Two real ``kurzlage run`` processes taking over from each other: tests/e2e/test_failover.py.
"""

import asyncio
import logging
import signal
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.jobs import digest_slot
from bot.adapters.leader import (
    LEADER_LOCK_KEY,
    POLL_INTERVAL_SECONDS,
    LeaderElection,
    Leadership,
)
from bot.adapters.services import services
from tests.e2e.conftest import (
    ADMIN,
    CHANNEL_ONE,
    ROOT,
    command,
    digest_job_of,
    running,
    with_bot,
)
from tests.e2e.test_chats import BAHN
from tests.e2e.test_inbox import drop
from tests.e2e.test_restart import bot_command, bot_env, write_config
from tests.fakes import TOKEN

#: The ``database`` fixture (tests/conftest.py) on PostgreSQL alone.
postgresql_only = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


@postgresql_only
async def test_status_names_the_instance_that_leads(fake, settings):
    election = LeaderElection(settings.bot.database, host="maschine-a", pid=4242)
    assert election.try_acquire()
    since = election.since
    assert since is not None
    try:
        async with running(settings, leadership=Leadership(election)):
            (status,) = await command(fake, ADMIN, ADMIN, "/status")
    finally:
        election.release()

    shown = since.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y, %H:%M")
    assert status.startswith(
        f"<b>📊 Status</b>\n\nInstanz: maschine-a, PID 4242, führt seit {shown} Uhr\n"
        "Letzte Ausgabe geplant: "
    )


async def test_status_of_a_bot_alone_names_no_instance(fake, settings):
    async with running(settings):
        (status,) = await command(fake, ADMIN, ADMIN, "/status")

    assert status.startswith("<b>📊 Status</b>\n\nLetzte Ausgabe geplant: ")


@postgresql_only
async def test_a_fenced_digest_run_queues_nothing_and_leaves_its_slot(
    fake, settings, tmp_path, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.adapters.jobs")
    settings = with_bot(settings, seeds="")
    async with running(settings) as app:
        s = services(app)
        drop(tmp_path / "inbox", "bahn.json", "bahn", "Bahn streikt", BAHN)
        last_run = s.storage.meta("last_run")
        # The fence of an instance whose lock session is gone: no session holds pid 0.
        s.storage.fence_leader(LEADER_LOCK_KEY, 0)
        await digest_job_of(app).run(app)
        slot = digest_slot(s, now=s.now())

        assert slot is not None
        assert not s.storage.slot_claimed(slot)
        assert s.storage.meta("last_run") == last_run
        assert s.storage.count_new_articles() == 1  # still waiting for the leader's run
        assert s.storage.outbox_counts().pending == 0
    assert fake.sent_to(CHANNEL_ONE) == []
    assert [r.getMessage() for r in caplog.records] == [
        f"Digest run for {slot} was already posted, or this instance no longer leads;"
        " not posting it"
    ]


@postgresql_only
async def test_a_standby_never_polls_telegram_and_stops_on_sigterm(fake, settings, tmp_path):
    leader = LeaderElection(settings.bot.database, host="maschine-a", pid=4242)
    assert leader.try_acquire()
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)
    log_path = tmp_path / "bot.log"
    try:
        with log_path.open("w", encoding="utf-8") as log:
            process = await asyncio.create_subprocess_exec(
                *bot_command(config), cwd=ROOT, env=bot_env(TOKEN), stderr=log
            )
            try:
                await fake.wait_for(lambda: "standing by" in log_path.read_text(), within=30)
                await asyncio.sleep(POLL_INTERVAL_SECONDS + 0.5)  # one more poll for the lock
                process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), timeout=10)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    finally:
        leader.release()

    assert code == 0
    assert fake.count("getMe") == 1  # the token is checked before standing by
    assert fake.count("getUpdates") == 0
    assert fake.count("sendMessage") == 0
    lines = [line for line in log_path.read_text().splitlines() if "Migrating" not in line]
    assert lines == [
        "kurzlage: INFO: leader election: standing by (maschine-a pid 4242 leads)",
        "kurzlage: INFO: Stop signal while standing by: stopping",
    ]
