"""Editions over time through the real bot: nothing twice, updates marked (fake Bot API)."""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace

from bot.adapters.services import services
from tests.conftest import SEEDS
from tests.e2e import expected
from tests.e2e.conftest import (
    ADMIN,
    CHANNEL_ONE,
    CHANNEL_TWO,
    READER,
    command,
    run_digest_job,
    running,
    stored_digest,
    with_bot,
)
from tests.e2e.test_chats import BAHN
from tests.e2e.test_inbox import drop

STRIKE = (
    '{"id": "streik", "title": "Bahn streikt", "published": "2024-06-26T12:00:00+02:00", '
    '"text": "Die Gewerkschaft GDL hat für Donnerstag '
    "einen bundesweiten Streik im Personenverkehr angekündigt. Betroffen sind rund 5.000 "
    'Verbindungen im Fern- und Regionalverkehr der Deutschen Bahn."}'
)
EXCHANGE, FOLLOW_UP = "000_4705e40d4dd64efe.txt", "001_fdf571903e5f5aab.txt"


def sources_of(app, digest_id):
    return {s.id for story in stored_digest(app, digest_id).stories for s in story.sources}


async def test_jetzt_twice_with_nothing_added_posts_nothing_the_second_time(
    fake, settings, tmp_path
):
    two_stories = replace(settings, digest=replace(settings.digest, stories=2))
    async with running(two_stories) as app:
        first = await command(fake, ADMIN, ADMIN, "/jetzt")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_TWO))
        second = await command(fake, ADMIN, ADMIN, "/jetzt")

        assert first == ["Ausgabe 1 mit 2 Meldungen geht an 2 Chats."]
        assert second == [expected.NOTHING_NEW]
        assert len(fake.sent_to(CHANNEL_ONE)) == len(fake.sent_to(CHANNEL_TWO)) == 1

        inbox = tmp_path / "inbox"
        inbox.mkdir(exist_ok=True)  # the bot keeps its marker of posted articles there
        (inbox / "streik.json").write_text(STRIKE, encoding="utf-8")
        third = await command(fake, ADMIN, ADMIN, "/jetzt")
        await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_TWO)) == 2)

        assert third == ["Ausgabe 2 mit 2 Meldungen geht an 2 Chats."]
        assert "streik" in sources_of(app, 2)
        assert sources_of(app, 1).isdisjoint(sources_of(app, 2))
        (status,) = await command(fake, ADMIN, ADMIN, "/status")
        assert "Ausgemusterte Artikel: 0 (nach 24 Stunden ohne Platz in einer Ausgabe)" in status


async def test_a_follow_up_is_posted_as_an_update_with_the_earlier_sources(
    fake, settings, tmp_path
):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / EXCHANGE, seeds / EXCHANGE)
    async with running(with_bot(settings, seeds=str(seeds))) as app:
        await command(fake, ADMIN, ADMIN, "/jetzt")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_ONE))
        inbox = tmp_path / "inbox"
        inbox.mkdir(exist_ok=True)  # the bot keeps its marker of posted articles there
        shutil.copy(SEEDS / FOLLOW_UP, inbox / FOLLOW_UP)

        await command(fake, ADMIN, ADMIN, "/jetzt")
        await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_ONE)) == 2)

        update = fake.sent_to(CHANNEL_ONE)[1].html
        assert (
            "<i>Neu zu „Russland und Ukraine tauschen erste 390 Gefangene aus“ (Ausgabe vom "
            in (update)
        )
        (quelle,) = await command(fake, READER, READER, "/start q_2_1")
        assert (
            "<i>Neu zu „Russland und Ukraine tauschen erste 390 Gefangene aus“, früher berichtet "
            "von:</i>\n• dpa: Russland und Ukraine tauschen erste 390 Gefangene aus"
        ) in quelle
        assert services(app).storage.count_new_articles() == 0


async def test_with_no_chat_to_post_to_the_articles_keep_waiting(fake, settings, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="bot.adapters.jobs")
    settings = with_bot(settings, channels=(), seeds="")
    drop(tmp_path / "inbox", "bahn.json", "bahn", "Bahn streikt", BAHN)
    async with running(settings) as app:
        await run_digest_job(app)
        assert await command(fake, ADMIN, ADMIN, "/jetzt") == [expected.NO_TARGETS]
        s = services(app)
        assert s.storage.count_new_articles() == 1
        assert s.storage.outbox_counts().pending == 0

        await command(fake, READER, READER, "/abo")
        await run_digest_job(app)
        await fake.wait_for(lambda: len(fake.sent_to(READER)) == 2)

    assert "Bahn streikt" in fake.sent_to(READER)[1].text
    assert [r.getMessage() for r in caplog.records if r.name == "bot.adapters.jobs"] == [
        "Digest run: no channel configured and no chat subscribed; the articles keep waiting"
    ]
