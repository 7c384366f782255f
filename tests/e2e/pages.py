"""A local web server on 127.0.0.1 serving article pages to the bot (``/push <url>``)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: A German news page as outlets publish it: headline, teaser, a photo with its caption,
#: paragraphs, a list of related links, navigation and a footer.
ARTICLE = HERE / "artikel.html"


class PageServer:
    """Serve ``pages`` (path -> HTML); ``/langsam`` never answers; anything else is a 404."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.requests: list[str] = []
        self._stalled = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                if self.path == "/langsam":
                    server._stalled.wait(timeout=30)  # until the test is over
                    return
                body = server.pages.get(self.path)
                status = 200 if body is not None else 404
                body = body if body is not None else b"<html><h1>Nicht gefunden</h1></html>"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stalled.set()
        self._server.shutdown()
        self._server.server_close()
