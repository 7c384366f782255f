"""Reply latency while a digest is built: /hilfe and /quelle during a 1,000-article build.

The real bot ``Application`` runs against the fake Bot API server (``tests.testkit.telegram``) with
1,000 10kGNAD articles waiting (after a first digest of 20, which /quelle answers for).
Readers send /hilfe and /quelle in turn every ``INTERVAL`` seconds, each from its own private
chat (so Telegram's one-message-per-second limit per chat never delays a reply),
and the latency is the time from the update being queued at the server to the server
accepting the reply (the server's overall rate limit is lifted, so a burst of answers is not
paced by 429s). Three phases in one run, one process:

* **idle**: nothing else happens (the floor: polling and one round trip);
* **build on the loop**: the digest built inside a coroutine, as ``/jetzt`` did before the
  build moved off the event loop (the baseline of the same run);
* **/jetzt**: an admin's ``/jetzt`` as the bot now handles it (build in a worker process,
  storage on the loop's thread, updates handled concurrently).

Usage: ``python -m benchmarks.bench_latency [--corpora ../shared/corpora] [--articles 1000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.adapters.options import BotSettings, Settings
from bot.adapters.services import services
from bot.adapters.tables import load_language
from bot.app import build_application
from bot.core.pipeline import build_digest
from tests.testkit.telegram import TOKEN, FakeChat, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("10kgnad/articles_test.jsonl", "10kgnad_teaser/pairs_test.jsonl")
ADMIN, CHANNEL = 1001, -1001
FIRST_READER, READERS = 5000, 400
# Seconds between two readers' /hilfe while something runs; 0.1 s gives 50-100 samples per
# phase on the 2-core machine without the readers becoming the load themselves.
INTERVAL = 0.1
IDLE_SAMPLES = 20
#: Articles of the first, small digest that /quelle answers for during the big build.
FIRST_DIGEST = 20
#: What the readers send, in turn.
COMMANDS = ("/hilfe", "/quelle")
NOW = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)


def _articles(corpora: Path, count: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in SOURCES:
        for line in (corpora / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.append(
                {
                    "id": f"{Path(name).parent}-{row['id']}",
                    "title": row.get("title") or "",
                    "text": row["text"],
                }
            )
    return rows[:count]


class _Readers:
    """Readers in their own private chats, each sending one command: /hilfe and /quelle in turn.

    During a phase a thread of its own sends them every INTERVAL, so a blocked event loop
    cannot hold back the questions, only the answers.
    """

    def __init__(self, fake: FakeTelegram) -> None:
        self._fake = fake
        self._next = FIRST_READER
        self._asked: list[tuple[int, str, float]] = []

    def ask(self) -> int:
        """Send the next reader's command; return the reader's chat."""
        chat, self._next = self._next, self._next + 1
        if chat >= FIRST_READER + READERS:
            raise RuntimeError("bench_latency: more commands than reader chats; raise READERS")
        command = COMMANDS[chat % len(COMMANDS)]
        self._asked.append((chat, command, time.monotonic()))
        self._fake.inject_message(chat, chat, command)
        return chat

    async def latencies(self) -> dict[str, list[float]]:
        """Wait for every (first) answer; return this phase's latencies by command."""
        asked, self._asked = self._asked, []
        fake = self._fake
        await fake.wait_for(lambda: all(fake.sent_to(c) for c, _, _ in asked), within=120)
        found: dict[str, list[float]] = {command: [] for command in COMMANDS}
        for chat, command, at in asked:
            found[command].append(fake.sent_to(chat)[0].time - at)
        return found

    async def during(self, work: Awaitable[Any]) -> float:
        """Ask every INTERVAL (from a thread) while ``work`` runs; return how long it ran."""
        stop = threading.Event()

        def pace() -> None:
            while not stop.is_set():
                self.ask()
                stop.wait(INTERVAL)

        started = time.monotonic()
        thread = threading.Thread(target=pace, daemon=True)
        thread.start()
        try:
            await work
        finally:
            stop.set()
            thread.join()
        return time.monotonic() - started


def _rows(name: str, latencies: dict[str, list[float]], seconds: float | None) -> list[str]:
    took = f"{seconds:.1f} s" if seconds is not None else "–"
    rows = []
    for command, found in latencies.items():
        ms = sorted(1000 * x for x in found)
        rows.append(
            f"| {name} | {command} | {took} | {len(ms)} | {statistics.median(ms):.0f} ms |"
            f" {max(ms):.0f} ms | {sum(1 for x in ms if x > 1000)} |"
        )
    return rows


