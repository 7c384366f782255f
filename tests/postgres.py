"""PostgreSQL for the tests: a fresh database per test on the server `.ci/run` starts.

The server is named by ``KURZLAGE_TEST_DATABASE_URL`` (`.ci/postgres` exports it; elsewhere
the same loopback URL is the default). Its role needs CREATEDB. Where the server cannot be
reached a test that needs it is skipped with the reason, except under ``CI=true``, where it
fails: CI must never pass by skipping the PostgreSQL tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
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
    return make_conninfo(**params)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The reachable test server's URL; skips (fails under CI=true) when it is not."""
    url = server_url()
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as err:
        reason = (
            f"PostgreSQL not reachable at {without_password(url)} ({' '.join(str(err).split())}); "
            "`bash .ci/run` starts one, or set KURZLAGE_TEST_DATABASE_URL"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return url


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """Create a new, empty database on ``server``; yield its URL; drop it afterwards."""
    name = f"kurzlage_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(server, dbname=name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty database for this test, dropped afterwards."""
    with fresh_database(postgres_server) as url:
        yield url
