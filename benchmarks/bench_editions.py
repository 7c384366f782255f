"""Editions over time: several editions in a row with articles added between them.

Usage (from the repository root)::

    python -m benchmarks.bench_editions [--corpora ../shared/corpora]

The 371 articles of ``10kgnad/articles_test.jsonl`` go into a real store (SQLite in a
temporary folder) through the bot's own ``Publisher``: a backlog of ``BACKLOG`` articles
before the first edition, then ``BATCH`` more before each of the next ones, one edition every
``INTERVAL_HOURS`` hours (simulated time: ``now`` is passed in), ``digest.carry_hours`` at its
default of 24 and 6 stories per edition. After each edition a second one at the same time
(``/jetzt`` again with nothing added) must post nothing.

Counted, from what the store holds: articles shown in two editions (target 0); articles that
competed in an edition more than ``carry_hours`` after they were added, their one first
chance aside (target 0); articles left waiting past the carry time at the end (target 0:
retired instead); updates ("Neu zu …") and what they continue, for judging by eye.

Time per edition: the whole ``post_digest`` (store reads, cleaning the recent editions'
articles, building, rendering, storing), against the same run's baseline: ``build_digest``
of the same candidate articles (what a digest of them costs without the editions logic),
timed just before it; both after an untimed build that warms the stem cache. Today's rule
(every article not shown is new for ever) is replayed beside it for the size of what each
edition rebuilds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from bot.adapters.posting import Posted, Publisher
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.adapters.tables import load_language
from bot.core.models import Article
from bot.core.pipeline import build_digest
from bot.settings import BotSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = Path("10kgnad/articles_test.jsonl")
#: Articles waiting before the first edition (an inbox filled while the bot was off).
BACKLOG = 120
#: Articles added before each later edition (about what feeds bring in a few hours).
BATCH = 36
#: Hours between editions: four editions fall within the default carry time of 24 hours,
#: so articles are carried, compete again and are retired within the run.
INTERVAL_HOURS = 6
START = datetime(2024, 6, 26, 5, 0, tzinfo=UTC)


def load_articles(corpora: Path) -> list[Article]:
    """Return the 10kGNAD test articles (ids from the rows; titles found in the text)."""
    with (corpora / ARTICLES).open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [Article(id=r["id"], text=r["text"], title=r.get("title", "")) for r in rows]


def _batches(articles: list[Article]) -> list[list[Article]]:
    batches = [articles[:BACKLOG]]
    rest = articles[BACKLOG:]
    batches += [rest[i : i + BATCH] for i in range(0, len(rest), BATCH)]
    return batches


def _old_rule_sizes(articles: list[Article], publisher_settings: Settings) -> list[int]:
    """Candidates per edition under today's rule: every article not shown stays new."""
    lang = load_language()
    waiting: list[Article] = []
    sizes = []
    for batch in _batches(articles):
        waiting += batch
        sizes.append(len(waiting))
        digest = build_digest(waiting, settings=publisher_settings.digest, lang=lang)
        shown = {s.id for story in digest.stories for s in story.sources}
        waiting = [a for a in waiting if a.id not in shown]
    return sizes


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    started_cpu, started = time.process_time(), time.perf_counter()
    work()
    return time.perf_counter() - started, time.process_time() - started_cpu


def _timed_post(publisher: Publisher, now: datetime) -> tuple[tuple[float, float], Posted | None]:
    found: list[Posted | None] = []
    timing = _timed(lambda: found.append(asyncio.run(publisher.post_digest(now=now))))
    return timing, found[0]


