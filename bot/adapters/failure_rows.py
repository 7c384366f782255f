"""Failure rows: which kinds of failure are happening, since when (``kurzlage health``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.adapters.database import Database


@dataclass(frozen=True, slots=True)
class Failure:
    """A kind of failure (``where:ExceptionType``) that has not cleared since ``since``."""

    kind: str
    since: datetime
    last: datetime
    detail: str


class FailureRows(Database):
    """The failures part of the storage (see :class:`bot.adapters.alerts.Alerts`)."""

    def record_failure(self, kind: str, *, detail: str, now: datetime) -> None:
        """Record that ``kind`` failed now (keeping since when it fails)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO failures (kind, since, last, detail) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (kind) DO UPDATE SET last = excluded.last, detail = excluded.detail",
                (kind, now.isoformat(), now.isoformat(), detail),
            )

    def clear_failures(self, where: str) -> None:
        """Forget every failure of ``where`` (it works again)."""
        with self._transaction() as db:
            prefix = f"{where}:"
            db.execute("DELETE FROM failures WHERE substr(kind, 1, ?) = ?", (len(prefix), prefix))

    def failures(self) -> tuple[Failure, ...]:
        """Return the current failures, longest-standing first."""
        rows = self._db.execute("SELECT * FROM failures ORDER BY since, kind").fetchall()
        return tuple(
            Failure(
                r["kind"],
                datetime.fromisoformat(r["since"]),
                datetime.fromisoformat(r["last"]),
                r["detail"],
            )
            for r in rows
        )