def _write(path: Path, articles: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)


async def _jetzt(fake: FakeTelegram, expected: str) -> None:
    """Send /jetzt as the admin and wait for its answer, which must start with ``expected``."""
    before = len(fake.sent_to(ADMIN))
    fake.inject_message(ADMIN, ADMIN, "/jetzt")
    await fake.wait_for(lambda: len(fake.sent_to(ADMIN)) > before, within=300)
    answer = fake.sent_to(ADMIN)[-1].text
    if not answer.startswith(expected):
        raise RuntimeError(f"bench_latency: /jetzt answered {answer!r}")


async def _measure(corpora: Path, count: int) -> list[str]:
    articles = _articles(corpora, FIRST_DIGEST + count)
    # Telegram's overall 30 messages/s would turn the burst of answers after a blocked loop
    # into 429s and retries; this measures the bot's loop, not Telegram's pacing.
    unthrottled = {"global_limit": (100_000, 1.0)}
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(**unthrottled) as fake:
        seeds = Path(folder) / "seeds"
        seeds.mkdir()
        inbox = Path(folder) / "inbox"
        inbox.mkdir()
        _write(seeds / "erste.jsonl", articles[:FIRST_DIGEST])
        fake.add_chat(FakeChat(CHANNEL, "channel", title="Kanal"))
        for chat in (ADMIN, *range(FIRST_READER, FIRST_READER + READERS)):
            fake.add_chat(FakeChat(chat, "private"))
        settings = Settings(
            bot=BotSettings(
                channels=(str(CHANNEL),),
                admins=(ADMIN,),
                database=str(Path(folder) / "kurzlage.sqlite3"),
                inbox=str(inbox),
                ingest_interval=1,
                seeds=str(seeds),
                api_base_url=fake.base_url,
                api_file_url=fake.base_file_url,
            )
        )
        app = build_application(settings, token=TOKEN, clock=lambda: NOW)
        assert app.updater is not None
        assert app.post_init is not None
        await app.initialize()
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            s = services(app)
            # A first, small digest, so /quelle has sources to show; then the big batch.
            await fake.wait_for(lambda: s.storage.count_new_articles() >= FIRST_DIGEST)
            await _jetzt(fake, "Ausgabe 1 mit")
            _write(inbox / "viele.jsonl", articles[FIRST_DIGEST:])
            await fake.wait_for(lambda: s.storage.count_new_articles() >= count, within=300)
            rows = []

            readers = _Readers(fake)
            for _ in range(IDLE_SAMPLES):
                chat = readers.ask()
                await fake.wait_for(lambda chat=chat: bool(fake.sent_to(chat)))
            rows += _rows("idle", await readers.latencies(), None)

            async def on_loop() -> None:
                await asyncio.sleep(2 * INTERVAL)  # a few answers before the loop blocks
                build_digest(
                    s.storage.new_articles(),
                    settings=settings.digest,
                    lang=load_language(),
                    created=NOW,
                )

            took = await readers.during(on_loop())
            rows += _rows("build on the loop (before)", await readers.latencies(), took)

            took = await readers.during(_jetzt(fake, "Ausgabe 2 mit"))
            rows += _rows("/jetzt (build in a worker process)", await readers.latencies(), took)
            return rows
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)


def run(corpora: Path, *, count: int = 1000) -> str:
    rows = asyncio.run(_measure(corpora, count))
    return "\n".join(
        [
            "## Reply latency during a digest build (real bot against the fake Bot API server)",
            "",
            f"{count} 10kGNAD articles waiting (after a first digest of {FIRST_DIGEST}); a"
            f" reader's /hilfe or /quelle (in turn) every {INTERVAL:.1f} s, each from its own"
            " private chat; latency from the update queued at the server to the (first) reply"
            " accepted there. `python -m benchmarks.bench_latency`.",
            "",
            "| phase | command | build took | replies | median | max | over 1 s |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
            *rows,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args(argv)
    if not all((args.corpora / name).is_file() for name in SOURCES):
        print(f"bench_latency: 10kGNAD not found under {args.corpora}", file=sys.stderr)
        return 2
    print(run(args.corpora, count=args.articles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
