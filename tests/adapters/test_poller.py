"""Polling feeds from a real HTTP server on 127.0.0.1 into a real SQLite database."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.adapters.fetch import Fetcher, build_client
from bot.adapters.poller import FeedPoller, FeedReport
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.adapters.tables import load_language
from bot.core.clean import clean_article
from bot.settings import FeedSettings, FetchSettings
from tests.testkit.web import Route, WebServer, article_page, atom, rdf, rss

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PARAGRAPHS = [
    "Der Stadtrat hat am Dienstag einen neuen Haushalt beschlossen.",
    "Nach Angaben der Kämmerei steigen die Ausgaben um vier Prozent auf 1,2 Milliarden Euro.",
    "Die Opposition kritisierte die Pläne als unsolide und kündigte Widerstand an.",
]
CLOUDFLARE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<h1>Checking your browser before accessing the site.</h1></body></html>"
)


def page(n: int, headline: str | None = None) -> Route:
    title = headline or f"Meldung Nummer {n}: Stadtrat beschließt Haushalt"
    return Route(body=article_page(title, [f"Absatz {n}. {p}" for p in PARAGRAPHS]).encode())


@pytest.fixture
def web():
    with WebServer() as server:
        yield server


@pytest.fixture
def storage(database: str):
    db = Storage(database)
    yield db
    db.close()


async def poll(
    storage: Storage,
    feeds: list[FeedSettings],
    *,
    now: datetime = NOW,
    force: bool = True,
    settings: FetchSettings | None = None,
    admins: tuple[int, ...] = (),
) -> tuple[FeedReport, ...]:
    async with build_client(timeout=httpx.Timeout(2.0)) as client:
        fetcher = Fetcher(client, settings=settings or FetchSettings(deadline=3.0))
        poller = FeedPoller(fetcher, storage, feeds=feeds, renderer=Renderer(), admins=admins)
        return await poller.poll(now=now, force=force)


def titles(storage: Storage) -> list[str]:
    return sorted(a.title for a in storage.new_articles())


async def test_rss_atom_rdf_and_json_feed_each_deliver_their_pages(web, storage):
    for n in range(1, 5):
        web.routes[f"/a/{n}.html"] = page(n)
    web.routes["/rss.xml"] = Route(
        body=rss([{"title": "Eins", "link": "/a/1.html", "guid": "g1"}]).encode(),
        content_type="application/rss+xml; charset=utf-8",
    )
    web.routes["/atom.xml"] = Route(
        body=atom([{"id": "urn:2", "title": "Zwei", "link": web.url("/a/2.html")}]).encode(),
        content_type="application/atom+xml",
    )
    web.routes["/rdf.xml"] = Route(
        body=rdf([{"title": "Drei", "link": web.url("/a/3.html")}]).encode(),
        content_type="application/rdf+xml",
    )
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON-Zeitung",
        "items": [{"id": "j4", "url": web.url("/a/4.html"), "title": "Vier"}],
    }
    web.routes["/feed.json"] = Route(
        body=json.dumps(json_feed).encode(), content_type="application/feed+json"
    )
    feeds = [
        FeedSettings(url=web.url(p)) for p in ("/rss.xml", "/atom.xml", "/rdf.xml", "/feed.json")
    ]

    reports = await poll(storage, feeds)

    assert [(r.state, r.new) for r in reports] == [("new", 1)] * 4
    assert titles(storage) == [
        f"Meldung Nummer {n}: Stadtrat beschließt Haushalt" for n in range(1, 5)
    ]
    assert {a.outlet for a in storage.new_articles()} == {"Beispielzeitung"}
    (first,) = [a for a in storage.new_articles() if a.url == web.url("/a/1.html")]
    assert first.text.startswith("Absatz 1. Der Stadtrat")
    assert [w for w in ("Cookies", "Startseite", "Rechte") if w in first.text] == []
    assert first.published == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


async def test_304_with_etag_fetches_no_page_again(web, storage):
    web.routes["/a/1.html"] = page(1)
    web.routes["/rss.xml"] = Route(
        body=rss([{"title": "Eins", "link": "/a/1.html"}]).encode(),
        content_type="application/rss+xml",
        etag='"v1"',
    )
    feeds = [FeedSettings(url=web.url("/rss.xml"))]

    first = await poll(storage, feeds)
    second = await poll(storage, feeds)

    assert [r.state for r in first + second] == ["new", "unchanged"]
    assert web.paths() == ["/rss.xml", "/a/1.html", "/rss.xml"]
    assert web.requests[2].headers.get("if-none-match") == '"v1"'


async def test_a_permanent_redirect_is_remembered(web, storage):
    web.routes["/alt.xml"] = Route(status=301, headers={"Location": "/neu.xml"})
    web.routes["/neu.xml"] = Route(
        body=rss([{"title": "Eins", "link": "/a/1.html"}]).encode(), content_type="text/xml"
    )
    web.routes["/a/1.html"] = page(1)
    feeds = [FeedSettings(url=web.url("/alt.xml"))]

    await poll(storage, feeds)
    await poll(storage, feeds)

    assert web.paths() == ["/alt.xml", "/neu.xml", "/a/1.html", "/neu.xml"]
    assert storage.feed_state(feeds[0].url, now=NOW).fetch_url == web.url("/neu.xml")


async def test_each_broken_feed_gives_one_error_line_and_the_others_deliver(web, storage):
    good = rss([{"title": "Gut", "link": "/a/1.html"}]).encode()
    web.routes["/gut.xml"] = Route(body=good, content_type="application/rss+xml")
    web.routes["/a/1.html"] = page(1)
    web.routes["/cloudflare.xml"] = Route(status=403, body=CLOUDFLARE)
    web.routes["/html.xml"] = Route(body=CLOUDFLARE)
    web.routes["/leer.xml"] = Route(body=rss([]).encode(), content_type="application/rss+xml")
    web.routes["/kaputt.xml"] = Route(body=b"\x89PNG\r\n\x1a\nnot a feed at all")
    web.routes["/burst.xml"] = Route(body=good, errors=[503, 503], headers={"Retry-After": "120"})
    web.routes["/langsam.xml"] = Route(body=good, drip=0.5)
    web.routes["/endlos.xml"] = Route(endless=True, content_type="application/rss+xml")
    names = ["gut", "cloudflare", "html", "leer", "kaputt", "burst", "langsam", "endlos"]
    feeds = [FeedSettings(url=web.url(f"/{name}.xml")) for name in names]
    settings = FetchSettings(deadline=1.5, max_bytes=200_000)

    started = time.monotonic()
    reports = await poll(storage, feeds, settings=settings)
    elapsed = time.monotonic() - started

    by_name = dict(zip(names, reports, strict=True))
    assert (by_name["gut"].state, by_name["gut"].new) == ("new", 1)
    assert titles(storage) == ["Meldung Nummer 1: Stadtrat beschließt Haushalt"]
    errors = {name: r.reason for name, r in by_name.items() if r.state == "error"}
    assert set(errors) == set(names) - {"gut"}
    assert errors["cloudflare"] == f"GET {web.url('/cloudflare.xml')} failed with status 403"
    assert "the server sent an HTML page, not a feed" in errors["html"]
    assert errors["leer"] == f"feed {web.url('/leer.xml')}: the feed has no entries"
    assert "not an RSS, Atom or JSON feed" in errors["kaputt"]
    assert (
        errors["burst"] == f"GET {web.url('/burst.xml')} failed with status 503, retry after 120 s"
    )
    assert "no complete answer within 1.5 s" in errors["langsam"]
    assert "over fetch.max_bytes (200000" in errors["endlos"]
    assert all("\n" not in reason for reason in errors.values())
    assert elapsed < 4.0  # the slow and the endless feed ran beside the others, not before

    # The 503 burst asked for 120 s: not polled before, and good after it.
    state = storage.feed_state(web.url("/burst.xml"), now=NOW)
    assert state.next_poll >= NOW.timestamp() + 600  # poll_interval, Retry-After below it
    again = await poll(storage, [feeds[5]], settings=settings)
    assert [r.state for r in again] == ["error"]  # second 503 of the burst
    last = await poll(storage, [feeds[5]], settings=settings)
    assert [r.state for r in last] == ["unchanged"]  # page known from the good feed
    assert storage.feed_state(web.url("/burst.xml"), now=NOW).failures == 0


async def test_broken_xml_and_wrong_encoding_still_give_their_articles(web, storage):
    broken = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>A & B</title>'
        "<item><title>Müller & Söhne&nbsp;erhöhen Löhne</title><link>/a/1.html</link>"
        "<description>Teaser&nbsp;mit & Zeichen</description></item></channel></rss>"
    ).encode("cp1252")
    web.routes["/rss.xml"] = Route(body=broken, content_type="application/rss+xml; charset=utf-8")
    web.routes["/a/1.html"] = Route(status=404)

    (report,) = await poll(storage, [FeedSettings(url=web.url("/rss.xml"))])

    # The page is gone; the teaser is too short to stand for the article: skipped, said so.
    assert report.state == "unchanged"
    assert "status 404" in report.reason
    web.routes["/a/1.html"] = page(1, headline="Müller & Söhne erhöhen Löhne")
    storage_titles = []
    (report,) = await poll(storage, [FeedSettings(url=web.url("/rss.xml"))])
    storage_titles = titles(storage)
    assert (report.state, report.new) == ("new", 1)
    assert storage_titles == ["Müller & Söhne erhöhen Löhne"]


async def test_duplicate_guids_and_tracking_parameters_store_one_article(web, storage):
    web.routes["/a/1.html"] = page(1)
    web.routes["/a/1.html?utm_source=rss&utm_medium=feed"] = page(1)
    web.routes["/a/1.html?wt_mc=rss.politik"] = page(1)
    one = rss(
        [
            {
                "title": "Eins",
                "link": "/a/1.html?utm_source=rss&amp;utm_medium=feed",
                "guid": "x1",
            },
            {
                "title": "Eins",
                "link": "/a/1.html?utm_source=rss&amp;utm_medium=feed",
                "guid": "x1",
            },
        ]
    )
    two = rss([{"title": "Eins", "link": "/a/1.html?wt_mc=rss.politik#kommentare"}])
    web.routes["/eins.xml"] = Route(body=one.encode(), content_type="application/rss+xml")
    web.routes["/zwei.xml"] = Route(body=two.encode(), content_type="application/rss+xml")
    feeds = [FeedSettings(url=web.url("/eins.xml")), FeedSettings(url=web.url("/zwei.xml"))]

    await poll(storage, feeds[:1])
    (second,) = await poll(storage, feeds[1:])

    assert len(storage.new_articles()) == 1
    assert (second.state, second.new) == ("unchanged", 0)
    assert [p for p in web.paths() if p.startswith("/a/")] == [
        "/a/1.html?utm_source=rss&utm_medium=feed"
    ]


async def test_entries_beyond_the_page_budget_follow_at_the_next_poll(web, storage):
    for n in range(1, 6):
        web.routes[f"/a/{n}.html"] = page(n)
    items = [{"title": f"Nr. {n}", "link": f"/a/{n}.html"} for n in range(1, 6)]
    web.routes["/rss.xml"] = Route(
        body=rss(items).encode(), content_type="application/rss+xml", etag='"v1"'
    )
    feeds = [FeedSettings(url=web.url("/rss.xml"))]
    settings = FetchSettings(pages_per_poll=3)

    first = await poll(storage, feeds, settings=settings)
    second = await poll(storage, feeds, settings=settings)
    third = await poll(storage, feeds, settings=settings)

    assert [(r.state, r.new, r.left) for r in first + second + third] == [
        ("new", 3, 2),
        ("new", 2, 0),
        ("unchanged", 0, 0),
    ]
    assert [r.headers.get("if-none-match") for r in web.requests if r.path == "/rss.xml"] == [
        None,
        None,
        '"v1"',
    ]


async def test_a_page_in_cp1252_declared_as_utf8_keeps_its_umlauts(web, storage):
    html = article_page("Bürger wählen neuen Oberbürgermeister", PARAGRAPHS)
    web.routes["/a/1.html"] = Route(body=html.encode("cp1252"))
    web.routes["/rss.xml"] = Route(
        body=rss([{"title": "Wahl", "link": "/a/1.html"}]).encode(),
        content_type="application/rss+xml",
    )

    await poll(storage, [FeedSettings(url=web.url("/rss.xml"))])

    (article,) = storage.new_articles()
    assert article.title == "Bürger wählen neuen Oberbürgermeister"
    assert "Kämmerei" in article.text


async def test_relative_links_resolve_against_the_feed(web, storage):
    web.routes["/ressort/feed.xml"] = Route(
        body=rss([{"title": "Eins", "link": "artikel/1.html"}]).encode(),
        content_type="application/rss+xml",
    )
    web.routes["/ressort/artikel/1.html"] = page(1)

    await poll(storage, [FeedSettings(url=web.url("/ressort/feed.xml"))])

    assert [a.url for a in storage.new_articles()] == [web.url("/ressort/artikel/1.html")]


async def test_a_changed_article_is_updated_before_it_is_shown(web, storage):
    web.routes["/a/1.html"] = page(1)
    item = {"title": "Eins", "link": "/a/1.html", "pubDate": "Tue, 01 Dec 2026 09:00:00 +0100"}
    web.routes["/rss.xml"] = Route(body=rss([item]).encode(), content_type="application/rss+xml")
    feeds = [FeedSettings(url=web.url("/rss.xml"))]
    await poll(storage, feeds)

    web.routes["/a/1.html"] = page(1, headline="Neu: Stadtrat beschließt Haushalt mit Änderungen")
    item["pubDate"] = "Tue, 01 Dec 2026 09:45:00 +0100"
    web.routes["/rss.xml"] = Route(body=rss([item]).encode(), content_type="application/rss+xml")
    (report,) = await poll(storage, feeds)

    assert (report.state, report.new, report.updated) == ("new", 0, 1)
    assert titles(storage) == ["Neu: Stadtrat beschließt Haushalt mit Änderungen"]


async def test_failing_feed_backs_off_and_tells_the_admins_once_and_on_recovery(web, storage):
    web.routes["/rss.xml"] = Route(status=500)
    web.routes["/a/1.html"] = page(1)
    feeds = [FeedSettings(url=web.url("/rss.xml"))]
    settings = FetchSettings(deadline=2.0, poll_interval=60, max_backoff=600)
    now, waits = NOW, []
    for _ in range(7):
        await poll(storage, feeds, now=now, force=False, settings=settings, admins=(7, 8))
        state = storage.feed_state(feeds[0].url, now=now)
        waits.append(round(state.next_poll - now.timestamp()))
        now = datetime.fromtimestamp(state.next_poll, UTC)
    notices = [m for m in storage.unsent_messages() if m.digest_id is None]

    assert waits == [60, 120, 240, 480, 600, 600, 600]
    assert state.failures == 7
    assert [(m.chat, m.text) for m in notices] == [
        (
            chat,
            f"⚠️ Der Feed {feeds[0].url} liefert seit 5 Abrufen nichts: GET {feeds[0].url}"
            " failed with status 500\nIch versuche es in wachsenden Abständen weiter und melde"
            " mich, sobald er wieder geht.",
        )
        for chat in ("7", "8")
    ]

    web.routes["/rss.xml"] = Route(
        body=rss([{"title": "Eins", "link": "/a/1.html"}]).encode(),
        content_type="application/rss+xml",
    )
    await poll(storage, feeds, now=now, force=False, settings=settings, admins=(7, 8))
    await poll(storage, feeds, now=now + timedelta(hours=1), settings=settings, admins=(7, 8))
    notices = [m.text for m in storage.unsent_messages() if m.digest_id is None]

    assert notices[2:] == [f"✅ Der Feed {feeds[0].url} liefert wieder."] * 2
    assert storage.feed_state(feeds[0].url, now=now).failures == 0


async def test_a_feed_down_for_a_day_is_reported_before_five_failures(web, storage):
    web.routes["/rss.xml"] = Route(status=502)
    feeds = [FeedSettings(url=web.url("/rss.xml"))]
    settings = FetchSettings(deadline=2.0, max_backoff=86_400, poll_interval=43_200)

    await poll(storage, feeds, settings=settings, admins=(7,))
    await poll(storage, feeds, now=NOW + timedelta(hours=24), settings=settings, admins=(7,))

    (notice,) = [m for m in storage.unsent_messages() if m.digest_id is None]
    assert "liefert seit 2 Abrufen nichts" in notice.text


async def test_a_paywalled_page_keeps_its_mark_in_storage_and_in_the_digest(
    web, storage, database
):
    paywall = (
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "isAccessibleForFree": false}</script>'
    )
    web.routes["/a/1.html"] = Route(
        body=article_page("Stadtrat beschließt Haushalt", PARAGRAPHS, extra_head=paywall).encode()
    )
    web.routes["/a/2.html"] = page(2, "Schnee in Bayern erwartet")
    web.routes["/rss.xml"] = Route(
        body=rss(
            [{"title": "Eins", "link": "/a/1.html"}, {"title": "Zwei", "link": "/a/2.html"}]
        ).encode(),
        content_type="application/rss+xml",
    )

    await poll(storage, [FeedSettings(url=web.url("/rss.xml"))])
    storage.close()
    reopened = Storage(database)
    try:
        marks = {a.title: a.paywalled for a in reopened.new_articles()}
        pool = reopened.edition_pool(now=NOW, carry_hours=24).articles
        by_id = reopened.articles([a.id for a in pool])
        stored = reopened.stored_article(pool[0].id)
    finally:
        reopened.close()

    assert marks == {"Stadtrat beschließt Haushalt": True, "Schnee in Bayern erwartet": False}
    assert {a.title: a.paywalled for a in pool} == marks
    assert {a.title: a.paywalled for a in by_id} == marks
    assert stored is not None
    assert stored[0].paywalled is marks[stored[0].title]
    lang = load_language()
    items = [i for a in by_id for i in clean_article(a, lang=lang, zone=UTC)]
    assert {i.source.title: i.source.paywalled for i in items} == marks
