"""Fan-out of one digest to 100 chats through the outbox, against the fake Bot API server.

The fake server (tests/testkit/telegram) enforces Telegram's limits - 30 messages in any second
overall, 20 in any minute per group or channel - and answers 429 beyond them. The
theoretical minimum for n messages of k per chat is what those sliding windows allow at best:
the first 30 at once, then 30 more each second, i.e. ``ceil(n / 30) - 1`` seconds (and
``(ceil(k / 20) - 1) * 60`` seconds per chat, which binds only above 20 messages per chat).
The ratio is measured time over that minimum; target: within 1.2x, nothing lost or
duplicated. Reads no corpus: the digest is the seeds' digest.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

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


async def _fan_out(pages: list[str], kind: str) -> dict[str, float]:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder, FakeTelegram() as fake:
        storage = Storage(Path(folder) / "bench.sqlite3")
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
        }


def run(corpora: Path) -> str:
    digest = build_digest(
        read_inputs([ROOT / "seeds"]).articles, settings=DigestOptions(), lang=load_language()
    )
    page = Renderer().digest_messages(digest)[0].text
    rows = []
    for label, pages, kind in (
        ("1 message to 100 channels", [page], "channel"),
        ("2 messages to 100 groups", [page, page], "group"),
    ):
        r = asyncio.run(_fan_out(pages, kind))
        rows.append(
            f"| {label} | {r['messages']:.0f} | {r['seconds']:.2f} s | {r['minimum']:.0f} s"
            f" | {r['seconds'] / r['minimum']:.2f}x | {r['lost']:.0f} | {r['duplicated']:.0f}"
            f" | {r['429']:.0f} |"
        )
    return "\n".join(
        [
            "## Fan-out of one digest (outbox against the fake Bot API server)",
            "",
            "Telegram's limits on (30 messages/s overall, 20/min per group or channel), default"
            " pacing (`[bot]` settings), seeds' digest with its buttons. Minimum = what the"
            " limits allow at best (first 30 at once, then 30 per second). Target: within 1.2x,"
            " zero lost or duplicated.",
            "",
            "| Fan-out | Messages | Time | Minimum | Ratio | Lost | Duplicated | 429s |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    print(run(ROOT.parent / "shared" / "corpora"))
