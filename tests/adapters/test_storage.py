import sqlite3
from datetime import UTC, datetime

import pytest

from bot.adapters.database import MIGRATIONS
from bot.adapters.storage import OutboxCounts, Storage, StoredDigest
from bot.core.models import Article, Digest, Figure, Source, Story, StorySentence

NOW = datetime(2024, 6, 26, 7, 0, tzinfo=UTC)


def story(title, *article_ids):
    return Story(
        title=title,
        sentences=tuple(StorySentence(f"{title} Satz {a}.", a) for a in article_ids),
        sources=tuple(
            Source(id=a, title=f"Titel {a}", outlet="tagesschau.de") for a in article_ids
        ),
        figures=(Figure(390, "390", "Gefangene", f"{title} Satz.", article_ids[0]),),
    )


def article(article_id, **extra):
    return Article(
        id=article_id, text=f"Text von {article_id}.", title=f"Titel {article_id}", **extra
    )


@pytest.fixture
def storage(database):
    store = Storage(database)
    yield store
    store.close()


def test_new_file_has_current_schema_in_wal_mode(tmp_path):
    path = tmp_path / "k.sqlite3"
    Storage(path).close()

    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data_and_does_not_migrate_twice(database):
    path = database
    first = Storage(path)
    first.add_articles([article("a")], now=NOW)
    first.close()

    again = Storage(path)

    assert again.schema_version == again.latest_version
    assert [a.id for a in again.new_articles()] == ["a"]
    again.close()


def test_articles_are_stored_once_and_round_trip(storage):
    published = datetime(2024, 6, 25, 18, 24, tzinfo=UTC)
    given = article("a", url="https://example.org/a", outlet="dpa", published=published)

    assert storage.add_articles([given, article("b")], now=NOW) == 2
    assert storage.add_articles([given], now=NOW) == 0
    assert storage.new_articles() == (given, article("b"))


def test_articles_in_a_digest_are_no_longer_new(storage):
    storage.add_articles([article("a"), article("b"), article("c")], now=NOW)
    digest = Digest(stories=(story("Tausch", "a", "b"),))

    digest_id = storage.save_digest(digest, kind="digest", created=NOW)

    assert [a.id for a in storage.new_articles()] == ["c"]
    assert storage.article_digest("a") == digest_id
    assert storage.article_count(digest_id) == 2


def test_an_article_joins_only_its_first_digest(storage):
    storage.add_articles([article("a")], now=NOW)
    first = storage.save_digest(Digest(stories=(story("Eins", "a"),)), kind="digest", created=NOW)

    storage.save_digest(Digest(stories=(story("Zwei", "a"),)), kind="digest", created=NOW)

    assert storage.article_digest("a") == first


def test_a_digest_round_trips_as_posted(storage):
    storage.add_articles([article("a"), article("b")], now=NOW)
    digest = Digest(stories=(story("Gefangenenaustausch „Zitat“", "a", "b"),), created=NOW)

    digest_id = storage.save_digest(digest, kind="push", created=NOW)
    stored = storage.digest(digest_id)

    assert stored == StoredDigest(id=digest_id, kind="push", created=NOW, digest=digest)
    assert storage.digest(digest_id + 1) is None


#: The migration that drops the four write-only row tables of a digest (found by what it
#: does, so migrations appended before it at merge time do not move it).
DROP_ROWS = next(i for i, m in enumerate(MIGRATIONS) if "DROP TABLE stories;" in m)
ROW_TABLES = {"stories", "story_sentences", "story_sources", "story_figures"}


def _tables(path):
    db = sqlite3.connect(path)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()


def test_a_new_file_has_no_digest_row_tables(tmp_path):
    path = tmp_path / "k.sqlite3"
    Storage(path).close()

    tables = _tables(path)

    assert tables & ROW_TABLES == set()
    assert {"digests", "articles", "outbox"} <= tables


def test_the_previous_schema_migrates_and_keeps_its_digests(tmp_path):
    path = tmp_path / "k.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for version, migration in enumerate(MIGRATIONS[:DROP_ROWS], start=1):
        db.executescript(f"BEGIN; {migration}; PRAGMA user_version = {version}; COMMIT;")
    data = '{"stories": [{"title": "Alt", "sentences": [{"text": "Alt.", "source": "a"}],'
    data += ' "sources": [{"id": "a", "title": "Titel a"}]}]}'
    db.execute(
        "INSERT INTO digests (kind, created, data) VALUES ('digest', ?, ?)",
        (NOW.isoformat(), data),
    )
    db.execute("INSERT INTO stories VALUES (1, 1, 'Alt')")
    db.close()
    assert _tables(path) >= ROW_TABLES

    store = Storage(path)
    stored = store.digest(1)
    store.close()

    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert _tables(path) & ROW_TABLES == set()
    assert stored is not None
    assert [s.title for s in stored.digest.stories] == ["Alt"]
    assert stored.digest.stories[0].sources[0].title == "Titel a"


def test_a_digest_is_queued_for_a_chat_only_once(storage):
    digest_id = storage.save_digest(Digest(stories=()), kind="digest", created=NOW)
    markup = {"inline_keyboard": [[{"text": "Quellen", "callback_data": "q:1:0"}]]}

    assert storage.enqueue_digest(
        digest_id, "-100", kind="group", messages=[("eins", markup), ("zwei", None)], now=NOW
    )
    assert not storage.enqueue_digest(
        digest_id, "-100", kind="group", messages=[("eins", None)], now=NOW
    )

    queued = storage.unsent_messages()
    assert [(m.chat, m.text, m.markup) for m in queued] == [
        ("-100", "eins", markup),
        ("-100", "zwei", None),
    ]


