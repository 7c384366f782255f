"""Outbox rows: messages waiting for Telegram, and their Telegram ids once sent.

The delivery logic (pacing, retries, crash safety) is in ``bot.adapters.outbox``; this module
only stores. A digest is queued for a chat at most once (primary key of ``deliveries``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.adapters.database import Connection, Database


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message waiting in (or sent from) the outbox.

    Attributes:
        id: Row id; also the delivery order across chats.
        chat: Chat id as text (``@name`` or a number).
        kind: ``channel``, ``group`` or ``private``.
        text: Telegram HTML, already within the length limit.
        markup: Inline keyboard as a Bot API dict, or None.
        state: ``pending``, ``sending`` (a send was started and not recorded), ``sent``,
            ``failed``, ``cancelled`` (the chat unsubscribed before it was sent), ``unclear``
            (attempts without an answer: maybe posted, not sent blindly again).
        attempts: Transient failures so far.
        uncertain: Attempts that may have been posted (no answer, cut off).
        not_before: Unix time before which it is not retried.
        digest_id: The digest it belongs to; None for notices.
        message_id: Telegram's message id once sent.
    """

    id: int
    chat: str
    kind: str
    text: str
    markup: Mapping[str, Any] | None
    state: str
    attempts: int
    uncertain: int
    not_before: float
    digest_id: int | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    """How many outbox messages are in each state."""

    pending: int = 0
    sent: int = 0
    failed: int = 0
    unclear: int = 0


