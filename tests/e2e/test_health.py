"""`kurzlage health` on a real database, and JSON log lines from a real bot process."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.database import is_database_url
from bot.adapters.storage import Storage
from tests.e2e.conftest import ROOT
from tests.e2e.test_restart import bot_command, bot_env, write_config
from tests.fakes import TOKEN
from tests.testkit.postgres import url_without_password

# The checks report whole minutes, so the seconds a process takes to start do not change the
# lines: each time below lies half a minute inside its minute.


def health(config, env=None):
    command = [sys.executable, "-m", "bot", "--config", str(config), "health"]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def write_health_config(path, database):
    if is_database_url(database):  # the password comes from PGPASSFILE (tests/postgres.py)
        database = url_without_password(database)
    path.write_text(
        f"[bot]\ndatabase = {json.dumps(database)}\noutbox_interval = 30\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def config(tmp_path):
    return write_health_config(tmp_path / "kurzlage.toml", str(tmp_path / "k.sqlite3"))


@pytest.fixture
def config_of(tmp_path, database):
    """A settings file naming the database, and the database (once per backend)."""
    return write_health_config(tmp_path / "kurzlage.toml", database), database


def test_health_without_a_database_says_so(config, tmp_path):
    done = health(config)

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"kurzlage health: no database at {tmp_path / 'k.sqlite3'}: the bot has not started here\n"
    )
    assert not (tmp_path / "k.sqlite3").exists()  # never created by the check


def beat(store, now, *, ago):
    store.set_meta("heartbeat", (now - timedelta(seconds=ago)).isoformat())


def stuck(store, now):
    beat(store, now, ago=5)
    store.enqueue_notice("1001", kind="private", text="x", now=now - timedelta(seconds=1230))


def failing(store, now):
    beat(store, now, ago=5)
    store.record_failure(
        "ingest:OSError",
        detail="OSError: [Errno 28] No space left on device",
        now=now - timedelta(minutes=45),
    )


def blip(store, now):
    beat(store, now, ago=5)
    store.record_failure("ingest:OSError", detail="OSError: x", now=now - timedelta(minutes=2))
    store.enqueue_notice("1001", kind="private", text="x", now=now - timedelta(minutes=1))


def feed_down(store, now):
    beat(store, now, ago=5)
    url = "https://example.org/feed.xml"
    store.feed_state(url, now=now - timedelta(days=3))
    store.record_feed_success(
        url,
        now=now - timedelta(hours=25, minutes=30),
        next_poll=0,
        etag=None,
        last_modified=None,
        fetch_url=None,
        items=3,
    )
    for hours in range(25, 18, -1):
        store.record_feed_failure(
            url, now=now - timedelta(hours=hours), error="HTTP 503", next_poll=0
        )


@pytest.mark.parametrize(
    ("prepare", "code", "line"),
    [
        (lambda s, now: None, 1, "no heartbeat yet: the bot has not run here"),
        (
            lambda s, now: beat(s, now, ago=390),
            1,
            "heartbeat is 6 min old (limit 150 s): bot stopped",
        ),
        (stuck, 1, "outbox stuck: a message has waited 20 min"),
        (
            failing,
            1,
            "ingest:OSError failing for 45 min: OSError: [Errno 28] No space left on device",
        ),
        (feed_down, 1, "feed https://example.org/feed.xml failing for 25 h: HTTP 503"),
        (blip, 0, "ok: heartbeat fresh, outbox moving, no lasting failure"),
    ],
    ids=["no-heartbeat", "stale-heartbeat", "outbox-stuck", "failing", "feed-down", "healthy"],
)
def test_health_checks_heartbeat_outbox_and_failures(config_of, prepare, code, line):
    config, database = config_of
    store = Storage(database)
    prepare(store, datetime.now(UTC))
    store.close()

    done = health(config)

    assert done.returncode == code
    assert (done.stdout if code == 0 else done.stderr) == f"kurzlage health: {line}\n"


async def test_a_running_bot_is_healthy_and_logs_json_lines(fake, settings, tmp_path):
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[log]\nformat = "json"\n', encoding="utf-8"
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = await asyncio.create_subprocess_exec(
            *bot_command(config), cwd=ROOT, env=bot_env(TOKEN), stderr=log
        )
        try:
            await fake.wait_for(lambda: health(config).returncode == 0, within=30)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=30)

    records = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    assert {"Application started", "Stop signal: finishing sends in flight, then stopping"} <= {
        r["message"] for r in records
    }
    assert all(set(r) >= {"time", "level", "logger", "message"} for r in records)
    assert TOKEN not in log_path.read_text(encoding="utf-8")


def test_a_bad_log_format_stops_with_one_line(tmp_path):
    config = tmp_path / "kurzlage.toml"
    config.write_text('[log]\nformat = "xml"\n', encoding="utf-8")

    done = health(config)

    assert done.returncode == 2
    assert done.stderr == 'kurzlage: config: log.format must be "text" or "json", not \'xml\'\n'


def test_health_on_a_file_that_is_no_database_says_so(config, tmp_path):
    (tmp_path / "k.sqlite3").write_bytes(b"not a database, just bytes " * 40)

    done = health(config)

    assert done.returncode == 1
    assert done.stderr == (
        f"kurzlage health: cannot read the database {tmp_path / 'k.sqlite3'}: "
        "file is not a database\n"
    )


def test_the_docker_image_checks_its_health_with_kurzlage_health():
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    (start,) = [i for i, line in enumerate(lines) if line.startswith("HEALTHCHECK ")]

    assert lines[start + 1].strip() == 'CMD ["kurzlage", "health"]'


def test_health_on_an_empty_postgresql_database_says_the_bot_has_not_run(tmp_path, postgres_url):
    config = write_health_config(tmp_path / "kurzlage.toml", postgres_url)

    done = health(config)

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"kurzlage health: no Kurzlage database at {url_without_password(postgres_url)}: "
        "the bot has not run here\n"
    )


def test_the_database_url_with_its_password_comes_from_the_environment(tmp_path, postgres_url):
    store = Storage(postgres_url)
    beat(store, datetime.now(UTC), ago=5)
    store.close()
    config = tmp_path / "kurzlage.toml"
    config.write_text("[bot]\noutbox_interval = 30\n", encoding="utf-8")

    done = health(config, env={"KURZLAGE_DATABASE_URL": postgres_url, "PGPASSFILE": "/dev/null"})

    assert (done.returncode, done.stderr) == (0, "")
    assert (
        done.stdout == "kurzlage health: ok: heartbeat fresh, outbox moving, no lasting failure\n"
    )


def test_a_password_in_the_settings_file_is_refused_naming_the_variable(tmp_path):
    config = tmp_path / "kurzlage.toml"
    config.write_text(
        '[bot]\ndatabase = "postgresql://kurzlage:geheim@db.example/kurzlage"\n', encoding="utf-8"
    )

    done = health(config)

    assert done.returncode == 2
    assert "geheim" not in done.stderr + done.stdout
    assert done.stderr == (
        "kurzlage: config: bot.database names a password; put the whole URL in "
        "KURZLAGE_DATABASE_URL instead (secrets are read from the environment only)\n"
    )
