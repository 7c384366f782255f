"""Two ``kurzlage run`` processes on one PostgreSQL database: one leads, the other takes over.

Issue 13. Each test starts real processes against the fake Bot API server (which answers a
second concurrent getUpdates with 409 Conflict, as Telegram does, and counts them), 30
channels, one send in flight at a time, and a missed run in ``last_run`` so the first leader
posts a catch-up digest at start (as tests/e2e/test_restart.py does).

The next *scheduled* edition after a takeover (after kill -9) is a cron time in the digest
time zone: crontab has no seconds, so it is the first whole minute at least ``EDITION_LEAD``
after the test starts, and the test waits for it (12 to 72 s). No controllable clock exists
across processes, and a catch-up after the takeover would prove the catch-up, not the schedule.

A standby that polled Telegram would end the leader's long poll with 409 (the leader nearly
always has one waiting), so ``fake.conflicts`` tells whether one did.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from bot.adapters.storage import Storage
from tests.adapters.test_inbox import BAHN
from tests.e2e.conftest import ADMIN, GROUP, GROUP_ADMIN, READER, ROOT, with_bot
from tests.e2e.test_inbox import drop
from tests.e2e.test_restart import bot_command, bot_env, write_config
from tests.fakes import TOKEN, FakeChat

CHANNELS = [-1_000_000_000_000 - n for n in range(1, 31)]
#: Sends the leader gets through before it dies: a third of the fan-out.
SENT_BEFORE = 10
#: Issue 13: a standby leads within 15 s of the leader's death.
TAKEOVER_SECONDS = 15
#: The next scheduled edition is at least this far ahead when the test starts: the catch-up,
#: the kill, the takeover and the rest of the fan-out took 6 s here (the test asserts the
#: edition is still to come then; raise this if that assertion fails on a slower machine).
EDITION_LEAD = timedelta(seconds=12)
#: Time for a process to start: Python, the imports, PostgreSQL and getMe.
START_SECONDS = 30


@pytest.fixture
def database(postgres_url):
    """PostgreSQL only: leader election needs a shared server (bot.adapters.leader)."""
    return postgres_url


class Instance:
    """One ``kurzlage run`` process and its log (stderr)."""

    def __init__(self, name: str, process: asyncio.subprocess.Process, log: Path) -> None:
        self.name = name
        self.process = process
        self.log = log

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def logged(self, text: str) -> int:
        """How many log lines contain ``text``."""
        return sum(text in line for line in self.lines())

    def logged_after(self, first: str, then: str) -> bool:
        """Whether a line containing ``then`` follows one containing ``first``."""
        lines = self.lines()
        starts = [n for n, line in enumerate(lines) if first in line]
        return bool(starts) and any(then in line for line in lines[starts[0] + 1 :])

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.returncode is None:
            self.process.send_signal(sig)


async def start(name: str, config: Path, tmp_path: Path) -> Instance:
    log = tmp_path / f"{name}.log"
    with log.open("w", encoding="utf-8") as stderr:
        process = await asyncio.create_subprocess_exec(
            *bot_command(config), cwd=ROOT, env=bot_env(TOKEN), stderr=stderr
        )
    return Instance(name, process, log)


async def stop_all(*instances: Instance) -> None:
    """Kill what still runs (SIGKILL) and reap it: no process outlives its test."""
    for instance in instances:
        instance.kill()
    for instance in instances:
        await instance.process.wait()


@asynccontextmanager
async def leader_and_standby(fake, config: Path, tmp_path: Path):
    """Start two instances: ``first`` leads, then ``second`` stands by; both end with the block.

    SIGKILL ends a frozen (SIGSTOP) process too, so no test leaves one behind.
    """
    first = await start("first", config, tmp_path)
    started = [first]
    try:
        await fake.wait_for(lambda: first.logged("leader election: leading as"), within=30)
        second = await start("second", config, tmp_path)
        started.append(second)
        await fake.wait_for(
            lambda: second.logged("leader election: standing by"), within=START_SECONDS
        )
        yield first, second
    finally:
        await stop_all(*started)


def leader_pid(url: str) -> int | None:
    """The process that recorded itself as the leader (``kurzlage_leader``), if any."""
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            row = conn.execute("SELECT pid FROM kurzlage_leader").fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    return None if row is None else int(row[0])


def server_now(url: str) -> datetime:
    with psycopg.connect(url, autocommit=True) as conn:
        (now,) = conn.execute("SELECT clock_timestamp()").fetchone() or (None,)
    assert isinstance(now, datetime)
    return now


def standby_asked_since(url: str, since: datetime) -> bool:
    """Whether a standby asked for the lead after ``since`` (server time).

    A standby's election session (application_name ``kurzlage-leader``, not the leader's)
    runs ``pg_try_advisory_lock`` every poll interval; its ``query_start`` shows the last one.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE application_name = 'kurzlage-leader' AND datname = current_database()"
            " AND pid NOT IN (SELECT backend_pid FROM kurzlage_leader)"
            " AND query LIKE %s AND query_start > %s",
            ("%pg_try_advisory_lock%", since),
        ).fetchone()
    return row is not None and row[0] > 0


