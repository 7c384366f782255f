"""HTTP fetching of feeds and pages with the bot's one ``httpx.AsyncClient``.

Every request here is bounded: a total deadline (a server dripping one byte every two
seconds cannot hold it past ``fetch.deadline``), a body cap, at most ``fetch.concurrency``
requests in flight and ``fetch.per_host`` per host, so one slow or broken outlet never slows
the others. Redirects are followed here, hop by hop, so each hop can be checked (``/push``
refuses addresses inside the network) and a permanent one remembered. httpx errors stay at
this boundary: callers see :class:`~bot.errors.FetchError` only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bot.adapters.files import decode
from bot.adapters.options import FetchSettings
from bot.adapters.pages import Page, extract_page, page_article
from bot.core.models import Article
from bot.core.urls import article_id, identity_keys
from bot.errors import FetchError, ParseError

logger = logging.getLogger(__name__)

#: Timeouts of the shared client per connect and per read, in seconds (the overall deadline
#: of one request is ``fetch.deadline``, enforced around the whole exchange).
CLIENT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Redirect hops followed before giving up (browsers allow 20; news sites use 1 or 2).
MAX_REDIRECTS = 5
# Longest wait a server may ask for with Retry-After or Cache-Control before we ask again
# (6 hours: a feed that says "come back tomorrow" is still looked at four times a day).
MAX_WAIT_SECONDS = 6 * 3600
_PERMANENT = frozenset({301, 308})
_REDIRECT = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

#: Resolves a host and port to the IP addresses a connection would use.
Resolver = Callable[[str, int], Awaitable[list[str]]]


class StatusError(FetchError):
    """The server answered with an error status; ``retry_after`` is its wish, in seconds."""

    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class _Pinned:
    """Where a request goes: the URL (host replaced by its checked address), Host, SNI."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


class RefusedError(FetchError):
    """A chat-supplied URL points inside the network, or at something that is not a page."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer: 200 with a body, or 304 (unchanged) without.

    Attributes:
        url: The URL that answered (after redirects).
        status: 200 or 304.
        body: The body (empty for 304), at most ``fetch.max_bytes``.
        content_type: The ``Content-Type`` header as sent (with its charset).
        etag: The ``ETag`` to send next time, where given.
        last_modified: The ``Last-Modified`` to send next time, where given.
        moved_to: Where a chain of permanent redirects (301, 308) from the asked URL ended;
            None when the first hop was not permanent.
        fresh_for: Seconds the answer stays fresh (``Cache-Control: max-age``, ``Expires``).
    """

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None
    fresh_for: float | None = None


def build_client(
    *, timeout: httpx.Timeout = CLIENT_TIMEOUT, user_agent: str = FetchSettings().user_agent
) -> httpx.AsyncClient:
    """Return the shared HTTP client, with explicit timeouts; redirects are followed here."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=40)
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=False,
        limits=limits,
        headers={"User-Agent": user_agent},
    )


async def _system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def seconds_from(value: str | None, *, now: datetime) -> float | None:
    """Return the seconds a ``Retry-After`` or ``Expires`` value asks for, None if unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_WAIT_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_WAIT_SECONDS)


def _fresh_for(headers: httpx.Headers, now: datetime) -> float | None:
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() in {"no-cache", "no-store"}:
            return None
        if name.lower() == "max-age" and value.strip().isdigit():
            return min(float(value.strip()), MAX_WAIT_SECONDS)
    return seconds_from(headers.get("expires"), now=now)


