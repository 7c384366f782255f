"""Shared fixtures: repository paths, the shared corpora, a command-line runner, golden files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

#: PostgreSQL fixtures (postgres_server, postgres_url) for the tests that need the server.
pytest_plugins = ["tests.postgres"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: Expected outputs, compared literally; rewritten only by ``pytest --update-golden``.
GOLDEN = ROOT / "tests" / "golden" / "data"
#: Between two messages of one answer in a golden file.
PAGE_BREAK = "\n\n----- nächste Nachricht -----\n\n"
CORPORA = ROOT.parent / "shared" / "corpora"
#: Marks for a module that reads the corpora: skipped with a reason where they are absent.
CORPORA_MARKS = [
    pytest.mark.corpora,
    pytest.mark.skipif(
        not CORPORA.is_dir(),
        reason=f"evaluation corpora not found at {CORPORA} (../shared/corpora from the repo)",
    ),
]


Run = Callable[..., subprocess.CompletedProcess[str]]

#: The storage backends every storage and end-to-end test runs on.
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the bot's database is, once per backend: a new SQLite file or PostgreSQL database.

    The PostgreSQL run skips with the reason where the server is not reachable (and fails
    under CI=true, see tests/postgres.py).
    """
    if request.param == "sqlite":
        return str(tmp_path / "data" / "kurzlage.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def kurzlage(tmp_path: Path) -> Run:
    """Run ``python -m bot`` as a real process in the repository; return its result."""

    def run(
        *args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *map(str, args)],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run a test marked ``sqlite_only`` with the SQLite backend alone."""
    del config
    items[:] = [
        item
        for item in items
        if not (
            item.get_closest_marker("sqlite_only")
            and getattr(getattr(item, "callspec", None), "params", {}).get("database")
            == "postgresql"
        )
    ]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/data/* from the actual output instead of comparing",
    )


class Golden:
    """Compare an output with its golden file literally, or rewrite the file when asked."""

    def __init__(self, *, update: bool) -> None:
        self.update = update

    def check(self, name: str, actual: str | list[str]) -> None:
        """Assert ``actual`` (one text, or messages joined by PAGE_BREAK) equals the file."""
        text = PAGE_BREAK.join(actual) if isinstance(actual, list) else actual
        path = GOLDEN / name
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.is_file(), f"{path} is missing: run pytest --update-golden, review the diff"
        assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """The golden files (``--update-golden`` rewrites them)."""
    return Golden(update=bool(request.config.getoption("--update-golden")))
