"""A local web server on 127.0.0.1 serving feeds and article pages, with the faults outlets have.

Each path is a :class:`Route`: status, headers, body, an ``ETag`` answered with 304, a burst of
errors before the good answer, a slow drip, an endless body, a redirect. Tests, the e2e suite
and the feed benchmarks use it over real sockets.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """How the server answers one path.

    Attributes:
        body: The body of a good answer.
        content_type: Its Content-Type.
        status: Its status.
        headers: Extra headers (Retry-After, Cache-Control, Location).
        etag: Answer 304 when the request's If-None-Match equals it.
        errors: Statuses answered first, one per request, before the good answer.
        drip: Seconds between single bytes of the body (a slow server).
        endless: Send bytes forever (until the client hangs up).
    """

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    errors: list[int] = field(default_factory=list)
    drip: float = 0.0
    endless: bool = False


class _Server(ThreadingHTTPServer):
    # The listen backlog is set when the socket is bound: the default of 5 drops connections
    # when a poll round opens 16 at once, and each dropped one costs a 1 s SYN retry.
    request_queue_size = 256
    daemon_threads = True


@dataclass(frozen=True)
class Request:
    """A request as the server saw it."""

    path: str
    headers: dict[str, str]


class WebServer:
    """Serve routes on 127.0.0.1; unknown paths get 404. ``latency`` delays every answer."""

    def __init__(self, routes: dict[str, Route] | None = None, *, latency: float = 0.0) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Request] = []
        self.latency = latency
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append(
                Request(handler.path, {k.lower(): v for k, v in handler.headers.items()})
            )
            # Like a real site: the query string selects nothing unless a route names it.
            route = self.routes.get(handler.path) or self.routes.get(handler.path.split("?")[0])
            error = route.errors.pop(0) if route is not None and route.errors else None
        if self.latency:
            time.sleep(self.latency)
        if route is None:
            self._send(handler, 404, {"Content-Type": "text/html"}, b"<html>Nicht gefunden</html>")
            return
        if error is not None:
            self._send(
                handler,
                error,
                {"Content-Type": "text/html", **route.headers},
                b"<html>Fehler</html>",
            )
            return
        if route.etag and handler.headers.get("If-None-Match") == route.etag:
            self._send(handler, 304, {"ETag": route.etag}, b"")
            return
        headers = {"Content-Type": route.content_type} if route.content_type else {}
        headers.update(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        try:
            if route.endless or route.drip:
                self._stream(handler, route, headers)
            else:
                self._send(handler, route.status, headers, route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def _send(
        self, handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _stream(
        self, handler: BaseHTTPRequestHandler, route: Route, headers: dict[str, str]
    ) -> None:
        handler.send_response(route.status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        if route.endless:
            chunk = b"<item>" + b"x" * 65_530
            while not self._stop.is_set():
                handler.wfile.write(chunk)
            return
        for byte in route.body:
            if self._stop.wait(route.drip):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    def __enter__(self) -> WebServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


# -- builders of feeds and pages ---------------------------------------------------------


def rss(
    items: list[dict[str, str]], *, title: str = "Beispielzeitung", encoding: str = "utf-8"
) -> str:
    """Return an RSS 2.0 feed of items with title, link, guid, description, pubDate."""
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>', '<rss version="2.0"><channel>']
    parts.append(f"<title>{title}</title><link>https://beispiel.example/</link>")
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "description", "pubDate"):
            if key in item:
                parts.append(f"<{key}>{item[key]}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def atom(entries: list[dict[str, str]], *, title: str = "Atom-Zeitung") -> str:
    """Return an Atom feed of entries with id, title, link, summary, updated."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
    ]
    parts.append(f"<title>{title}</title><id>urn:feed</id><updated>2026-12-01T08:00:00Z</updated>")
    for entry in entries:
        parts.append(
            f"<entry><id>{entry['id']}</id><title>{entry['title']}</title>"
            f'<link href="{entry["link"]}"/><summary>{entry.get("summary", "")}</summary>'
            f"<updated>{entry.get('updated', '2026-12-01T08:00:00Z')}</updated></entry>"
        )
    parts.append("</feed>")
    return "\n".join(parts)


def rdf(items: list[dict[str, str]], *, title: str = "RDF-Zeitung") -> str:
    """Return an RSS 1.0 (RDF) feed of items with title, link, description."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/">',
        f'<channel rdf:about="urn:rdf"><title>{title}</title><link>https://rdf.example/</link></channel>',
    ]
    for item in items:
        parts.append(
            f'<item rdf:about="{item["link"]}"><title>{item["title"]}</title>'
            f"<link>{item['link']}</link>"
            f"<description>{item.get('description', '')}</description></item>"
        )
    parts.append("</rdf:RDF>")
    return "\n".join(parts)


def article_page(
    headline: str,
    paragraphs: list[str],
    *,
    site: str = "Beispielzeitung",
    og: bool = True,
    published: str = "2026-12-01T09:30:00+01:00",
    extra_head: str = "",
) -> str:
    """Return a news page as outlets build it: menus, consent banner, teaser links, footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    meta = (
        f'<meta property="og:title" content="{headline} | {site}">'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{published}">'
        if og
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{headline} | {site}</title>
{meta}{extra_head}</head>
<body>
<div class="consent-banner"><p>Wir verwenden Cookies und ähnliche Technologien.
Mit Klick auf „Akzeptieren“ stimmen Sie der Datenverarbeitung zu.</p>
<button>Akzeptieren</button></div>
<header><nav><ul><li><a href="/">Startseite</a></li><li><a href="/politik">Politik</a></li>
<li><a href="/wirtschaft">Wirtschaft</a></li></ul></nav></header>
<main><article>
<h1>{headline}</h1>
{body}
<aside><h2>Mehr zum Thema</h2>
<ul><li><a href="/x1">Weitere Meldungen aus der Region</a></li></ul></aside>
</article></main>
<footer><p>© 2026 {site}. Alle Rechte vorbehalten. Impressum · Datenschutz</p></footer>
</body></html>"""


def serve_pages(server: WebServer, pages: dict[str, str]) -> None:
    """Add HTML pages to a server."""
    for path, html in pages.items():
        server.routes[path] = Route(body=html.encode("utf-8"))
