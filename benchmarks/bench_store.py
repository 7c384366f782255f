"""Ingest and digest of 1,000 articles on both storage backends (SQLite and PostgreSQL).

Usage (from the repository root, PostgreSQL started by ``. .ci/postgres``)::

    python -m benchmarks.bench_store [--corpora ../shared/corpora]

1,000 10kGNAD articles (the inputs of ``bench_latency``) in one JSON Lines file go into a new,
empty store through the bot's own path, ``Publisher.ingest`` (the inbox: the file read in a
worker thread, then per article the marker and id checks and the insert, one transaction
for the file); then one edition through ``Publisher.post_digest`` (read the edition pool,
build in the worker thread, save the digest, record the edition, render and queue its
messages for ``CHATS`` channels in one transaction). Both are timed whole, each round.

The storage's part is timed directly, in a second new store of the same backend, in the same
round: one ``Storage.add_articles`` call with the 1,000 articles; reading the edition pool;
then what ``post_digest`` does after the build, for the digest it posted and with its pages
rendered before (``Publisher._queue``: save, record the edition, queue for every channel,
one transaction). The ingest's storage share is the whole ingest minus ``read_file`` of the
same file (the least of three reads just before). The edition's is not taken as the whole
minus a build timed beside it: both are seconds of CPU on a shared machine, and their
difference was noise (negative in some rounds of the first runs); the edition's CPU time in
this process is given instead (the build's, mostly; PostgreSQL's server work is not in it).

Rounds alternate between the backends (``benchmarks.backends``); medians and the
PostgreSQL/SQLite ratio of the medians. Peak RSS of the process from ``getrusage``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.backends import backends, median_cell, pg_ratio, postgres_server, storage_location
from benchmarks.bench_latency import SOURCES, _articles, _write
from bot.adapters.files import read_file
from bot.adapters.options import BotSettings
from bot.adapters.posting import Publisher
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.adapters.tables import load_language
from bot.adapters.worker import compose_edition
from bot.core.models import Article
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 1000
#: Channels the edition is queued for.
CHATS = 10
#: Rounds per backend, alternating: five, as one build's wall time varies by half on the shared
#: machine.
ROUNDS = 5
NOW = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)
#: The edition's time: the articles were added at NOW.
LATER = NOW + timedelta(minutes=5)
#: What each round times, in the order of the table.
MEASURES = (
    ("ingest", "store 1,000: `Publisher.ingest` of the file"),
    ("read", "&nbsp;&nbsp;of which `read_file` (no storage)"),
    ("ingest_storage", "&nbsp;&nbsp;storage share (the rest)"),
    ("add", "store 1,000: one `Storage.add_articles` call"),
    ("edition", f"edition: `Publisher.post_digest`, {CHATS} channels"),
    ("edition_cpu", "&nbsp;&nbsp;its CPU time in this process (all threads)"),
    ("pool", "&nbsp;&nbsp;storage: read the edition pool"),
    ("save", "&nbsp;&nbsp;storage: save, record the edition, queue"),
    ("storage", "&nbsp;&nbsp;storage share (read + save)"),
)


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


@contextmanager
def _publisher(location: str, settings: Settings) -> Iterator[tuple[Storage, Publisher]]:
    storage = Storage(location)
    try:
        yield (
            storage,
            Publisher(
                storage,
                Renderer(),
                settings=settings,
                lang=load_language(),
                bot_username="kurzlage_bot",
            ),
        )
    finally:
        storage.close()


def _round(rows: list[dict[str, str]], first: str, second: str) -> dict[str, float]:
    """One round on one backend: the bot's path in the store at ``first``, parts in ``second``."""
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder) / "inbox"
        inbox.mkdir()
        channels = tuple(str(-1_000_000_000_000 - n) for n in range(CHATS))
        settings = Settings(bot=BotSettings(channels=channels, inbox=str(inbox)))
        options = settings.digest
        path = inbox / "articles.jsonl"
        _write(path, rows)
        settled = (NOW - timedelta(hours=1)).timestamp()
        os.utime(path, (settled, settled))  # complete: read at the first look
        # The least of three reads: the file's part of the ingest with the least noise.
        found["read"] = min(
            _timed(lambda: read_file(path, timezone=options.timezone)) for _ in range(3)
        )
        with _publisher(first, settings) as (storage, publisher):
            found["ingest"] = _timed(lambda: asyncio.run(publisher.ingest(inbox, now=NOW)))
            if storage.count_new_articles() != len(rows):
                raise RuntimeError(f"bench_store: {storage.count_new_articles()} stored")
            posted = []
            cpu = time.process_time()
            found["edition"] = _timed(
                lambda: posted.append(asyncio.run(publisher.post_digest(now=LATER)))
            )
            found["edition_cpu"] = time.process_time() - cpu
            stored = storage.digest(posted[0].digest_id) if posted and posted[0] else None
            if stored is None or posted[0] is None or posted[0].chats != CHATS:
                raise RuntimeError(f"bench_store: the edition posted {posted}")
            found["queued"] = storage.outbox_counts().pending
    articles = [Article(id=r["id"], title=r["title"], text=r["text"]) for r in rows]
    pages = Renderer().digest_messages(stored.digest)
    with _publisher(second, settings) as (storage, publisher):
        found["add"] = _timed(lambda: storage.add_articles(articles, now=NOW))
        pools = []
        found["pool"] = _timed(
            lambda: pools.append(storage.edition_pool(now=LATER, carry_hours=options.carry_hours))
        )
        # What post_digest does after the build (the same digest, rendered before): save it,
        # record the edition of the pool's fresh articles and queue its pages for every
        # channel, in one transaction.
        found["save"] = _timed(
            lambda: publisher._queue(
                stored.digest,
                kind="digest",
                now=LATER,
                targets=publisher.targets(),
                pages=pages,
                considered=[a.id for a in pools[0].fresh],
            )
        )
    found["ingest_storage"] = found["ingest"] - found["read"]
    found["storage"] = found["pool"] + found["save"]
    return found


