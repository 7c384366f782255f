"""Fan-out of one digest to 100 chats through the outbox, against the fake Bot API server.

The fake server (tests/testkit/telegram) enforces Telegram's limits - 30 messages in any second
overall, 20 in any minute per group or channel - and answers 429 beyond them. The
theoretical minimum for n messages of k per chat is what those sliding windows allow at best:
the first 30 at once, then 30 more each second, i.e. ``ceil(n / 30) - 1`` seconds (and
``(ceil(k / 20) - 1) * 60`` seconds per chat, which binds only above 20 messages per chat).
The ratio is measured time over that minimum; target: within 1.2x, nothing lost or
duplicated. Reads no corpus: the digest is the seeds' digest.

Both storage backends in the same run (``benchmarks.backends``): SQLite and a fresh database
on the PostgreSQL test server, rounds alternating, so their ratio is read from one run.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from benchmarks.backends import (
    POSTGRES_ASYNC,
    backends,
    median_cell,
    pg_ratio,
    postgres_server,
    storage_location,
)
from bot.adapters.files import read_inputs
from bot.adapters.options import BotSettings
from bot.adapters.outbox import Outbox
from bot.adapters.pacing import Pacing
from bot.adapters.posting import button_rows
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.adapters.tables import load_language
from bot.core.models import Digest
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest
from tests.testkit.telegram import GLOBAL_LIMIT, GROUP_LIMIT, TOKEN, FakeChat, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
CHATS = 100


def _minimum(total: int, per_chat: int) -> float:
    limit, period = GLOBAL_LIMIT
    chat_limit, chat_period = GROUP_LIMIT
    return max(
        (math.ceil(total / limit) - 1) * period,
        (math.ceil(per_chat / chat_limit) - 1) * chat_period,
    )


async def _fan_out(pages: list[str], kind: str, location: str) -> dict[str, float]:
    now = datetime.now(UTC)
    with FakeTelegram() as fake:
        storage = Storage(location)
        chats = [-1_000_000_000_000 - n for n in range(CHATS)]
        for chat in chats:
            fake.add_chat(FakeChat(chat, "channel" if kind == "channel" else "supergroup"))
        digest_id = storage.save_digest(Digest(stories=()), kind="digest", created=now)
        markup = button_rows(
            kind,
            digest_id=digest_id,
            story=0,
            bot_username="kurzlage_bot",
            labels=("Quellen", "Zahlen"),
        )
        with storage.transaction():
            for chat in chats:
                messages = [(page, markup) for page in pages]
                storage.enqueue_digest(digest_id, str(chat), kind=kind, messages=messages, now=now)
        settings = BotSettings()
        request = HTTPXRequest(connection_pool_size=settings.send_concurrency)
        limiter = Pacing(settings)
        async with ExtBot(
            TOKEN, base_url=fake.base_url, request=request, rate_limiter=limiter
        ) as bot:
            outbox = Outbox(
                storage, bot, settings=settings, renderer=Renderer(), now=lambda: datetime.now(UTC)
            )
            started = time.monotonic()
            report = await outbox.drain()
            elapsed = time.monotonic() - started
        per_message = _bookkeeping_ms(storage, chats, now)
        storage.close()
        per_chat = Counter(s.chat_id for s in fake.sent)
        total = CHATS * len(pages)
        return {
            "messages": total,
            "seconds": elapsed,
            "minimum": _minimum(total, len(pages)),
            "lost": sum(max(0, len(pages) - per_chat[c]) for c in chats),
            "duplicated": sum(max(0, per_chat[c] - len(pages)) for c in chats),
            "429": fake.count("sendMessage", status=429),
            "waiting": report.waiting,
            "bookkeeping_ms": per_message,
        }


def _bookkeeping_ms(storage: Storage, chats: list[int], now: datetime) -> float:
    """Milliseconds per message of the outbox's own writes: claim, then mark sent.

    Timed apart from the drain, on a second digest queued for the same chats and never sent:
    the outbox makes these two calls around each request, on the event loop's thread.
    """
    digest_id = storage.save_digest(Digest(stories=()), kind="digest", created=now)
    with storage.transaction():
        for chat in chats:
            storage.enqueue_digest(
                digest_id, str(chat), kind="channel", messages=[("x", None)], now=now
            )
    queued = [m for m in storage.unsent_messages() if m.digest_id == digest_id]
    started = time.perf_counter()
    for message in queued:
        storage.claim_message(message.id)
        storage.mark_sent(message.id, telegram_id=1, now=now)
    return 1000 * (time.perf_counter() - started) / len(queued)


#: The two fan-outs: label, messages per chat, kind of chat.
FAN_OUTS = (
    ("1 message to 100 channels", 1, "channel"),
    ("2 messages to 100 groups", 2, "group"),
)
#: Rounds per backend and fan-out, alternating between the backends.
ROUNDS = 3
#: Target: measured time within this factor of the limits' minimum.
TARGET = 1.2


def _backends(server: str | None) -> tuple[str, ...]:
    return (*backends(server), POSTGRES_ASYNC) if server is not None else backends(server)


def _rounds(page: str, server: str | None) -> dict[tuple[str, str], list[dict[str, float]]]:
    """Run every fan-out ROUNDS times on each backend, alternating; results by (label, backend)."""
    found: dict[tuple[str, str], list[dict[str, float]]] = {}
    for number in range(1, ROUNDS + 1):
        for label, per_chat, kind in FAN_OUTS:
            for backend in _backends(server):
                with storage_location(backend, server) as location:
                    r = asyncio.run(_fan_out([page] * per_chat, kind, location))
                found.setdefault((label, backend), []).append(r)
                print(
                    f"   round {number} {label} on {backend}: {r['seconds']:.2f} s",
                    file=sys.stderr,
                )
    return found


def _row(label: str, backend: str, results: list[dict[str, float]]) -> str:
    seconds = [r["seconds"] for r in results]
    minimum = results[0]["minimum"]
    ratio = statistics.median(seconds) / minimum
    counts = [sum(r[key] for r in results) for key in ("lost", "duplicated", "429")]
    bookkeeping = statistics.median(r["bookkeeping_ms"] for r in results)
    return (
        f"| {label} | {backend} | {results[0]['messages']:.0f} | {median_cell(seconds)}"
        f" | {minimum:.0f} s | {ratio:.2f}x{'' if ratio <= TARGET else ' (over)'}"
        f" | {counts[0]:.0f} | {counts[1]:.0f} | {counts[2]:.0f} | {bookkeeping:.1f} ms |"
    )


def run(corpora: Path) -> str:
    """Run the fan-outs on each backend; return the Markdown section."""
    del corpora  # reads no corpus
    digest = build_digest(
        read_inputs([ROOT / "seeds"]).articles, settings=DigestOptions(), lang=load_language()
    )
    page = Renderer().digest_messages(digest)[0].text
    server, postgres = postgres_server()
    found = _rounds(page, server)
    rows, ratios = [], []
    for label, _, _ in FAN_OUTS:
        medians = {}
        for backend in _backends(server):
            rows.append(_row(label, backend, found[label, backend]))
            medians[backend] = statistics.median(r["seconds"] for r in found[label, backend])
        ratios.append(
            f"{label}: **{pg_ratio(medians)}** ({pg_ratio(medians, POSTGRES_ASYNC)} with"
            " `synchronous_commit` off)"
        )
    from benchmarks.run import _commit, _machine  # the header's helpers (as bench_editions)

    return "\n".join(
        [
            "## Fan-out of one digest (outbox against the fake Bot API server)",
            "",
            f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {_machine()}, commit"
            f" {_commit()}; the machine is shared with other sessions, so read the"
            " same-run ratios rather than the seconds (`benchmarks/bench_fanout.py`).",
            "",
            "Telegram's limits on (30 messages/s overall, 20/min per group or channel), default"
            " pacing (`[bot]` settings), seeds' digest with its buttons, queued in one"
            " transaction, then one `Outbox.drain()` timed. Minimum = what the limits allow at"
            " best (first 30 at once, then 30 per second). Target: within"
            f" {TARGET:g}x, zero lost or duplicated. Backends: SQLite (a file in a temporary"
            " folder), "
            + (postgres if server is not None else f"no PostgreSQL ({postgres})")
            + f" (a fresh database per run) and {POSTGRES_ASYNC} (below); {ROUNDS} rounds each,"
            " alternating (SQLite, PostgreSQL, PostgreSQL async, SQLite, …); the median and"
            " every round's time; lost, duplicated and 429s summed over the rounds.",
            "",
            "| Fan-out | Backend | Messages | Time: median (rounds) | Minimum | Ratio | Lost"
            " | Duplicated | 429s | claim + mark sent |",
            "|---|---|---:|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "- PostgreSQL / SQLite, ratio of the medians: " + "; ".join(ratios) + ".",
            "- claim + mark sent: the outbox's two writes around each request (two commits),"
            " per message, median over the rounds; timed apart from the drain on a second"
            " digest queued for the same chats. They run on the event loop's thread, so"
            " while one waits for its commit no other chat's send starts.",
            f"- {POSTGRES_ASYNC}: the same server, the bot's connections with"
            " `options=-c synchronous_commit=off` in the URL (a commit returns before its WAL"
            " is flushed; lost only if the server itself crashes, within about 3 x"
            " `wal_writer_delay`, as SQLite's `synchronous = NORMAL`, the bot's setting, loses"
            " the last commits only on power loss). For comparison: the bot does not set it.",
            "",
        ]
    )


if __name__ == "__main__":
    print(run(ROOT.parent / "shared" / "corpora"))
