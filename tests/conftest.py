"""Shared fixtures: repository paths, the shared corpora, and a command-line runner."""

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
