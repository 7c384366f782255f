"""The two storage backends for the benchmarks that compare them (fan-out, store).

SQLite is a file in a temporary folder; PostgreSQL is a fresh database on the test server
(``KURZLAGE_TEST_DATABASE_URL``, which `.ci/postgres` starts and exports), dropped afterwards.
Rounds alternate between the two (SQLite, PostgreSQL, SQLite, …), so the noise of the shared
machine falls on both alike and the same-run ratio of their medians is what to read.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.testkit.postgres import fresh_database, server_url, without_password

SQLITE, POSTGRES = "SQLite", "PostgreSQL"
BACKENDS = (SQLITE, POSTGRES)
#: PostgreSQL with commits that do not wait for their WAL flush (the server writes it within
#: ``wal_writer_delay``): what SQLite's ``synchronous = NORMAL`` gives the bot, for comparison.
POSTGRES_ASYNC = "PostgreSQL, synchronous_commit off"
_ASYNC_OPTIONS = "?options=-c%20synchronous_commit%3Doff"


def postgres_server() -> tuple[str | None, str]:
    """Return the test server's URL and its version, or None and why it cannot be used."""
    url = server_url()
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except psycopg.Error as err:
        reason = (
            f"PostgreSQL not reachable at {without_password(url)} ({' '.join(str(err).split())});"
            " `. .ci/postgres` starts one, or set KURZLAGE_TEST_DATABASE_URL"
        )
        return None, reason
    return url, f"PostgreSQL {row[0].split()[0] if row else '?'} on {_host(url)}"


def _host(url: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(url)
    return str(params.get("host") or "localhost")


@contextmanager
def storage_location(backend: str, server: str | None) -> Iterator[str]:
    """Yield where a new, empty store of ``backend`` lives; remove it afterwards."""
    if backend in (POSTGRES, POSTGRES_ASYNC):
        if server is None:
            raise ValueError("PostgreSQL is not reachable")
        with fresh_database(server) as url:
            yield url + (_ASYNC_OPTIONS if backend == POSTGRES_ASYNC else "")
        return
    with tempfile.TemporaryDirectory() as folder:
        yield str(Path(folder) / "bench.sqlite3")


def backends(server: str | None) -> tuple[str, ...]:
    """The backends a run measures: both, or SQLite alone when PostgreSQL is unreachable."""
    return BACKENDS if server is not None else (SQLITE,)


def pg_ratio(medians: dict[str, float], backend: str = POSTGRES) -> str:
    """The ``backend``/SQLite ratio of two medians as a table cell (``–`` without both)."""
    if backend not in medians or not medians.get(SQLITE):
        return "–"
    return f"{medians[backend] / medians[SQLITE]:.2f}"


def median_cell(seconds: Sequence[float]) -> str:
    """A median with its rounds, e.g. ``3.52 s (3.82, 3.50, 3.52)``."""
    rounds = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{statistics.median(seconds):.2f} s ({rounds})"