def run(corpora: Path) -> str:
    """Run the editions in a row; return the Markdown section."""
    articles = load_articles(corpora)
    # One channel: without a chat to post to, no edition takes articles (NoTargets).
    settings = Settings(bot=BotSettings(channels=("@kurzlage_bench",)))
    carry = timedelta(hours=settings.digest.carry_hours)
    lang = load_language()
    added: dict[str, datetime] = {}
    first_chance: dict[str, datetime] = {}
    late: set[str] = set()
    options = {"settings": settings.digest, "lang": lang}
    rows = []
    updates: list[tuple[str, str]] = []
    repeats_posted = 0
    with tempfile.TemporaryDirectory() as folder:
        storage = Storage(Path(folder) / "bench.sqlite3")
        publisher = Publisher(
            storage, Renderer(), settings=settings, lang=lang, bot_username="kurzlage_bot"
        )
        now = START
        for number, batch in enumerate(_batches(articles), start=1):
            now = START + timedelta(hours=INTERVAL_HOURS * (number - 1))
            storage.add_articles(batch, now=now - timedelta(minutes=30))
            added.update((a.id, now - timedelta(minutes=30)) for a in batch)
            pool = storage.edition_pool(now=now, carry_hours=settings.digest.carry_hours)
            for article in pool.fresh:
                first_chance[article.id] = now
            late.update(a.id for a in pool.carried if now - added[a.id] > carry)
            # An untimed build first: the words of the new articles are stemmed once and
            # cached, so the baseline and the edition are both timed with a warm cache.
            build_digest(pool.articles, **options)
            base, base_cpu = _timed(partial(build_digest, pool.articles, **options))
            (wall, cpu), posted = _timed_post(publisher, now)
            if asyncio.run(publisher.post_digest(now=now + timedelta(minutes=1))) is not None:
                repeats_posted += 1
            digest = (
                storage.digest(posted.digest_id).digest  # type: ignore[union-attr]
                if posted
                else None
            )
            stories = digest.stories if digest else ()
            updates += [(s.continues.title, s.title) for s in stories if s.continues]
            rows.append(
                (
                    number,
                    len(batch),
                    len(pool.fresh),
                    len(pool.carried),
                    len(stories),
                    sum(1 for s in stories if s.continues),
                    storage.count_retired_articles(),
                    wall,
                    cpu,
                    base,
                    base_cpu,
                )
            )
        shown: Counter[str] = Counter()
        for digest_id in storage.recent_editions(since=START - timedelta(days=1)):
            stored = storage.digest(digest_id)
            if stored is not None:
                stories = stored.digest.stories
                # Once per edition: a ticker's entries may stand in two of its stories.
                shown.update({s.id for story in stories for s in story.sources})
        waiting_past = [a.id for a in storage.new_articles() if now - added[a.id] > carry]
        retired = storage.count_retired_articles()
        storage.close()
    old_sizes = _old_rule_sizes(articles, settings)
    twice = sum(1 for count in shown.values() if count > 1)
    ratios = [r[8] / r[10] for r in rows if r[10] > 0]
    from benchmarks.run import _commit, _machine  # the header's helpers: this section is
    # often re-run alone (``--only editions``), so it names its own run

    lines = [
        "## Editions over time (10kGNAD articles added between editions)",
        "",
        f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {_machine()}, "
        f"commit {_commit()}.",
        "",
        f"{len(articles)} articles of `{ARTICLES}`: {BACKLOG} before the first edition, "
        f"{BATCH} before each later one; an edition every {INTERVAL_HOURS} h (simulated "
        f"clock), `carry_hours` = {settings.digest.carry_hours}, {settings.digest.stories} "
        "stories per edition, real SQLite store through `Publisher.post_digest` "
        "(`benchmarks/bench_editions.py`). Baseline: `build_digest` of the same candidates, "
        "timed just before each edition in the same process; both after an untimed build "
        "(warm stem cache).",
        "",
        "| edition | added | fresh | carried | stories | updates | retired so far "
        "| edition s (CPU s) | baseline s (CPU s) | CPU ratio | today's rule: candidates |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row, old in zip(rows, old_sizes, strict=True):
        n, batch, fresh, carried, stories, ups, retired_now, wall, cpu, base, base_cpu = row
        lines.append(
            f"| {n} | {batch} | {fresh} | {carried} | {stories} | {ups} | {retired_now} "
            f"| {wall:.2f} ({cpu:.2f}) | {base:.2f} ({base_cpu:.2f}) "
            f"| {cpu / base_cpu:.2f} | {old} |"
        )
    lines += [
        "",
        f"- Articles shown in two editions: **{twice}** (target 0); articles shown: "
        f"{len(shown)} of {len(articles)}.",
        f"- Articles that competed more than {settings.digest.carry_hours} h after being "
        f"added (first chance aside): **{len(late)}** (target 0); left waiting past the carry "
        f"time at the end: **{len(waiting_past)}** (target 0); retired unshown: {retired}.",
        f"- `/jetzt` again right after each edition, nothing added: **{repeats_posted}** "
        "posted (target 0).",
        f"- Time per edition: median {statistics.median(r[7] for r in rows):.2f} s wall, "
        f"{statistics.median(r[8] for r in rows):.2f} s CPU; CPU ratio to the baseline: "
        f"median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max "
        f"{max(ratios):.2f}). Under today's rule the last edition rebuilds {old_sizes[-1]} "
        f"articles; with the carry time at most {max(r[2] + r[3] for r in rows)}.",
        f"- Updates found: {len(updates)}" + (":" if updates else "."),
    ]
    lines += [f"  - „{new}“ continues „{old}“" for old, new in updates]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the section for ``benchmarks/RESULTS.md``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    args = parser.parse_args(argv)
    if not (args.corpora / ARTICLES).is_file():
        sys.stderr.write(f"bench_editions: {args.corpora / ARTICLES} not found\n")
        return 2
    sys.stdout.write(run(args.corpora))
    return 0


if __name__ == "__main__":
    sys.exit(main())
