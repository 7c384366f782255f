"""Editions over time through the real Publisher, Storage (SQLite) and Renderer."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.adapters.database import MIGRATIONS
from bot.adapters.files import read_inputs
from bot.adapters.posting import Publisher
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.adapters.tables import load_language
from bot.core.models import Article
from bot.settings import BotSettings, Settings
from tests.conftest import SEEDS

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2024, 6, 26, 7, 0, tzinfo=BERLIN)
LANG = load_language()
SEED_ARTICLES = {a.id: a for a in read_inputs([SEEDS]).articles}
EXCHANGE, EXCHANGE_FOLLOW_UP = "000_4705e40d4dd64efe", "001_fdf571903e5f5aab"
STRIKE = Article(
    id="streik",
    title="Bahn streikt",
    # A feed article carries its time: the newest single-source story ranks first.
    published=datetime(2024, 6, 26, 12, 0, tzinfo=BERLIN),
    text="Die Gewerkschaft GDL hat für Donnerstag einen bundesweiten Streik im Personenverkehr "
    "angekündigt. Betroffen sind rund 5.000 Verbindungen im Fern- und Regionalverkehr der "
    "Deutschen Bahn.",
)


@pytest.fixture
def storage(database):
    store = Storage(database)
    yield store
    store.close()


def publisher(storage: Storage, *, stories: int = 6, carry_hours: int = 24) -> Publisher:
    # One channel: without a chat to post to, no edition takes articles (NoTargets).
    settings = Settings(bot=BotSettings(channels=("@kanal_eins",)))
    digest = replace(settings.digest, stories=stories, carry_hours=carry_hours)
    return Publisher(
        storage,
        Renderer(),
        settings=replace(settings, digest=digest),
        lang=LANG,
        bot_username="kurzlage_test_bot",
    )


def shown_ids(storage: Storage, digest_id: int) -> list[str]:
    digest = storage.digest(digest_id).digest
    return [source.id for story in digest.stories for source in story.sources]


async def test_a_second_edition_with_nothing_added_posts_nothing(storage):
    storage.add_articles(list(SEED_ARTICLES.values()), now=T0)
    posting = publisher(storage, stories=2)

    first = await posting.post_digest(now=T0)
    second = await posting.post_digest(now=T0 + timedelta(minutes=1))

    assert (first.digest_id, first.stories, second) == (1, 2, None)
    assert storage.count_new_articles() == len(SEED_ARTICLES) - len(set(shown_ids(storage, 1)))


async def test_articles_not_chosen_compete_again_and_none_is_shown_twice(storage):
    storage.add_articles(list(SEED_ARTICLES.values()), now=T0)
    posting = publisher(storage, stories=2)
    await posting.post_digest(now=T0)
    left_out = {a.id for a in storage.new_articles()}

    storage.add_articles([STRIKE], now=T0 + timedelta(hours=5))
    posted = await posting.post_digest(now=T0 + timedelta(hours=5))

    first, second = shown_ids(storage, 1), shown_ids(storage, posted.digest_id)
    assert "streik" in second
    assert set(second) - {"streik"} <= left_out
    assert set(first).isdisjoint(second)


async def test_after_the_carry_time_articles_are_retired_and_counted(storage):
    storage.add_articles(list(SEED_ARTICLES.values()), now=T0)
    posting = publisher(storage, stories=2, carry_hours=24)
    await posting.post_digest(now=T0)
    waiting = storage.count_new_articles()
    later = T0 + timedelta(hours=24, minutes=1)
    storage.add_articles([STRIKE], now=later)

    posted = await posting.post_digest(now=later)

    assert shown_ids(storage, posted.digest_id) == ["streik"]
    assert (storage.count_new_articles(), storage.count_retired_articles()) == (0, waiting)
    assert waiting > 0
    status = Renderer().render(
        "status.html",
        leading=False,
        leader=None,
        last_run=None,
        next_run=None,
        schedule=("0 7 * * *",),
        timezone="Europe/Berlin",
        waiting=storage.count_new_articles(),
        retired=storage.count_retired_articles(),
        carry_hours=24,
        outbox=storage.outbox_counts(),
        channels=(),
        subscriptions=0,
        disabled=(),
    )
    assert f"Ausgemusterte Artikel: {waiting} (nach 24 Stunden ohne Platz in einer Ausgabe)" in (
        status
    )


async def test_an_article_added_after_a_long_pause_gets_one_chance(storage):
    storage.add_articles([STRIKE], now=T0)
    posting = publisher(storage)

    posted = await posting.post_digest(now=T0 + timedelta(days=3))

    assert shown_ids(storage, posted.digest_id) == ["streik"]


async def test_an_edition_without_stories_still_starts_the_carry_time(storage):
    storage.add_articles([Article(id="kurz", text="Kurz.", title="Kurz")], now=T0)
    posting = publisher(storage, carry_hours=1)

    assert await posting.post_digest(now=T0) is None
    assert await posting.post_digest(now=T0 + timedelta(minutes=5)) is None
    assert storage.count_new_articles() == 1
    storage.add_articles([STRIKE], now=T0 + timedelta(hours=2))
    await posting.post_digest(now=T0 + timedelta(hours=2))
    assert storage.count_retired_articles() == 1


async def test_the_preview_records_nothing(storage):
    storage.add_articles([STRIKE], now=T0)
    posting = publisher(storage)

    preview = await posting.build(now=T0)
    posted = await posting.post_digest(now=T0)

    assert [s.title for s in preview.stories] == ["Bahn streikt"]
    assert posted is not None


async def test_a_follow_up_is_posted_as_an_update_and_quelle_lists_the_earlier_sources(storage):
    posting = publisher(storage)
    storage.add_articles([SEED_ARTICLES[EXCHANGE]], now=T0)
    await posting.post_digest(now=T0)
    later = T0 + timedelta(hours=5)
    storage.add_articles([SEED_ARTICLES[EXCHANGE_FOLLOW_UP]], now=later)

    posted = await posting.post_digest(now=later)

    digest = storage.digest(posted.digest_id).digest
    (update,) = digest.stories
    assert update.continues is not None
    assert (update.continues.digest, update.continues.number) == (1, 1)
    assert update.continues.title == "Russland und Ukraine tauschen erste 390 Gefangene aus"
    assert [s.id for s in update.continues.sources] == [EXCHANGE]
    first = storage.digest(1).digest.stories[0]
    assert {s.text for s in first.sentences}.isdisjoint(s.text for s in update.sentences)
    (page,) = Renderer().digest_messages(digest)
    assert (
        "<i>Neu zu „Russland und Ukraine tauschen erste 390 Gefangene aus“ "
        "(Ausgabe vom 26.06.2024, 07:00 Uhr)</i>"
    ) in page.text
    (quelle,) = Renderer().quelle(digest, story=1, fmt="text")
    assert (
        "Neu zu „Russland und Ukraine tauschen erste 390 Gefangene aus“, früher berichtet von:\n"
        "  * dpa: Russland und Ukraine tauschen erste 390 Gefangene aus"
    ) in quelle


TOPICS = (
    (
        "Bahn streikt",
        "Die Gewerkschaft GDL hat für Donnerstag einen bundesweiten Streik im "
        "Personenverkehr angekündigt. Betroffen sind rund 5.000 Verbindungen der Bahn.",
    ),
    (
        "Hochwasser in Passau",
        "Das Hochwasser der Donau hat in Passau einen Pegelstand von "
        "zwölf Metern erreicht. Die Altstadt wurde evakuiert, rund 2.000 Menschen sind betroffen.",
    ),
    (
        "Haushalt beschlossen",
        "Der Bundestag hat den Haushalt für das kommende Jahr "
        "beschlossen. Die Ausgaben steigen auf 480 Milliarden Euro, die Opposition kritisierte.",
    ),
    (
        "Bayern gewinnt",
        "Der FC Bayern hat das Spitzenspiel in Dortmund mit 3:1 gewonnen. "
        "Kane traf zweimal, die Gastgeber blieben im Sturm harmlos und enttäuschten.",
    ),
    (
        "Hitze in Spanien",
        "In Sevilla wurden am Dienstag 44 Grad gemessen. Die Behörden "
        "riefen die höchste Warnstufe aus und schlossen die Schulen am Nachmittag.",
    ),
)
POOL = [Article(id=f"t{n}", title=t, text=x) for n, (t, x) in enumerate(TOPICS)]
steps = st.lists(
    st.tuples(
        st.lists(st.sampled_from(range(len(POOL))), max_size=3, unique=True),
        st.integers(min_value=0, max_value=30),
    ),
    min_size=1,
    max_size=5,
)


@hypothesis_settings(max_examples=25, deadline=None)
@given(plan=steps)
def test_no_article_is_shown_twice_nor_competes_past_its_carry_time(tmp_path_factory, plan):
    store = Storage(tmp_path_factory.mktemp("editions") / "k.sqlite3")
    posting = publisher(store, stories=2, carry_hours=12)
    now, added, chances = T0, {}, {}
    try:
        for picks, hours in plan:
            now += timedelta(hours=hours)
            store.add_articles([POOL[i] for i in picks], now=now)
            added.update({POOL[i].id: now for i in picks if POOL[i].id not in added})
            pool = store.edition_pool(now=now, carry_hours=12)
            for article in pool.carried:
                assert now - added[article.id] <= timedelta(hours=12)
            chances.update({a.id: now for a in pool.fresh})
            asyncio.run(posting.post_digest(now=now))
        # Per edition: a ticker's entries may stand in two stories of one edition.
        shown = [
            article_id
            for digest_id in store.recent_editions(since=T0)
            for article_id in set(shown_ids(store, digest_id))
        ]
        assert len(shown) == len(set(shown))
        assert set(chances) == set(added)
    finally:
        store.close()


def test_a_database_from_before_editions_migrates_and_its_articles_are_fresh(tmp_path):
    path = tmp_path / "alt.sqlite3"
    ours = next(n for n, sql in enumerate(MIGRATIONS) if "CREATE TABLE article_states" in sql)
    old = sqlite3.connect(path)
    for sql in MIGRATIONS[:ours]:
        old.executescript(sql)
    old.execute(
        "INSERT INTO articles (id, title, text, added) VALUES ('alt', 'Alt', 'Text.', ?)",
        (T0.isoformat(),),
    )
    old.execute(f"PRAGMA user_version = {ours}")
    old.commit()
    old.close()

    store = Storage(path)
    pool = store.edition_pool(now=T0 + timedelta(days=2), carry_hours=24)
    store.close()

    assert ([a.id for a in pool.fresh], pool.carried) == (["alt"], ())
