"""``/push <url>`` from a chat: addresses inside the network refused, a slow page blocks nobody."""

from __future__ import annotations

import time
from dataclasses import replace

from tests.e2e import expected
from tests.e2e.conftest import ADMIN, CHANNEL_ONE, READER, command, running
from tests.testkit.web import Route, WebServer, article_page

PUSH_REFUSED = (
    "Diesen Link lade ich nicht: Er zeigt ins interne Netz oder auf etwas anderes als eine"
    " Webseite (etwa ein PDF)."
)
PAGE = article_page(
    "Geheimer Bericht",
    [
        "Dieser Text liegt auf einem Server im internen Netz des Betreibers und ist nicht"
        " öffentlich."
    ],
).encode()


async def test_a_link_into_the_local_network_is_refused_and_never_fetched(fake, settings):
    with WebServer({"/geheim.html": Route(body=PAGE)}) as web:
        async with running(settings):
            answer = await command(fake, ADMIN, ADMIN, f"/push {web.url('/geheim.html')}")

        assert answer == [PUSH_REFUSED]
        assert web.paths() == []
        assert fake.sent_to(CHANNEL_ONE) == []


async def test_a_dripping_page_blocks_no_other_command_and_ends_at_the_deadline(fake, settings):
    fetch = replace(settings.fetch, allow_private_push=True, deadline=3.0)
    with WebServer({"/tropf.html": Route(body=PAGE, drip=0.5)}) as web:
        async with running(replace(settings, fetch=fetch)):
            fake.inject_message(ADMIN, ADMIN, f"/push {web.url('/tropf.html')}")
            await fake.wait_for(lambda: web.paths() == ["/tropf.html"])
            started = time.monotonic()
            (hilfe,) = await command(fake, READER, READER, "/hilfe")
            answered = time.monotonic() - started
            await fake.wait_for(lambda: len(fake.sent_to(ADMIN)) == 1, within=10)

        assert hilfe.startswith("<b>📰 Kurzlage</b>")
        assert answered < 2.0
        assert [m.html for m in fake.sent_to(ADMIN)] == [expected.PUSH_FETCH_FAILED]