class Fetcher:
    """Fetch feeds and pages within the limits of the ``[fetch]`` settings.

    Args:
        client: The shared client (tests pass one built on ``httpx.MockTransport``).
        settings: Limits and the ``/push`` guard.
        resolve: Resolves host names for the ``/push`` guard (default: the system resolver).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        settings: FetchSettings | None = None,
        resolve: Resolver = _system_resolve,
    ) -> None:
        self._client = client
        self.settings = settings or FetchSettings()
        self._resolve = resolve
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def _check_public(self, url: str) -> _Pinned:
        """Refuse a URL whose host resolves inside the network; else pin it to the address.

        The request then goes to the checked address (Host header and TLS server name stay
        the host's), so a second lookup answering 127.0.0.1 (DNS rebinding) is never made.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = [host] if _is_ip(host) else await self._resolve(host, port)
        except (OSError, ValueError) as err:
            raise FetchError(
                f"GET {url}: cannot resolve {host!r} ({err}); check the link"
            ) from None
        inside = [a for a in addresses if not _public(a)]
        if inside or not addresses:
            raise RefusedError(
                f"GET {url}: refused, {host} is an address inside the network"
                f" ({', '.join(inside) or 'none'}); set fetch.allow_private_push to allow it"
            )
        if _is_ip(host):
            return _Pinned(url=url)
        address = addresses[0]
        netloc = f"[{address}]" if ":" in address else address
        netloc += f":{parts.port}" if parts.port else ""
        pinned = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        return _Pinned(
            url=pinned,
            headers={"Host": parts.netloc.rsplit("@", 1)[-1]},
            extensions={"sni_hostname": host},
        )

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        guard: bool = False,
        html_only: bool = False,
    ) -> Fetched:
        """GET ``url`` within the deadline and size cap, following redirects.

        Args:
            url: An http(s) URL.
            etag: Sent as ``If-None-Match``.
            last_modified: Sent as ``If-Modified-Since``.
            guard: Refuse loopback, private, link-local and reserved addresses, checked
                after resolving the host, on every redirect hop (chat-supplied URLs).
            html_only: Refuse an answer whose content type is not an HTML page.

        Raises:
            StatusError: The server answered with an error status (429, 503 with a wish).
            RefusedError: ``guard`` or ``html_only`` refused the URL or its answer.
            FetchError: The URL is not http(s), or the request failed or took too long.
        """
        if not url.startswith(("https://", "http://")):
            raise FetchError(f"GET {url}: not an http(s) URL; give the full link")
        host = (urlsplit(url).hostname or "").lower()
        per_host = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        async with self._slots, per_host:
            try:
                async with asyncio.timeout(self.settings.deadline):
                    return await self._exchange(
                        url,
                        etag=etag,
                        last_modified=last_modified,
                        guard=guard,
                        html_only=html_only,
                    )
            except TimeoutError:
                raise FetchError(
                    f"GET {url}: no complete answer within {self.settings.deadline:g} s"
                    " (fetch.deadline); the server is too slow"
                ) from None
            except httpx.HTTPError as err:
                raise FetchError(
                    f"GET {url} failed: {err!r}; check the link and the network"
                ) from err

    async def _exchange(
        self,
        url: str,
        *,
        etag: str | None,
        last_modified: str | None,
        guard: bool,
        html_only: bool,
    ) -> Fetched:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current, moved_to, permanent = url, None, True
        for _ in range(MAX_REDIRECTS + 1):
            route = await self._check_public(current) if guard else _Pinned(url=current)
            async with self._client.stream(
                "GET",
                route.url,
                headers={**headers, **route.headers},
                extensions=route.extensions,
            ) as response:
                if response.status_code in _REDIRECT and "location" in response.headers:
                    target = urljoin(current, response.headers["location"])
                    permanent = permanent and response.status_code in _PERMANENT
                    moved_to = target if permanent else moved_to
                    if not target.startswith(("https://", "http://")):
                        raise FetchError(f"GET {url}: redirected to {target!r}, not http(s)")
                    current = target
                    continue
                return await self._answer(url, current, response, moved_to, html_only=html_only)
        raise FetchError(f"GET {url}: more than {MAX_REDIRECTS} redirects; check the link")

    async def _answer(
        self,
        asked: str,
        current: str,
        response: httpx.Response,
        moved_to: str | None,
        *,
        html_only: bool,
    ) -> Fetched:
        now = datetime.now(UTC)
        status = response.status_code
        if status == 304:
            return Fetched(
                url=current,
                status=304,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                moved_to=moved_to,
                fresh_for=_fresh_for(response.headers, now),
            )
        if status >= 400 or status < 200:
            wait = seconds_from(response.headers.get("retry-after"), now=now)
            hint = f", retry after {wait:g} s" if wait is not None else ""
            raise StatusError(
                f"GET {asked} failed with status {status}{hint}", status=status, retry_after=wait
            )
        content_type = response.headers.get("content-type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if html_only and media_type and media_type not in _HTML_TYPES:
            raise RefusedError(f"GET {asked}: {media_type} is not an HTML page, refused")
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"GET {asked}: {declared} bytes, over fetch.max_bytes ({cap})")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > cap:
                raise FetchError(f"GET {asked}: body over fetch.max_bytes ({cap} bytes), cut off")
        if html_only and not media_type and not _looks_like_markup(bytes(body[:1024])):
            raise RefusedError(f"GET {asked}: no content type and not HTML, refused")
        return Fetched(
            url=current,
            status=status,
            body=bytes(body),
            content_type=content_type,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            moved_to=moved_to,
            fresh_for=_fresh_for(response.headers, now),
        )

    async def fetch_article(
        self, url: str, *, guard: bool = True, outlet: str | None = None
    ) -> Article:
        """Fetch one article page and extract it (in a worker thread).

        Args:
            url: The page.
            guard: Refuse addresses inside the network (``/push``; the operator's own
                configured or typed URLs pass ``False``). ``fetch.allow_private_push``
                lifts it.
            outlet: The outlet's name where the operator configured one.

        Raises:
            FetchError: Fetching failed or was refused, or the page has no readable text.
        """
        fetched = await self.get(
            url, guard=guard and not self.settings.allow_private_push, html_only=True
        )
        try:
            article, _ = await asyncio.to_thread(page_from_bytes, fetched, url=url, outlet=outlet)
        except ParseError as err:
            raise FetchError(str(err)) from None
        return article


def _looks_like_markup(head: bytes) -> bool:
    """Tell whether a body without a content type starts like an HTML page."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<!--", b"<head", b"<body", b"<meta"))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def page_from_bytes(
    fetched: Fetched, *, url: str, outlet: str | None = None, guid: str | None = None
) -> tuple[Article, Page]:
    """Decode and extract a fetched page into an article whose id is its identity.

    Returns:
        The article, and the page it was made of (which says whether it is paywalled).

    Raises:
        ParseError: The body is not text or the page has no readable text.
    """
    text = decode(fetched.body)
    if text is None:
        raise ParseError(f"GET {url}: the page is not text")
    page = extract_page(text, url=fetched.url, outlet=outlet)
    keys = identity_keys(url=url, guid=guid)
    logger.info("Fetched %s (%d characters)", url, len(page.text))
    return page_article(page, article_id=article_id(keys), url=url), page
