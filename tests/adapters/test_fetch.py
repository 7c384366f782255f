"""The fetcher: deadline, size cap, redirects, and the /push guard against the local network."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.adapters.fetch import Fetcher, RefusedError, build_client
from bot.errors import FetchError
from bot.settings import FetchSettings
from tests.testkit.web import Route, WebServer, article_page

PAGE = article_page(
    "Bahn streicht Verbindungen im Winter",
    [
        "Die Deutsche Bahn streicht im Winter mehrere Fernverbindungen zwischen Berlin und"
        " Hamburg.",
        "Ein Sprecher nannte am Montag Bauarbeiten an der Strecke als Grund für die Änderung.",
    ],
).encode()


@pytest.fixture
def web():
    with WebServer({"/artikel.html": Route(body=PAGE)}) as server:
        yield server


async def test_push_refuses_loopback_unless_allowed(web):
    url = web.url("/artikel.html")
    async with build_client() as client:
        with pytest.raises(RefusedError) as refused:
            await Fetcher(client).fetch_article(url, guard=True)
        allowed = Fetcher(client, settings=FetchSettings(allow_private_push=True))
        article = await allowed.fetch_article(url, guard=True)
        typed = await Fetcher(client).fetch_article(url, guard=False)

    assert str(refused.value) == (
        f"GET {url}: refused, 127.0.0.1 is an address inside the network (127.0.0.1);"
        " set fetch.allow_private_push to allow it"
    )
    assert web.paths() == ["/artikel.html", "/artikel.html"]
    assert article.title == typed.title == "Bahn streicht Verbindungen im Winter"
    assert article.outlet == "Beispielzeitung"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),  # cloud metadata service (link-local)
        ("100.64.0.1", False),  # carrier-grade NAT (shared)
        ("0.0.0.0", False),
        ("240.0.0.1", False),  # reserved
        ("224.0.0.1", False),  # multicast
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("93.184.216.34", True),
        ("2a00:1450:4001:80b::200e", True),
    ],
    ids=lambda value: str(value),
)
async def test_every_redirect_hop_is_checked_after_resolving(address, public):
    # A public name that redirects to a name resolving to ``address``.
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        # The request goes to the checked address, named by its Host header and TLS name.
        seen.append(f"{request.url} Host={request.headers['host']}")
        assert request.extensions["sni_hostname"] == request.headers["host"]
        if request.headers["host"] == "news.example":
            return httpx.Response(302, headers={"Location": "http://intern.example/geheim"})
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=PAGE)

    addresses = {"news.example": ["93.184.216.34"], "intern.example": [address]}

    async def resolve(host: str, port: int) -> list[str]:
        return addresses[host]

    transport = httpx.MockTransport(handler)
    async with httpx.AsyncClient(transport=transport) as client:
        fetcher = Fetcher(client, resolve=resolve)
        if public:
            fetched = await fetcher.get("http://news.example/a", guard=True)
            assert fetched.url == "http://intern.example/geheim"
            pinned = f"[{address}]" if ":" in address else address
            assert seen[-1] == f"http://{pinned}/geheim Host=intern.example"
        else:
            with pytest.raises(RefusedError, match=r"intern\.example is an address inside"):
                await fetcher.get("http://news.example/a", guard=True)
            assert seen == ["http://93.184.216.34/a Host=news.example"]  # never the inside one


async def test_push_refuses_what_is_not_a_page(web):
    web.routes["/bericht.pdf"] = Route(body=b"%PDF-1.4\n...", content_type="application/pdf")
    web.routes["/ohne-typ"] = Route(
        body=b"%PDF-1.4\n1 0 obj << /Type /Catalog >>", content_type=""
    )
    settings = FetchSettings(allow_private_push=True)
    async with build_client() as client:
        fetcher = Fetcher(client, settings=settings)
        with pytest.raises(RefusedError, match="application/pdf is not an HTML page, refused"):
            await fetcher.fetch_article(web.url("/bericht.pdf"))
        with pytest.raises(RefusedError, match="no content type and not HTML, refused"):
            await fetcher.fetch_article(web.url("/ohne-typ"))


async def test_a_dripping_server_cannot_hold_a_request_past_the_deadline(web):
    web.routes["/tropf.html"] = Route(body=PAGE, drip=0.2)
    settings = FetchSettings(deadline=1.0)
    started = time.monotonic()
    async with build_client(timeout=httpx.Timeout(5.0)) as client:
        with pytest.raises(FetchError, match=r"no complete answer within 1 s \(fetch.deadline\)"):
            await Fetcher(client, settings=settings).get(web.url("/tropf.html"))

    assert time.monotonic() - started < 2.0


async def test_redirect_loops_and_non_http_targets_are_errors(web):
    web.routes["/kreis"] = Route(status=302, headers={"Location": "/kreis"})
    web.routes["/ftp"] = Route(status=301, headers={"Location": "ftp://example.org/x"})
    async with build_client() as client:
        fetcher = Fetcher(client)
        with pytest.raises(FetchError, match="more than 5 redirects"):
            await fetcher.get(web.url("/kreis"))
        with pytest.raises(FetchError, match="not http"):
            await fetcher.get(web.url("/ftp"))


async def test_cache_headers_and_retry_after_are_read(web):
    web.routes["/frisch.xml"] = Route(
        body=b"<rss/>", headers={"Cache-Control": "public, max-age=900"}
    )
    web.routes["/voll"] = Route(status=429, headers={"Retry-After": "30"})
    async with build_client() as client:
        fetcher = Fetcher(client)
        fresh = await fetcher.get(web.url("/frisch.xml"))
        with pytest.raises(FetchError) as limited:
            await fetcher.get(web.url("/voll"))

    assert fresh.fresh_for == 900
    assert getattr(limited.value, "retry_after", None) == 30
