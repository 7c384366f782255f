"""The inbox and ``kurzlage digest DIR`` read the same files: known suffixes, no dot-files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.files import article_files
from bot.adapters.options import Settings
from bot.adapters.posting import Publisher
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.adapters.tables import load_language

NOW = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)
TEXT = "Titel {n}\n\nDer Landtag hat am Dienstag den Haushalt für das Jahr {n} beschlossen.\n"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    for n, name in enumerate(
        ["a.txt", "sub/b.TXT", ".versteckt.txt", ".git/c.txt", "d.txt.swp", "e.md"], 2020
    ):
        (folder / name).write_text(TEXT.format(n=n), encoding="utf-8")
    return folder


def test_article_files_skip_dot_files_and_unknown_suffixes(inbox: Path) -> None:
    found = [p.relative_to(inbox).as_posix() for p in article_files(inbox)]

    assert found == ["a.txt", "e.md", "sub/b.TXT"]


async def test_the_inbox_ingests_exactly_those_files(inbox: Path, database: str) -> None:
    storage = Storage(database)
    publisher = Publisher(
        storage, Renderer(), settings=Settings(), lang=load_language(), bot_username="bot"
    )

    first = await publisher.ingest(inbox, now=NOW)  # written just now: a second look
    second = await publisher.ingest(inbox, now=NOW)

    assert (first.waiting, second.added) == (3, 3)
    assert sorted(a.id for a in storage.new_articles()) == ["a", "b", "e"]
    storage.close()
