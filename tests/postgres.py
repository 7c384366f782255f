"""PostgreSQL fixtures: the test server (tests.testkit.postgres) and a fresh database per test.

Where the server cannot be reached a test that needs it is skipped with the reason, except
under ``CI=true``, where it fails: CI must never pass by skipping the PostgreSQL tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

from tests.testkit.postgres import fresh_database, server_url, without_password, write_passfile


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The reachable test server's URL; skips (fails under CI=true) when it is not.

    Bot processes started by a test inherit PGPASSFILE, so their settings files name the
    database without its password, as an operator's would.
    """
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
    passfile = write_passfile(url, tmp_path_factory.mktemp("postgres") / "pgpass")
    os.environ["PGPASSFILE"] = str(passfile)
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty database for this test, dropped afterwards."""
    with fresh_database(postgres_server) as url:
        yield url
