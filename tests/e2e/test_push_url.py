"""``/push <url>``: the bot fetches a real page from a local web server and posts its summary."""

import re
from dataclasses import replace

import httpx
import pytest

from bot.adapters.services import services
from tests.e2e import expected
from tests.e2e.conftest import (
    ADMIN,
    CHANNEL_ONE,
    CHANNEL_TWO,
    READER,
    command,
    replies,
    running,
    stored_digest,
)
from tests.e2e.pages import ARTICLE, PageServer

PAGE = ARTICLE.read_text(encoding="utf-8")
PARAGRAPHS = re.findall(r"<p[^>]*>(.*?)</p>", PAGE)
# Text on the page that is not the article: photo caption, related links, navigation, footer.
CLUTTER = (
    "Uferpromenade",
    "Foto:",
    "Mehr zum Thema",
    "Pegelstände in Sachsen",
    "Newsletter",
    "Startseite",
    "Alle Rechte vorbehalten",
)


@pytest.fixture
def settings(settings):
    # The page server is on 127.0.0.1, which /push refuses unless the operator allows it.
    return replace(settings, fetch=replace(settings.fetch, allow_private_push=True))


@pytest.fixture
def pages():
    with PageServer({"/artikel.html": PAGE.encode("utf-8")}) as server:
        yield server


async def test_an_admin_pushes_a_link_and_every_channel_gets_its_summary(
    fake, settings, pages, golden
):
    url = pages.url("/artikel.html")
    async with running(settings) as app:
        answer = await command(fake, ADMIN, ADMIN, f"/push {url}")
        await fake.wait_for(lambda: fake.sent_to(CHANNEL_ONE) and fake.sent_to(CHANNEL_TWO))

        digest = stored_digest(app)
        (story,) = digest.stories
        assert answer == [expected.PUSH_POSTED_2]
        # The page server's port changes per run: the golden file says URL instead.
        golden.check(
            "bot/push_link.html", [r.replace(url, "URL") for r in replies(fake, CHANNEL_ONE)]
        )
        assert replies(fake, CHANNEL_TWO) == replies(fake, CHANNEL_ONE)
        assert story.title == "Hochwasser an der Elbe: Dresden ruft Alarmstufe 3 aus"
        assert [(s.url, s.outlet) for s in story.sources] == [(url, "Beispielzeitung")]
        assert len(story.sentences) >= 2
        for sentence in story.sentences:  # verbatim from the article's paragraphs
            assert any(sentence.text in paragraph for paragraph in PARAGRAPHS)
            assert sentence.text in fake.sent_to(CHANNEL_ONE)[0].text
        post = fake.sent_to(CHANNEL_ONE)[0].text
        assert [word for word in CLUTTER if word in post] == []
        assert pages.requests == ["/artikel.html"]

        # Kept for /quelle, with the page as its source (asked where no digest was posted).
        (quelle,) = await command(fake, ADMIN, ADMIN, "/quelle")
        assert f'<a href="{url}">' in quelle
        assert quelle.startswith(
            "<i>In diesem Chat ist noch keine Ausgabe erschienen. Das hier gehört zur neuesten"
            " Ausgabe (Nr. 1 vom 01.07.2026, 07:00 Uhr).</i>"
        )
        # The fake records a message before the bot has its answer: wait for the record.
        await fake.wait_for(lambda: services(app).storage.outbox_counts().pending == 0)

        # The same link again: each article reaches each chat at most once.
        again = await command(fake, ADMIN, ADMIN, f"/push {url}")
        assert again == [expected.PUSH_ALREADY_POSTED_1]
        assert len(fake.sent_to(CHANNEL_ONE)) == len(fake.sent_to(CHANNEL_TWO)) == 1


@pytest.mark.parametrize("path", ["/weg.html", "/langsam"], ids=["404", "timeout"])
async def test_a_link_that_fails_gives_a_short_error_and_posts_nothing(
    fake, settings, pages, path
):
    async with running(settings, fetch_timeout=httpx.Timeout(0.3)) as app:
        answer = await command(fake, ADMIN, ADMIN, f"/push {pages.url(path)}")

        assert answer == [expected.PUSH_FETCH_FAILED]
        assert pages.requests == [path]
        assert fake.sent_to(CHANNEL_ONE) == fake.sent_to(CHANNEL_TWO) == []
        assert services(app).storage.latest_digest_id() is None


async def test_a_slow_push_does_not_hold_up_another_readers_command(fake, settings, pages):
    # Updates are handled concurrently: while the admin's /push waits for a page that never
    # answers, a reader's /hilfe is answered; the push gives up at its fetch timeout.
    async with running(settings, fetch_timeout=httpx.Timeout(3.0)):
        fake.inject_message(ADMIN, ADMIN, f"/push {pages.url('/langsam')}")
        await fake.wait_for(lambda: pages.requests == ["/langsam"])

        help_page = await command(fake, READER, READER, "/hilfe")
        pending = fake.sent_to(ADMIN)
        await fake.wait_for(lambda: fake.sent_to(ADMIN), within=15)

        assert help_page[0].startswith("<b>📰 Kurzlage</b> fasst neue deutsche Nachrichten")
        assert pending == []
        assert replies(fake, ADMIN) == [expected.PUSH_FETCH_FAILED]
        assert fake.sent_to(READER)[0].time < fake.sent_to(ADMIN)[0].time
