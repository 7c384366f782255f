"""Feed polling: one round of 200 unchanged feeds (all 304), and 200 feeds with 1,000 new pages.

The feeds and pages come from the test web server (``tests/testkit/web.py``) on 127.0.0.1, in a
process of its own, with 50 ms added to every answer, as a distant outlet would; each round
runs in a fresh process, so wall, CPU and peak RSS are the poller's own. All feeds share one
host here, so ``fetch.per_host`` is set to ``fetch.concurrency`` (16): with real outlets, 200
feeds spread over many hosts.

Usage: ``python -m benchmarks.run --only feeds`` (or ``python -m benchmarks.bench_feeds PART``).
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing import Event, Process, Queue
from pathlib import Path

import httpx

from bot.adapters.fetch import Fetcher, build_client
from bot.adapters.poller import FeedPoller
from bot.adapters.storage import Storage
from bot.settings import FeedSettings, FetchSettings
from tests.testkit.web import Route, WebServer, article_page, rss

FEEDS = 200
PAGES_PER_FEED = 5
LATENCY = 0.05
UNCHANGED_RUNS = 3
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SETTINGS = FetchSettings(concurrency=16, per_host=16, deadline=20.0)
PARAGRAPHS = [
    "Der Landtag hat am Dienstag nach langer Debatte den Doppelhaushalt für die kommenden"
    " zwei Jahre beschlossen.",
    "Nach Angaben des Finanzministeriums steigen die Ausgaben um 3,5 Prozent auf 61 Milliarden"
    " Euro, vor allem für Bildung und Polizei.",
    "Die Opposition kritisierte, der Haushalt setze keine Schwerpunkte und verschiebe Lasten"
    " auf künftige Generationen.",
    "Der Ministerpräsident verteidigte die Pläne und sprach von einem soliden Kurs in"
    " schwierigen Zeiten.",
]


def _routes(*, new_pages: bool) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for f in range(FEEDS):
        items = [
            {"title": f"Meldung {f}-{n}", "link": f"/p/{f}/{n}.html", "guid": f"{f}-{n}"}
            for n in range(PAGES_PER_FEED)
        ]
        routes[f"/f/{f}.xml"] = Route(
            body=rss(items).encode(), content_type="application/rss+xml", etag='"v1"'
        )
        if new_pages:
            for n in range(PAGES_PER_FEED):
                headline = f"Landtag beschließt Haushalt ({f}-{n})"
                page = article_page(headline, [f"{p} ({f}-{n})" for p in PARAGRAPHS])
                routes[f"/p/{f}/{n}.html"] = Route(body=page.encode())
    return routes


def _serve(new_pages: bool, urls: Queue[str], stop: Event) -> None:
    with WebServer(_routes(new_pages=new_pages), latency=LATENCY) as web:
        urls.put(web.url(""))
        stop.wait()
        urls.put(str(len(web.requests)))


async def _baseline(base: str) -> float:
    """Wall seconds of the same 200 conditional GETs through the fetcher alone (no poller)."""
    async with build_client(timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        fetcher = Fetcher(client, settings=SETTINGS)
        wall = time.perf_counter()
        urls = [f"{base}/f/{f}.xml" for f in range(FEEDS)]
        await asyncio.gather(*(fetcher.get(url, etag='"v1"') for url in urls))
        return time.perf_counter() - wall


async def _round(base: str, storage: Storage, *, prime: bool) -> dict[str, object]:
    feeds = [FeedSettings(url=f"{base}/f/{f}.xml") for f in range(FEEDS)]
    if prime:  # the state a previous round left: every feed's ETag known
        for feed in feeds:
            storage.feed_state(feed.url, now=NOW)
            storage.record_feed_success(
                feed.url,
                now=NOW,
                next_poll=0,
                etag='"v1"',
                last_modified=None,
                fetch_url=None,
                items=PAGES_PER_FEED,
            )
    async with build_client(timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        poller = FeedPoller(Fetcher(client, settings=SETTINGS), storage, feeds=feeds)
        wall, cpu = time.perf_counter(), time.process_time()
        reports = await poller.poll(now=NOW, force=True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    states: dict[str, int] = {}
    for report in reports:
        states[report.state] = states.get(report.state, 0) + 1
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "states": states,
        "new": sum(r.new for r in reports),
    }


def part(name: str) -> dict[str, object]:
    new_pages = name == "new"
    urls: Queue[str] = Queue()
    stop = Event()
    server = Process(target=_serve, args=(new_pages, urls, stop), daemon=True)
    server.start()
    base = urls.get(timeout=60)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            storage = Storage(Path(tmp) / "bench.sqlite3")
            try:
                result = asyncio.run(_round(base, storage, prime=not new_pages))
            finally:
                storage.close()
    finally:
        stop.set()
        result_requests = urls.get(timeout=60)
        server.join(timeout=10)
    return {**result, "requests": int(result_requests)}


def baseline() -> dict[str, object]:
    urls: Queue[str] = Queue()
    stop = Event()
    server = Process(target=_serve, args=(False, urls, stop), daemon=True)
    server.start()
    base = urls.get(timeout=60)
    try:
        return {"wall": asyncio.run(_baseline(base))}
    finally:
        stop.set()
        server.join(timeout=10)


def _child(name: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_feeds", name],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(corpora: Path) -> str:
    unchanged, bases = [], []
    for _ in range(UNCHANGED_RUNS):  # interleaved: the machine's load hits both alike
        bases.append(float(_child("baseline")["wall"]))  # type: ignore[arg-type]
        unchanged.append(_child("unchanged"))
    new = _child("new")
    walls = [float(r["wall"]) for r in unchanged]  # type: ignore[arg-type]
    ratios = [w / b for w, b in zip(walls, bases, strict=True)]
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    rss = [float(r["rss_mb"]) for r in unchanged]  # type: ignore[arg-type]
    return "\n".join(
        [
            "## Feed polling (`bot.adapters.poller`)",
            "",
            __doc__.split("\n\n", 1)[1].split("\n\nUsage")[0].replace("\n", " "),
            "",
            "| round | feeds | result | wall s | CPU s | peak RSS MB | target |",
            "| --- | ---: | --- | ---: | ---: | ---: | --- |",
            f"| unchanged (all 304), median of {UNCHANGED_RUNS} | {FEEDS} |"
            f" {unchanged[0]['states']} | {statistics.median(walls):.2f} (fetcher alone"
            f" {statistics.median(bases):.2f}, ratio {statistics.median(ratios):.2f};"
            f" runs {', '.join(f'{w:.2f}' for w in walls)}) |"
            f" {statistics.median(float(r['cpu']) for r in unchanged):.2f} |"  # type: ignore[arg-type]
            f" {statistics.median(rss):.0f} | ≤ 5 s wall, ≤ 150 MB |",
            f"| {FEEDS * PAGES_PER_FEED:,} new pages | {FEEDS} | {new['new']} articles stored,"
            f" {new['requests']} requests | {float(new['wall']):.1f} |"  # type: ignore[arg-type]
            f" {float(new['cpu']):.1f} | {float(new['rss_mb']):.0f} | reported |",  # type: ignore[arg-type]
            "",
            f"Load average when the run ended: {load} on 2 cores (other engineers' jobs); the"
            " fetcher-alone baseline (the same 200 conditional GETs, no poller, no database) is"
            " measured interleaved with the rounds, so the ratio is what the poller adds.",
            "",
        ]
    )


if __name__ == "__main__":
    chosen = sys.argv[1] if len(sys.argv) > 1 else "unchanged"
    print(json.dumps(baseline() if chosen == "baseline" else part(chosen)))