def cut_leader_connection(url: str) -> None:
    """End the leader's lock session on the server, as a network cut or a DBA would."""
    with psycopg.connect(url, autocommit=True) as conn:
        (ended,) = conn.execute(
            "SELECT pg_terminate_backend(backend_pid) FROM kurzlage_leader"
        ).fetchone() or (False,)
    assert ended is True


def posts(fake) -> list:
    """What the bot posted into the channels (not its replies and notices to admins)."""
    return [s for s in fake.sent if s.chat_id in CHANNELS]


def digests_per_chat(fake, html: str) -> Counter[int]:
    return Counter(s.chat_id for s in posts(fake) if s.html == html)


def channels_reached(fake) -> int:
    return len({s.chat_id for s in posts(fake)})


def next_edition(zone: str) -> datetime:
    """The first whole minute at least ``EDITION_LEAD`` from now, in the digest time zone."""
    soon = datetime.now(ZoneInfo(zone)) + EDITION_LEAD
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=1)


@pytest.fixture
def failover(fake, settings, tmp_path):
    """Settings for 30 channels, a missed run, and the config file both instances read."""
    for chat in CHANNELS:
        fake.add_chat(FakeChat(chat, "channel"))
    settings = with_bot(settings, channels=tuple(str(c) for c in CHANNELS), outbox_interval=1)
    store = Storage(settings.bot.database)
    store.set_meta("last_run", "2024-06-24T05:00:00+02:00")  # a run was missed: caught up
    store.close()
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)  # send_concurrency = 1: one send in flight at a time
    return settings, config


@pytest.fixture
def watcher(failover):
    """The test's own view of the shared database (outbox counts)."""
    settings, _ = failover
    store = Storage(settings.bot.database)
    yield store
    store.close()


def schedule_at(config: Path, moment: datetime) -> None:
    """Make ``moment`` (a whole minute) the one digest time of every day."""
    with config.open("a", encoding="utf-8") as file:
        file.write(f'schedule = ["{moment.minute} {moment.hour} * * *"]\n')


async def test_a_killed_leader_is_replaced_without_loss(fake, failover, watcher, tmp_path):
    settings, config = failover
    edition = next_edition(settings.digest.timezone)
    schedule_at(config, edition)
    fake.hold_after(SENT_BEFORE)  # the next send is in flight when the leader dies
    url = settings.bot.database
    async with leader_and_standby(fake, config, tmp_path) as (first, second):
        await fake.wait_for(
            lambda: fake.holding and watcher.outbox_counts().sent == SENT_BEFORE,
            within=START_SECONDS,
        )
        assert leader_pid(url) == first.pid
        first.kill()
        killed = time.monotonic()
        await first.process.wait()
        fake.release()  # the held send was never delivered

        await fake.wait_for(
            lambda: second.logged("leader election: leading as"), within=TAKEOVER_SECONDS
        )
        took_over = time.monotonic() - killed
        assert leader_pid(url) == second.pid
        await fake.wait_for(lambda: channels_reached(fake) == len(CHANNELS))
        catch_up = posts(fake)[0].html
        drop(Path(settings.bot.inbox), "bahn.json", "bahn", "Bahn streikt", BAHN)
        wait = (edition - datetime.now(ZoneInfo(settings.digest.timezone))).total_seconds()
        assert wait > 0, "the edition came before the takeover was done: raise EDITION_LEAD"
        await fake.wait_for(
            lambda: len([s for s in posts(fake) if s.html != catch_up]) >= len(CHANNELS),
            within=wait + 20,
        )
        assert second.process.returncode is None

    assert took_over < TAKEOVER_SECONDS
    per_chat = digests_per_chat(fake, catch_up)
    assert sorted(per_chat) == sorted(CHANNELS)  # none lost
    assert max(per_chat.values()) <= 2  # at most one duplicate per chat
    assert sum(per_chat.values()) <= len(CHANNELS) + 1  # and only of the one send in flight
    (scheduled,) = {s.html for s in posts(fake) if s.html != catch_up}
    assert "Bahn streikt" in scheduled
    assert digests_per_chat(fake, scheduled) == Counter(dict.fromkeys(CHANNELS, 1))
    assert first.logged("leader election: leading as") == 1
    assert second.logged("leader election: standing by") == 1


