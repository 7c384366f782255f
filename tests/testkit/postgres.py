"""PostgreSQL for tests and benchmarks: the test server's URL and fresh databases on it.

The server is named by ``KURZLAGE_TEST_DATABASE_URL`` (`.ci/postgres` exports it; elsewhere
the same loopback URL is the default). Its role needs CREATEDB.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

#: What `.ci/postgres` exports; the default lets a developer rerun the tests after `.ci/run`.
DEFAULT_URL = "postgresql://kurzlage:kurzlage-ci@127.0.0.1:5432/kurzlage_test"


def server_url() -> str:
    """The URL of the test server's own database (not one a test writes into)."""
    return os.environ.get("KURZLAGE_TEST_DATABASE_URL") or DEFAULT_URL


def without_password(url: str) -> str:
    """The URL as it may be printed: everything but the password."""
    params = conninfo_to_dict(url)
    params.pop("password", None)
    return make_conninfo("", **params)


def url_without_password(url: str) -> str:
    """A ``postgresql://`` URL without its password (libpq finds it in PGPASSFILE)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def write_passfile(server: str, path: Path) -> Path:
    """Write a libpq password file for the server's role: its databases need no password."""
    parts = urlsplit(server)
    line = f"*:*:*:{parts.username or '*'}:{parts.password or ''}\n"
    path.write_text(line, encoding="utf-8")
    path.chmod(0o600)
    return path


def database_url(server: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server`` (a ``postgresql://`` URL)."""
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """Create a new, empty database on ``server``; yield its URL; drop it afterwards."""
    name = f"kurzlage_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield database_url(server, name)
    finally:
        drop_database(server, name)


#: Tries to drop a test database: FORCE cannot end a superuser's session (an autovacuum
#: worker that just started on it), which ends by itself a moment later.
DROP_ATTEMPTS = 20


def drop_database(server: str, name: str) -> None:
    """Drop a test database, its open sessions ended first (retried while one cannot be)."""
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    for attempt in range(DROP_ATTEMPTS):
        try:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(statement)
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == DROP_ATTEMPTS - 1:
                raise
            time.sleep(0.25)
