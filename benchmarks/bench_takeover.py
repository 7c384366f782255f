"""Leader takeover time: kill -9 the leading process, time until the standby leads.

Two measures on fresh databases of the test server (KURZLAGE_TEST_DATABASE_URL, as `.ci/run`
starts it), polling at the production interval (`bot.adapters.leader.POLL_INTERVAL_SECONDS`):

- the lock alone: processes of tests/testkit/leader_process.py, kill to "leader";
- the whole bot: real `kurzlage run` processes against the fake Bot API server, kill to the
  new leader's start of polling (deleteWebhook, then getUpdates).

Each round kills the leader at a different moment of the standby's poll cycle (0.5 s plus
0.3 s more each round), so the kills spread over one interval; a new standby joins after each
takeover. Target (issue 13): every takeover within 15 s. Reads no corpus.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from benchmarks.run import ROOT, _commit, _machine
from bot.adapters.leader import POLL_INTERVAL_SECONDS
from tests.testkit.leader_process import elector
from tests.testkit.postgres import (
    fresh_database,
    server_url,
    url_without_password,
    write_passfile,
)
from tests.testkit.telegram import TOKEN, FakeChat, FakeTelegram

KILLS = 10
LIMIT_SECONDS = 15.0


def _takeovers(url: str) -> list[float]:
    seconds = []
    with ExitStack() as stack:
        leader = stack.enter_context(elector(url))
        if leader.next_line(timeout=30) != "leader":
            raise RuntimeError("the first elector did not lead")
        for kill in range(KILLS):
            standby = stack.enter_context(elector(url))
            if standby.next_line(timeout=30) != "standby":
                raise RuntimeError("the new elector did not wait as standby")
            time.sleep(0.5 + 0.3 * kill)
            leader.process.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            line = standby.next_line(timeout=60)
            seconds.append(time.monotonic() - killed)
            if line != "leader":
                raise RuntimeError(f"the standby said {line!r} instead of leading")
            leader = standby
    return seconds


def _wait(condition: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _polled_after(fake: FakeTelegram, moment: float) -> float | None:
    """When the first deleteWebhook after ``moment`` was answered (at once: PTB's polling
    starts with it, then long-polls getUpdates, whose answer comes only when updates do)."""
    return min((c.time for c in fake.calls if c.method == "deleteWebhook" and c.time > moment),
               default=None)  # fmt: skip


def _bot_takeovers(url: str) -> list[float]:
    """Per kill: seconds from the kill to the new leader's start of polling."""
    seconds = []
    with tempfile.TemporaryDirectory() as folder, FakeTelegram() as fake, ExitStack() as stack:
        tmp = Path(folder)
        fake.add_chat(FakeChat(-1001, "channel"))
        fake.add_chat(FakeChat(1001, "private"))
        config = tmp / "kurzlage.toml"
        values = {
            "channels": ["-1001"],
            "admins": [1001],
            "database": url_without_password(url),
            "inbox": str(tmp / "inbox"),
            "seeds": "",
            "api_base_url": fake.base_url,
            "api_file_url": fake.base_file_url,
        }
        config.write_text(
            "[bot]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items()),
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "KURZLAGE_TOKEN": TOKEN,
            "PGPASSFILE": str(write_passfile(server_url(), tmp / "pgpass")),
        }

        def start(number: int) -> tuple[subprocess.Popen[bytes], Path]:
            log = tmp / f"bot{number}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "bot", "run", "--config", str(config)],
                    cwd=ROOT,
                    env=env,
                    stderr=out,
                )
            stack.callback(process.kill)
            return process, log

        def said(log: Path, words: str) -> bool:
            return words in log.read_text(encoding="utf-8")

        leader, log = start(0)
        _wait(lambda: said(log, "leading as"), 60, "the first bot to lead")
        _wait(lambda: fake.count("deleteWebhook") > 0, 60, "the first bot to poll")
        for kill in range(KILLS):
            standby, standby_log = start(kill + 1)
            _wait(lambda f=standby_log: said(f, "standing by"), 60, "the new bot to stand by")
            time.sleep(0.5 + 0.3 * kill)
            leader.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            leader.wait()
            _wait(lambda k=killed: _polled_after(fake, k) is not None, 60, "the standby to poll")
            polled = _polled_after(fake, killed) or killed
            _wait(lambda f=standby_log: said(f, "leading as"), 60, "the standby to lead")
            seconds.append(polled - killed)
            leader, log = standby, standby_log
        leader.send_signal(signal.SIGTERM)
        leader.wait(timeout=15)
    return seconds


def run(corpora: Path) -> str:
    del corpora  # reads no corpus
    with fresh_database(server_url()) as url:
        with psycopg.connect(url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        version = row[0].split()[0] if row else "?"
        lock = _takeovers(url)
    with fresh_database(server_url()) as url:
        bot = _bot_takeovers(url)
    within = sum(s < LIMIT_SECONDS for s in (*lock, *bot))
    rows = "\n".join(
        f"| {i} | {a:.2f} | {b:.2f} |" for i, (a, b) in enumerate(zip(lock, bot, strict=True), 1)
    )
    return f"""## Leader takeover (PostgreSQL advisory lock)

Run {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")} on {_machine()}, commit {_commit()}; \
PostgreSQL {version} on 127.0.0.1 (`benchmarks/bench_takeover.py`). {KILLS} kills -9 of the \
leading process each; poll interval {POLL_INTERVAL_SECONDS:g} s. *Lock*: election processes \
alone, time from the kill to the standby's "leader". *Bot*: real `kurzlage run` processes \
against the fake Bot API server, time from the kill to the new leader's start of polling \
(its deleteWebhook, right before the first getUpdates: it has built its application and \
fenced its claims).

| kill | lock s | bot s |
|---:|---:|---:|
{rows}

- Lock: median **{statistics.median(lock):.2f} s**, max **{max(lock):.2f} s**. \
Bot: median **{statistics.median(bot):.2f} s**, max **{max(bot):.2f} s**; \
within {LIMIT_SECONDS:g} s: {within} of {2 * KILLS} (target: all).
- A killed process's socket is closed by its kernel, so the server frees the lock at once: \
the time is the standby's wait for its next poll (plus, for the bot, its start: getMe, \
storage, the command menus). A machine that vanishes without closing its socket is noticed \
by the keepalives first (`bot.adapters.leader`: 11 s), not measured here.
"""