async def test_a_stopped_leader_hands_over_without_duplicate(fake, failover, watcher, tmp_path):
    settings, config = failover
    url = settings.bot.database
    # Every answer comes late, so a send is in flight whenever SIGTERM arrives: the leader
    # must wait for it and record it, or the new leader sends that message again.
    fake.slow(0.2)
    async with leader_and_standby(fake, config, tmp_path) as (first, second):
        # SIGTERM while a send is in flight: Telegram has it, its answer is still to come.
        await fake.wait_for(
            lambda: (
                len(posts(fake)) >= SENT_BEFORE
                and watcher.outbox_counts().sent == len(posts(fake)) - 1
            ),
            within=START_SECONDS,
        )
        first.kill(signal.SIGTERM)
        stopped = time.monotonic()
        fake.slow(0)
        await fake.wait_for(
            lambda: second.logged("leader election: leading as"), within=TAKEOVER_SECONDS
        )
        took_over = time.monotonic() - stopped
        await fake.wait_for(lambda: channels_reached(fake) == len(CHANNELS))
        await asyncio.wait_for(first.process.wait(), timeout=10)
        assert leader_pid(url) == second.pid
        await fake.wait_for(lambda: watcher.outbox_counts().pending == 0)

    assert first.process.returncode == 0
    assert first.logged("Stop signal: finishing sends in flight, then stopping") == 1
    assert took_over < TAKEOVER_SECONDS
    (digest,) = {s.html for s in posts(fake)}
    assert digests_per_chat(fake, digest) == Counter(dict.fromkeys(CHANNELS, 1))
    assert fake.conflicts == 0


async def test_a_leader_whose_lock_session_is_cut_stands_by(fake, failover, watcher, tmp_path):
    settings, config = failover
    url = settings.bot.database
    fake.slow(0.2)
    async with leader_and_standby(fake, config, tmp_path) as (first, second):
        await fake.wait_for(lambda: len(posts(fake)) >= SENT_BEFORE, within=START_SECONDS)
        cut_leader_connection(url)
        cut = time.monotonic()
        fake.slow(0)
        await fake.wait_for(
            lambda: second.logged("leader election: leading as"), within=TAKEOVER_SECONDS
        )
        took_over = time.monotonic() - cut
        await fake.wait_for(
            lambda: first.logged_after("leader election: lost the lead", "standing by"),
            within=10,
        )
        stood_down, stood_down_at = time.monotonic(), server_now(url)
        # It asks for the lead again as a standby, and polls Telegram no more.
        await fake.wait_for(lambda: standby_asked_since(url, stood_down_at), within=10)
        await fake.wait_for(lambda: channels_reached(fake) == len(CHANNELS))
        # The new leader answers a command, once: the old one no longer polls.
        fake.inject_message(READER, READER, "/hilfe")
        await fake.wait_for(lambda: len(fake.sent_to(READER)) >= 1)
        await fake.wait_for(lambda: watcher.outbox_counts().pending == 0)
        assert leader_pid(url) == second.pid
        assert first.process.returncode is None  # standing by, not gone

    assert took_over < TAKEOVER_SECONDS
    (digest,) = {s.html for s in posts(fake)}
    per_chat = digests_per_chat(fake, digest)
    assert sorted(per_chat) == sorted(CHANNELS)
    # Only the one send in flight when the lead was lost may come twice: the old leader's
    # later claims fail (fenced), also for the sends that were waiting for their turn.
    assert sum(per_chat.values()) <= len(CHANNELS) + 1
    (help_page,) = fake.sent_to(READER)
    assert "/quelle" in help_page.text
    assert [c for c in fake.calls if c.status == 409 and c.time > stood_down] == []
    assert fake.sent_to(ADMIN) == []  # a handover's 409s are no fault to report
    assert (first.logged("lost the lead"), first.logged("leading as")) == (1, 1)
    assert second.logged("leading as") == 1


