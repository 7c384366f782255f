"""Feeds end to end: configured feeds on a local server -> the bot ingests, digests, reports."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.adapters.services import services
from bot.settings import FeedSettings
from tests.e2e import expected
from tests.e2e.conftest import (
    ADMIN,
    CHANNEL_ONE,
    READER,
    command,
    replies,
    running,
    stored_digest,
)
from tests.testkit.web import Route, WebServer, article_page, rss

HAFEN = [
    "Der Hamburger Hafen hat im dritten Quartal deutlich weniger Container umgeschlagen.",
    "Nach Angaben der Hafenbehörde sank der Umschlag um sechs Prozent auf 1,9 Millionen"
    " Standardcontainer.",
    "Als Grund nannte die Behörde die schwache Nachfrage aus Asien und die Lage am Roten Meer.",
]
SCHULE = [
    "In Sachsen fehlen zum neuen Schuljahr rund 1.200 Lehrerinnen und Lehrer an den Schulen.",
    "Das Kultusministerium in Dresden kündigte an, mehr Seiteneinsteiger einstellen zu wollen.",
    "Die Gewerkschaft Erziehung und Wissenschaft warf der Landesregierung Versäumnisse vor.",
]


@pytest.fixture
def web():
    routes = {
        "/hafen.html": Route(
            body=article_page(
                "Hafen schlägt weniger Container um", HAFEN, site="Elbkurier"
            ).encode()
        ),
        "/schule.html": Route(
            body=article_page("Sachsen fehlen Lehrer", SCHULE, site="Sachsenbote").encode()
        ),
        "/nord.xml": Route(
            body=rss([{"title": "Hafen", "link": "/hafen.html?utm_source=rss"}]).encode(),
            content_type="application/rss+xml",
        ),
        "/ost.xml": Route(
            body=rss(
                [
                    {"title": "Schule", "link": "/schule.html"},
                    {"title": "Hafen", "link": "/hafen.html#top"},  # the same article again
                ]
            ).encode(),
            content_type="application/rss+xml",
        ),
        "/kaputt.xml": Route(status=500),
    }
    with WebServer(routes) as server:
        yield server


@pytest.fixture
def feed_settings(settings, web):
    feeds = tuple(FeedSettings(url=web.url(p)) for p in ("/nord.xml", "/ost.xml", "/kaputt.xml"))
    fetch = replace(settings.fetch, notice_after_failures=1, deadline=3.0)
    return replace(settings, feeds=feeds, fetch=fetch, bot=replace(settings.bot, seeds=""))


def notices(fake) -> list[str]:
    return [text for text in replies(fake, ADMIN) if "Der Feed" in text]


async def test_feeds_are_ingested_digested_and_a_failing_feed_is_reported_once(
    fake, feed_settings, web
):
    broken = web.url("/kaputt.xml")
    async with running(feed_settings) as app:
        s = services(app)
        await fake.wait_for(lambda: s.storage.count_new_articles() == 2 and notices(fake))

        (answer,) = await command(fake, ADMIN, ADMIN, "/jetzt")
        assert answer.startswith("Ausgabe 1 mit 2 Meldungen")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_ONE))
        digest = stored_digest(app)
        assert sorted((st.title, st.sources[0].outlet) for st in digest.stories) == [
            ("Hafen schlägt weniger Container um", "Elbkurier"),
            ("Sachsen fehlen Lehrer", "Sachsenbote"),
        ]
        assert "Container" in fake.sent_to(CHANNEL_ONE)[0].text

        (status,) = await command(fake, ADMIN, ADMIN, "/status")
        assert (
            f"Feeds mit Fehlern:\n▪ {broken} – 1× in Folge: GET {broken} failed with status 500"
            in status
        )

        (listing,) = await command(fake, ADMIN, ADMIN, "/feeds")
        assert listing.startswith("<b>📰 Feeds</b>")
        assert f"▪ {web.url('/nord.xml')}\n   zuletzt erfolgreich:" in listing
        assert (
            f"⚠️ {broken}\n   zuletzt erfolgreich: noch nie, 0 Einträge\n   1× fehlgeschlagen"
            in listing
        )

        refused = await command(fake, READER, READER, "/feeds")
        assert refused == [expected.NOT_ADMIN]

        # More rounds while it still fails: no second notice.
        (job,) = [j for j in app.job_queue.jobs() if j.name == "feeds"]
        await job.run(app)
        assert s.poller is not None
        await s.poller.poll(now=s.now(), force=True)
        assert s.storage.feed_state(broken, now=s.now()).failures == 2
        assert notices(fake) == [
            f"⚠️ Der Feed {broken} liefert seit 1 Abruf nichts: GET {broken} failed with status"
            " 500\nIch versuche es in wachsenden Abständen weiter und melde mich, sobald er"
            " wieder geht."
        ]
        assert (
            web.paths().count("/hafen.html?utm_source=rss") + web.paths().count("/hafen.html") == 1
        )