class OutboxRows(Database):
    """The outbox part of the storage (see :class:`bot.adapters.storage.Storage`)."""

    def enqueue_digest(
        self,
        digest_id: int,
        chat: str,
        *,
        kind: str,
        messages: Sequence[tuple[str, Mapping[str, Any] | None]],
        now: datetime,
    ) -> bool:
        """Queue a digest's messages (text, markup) for one chat, unless it was queued before.

        Returns:
            True when queued now, False when this chat already had this digest.
        """
        with self._transaction() as db:
            fresh = db.execute(
                "INSERT INTO deliveries (digest_id, chat) VALUES (?, ?)"
                " ON CONFLICT (digest_id, chat) DO NOTHING",
                (digest_id, chat),
            ).rowcount
            if fresh:
                self._insert_messages(db, chat, kind, messages, digest_id=digest_id, now=now)
            return fresh > 0

    def enqueue_notice(self, chat: str, *, kind: str, text: str, now: datetime) -> None:
        """Queue a message that belongs to no digest (a notice to an admin)."""
        with self._transaction() as db:
            self._insert_messages(db, chat, kind, [(text, None)], digest_id=None, now=now)

    @staticmethod
    def _insert_messages(
        db: Connection,
        chat: str,
        kind: str,
        messages: Sequence[tuple[str, Mapping[str, Any] | None]],
        *,
        digest_id: int | None,
        now: datetime,
    ) -> None:
        db.executemany(
            "INSERT INTO outbox (digest_id, chat, kind, position, text, markup, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    digest_id,
                    chat,
                    kind,
                    position,
                    text,
                    json.dumps(markup) if markup is not None else None,
                    now.isoformat(),
                )
                for position, (text, markup) in enumerate(messages)
            ],
        )

    def unsent_messages(self) -> tuple[OutboxMessage, ...]:
        """Return messages still to send to enabled chats, in delivery order."""
        rows = self._db.execute(
            "SELECT * FROM outbox WHERE state IN ('pending', 'sending')"
            " AND chat NOT IN (SELECT chat FROM disabled_chats) ORDER BY id"
        ).fetchall()
        return tuple(_message(r) for r in rows)

    def messages(self, *, chat: str | None = None) -> tuple[OutboxMessage, ...]:
        """Return all outbox messages (of one chat), in delivery order."""
        query, args = "SELECT * FROM outbox ORDER BY id", tuple[str, ...]()
        if chat is not None:
            query, args = "SELECT * FROM outbox WHERE chat = ? ORDER BY id", (chat,)
        return tuple(_message(r) for r in self._db.execute(query, args).fetchall())

    def claim_message(self, message_id: int, *, uncertain: int = 0) -> bool:
        """Mark a message ``sending`` before its send starts; False if it is not ours to send.

        The row is claimed only while it still waits (``pending``, or ``sending`` after a cut
        off attempt), is not locked by another instance's claim (``FOR UPDATE SKIP LOCKED``
        on PostgreSQL) and, behind a leader fence (``fence_leader``), only while this
        instance leads. Committed before the request (see ``bot.adapters.outbox`` on crashes).
        """
        fence, fenced = self._fenced()
        with self._transaction() as db:
            claimed = db.execute(
                "UPDATE outbox SET state = 'sending', uncertain = ? WHERE id IN"
                " (SELECT id FROM outbox WHERE id = ? AND state IN ('pending', 'sending')"
                f"{self.skip_locked}){fence}",
                (uncertain, message_id, *fenced),
            ).rowcount
        return claimed > 0

    def mark_sent(self, message_id: int, *, telegram_id: int, now: datetime) -> None:
        """Record Telegram's message id for a sent message."""
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'sent', message_id = ?, sent = ?, error = NULL"
                " WHERE id = ?",
                (telegram_id, now.isoformat(), message_id),
            )

    def mark_pending(
        self,
        message_id: int,
        *,
        attempts: int,
        not_before: float,
        error: str,
        uncertain: int | None = None,
    ) -> None:
        """Put a message back to wait (transient error, disabled chat) with why."""
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'pending', attempts = ?, not_before = ?, error = ?,"
                " uncertain = COALESCE(?, uncertain) WHERE id = ?",
                (attempts, not_before, error, uncertain, message_id),
            )

    def mark_unclear(self, message_id: int, *, uncertain: int) -> None:
        """Keep a message whose attempts all went unanswered: maybe posted, never resent."""
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'unclear', uncertain = ?,"
                " error = 'no answer from Telegram' WHERE id = ?",
                (uncertain, message_id),
            )

    def delivery_chats(self, digest_id: int) -> tuple[str, ...]:
        """Return the enabled chats a digest is queued for (disabled ones wait, uncounted)."""
        # In the order they were queued: by their first outbox row.
        rows = self._db.execute(
            "SELECT d.chat FROM deliveries d JOIN outbox o"
            " ON o.digest_id = d.digest_id AND o.chat = d.chat WHERE d.digest_id = ?"
            " AND d.chat NOT IN (SELECT chat FROM disabled_chats)"
            " GROUP BY d.chat ORDER BY MIN(o.id)",
            (digest_id,),
        ).fetchall()
        return tuple(r[0] for r in rows)

    def oldest_due(self) -> datetime | None:
        """Return when the oldest message that is due for an enabled chat was queued."""
        row = self._db.execute(
            "SELECT MIN(created) FROM outbox WHERE state IN ('pending', 'sending')"
            " AND chat NOT IN (SELECT chat FROM disabled_chats)"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def mark_failed(self, message_id: int, *, error: str) -> None:
        """Record that Telegram refused a message for good (kept, shown by /status)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'failed', error = ? WHERE id = ?", (error, message_id)
            )

    def outbox_counts(self) -> OutboxCounts:
        """Count outbox messages by state (``sending`` counts as pending)."""
        counts = dict(
            self._db.execute(
                "SELECT CASE state WHEN 'sending' THEN 'pending' ELSE state END, COUNT(*)"
                " FROM outbox GROUP BY 1"
            ).fetchall()
        )
        return OutboxCounts(
            pending=counts.get("pending", 0),
            sent=counts.get("sent", 0),
            failed=counts.get("failed", 0),
            unclear=counts.get("unclear", 0),
        )


def _message(row: Any) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        chat=row["chat"],
        kind=row["kind"],
        text=row["text"],
        markup=json.loads(row["markup"]) if row["markup"] else None,
        state=row["state"],
        attempts=row["attempts"],
        uncertain=row["uncertain"],
        not_before=row["not_before"],
        digest_id=row["digest_id"],
        message_id=row["message_id"],
    )
