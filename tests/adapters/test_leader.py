import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack

import psycopg
import pytest

from bot.adapters.leader import POLL_INTERVAL_SECONDS, LeaderElection
from tests.testkit.leader_process import elector

#: Issue 13: a standby leads within 15 s of the leader's death.
TAKEOVER_LIMIT_SECONDS = 15.0


def terminate_backend(url: str, backend_pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute("SELECT pg_terminate_backend(%s)", (backend_pid,)).fetchone()
    assert row == (True,)


def leader_backend(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT backend_pid FROM kurzlage_leader").fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def electors(postgres_url: str) -> Iterator[tuple[LeaderElection, LeaderElection]]:
    one = LeaderElection(postgres_url, host="eins", pid=101)
    two = LeaderElection(postgres_url, host="zwei", pid=202)
    yield one, two
    one.release()
    two.release()


def test_of_two_connections_only_one_leads_until_it_releases(electors):
    one, two = electors
    assert one.current_leader() is None  # nobody has led on this database yet

    assert one.try_acquire() is True
    assert two.try_acquire() is False
    assert (one.is_leader(), two.is_leader()) == (True, False)
    assert one.try_acquire() is True  # asking again keeps the lead, it does not stack
    leader = two.current_leader()
    assert leader is not None
    assert (leader.host, leader.pid) == ("eins", 101)
    assert leader.since.tzinfo is not None

    one.release()
    assert one.is_leader() is False
    assert one.current_leader() is None
    assert two.try_acquire() is True
    assert one.try_acquire() is False
    leader = one.current_leader()
    assert leader is not None
    assert (leader.host, leader.pid) == ("zwei", 202)


def test_a_leader_whose_backend_is_terminated_notices_and_its_row_is_not_shown(
    electors, postgres_url
):
    one, two = electors
    assert one.try_acquire() is True
    terminate_backend(postgres_url, leader_backend(postgres_url))

    assert two.current_leader() is None  # the dead session's row is still there
    assert one.is_leader() is False
    assert two.try_acquire() is True
    assert one.try_acquire() is False
    leader = one.current_leader()
    assert leader is not None
    assert leader.host == "zwei"


def test_a_stopped_standby_stops_polling(electors):
    one, two = electors
    assert one.try_acquire() is True
    stop = threading.Event()
    stop.set()
    assert two.wait_until_leader(stop, interval=0.01) is False


def test_a_standby_whose_session_died_takes_over_at_its_next_try(electors, postgres_url):
    one, two = electors
    assert one.try_acquire() is True
    assert two.try_acquire() is False
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = 'kurzlage-leader' AND datname = current_database()"
        ).fetchall()
    (standby_backend,) = {pid for (pid,) in rows} - {leader_backend(postgres_url)}
    terminate_backend(postgres_url, standby_backend)
    one.release()
    assert two.try_acquire() is True


def test_an_unreachable_server_is_not_leader_is_logged_once_without_password(caplog):
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    election = LeaderElection("postgresql://kurzlage:geheim@127.0.0.1:1/kurzlage")
    with caplog.at_level(logging.INFO, logger="bot.adapters.leader"):
        assert [election.try_acquire() for _ in range(3)] == [False, False, False]
        assert election.is_leader() is False
        assert election.current_leader() is None
        election.release()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # the three polls' outage once, and current_leader
    assert all(
        w.startswith("leader election: postgresql at 127.0.0.1:1/kurzlage: ") for w in warnings
    )
    assert not any("geheim" in r.getMessage() for r in caplog.records)


def test_of_two_processes_one_leads_and_the_other_takes_over_after_kill_9(postgres_url):
    with ExitStack() as stack, elector(postgres_url) as first:
        assert first.next_line(timeout=30) == "leader"
        second = stack.enter_context(elector(postgres_url))
        assert second.next_line(timeout=30) == "standby"
        # A poll of the standby while the leader lives: it stays standby.
        assert second.next_line(timeout=POLL_INTERVAL_SECONDS + 0.5) == "(nothing)"
        leader = LeaderElection(postgres_url).current_leader()
        assert leader is not None
        assert leader.pid == first.process.pid

        first.process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        assert second.next_line(timeout=TAKEOVER_LIMIT_SECONDS) == "leader"
        assert time.monotonic() - killed < TAKEOVER_LIMIT_SECONDS
        leader = LeaderElection(postgres_url).current_leader()
        assert leader is not None
        assert leader.pid == second.process.pid


def test_a_leader_process_stopped_with_sigterm_hands_over(postgres_url):
    with ExitStack() as stack, elector(postgres_url, 0.2) as first:
        assert first.next_line(timeout=30) == "leader"
        second = stack.enter_context(elector(postgres_url, 0.2))
        assert second.next_line(timeout=30) == "standby"
        first.process.send_signal(signal.SIGTERM)
        assert first.process.wait(timeout=10) == 0
        assert second.next_line(timeout=TAKEOVER_LIMIT_SECONDS) == "leader"


def test_a_leader_process_whose_backend_is_terminated_notices_and_hands_over(postgres_url):
    with ExitStack() as stack, elector(postgres_url, 0.2) as first:
        assert first.next_line(timeout=30) == "leader"
        second = stack.enter_context(elector(postgres_url, 0.2))
        assert second.next_line(timeout=30) == "standby"
        terminate_backend(postgres_url, leader_backend(postgres_url))
        assert first.next_line(timeout=10) == "lost"
        assert first.process.wait(timeout=10) == 3
        assert second.next_line(timeout=TAKEOVER_LIMIT_SECONDS) == "leader"
