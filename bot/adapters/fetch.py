"""HTTP fetching of single articles (``/push <url>``), with httpx errors kept at this boundary."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlsplit

import httpx

from bot.adapters.files import decode, html_to_text, looks_like_html
from bot.core.models import Article
from bot.errors import FetchError

logger = logging.getLogger(__name__)

# Pages larger than this are not articles worth summarising; news pages are 0.1 to 2 MB
# (measured on the seeds' sources), so 5 MB bounds the work without cutting real pages.
MAX_PAGE_BYTES = 5_000_000
#: Timeouts of the shared client, in seconds: a slow outlet must not stall the bot.
CLIENT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
USER_AGENT = "Kurzlage/0.1 (+https://github.com/kurzlage; Telegram news digest)"
# A <title> suffix longer than this after the headline is not a site name ("| Tagesschau"),
# so the host name names the outlet instead (site names in the seeds are 5 to 25 characters).
MAX_SITE_NAME_CHARS = 40
# Characters between a headline and the site name in a <title>: "Titel | Seite", "Titel - Seite".
_TITLE_SEPARATORS = " |-–—:·"


def build_client(*, timeout: httpx.Timeout = CLIENT_TIMEOUT) -> httpx.AsyncClient:
    """Return the shared HTTP client for fetching pages, with explicit timeouts."""
    return httpx.AsyncClient(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )


def headline_and_outlet(title: str, text: str, url: str) -> tuple[str, str]:
    """Split a page's <title> into the headline and the outlet's name.

    The headline is the page's first line (its h1) when the <title> starts with it, and the
    rest of the <title> ("| Beispielzeitung") names the outlet; otherwise the whole <title>
    is the headline and the host name (without ``www.``) the outlet.
    """
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    first = text.strip().split("\n", 1)[0].strip()
    if first and title.startswith(first):
        site = title[len(first) :].strip(_TITLE_SEPARATORS)
        return first, site if 0 < len(site) <= MAX_SITE_NAME_CHARS else host
    return title or first, host


class Fetcher:
    """Fetch one article page and turn it into an :class:`Article`.

    Args:
        client: The shared client (tests pass one built on ``httpx.MockTransport``).
    """

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def fetch_article(self, url: str) -> Article:
        """Fetch ``url`` and return its title and readable text as an article.

        Raises:
            FetchError: The URL is not http(s), the request failed, the status is not 2xx,
                or the body is too large or not text.
        """
        if not url.startswith(("https://", "http://")):
            raise FetchError(f"GET {url}: not an http(s) URL; give the article's full link")
        try:
            async with self._client.stream("GET", url) as response:
                response.raise_for_status()
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > MAX_PAGE_BYTES:
                        raise FetchError(f"GET {url}: page over {MAX_PAGE_BYTES} bytes, skipped")
        except httpx.HTTPStatusError as err:
            status = err.response.status_code
            raise FetchError(f"GET {url} failed with status {status}; check the link") from err
        except httpx.HTTPError as err:
            raise FetchError(f"GET {url} failed: {err!r}; check the link and the network") from err
        text = decode(bytes(body))
        if text is None:
            raise FetchError(f"GET {url}: the page is not text")
        title, plain = html_to_text(text) if looks_like_html(text) else ("", text)
        headline, outlet = headline_and_outlet(title, plain, url)
        article_id = "url-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
        logger.info("Fetched %s (%d characters)", url, len(plain))
        return Article(id=article_id, text=plain, title=headline, url=url, outlet=outlet)