def _median(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(corpora: Path) -> str:
    """Run the rounds on both backends; return the Markdown section."""
    from benchmarks.run import _commit, _machine  # the header's helpers (as bench_editions)

    title = "## Ingest and digest of 1,000 articles on both backends"
    if not all((corpora / name).is_file() for name in SOURCES):
        line = f"Skipped: 10kGNAD not found under {corpora} (`benchmarks/bench_store.py`)."
        print(f"bench_store: {line}", file=sys.stderr)
        return f"{title}\n\n{line}\n"
    rows = _articles(corpora, ARTICLES)
    server, postgres = postgres_server()
    lang = load_language()
    # Untimed: the stem cache warm before the first round, as later rounds find it.
    compose_edition(
        [Article(id=r["id"], title=r["title"], text=r["text"]) for r in rows],
        [],
        [],
        settings=Settings().digest,
        lang=lang,
        created=NOW,
    )
    rss_before = _peak_rss_mb()
    results: dict[str, list[dict[str, float]]] = {}
    for number in range(1, ROUNDS + 1):
        for backend in backends(server):
            with (
                storage_location(backend, server) as location,
                storage_location(backend, server) as other,
            ):
                r = _round(rows, location, other)
            results.setdefault(backend, []).append(r)
            print(
                f"   round {number} on {backend}: ingest {r['ingest']:.2f} s, add"
                f" {r['add']:.2f} s, edition {r['edition']:.2f} s",
                file=sys.stderr,
            )
    table = []
    for key, label in MEASURES:
        medians = {b: _median(results[b], key) for b in results}
        cells = [median_cell([r[key] for r in results[b]]) for b in backends(server)]
        if server is None:
            cells.append("–")
        table.append(f"| {label} | {' | '.join(cells)} | {pg_ratio(medians)} |")
    queued = {int(r["queued"]) for rs in results.values() for r in rs}
    return "\n".join(
        [
            title,
            "",
            f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {_machine()}, commit"
            f" {_commit()}; the machine is shared with other sessions, so read the"
            " same-run ratios rather than the seconds (`benchmarks/bench_store.py`).",
            "",
            f"{len(rows):,} 10kGNAD articles (`{'`, `'.join(SOURCES)}`) in one JSON Lines"
            " file, ingested into a new, empty store through `Publisher.ingest` (the inbox:"
            " per article its checks and insert, one transaction for the file); then one"
            f" edition through `Publisher.post_digest` queued for {CHATS} channels"
            f" ({', '.join(str(q) for q in sorted(queued))} outbox messages). The storage's"
            " parts timed directly in a second new store of the same backend, same round: the"
            " same articles in one `Storage.add_articles` call, the edition pool read, then"
            " the posted digest saved, the edition recorded and its pages queued for the"
            " channels in one transaction (`Publisher._queue`, pages rendered before). Not"
            " the edition minus a build timed beside it: two CPU-bound times of seconds on a"
            " shared machine, whose difference was noise (negative in some rounds of the first"
            " runs). SQLite: a file in a temporary folder;"
            + (
                f" {postgres}: a fresh database per store"
                if server is not None
                else f" no PostgreSQL ({postgres})"
            )
            + f". {ROUNDS} rounds per backend, alternating; medians (every round).",
            "",
            "| seconds (wall, but one row) | SQLite | PostgreSQL | PostgreSQL / SQLite |",
            "|---|---|---|---:|",
            *table,
            "",
            "- Storage share of the edition (its median over the edition's): "
            + "; ".join(
                f"{b} {100 * _median(rs, 'storage') / _median(rs, 'edition'):.0f} %"
                for b, rs in results.items()
            )
            + ".",
            f"- Peak RSS of the process: {rss_before:.0f} MB after loading the articles and one"
            f" warm-up build, {_peak_rss_mb():.0f} MB after every round (both backends in one"
            " process, so not split by backend).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Print the section for ``benchmarks/RESULTS.md``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    args = parser.parse_args(argv)
    sys.stdout.write(run(args.corpora))
    return 0


if __name__ == "__main__":
    sys.exit(main())
