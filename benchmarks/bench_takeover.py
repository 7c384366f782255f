"""Leader takeover time: kill -9 the leading process, time until the standby leads.

Real processes (tests/testkit/leader_process.py) on a fresh database of the test server
(KURZLAGE_TEST_DATABASE_URL, as `.ci/run` starts it), polling at the production interval
(`bot.adapters.leader.POLL_INTERVAL_SECONDS`). Each round kills the leader at a different
moment of the standby's poll cycle (0.5 s plus 0.3 s more each round), so the kills spread
over one interval; a new standby joins after each takeover. Target (issue 13): every
takeover within 15 s. Reads no corpus.
"""

from __future__ import annotations

import signal
import statistics
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from benchmarks.run import _commit, _machine
from bot.adapters.leader import POLL_INTERVAL_SECONDS
from tests.testkit.leader_process import elector
from tests.testkit.postgres import fresh_database, server_url

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


def run(corpora: Path) -> str:
    del corpora  # reads no corpus
    with fresh_database(server_url()) as url:
        with psycopg.connect(url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        version = row[0].split()[0] if row else "?"
        seconds = _takeovers(url)
    within = sum(s < LIMIT_SECONDS for s in seconds)
    rows = "\n".join(f"| {i} | {s:.2f} |" for i, s in enumerate(seconds, 1))
    return f"""## Leader takeover (PostgreSQL advisory lock)

Run {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")} on {_machine()}, commit {_commit()}; \
PostgreSQL {version} on 127.0.0.1 (`benchmarks/bench_takeover.py`). {KILLS} kills -9 of the \
leading process; poll interval {POLL_INTERVAL_SECONDS:g} s; time from the kill to the standby's \
first "leader".

| kill | takeover s |
|---:|---:|
{rows}

- Takeover: median **{statistics.median(seconds):.2f} s**, max **{max(seconds):.2f} s**; \
within {LIMIT_SECONDS:g} s: {within} of {KILLS} (target: all).
- A killed process's socket is closed by its kernel, so the server frees the lock at once: \
the time is the standby's wait for its next poll. A machine that vanishes without closing \
its socket is noticed by the keepalives first (`bot.adapters.leader`: 11 s), not measured here.
"""
