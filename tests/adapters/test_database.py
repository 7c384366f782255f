"""The two backends under the storage: one schema, migrations, claims, the leader's fence."""

import sqlite3
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import psycopg
import pytest

from bot.adapters.database import is_database_url
from bot.adapters.migrations import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS
from bot.adapters.postgres import translate
from bot.adapters.storage import Storage
from bot.core.models import Article, Digest
from bot.errors import ConfigError
from tests.testkit.postgres import url_without_password

NOW = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)
ADDED = "2026-07-01T07:00:00+02:00"  # = NOW, written with Berlin's offset
LOCK_KEY = 0x1234_5678_9ABC


def columns_sqlite(path) -> dict[str, set[str]]:
    db = sqlite3.connect(path)
    tables = [
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if r[0] != "sqlite_sequence"
    ]
    found = {t: {r[1] for r in db.execute(f"PRAGMA table_info({t})")} for t in tables}
    db.close()
    return found


def columns_postgres(url) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with psycopg.connect(url) as conn:
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'kurzlage_schema'"
        ):
            found.setdefault(table, set()).add(column)
    return found


def test_both_backends_end_with_the_same_tables_and_columns(tmp_path, postgres_url):
    Storage(tmp_path / "k.sqlite3").close()
    Storage(postgres_url).close()

    assert columns_postgres(postgres_url) == columns_sqlite(tmp_path / "k.sqlite3")


def test_a_postgresql_database_of_the_previous_version_migrates_and_keeps_its_articles(
    postgres_url,
):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(POSTGRES_MIGRATIONS[0])
        conn.execute("CREATE TABLE kurzlage_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO kurzlage_schema VALUES (1)")
        conn.execute(
            "INSERT INTO articles (id, title, text, added) VALUES ('a', 'Titel', 'Text.', %s)",
            (ADDED,),
        )

    store = Storage(postgres_url)

    assert store.schema_version == len(POSTGRES_MIGRATIONS) == 2
    assert [a.id for a in store.new_articles()] == ["a"]
    assert store.edition_pool(now=NOW, carry_hours=1).fresh[0].id == "a"
    row = store._db.execute("SELECT added_at FROM articles").fetchone()
    assert row[0] == NOW.timestamp()
    store.close()


def test_a_sqlite_file_of_the_previous_version_migrates_and_keeps_its_articles(tmp_path):
    path = tmp_path / "k.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for version, migration in enumerate(SQLITE_MIGRATIONS[:-1], start=1):
        db.executescript(f"BEGIN; {migration}; PRAGMA user_version = {version}; COMMIT;")
    db.execute(
        "INSERT INTO articles (id, title, text, added) VALUES ('a', 'Titel', 'Text.', ?)",
        (ADDED,),
    )
    db.close()

    store = Storage(path)

    assert store.schema_version == len(SQLITE_MIGRATIONS)
    assert [a.id for a in store.new_articles()] == ["a"]
    row = store._db.execute("SELECT added_at FROM articles").fetchone()
    assert row[0] == NOW.timestamp()
    store.close()


def test_a_database_from_a_newer_kurzlage_is_refused_in_one_line(tmp_path, postgres_url):
    path = tmp_path / "k.sqlite3"
    sqlite3.connect(path).execute("PRAGMA user_version = 99").connection.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kurzlage_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO kurzlage_schema VALUES (99)")

    with pytest.raises(ConfigError) as on_file:
        Storage(path)
    with pytest.raises(ConfigError) as on_server:
        Storage(postgres_url)

    assert str(on_file.value) == (
        f"config: bot.database {path} has schema version 99, newer than this Kurzlage "
        f"({len(SQLITE_MIGRATIONS)}); update Kurzlage"
    )
    assert str(on_server.value) == (
        f"config: bot.database {url_without_password(postgres_url).replace('@', ':…@')} "
        f"has schema version 99, newer than this Kurzlage ({len(POSTGRES_MIGRATIONS)}); "
        "update Kurzlage"
    )


def test_two_instances_starting_at_once_migrate_an_empty_database_once(postgres_url):
    opened: list[Storage] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(Storage(postgres_url))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [s.schema_version for s in opened] == [len(POSTGRES_MIGRATIONS)] * 4
    for store in opened:
        store.close()


def test_an_unreachable_server_is_one_line_at_once_without_the_password(caplog):
    url = "postgresql://kurzlage:geheim@127.0.0.1:9/kurzlage"  # discard port: nobody listens

    started = time.monotonic()
    with pytest.raises(ConfigError) as refused:
        Storage(url)

    assert time.monotonic() - started < 5  # refused at once, not after the pool's timeout
    message = str(refused.value)
    assert "geheim" not in message
    assert "\n" not in message
    assert message.startswith(
        "config: bot.database postgresql://kurzlage:…@127.0.0.1:9/kurzlage cannot be reached "
        '(connection failed: connection to server at "127.0.0.1", port 9 failed: Connection '
        "refused"
    )
    assert message.endswith(
        "); check host, port, user and password (a password belongs in KURZLAGE_DATABASE_URL)"
    )
    assert [r for r in caplog.records if r.name.startswith("psycopg")] == []


