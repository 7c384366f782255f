"""The digest build's worker: a process of its own, so the event loop never waits for it.

A build of 1,000 articles takes seconds of CPU. In a thread it shares the GIL with the event
loop, and on a loaded machine a worker thread descheduled while it holds the GIL stalls every
reply (``benchmarks/bench_latency.py`` measured replies of over a second that way). A worker
process cannot. It gets values (articles, options, language tables, earlier editions) and
returns a ``Digest``; storage stays on the event loop's thread. This module imports only the
core, so the spawned process starts in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import datetime
from functools import partial
from typing import TypeVar

from bot.core.editions import build_edition, posted_stories
from bot.core.language import Language
from bot.core.models import Article, Digest
from bot.core.options import DigestOptions

_T = TypeVar("_T")


def compose_edition(
    articles: Sequence[Article],
    editions: Sequence[tuple[int, Digest]],
    shown: Sequence[Article],
    *,
    settings: DigestOptions,
    lang: Language,
    created: datetime,
) -> Digest:
    """Return the next edition from values read before (runs in the worker)."""
    posted = posted_stories(editions, shown, settings=settings, lang=lang)
    return build_edition(articles, posted, settings=settings, lang=lang, created=created)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group; the bot shuts the worker down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class BuildWorker:
    """Runs core functions off the event loop: in one worker process, or in a thread.

    Args:
        processes: True for a worker process (the bot), False for a thread (unit tests and
            benchmarks that build without a running bot).
    """

    def __init__(self, *, processes: bool = True) -> None:
        self._processes = processes
        self._pool: Executor | None = None

    async def run(self, function: Callable[..., _T], /, *args: object, **kwargs: object) -> _T:
        """Return ``function(*args, **kwargs)``, computed off the event loop."""
        call = partial(function, *args, **kwargs)
        if not self._processes:
            return await asyncio.to_thread(call)
        if self._pool is None:
            # spawn: a fresh interpreter, never a fork of a process with threads and sockets.
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_interrupts,
            )
        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    def close(self) -> None:
        """Stop the worker process, if one was started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