def fresh_long_poll(fake) -> bool:
    """Whether a getUpdates waits that began after the last update was fetched.

    A waiting call is counted until just before its answer is recorded, so once an answer
    with updates is in the transcript, a waiting call is a later one.
    """
    fetched = any(c.method == "getUpdates" and c.response.get("result") for c in fake.calls)
    return fetched and fake.polling


async def test_a_leader_frozen_while_its_lock_session_is_cut_wakes_as_a_standby(
    fake, failover, watcher, tmp_path
):
    # The overlap the 3 s lock check leaves, made certain: the leader is frozen (SIGSTOP, as
    # a stalled VM) with a long poll waiting, its lock session is cut, the standby takes over
    # and polls (409 for the frozen poll). Woken, the old leader polls again (409s) until its
    # next lock check, sends nothing (fenced), and stands by.
    settings, config = failover
    url = settings.bot.database
    fake.slow(0.2)
    async with leader_and_standby(fake, config, tmp_path) as (first, second):
        await fake.wait_for(lambda: len(posts(fake)) >= SENT_BEFORE, within=START_SECONDS)
        fake.inject_message(GROUP, GROUP_ADMIN, "Moin")  # no handler: only starts a new poll
        await fake.wait_for(lambda: fresh_long_poll(fake), within=5)
        first.kill(signal.SIGSTOP)
        cut_leader_connection(url)
        cut = time.monotonic()
        fake.slow(0)
        await fake.wait_for(
            lambda: second.logged("leader election: leading as"), within=TAKEOVER_SECONDS
        )
        took_over = time.monotonic() - cut
        await fake.wait_for(lambda: fake.conflicts >= 1)  # the frozen leader's long poll
        await fake.wait_for(lambda: channels_reached(fake) == len(CHANNELS))
        first.kill(signal.SIGCONT)
        await fake.wait_for(
            lambda: first.logged_after("leader election: lost the lead", "standing by"),
            within=10,
        )
        stood_down, stood_down_at = time.monotonic(), server_now(url)
        await fake.wait_for(lambda: standby_asked_since(url, stood_down_at), within=10)
        fake.inject_message(READER, READER, "/hilfe")
        await fake.wait_for(lambda: len(fake.sent_to(READER)) >= 1)
        await fake.wait_for(lambda: watcher.outbox_counts().pending == 0)
        assert leader_pid(url) == second.pid
        assert first.process.returncode is None

    assert took_over < TAKEOVER_SECONDS
    (digest,) = {s.html for s in posts(fake)}
    per_chat = digests_per_chat(fake, digest)
    assert sorted(per_chat) == sorted(CHANNELS)
    # Only the send in flight when it froze may come twice: woken, the old leader claims
    # nothing more (fenced; a row is claimed only when its send's turn has come).
    assert sum(per_chat.values()) <= len(CHANNELS) + 1
    (help_page,) = fake.sent_to(READER)
    assert "/quelle" in help_page.text
    assert fake.conflicts >= 1
    assert fake.sent_to(ADMIN) == []  # the 409s of a handover are not reported
    assert [c for c in fake.calls if c.status == 409 and c.time > stood_down] == []
    assert (first.logged("lost the lead"), first.logged("leading as")) == (1, 1)


async def test_a_second_instance_stands_by_while_one_leads(fake, failover, tmp_path):
    settings, config = failover
    url = settings.bot.database
    first = await start("first", config, tmp_path)
    second: Instance | None = None
    try:
        await fake.wait_for(lambda: first.logged("leader election: leading as"), within=30)
        await fake.wait_for(lambda: channels_reached(fake) == len(CHANNELS))
        second = await start("second", config, tmp_path)
        await fake.wait_for(
            lambda: second.logged("leader election: standing by"), within=START_SECONDS
        )
        standing_by = server_now(url)
        # It asks for the lead again a poll interval later, and has not polled Telegram.
        await fake.wait_for(lambda: standby_asked_since(url, standing_by), within=10)
        fake.inject_message(READER, READER, "/hilfe")
        await fake.wait_for(lambda: len(fake.sent_to(READER)) >= 1)
        assert leader_pid(url) == first.pid
        assert (first.process.returncode, second.process.returncode) == (None, None)
    finally:
        await stop_all(first, *([second] if second else []))

    assert fake.conflicts == 0
    (help_page,) = fake.sent_to(READER)
    assert "/quelle" in help_page.text
    assert second.logged("standing by") == 1
    assert second.logged("leading as") == 0