def test_a_wrong_password_is_told_in_one_line_without_it(postgres_url):
    parts = urlsplit(postgres_url)
    url = f"postgresql://{parts.username}:falsch-{parts.port}@{parts.hostname}:{parts.port}/x"

    with pytest.raises(ConfigError) as refused:
        Storage(url)

    message = str(refused.value)
    assert "falsch" not in message
    assert f'password authentication failed for user "{parts.username}"' in message


def test_urls_name_postgresql_and_everything_else_is_a_file():
    assert is_database_url("postgresql://db/kurzlage")
    assert is_database_url(" POSTGRES://db/kurzlage")
    assert not is_database_url("data/kurzlage.sqlite3")
    assert not is_database_url("postgresql.sqlite3")


def test_placeholders_become_psycopgs_outside_string_literals():
    assert translate("SELECT ? WHERE a = '?' AND b LIKE 'x%' AND c = ?") == (
        "SELECT %s WHERE a = '?' AND b LIKE 'x%' AND c = %s"
    )
    assert translate("SELECT 'it''s ?', 5 % ?") == "SELECT 'it''s ?', 5 %% %s"


# -- claims ------------------------------------------------------------------------------


@pytest.fixture
def queued(postgres_url):
    store = Storage(postgres_url)
    store.enqueue_notice("1001", kind="private", text="Hallo", now=NOW)
    (message,) = store.unsent_messages()
    yield store, message.id
    store.close()


def test_a_row_locked_by_another_claim_is_skipped_not_waited_for(queued, postgres_url):
    store, message_id = queued
    with psycopg.connect(postgres_url) as other:  # another instance, mid-claim
        other.execute("SELECT id FROM outbox WHERE id = %s FOR UPDATE", (message_id,))

        assert not store.claim_message(message_id)

    assert store.claim_message(message_id)  # its transaction ended: the row is free


def test_a_sent_or_cancelled_message_cannot_be_claimed(database):
    store = Storage(database)
    store.subscribe("-100", kind="channel", title="Kanal", now=NOW)
    digest_id = store.save_digest(Digest(stories=()), kind="digest", created=NOW)
    store.enqueue_digest(digest_id, "-100", kind="channel", messages=[("a", None)], now=NOW)
    store.enqueue_notice("1001", kind="private", text="b", now=NOW)
    first, second = store.unsent_messages()
    store.unsubscribe("-100")  # cancels the digest's message
    store.mark_sent(second.id, telegram_id=7, now=NOW)

    assert not store.claim_message(first.id)
    assert not store.claim_message(second.id)
    store.close()


def wait_until_gone(url, backend_pid):
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(100):
            if not conn.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend_pid,)
            ).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {backend_pid} still there after 5 s")


def test_behind_the_fence_only_the_lock_holder_claims(queued, postgres_url):
    store, message_id = queued
    leader = psycopg.connect(postgres_url, autocommit=True)
    leader.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    backend = leader.execute("SELECT pg_backend_pid()").fetchone()
    assert backend is not None
    store.fence_leader(LOCK_KEY, backend[0])

    assert store.claim_message(message_id)
    assert store.claim_slot("2026-07-01T07:00:00+02:00", now=NOW)

    leader.close()  # the leader's session ends: its lock is gone once the backend exits
    wait_until_gone(postgres_url, backend[0])

    assert not store.claim_message(message_id)
    assert not store.claim_slot("2026-07-01T19:00:00+02:00", now=NOW)


def test_a_fence_on_sqlite_changes_nothing(tmp_path):
    store = Storage(tmp_path / "k.sqlite3")
    store.enqueue_notice("1001", kind="private", text="Hallo", now=NOW)
    (message,) = store.unsent_messages()
    store.fence_leader(LOCK_KEY, 1)

    assert store.claim_message(message.id)
    assert store.claim_slot("2026-07-01T07:00:00+02:00", now=NOW)
    store.close()


def test_a_slot_is_claimed_once_on_either_backend(database):
    first, second = Storage(database), Storage(database)

    assert first.claim_slot("2026-07-01T07:00:00+02:00", now=NOW)
    assert not second.claim_slot("2026-07-01T07:00:00+02:00", now=NOW)
    first.close()
    second.close()


def test_articles_added_count_once_on_either_backend(database):
    store = Storage(database)
    articles = [Article(id=i, title=f"T {i}", text="Text.") for i in ("a", "b")]

    assert store.add_articles(articles, now=NOW) == 2
    assert store.add_articles([*articles, Article(id="c", title="T c", text="X.")], now=NOW) == 1
    store.close()


def test_connections_the_server_cut_are_replaced_and_nothing_is_lost(postgres_url):
    store = Storage(postgres_url)
    store.add_articles([Article(id="a", title="T a", text="Text.")], now=NOW)
    with psycopg.connect(postgres_url, autocommit=True) as admin:  # e.g. a failover of the server
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    store.add_articles([Article(id="b", title="T b", text="Text.")], now=NOW)
    store.set_meta("after", "cut")

    assert [a.id for a in store.new_articles()] == ["a", "b"]
    assert store.meta("after") == "cut"
    store.close()