def test_sent_messages_map_back_to_their_digest(storage):
    digest_id = storage.save_digest(Digest(stories=()), kind="digest", created=NOW)
    storage.enqueue_digest(digest_id, "-100", kind="group", messages=[("eins", None)], now=NOW)
    (message,) = storage.unsent_messages()

    assert storage.claim_message(message.id)
    storage.mark_sent(message.id, telegram_id=77, now=NOW)

    assert storage.unsent_messages() == ()
    assert storage.digest_of_message("-100", 77) == digest_id
    assert storage.digest_of_message("-100", 78) is None
    assert storage.latest_digest_id("-100") == digest_id


def test_latest_digest_of_a_chat_and_overall(storage):
    assert storage.latest_digest_id("-100") is None
    assert storage.latest_digest_id() is None

    older = storage.save_digest(Digest(stories=()), kind="digest", created=NOW)
    newer = storage.save_digest(Digest(stories=()), kind="digest", created=NOW)
    storage.enqueue_digest(older, "-100", kind="group", messages=[("alt", None)], now=NOW)
    (message,) = storage.unsent_messages()
    storage.mark_sent(message.id, telegram_id=1, now=NOW)

    assert storage.latest_digest_id("-100") == older
    assert storage.latest_digest_id("-200") is None
    assert storage.latest_digest_id() == newer


def test_a_send_started_but_not_recorded_stays_unsent(database):
    path = database
    store = Storage(path)
    store.enqueue_notice("1", kind="private", text="Hallo", now=NOW)
    (message,) = store.unsent_messages()
    assert store.claim_message(message.id)
    store.close()  # the process dies before Telegram's answer is recorded

    again = Storage(path)

    assert [(m.id, m.state) for m in again.unsent_messages()] == [(message.id, "sending")]
    again.close()


def test_disabled_chats_keep_their_messages_until_enabled(storage):
    storage.enqueue_notice("@kanal", kind="channel", text="eins", now=NOW)
    storage.enqueue_notice("@anderer", kind="channel", text="zwei", now=NOW)

    assert storage.disable_chat("@kanal", reason="403", now=NOW)
    assert not storage.disable_chat("@kanal", reason="403", now=NOW)
    assert [m.chat for m in storage.unsent_messages()] == ["@anderer"]
    assert [(c.chat, c.title) for c in storage.disabled_chats()] == [("@kanal", "403")]

    assert storage.enable_chat("@kanal")
    assert [m.chat for m in storage.unsent_messages()] == ["@kanal", "@anderer"]


def test_outbox_counts_by_state(storage):
    for text in ("a", "b", "c"):
        storage.enqueue_notice("1", kind="private", text=text, now=NOW)
    first, second, _ = storage.unsent_messages()
    storage.mark_sent(first.id, telegram_id=5, now=NOW)
    storage.mark_failed(second.id, error="400")

    counts = storage.outbox_counts()

    assert (counts.pending, counts.sent, counts.failed) == (1, 1, 1)


def test_subscriptions(storage):
    assert storage.subscribe("-100", kind="group", title="Runde", now=NOW)
    assert not storage.subscribe("-100", kind="group", title="Runde", now=NOW)
    assert [(c.chat, c.kind, c.title) for c in storage.subscriptions()] == [
        ("-100", "group", "Runde")
    ]

    assert storage.unsubscribe("-100")
    assert not storage.unsubscribe("-100")
    assert storage.subscriptions() == ()


def test_subscribing_again_enables_a_disabled_chat(storage):
    storage.disable_chat("-100", reason="403", now=NOW)

    storage.subscribe("-100", kind="group", title="Runde", now=NOW)

    assert storage.disabled_chats() == ()


def test_unsubscribing_cancels_unsent_digests_but_not_notices(storage):
    storage.subscribe("-100", kind="group", title="Runde", now=NOW)
    digest_id = storage.save_digest(Digest(stories=()), kind="digest", created=NOW)
    storage.enqueue_digest(
        digest_id, "-100", kind="group", messages=[("eins", None), ("zwei", None)], now=NOW
    )
    storage.enqueue_notice("-100", kind="group", text="Hinweis", now=NOW)
    first, *_ = storage.unsent_messages()
    assert storage.claim_message(first.id)  # already on its way: may have reached Telegram

    assert storage.unsubscribe("-100")

    assert [(m.text, m.state) for m in storage.messages(chat="-100")] == [
        ("eins", "sending"),
        ("zwei", "cancelled"),
        ("Hinweis", "pending"),
    ]
    assert storage.outbox_counts() == OutboxCounts(pending=2)


def enqueue_then_crash(storage):
    with storage.transaction():
        storage.enqueue_notice("1", kind="private", text="eins", now=NOW)
        raise RuntimeError("crash")


def test_a_failed_transaction_leaves_nothing(storage):
    with pytest.raises(RuntimeError, match="crash"):
        enqueue_then_crash(storage)

    assert storage.unsent_messages() == ()


def test_meta_and_ingested_files(storage):
    assert storage.meta("last_run") == ""
    storage.set_meta("last_run", "2024-06-26T07:00:00+02:00")
    assert storage.meta("last_run") == "2024-06-26T07:00:00+02:00"

    assert not storage.file_unchanged("inbox/a.txt", mtime_ns=1, size=2)
    storage.mark_file("inbox/a.txt", mtime_ns=1, size=2)
    assert storage.file_unchanged("inbox/a.txt", mtime_ns=1, size=2)
    assert not storage.file_unchanged("inbox/a.txt", mtime_ns=3, size=2)
