"""The inbox: article files dropped into a folder become stored articles, and nothing is lost.

Rules, each for a way articles used to vanish without a word (issue 12, items 1, 5, 17):

* A file is read only once it stopped changing: its size and mtime are the same at two
  looks (or its mtime is :data:`SETTLED_SECONDS` old at the first). A file still being
  written is read later, and a file that changes after it was read is read again.
* A file is marked as read only after it was read. One that cannot be read (permissions,
  I/O) is reported once and tried again at every look; one whose content is unusable
  (hostile JSON, binary) is reported once and marked, and read again when it changes.
* An article that changed in the same file is stored as a change: overwritten while it
  waits for a digest, or as an article of its own (``<id>~<hash>``) once it was posted.
* An article whose id another file (or a ``/push``) already used, with other text, is a
  collision: logged, counted (meta ``inbox_collisions``) and stored as ``<id>~<hash>``.
* Articles posted in a digest are listed by content hash in the marker file
  :data:`MARKER_NAME` inside the inbox, which lives as long as the inbox does: after the
  database was deleted, the same files are not posted again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bot.adapters.files import list_article_files, one_line, read_file
from bot.adapters.storage import Storage
from bot.core.models import Article

logger = logging.getLogger(__name__)

#: Age of a file's mtime (seconds) at which one look suffices to call it complete. Writers
#: that pause longer are caught by the re-read of a changed file; 2 s covers a local copy.
SETTLED_SECONDS = 2.0
#: The marker file inside the inbox folder (hidden: never read as an article).
MARKER_NAME = ".kurzlage-posted"
#: Hex digits of the content hash in marker lines and ``<id>~<hash>`` ids: 64 bits, no
#: collision in practice for any inbox.
HASH_DIGITS = 16


@dataclass(frozen=True, slots=True)
class Ingested:
    """What one look into a folder did.

    Attributes:
        added: Articles stored that were not there before.
        changed: Articles stored as a change of one read before.
        collisions: Articles whose id another input already used (stored as ``id~hash``).
        waiting: Files still changing; read at a later look.
        failed: Files that could not be read at all; tried again at the next look.
    """

    added: int = 0
    changed: int = 0
    collisions: int = 0
    waiting: int = 0
    failed: int = 0


def content_hash(article_id: str, text: str) -> str:
    """Return the hash that names an article's content: its id as read, and its text.

    A revision's id (``<id>~<hash>``) counts as the id it was read with.
    """
    base, _, suffix = article_id.rpartition("~")
    if base and len(suffix) == HASH_DIGITS and all(c in "0123456789abcdef" for c in suffix):
        article_id = base
    digest = hashlib.sha256(f"{article_id}\0{text}".encode("utf-8", "replace"))
    return digest.hexdigest()[:HASH_DIGITS]


class Inbox:
    """Ingest article files from folders into the storage.

    Args:
        storage: The database.
        marker: The marker file of posted articles (inside the inbox folder).
        timezone: Zone given to ``published`` times written without one.
    """

    def __init__(self, storage: Storage, *, marker: Path, timezone: str) -> None:
        self._storage = storage
        self._marker = marker
        self._timezone = timezone
        self._looks: dict[str, tuple[int, int]] = {}
        self._reported: set[str] = set()
        self._posted: set[str] | None = None

    async def ingest(self, folder: Path, *, now: datetime) -> Ingested:
        """Store the articles of new or changed, complete files under ``folder``.

        Files are read and parsed in a worker thread (a large JSON Lines file takes seconds),
        so the bot answers meanwhile; storing happens back in the caller's thread.
        """
        self.record_posted()
        totals = dict.fromkeys(("added", "changed", "collisions", "waiting", "failed"), 0)
        totals["skipped"] = 0
        for found in await asyncio.to_thread(_scan, folder):
            if isinstance(found, str):
                self._report(found)
                continue
            entry, stat = found
            key, version = str(entry), (stat.st_size, stat.st_mtime_ns)
            if self._storage.file_unchanged(key, mtime_ns=stat.st_mtime_ns, size=stat.st_size):
                continue
            settled = stat.st_mtime_ns / 1e9 <= now.timestamp() - SETTLED_SECONDS
            if self._looks.get(key) != version and not settled:
                self._looks[key] = version  # looked at once; read when it stays like this
                totals["waiting"] += 1
                continue
            result = await asyncio.to_thread(read_file, entry, timezone=self._timezone)
            for error in result.errors:
                self._report(error, version=version)
            if not result.read:
                totals["failed"] += 1
                continue
            with self._storage.transaction():
                for article in result.articles:
                    totals[self._store(article, origin=key, now=now)] += 1
                # The version seen before reading: a file changed meanwhile is read again.
                self._storage.mark_file(key, mtime_ns=stat.st_mtime_ns, size=stat.st_size)
            self._looks.pop(key, None)
        totals.pop("skipped")
        ingested = Ingested(**totals)
        if totals["collisions"]:
            count = int(self._storage.meta("inbox_collisions") or 0) + totals["collisions"]
            self._storage.set_meta("inbox_collisions", str(count))
        if ingested.added or ingested.changed or ingested.collisions:
            logger.info(
                "Ingested %d new and %d changed articles from %s (%d id collisions, %d files"
                " unreadable, %d still being written)",
                ingested.added,
                ingested.changed,
                folder,
                ingested.collisions,
                ingested.failed,
                ingested.waiting,
            )
        return ingested

    def _store(self, article: Article, *, origin: str, now: datetime) -> str:
        """Store one article read from ``origin``; return which total it counts for."""
        if content_hash(article.id, article.text) in self._posted_hashes():
            logger.info("%s: article %r was posted before (marker), skipped", origin, article.id)
            return "skipped"
        found = self._storage.stored_article(article.id)
        if found is None:
            self._add(article, origin=origin, now=now)
            return "added"
        stored, still_new = found
        same = (stored.text, stored.title) == (article.text, article.title)
        first_origin = self._storage.article_origin(article.id)
        if first_origin == origin:  # the same file, read again
            if same:
                return "skipped"
            if still_new and self._storage.replace_new_article(article, now=now):
                return "changed"
            # Posted already: the new version is news of its own.
            return "changed" if self._add_revision(article, origin=origin, now=now) else "skipped"
        shown, other = one_line(origin), one_line(first_origin or "an earlier input")
        if same:
            logger.warning(
                "%s: article id %r is already used by %s, with the same text: not stored twice",
                shown,
                article.id,
                other,
            )
            return "collisions"
        revised = _revised(article)
        logger.warning(
            "%s: article id %r is already used by %s; this one is stored as %r",
            shown,
            article.id,
            other,
            revised.id,
        )
        self._add_revision(article, origin=origin, now=now)
        return "collisions"

    def _add(self, article: Article, *, origin: str, now: datetime) -> None:
        self._storage.add_articles([article], now=now)
        self._storage.set_article_origin(article.id, origin)

    def _add_revision(self, article: Article, *, origin: str, now: datetime) -> bool:
        revised = _revised(article)
        if self._storage.stored_article(revised.id) is not None:
            return False
        self._add(revised, origin=origin, now=now)
        return True

    def _report(self, line: str, *, version: tuple[int, int] | None = None) -> None:
        """Log an input problem once (per file version), not at every look."""
        key = f"{line}\0{version}"
        if key not in self._reported:
            self._reported.add(key)
            logger.warning("Inbox: %s", one_line(line))

    def _posted_hashes(self) -> set[str]:
        if self._posted is None:
            try:
                lines = self._marker.read_text(encoding="ascii", errors="replace").split()
            except FileNotFoundError:
                lines = []
            except OSError as err:
                self._report(f"{self._marker}: cannot read the marker file ({err.strerror})")
                lines = []
            self._posted = set(lines)
        return self._posted

    def record_posted(self) -> None:
        """Add the articles posted since the last call to the marker file."""
        done = int(self._storage.meta("inbox_marker_digest") or 0)
        rows = list(self._storage.posted_articles(after_digest=done))
        if not rows:
            return
        hashes = [content_hash(article_id, text) for _, article_id, text in rows]
        try:
            self._marker.parent.mkdir(parents=True, exist_ok=True)
            with self._marker.open("a", encoding="ascii") as handle:
                handle.write("".join(f"{h}\n" for h in hashes))
        except OSError as err:
            self._report(f"{self._marker}: cannot write the marker file ({err.strerror})")
            return
        self._posted_hashes().update(hashes)
        self._storage.set_meta("inbox_marker_digest", str(rows[-1][0]))


def _scan(folder: Path) -> list[tuple[Path, os.stat_result] | str]:
    """Return the article files under ``folder`` with their stat, and one line per problem."""
    if not folder.is_dir():
        return []
    found: list[tuple[Path, os.stat_result] | str] = []
    for entry in list_article_files(folder, empty_is_error=False):
        if isinstance(entry, str):
            found.append(entry)
            continue
        try:
            found.append((entry, entry.stat()))
        except OSError as err:
            found.append(f"{entry}: cannot read ({err.strerror or err})")
    return found


def _revised(article: Article) -> Article:
    return replace(article, id=f"{article.id}~{content_hash(article.id, article.text)}")
