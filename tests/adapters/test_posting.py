"""Posting: one article and one digest per /push however fast, and counts in the replies."""

from datetime import datetime

import pytest

from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from tests.adapters.test_inbox import BERLIN, posted_publisher


def test_two_pushes_in_the_same_second_are_two_articles(tmp_path):
    storage = Storage(tmp_path / "k.sqlite3")
    publisher = posted_publisher(storage, tmp_path)
    moment = datetime(2026, 12, 1, 12, 0, 5, tzinfo=BERLIN)

    first = publisher.post_text("Erste Mitteilung.", author="Redaktion", now=moment)
    second = publisher.post_text("Zweite Mitteilung.", author="Redaktion", now=moment)

    assert first is not None
    assert second is not None
    assert (first.digest_id, second.digest_id) == (1, 2)
    assert storage.count_new_articles() == 0  # both posted at once
    assert [
        storage.stored_article(i) is not None
        for i in ("push-20261201120005", "push-20261201120005-2")
    ] == [True, True]
    found = storage.stored_article("push-20261201120005-2")
    assert found is not None
    assert found[0].text == "Zweite Mitteilung."
    storage.close()


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        (
            "posted",
            {"digest": 7, "stories": 1, "chats": 1},
            "Ausgabe 7 mit 1 Meldung geht an 1 Chat.",
        ),
        (
            "posted",
            {"digest": 8, "stories": 2, "chats": 3},
            "Ausgabe 8 mit 2 Meldungen geht an 3 Chats.",
        ),
        ("push_posted", {"chats": 1}, "Die Mitteilung geht an 1 Kanal."),
        ("push_posted", {"chats": 2}, "Die Mitteilung geht an 2 Kanäle."),
        (
            "no_such_story",
            {"count": 1, "kind": "q"},
            "Die Ausgabe hat nur 1 Meldung. So geht's: /quelle für alle Meldungen oder /quelle 2 "
            "für Meldung 2.",
        ),
    ],
    ids=["one-story-one-chat", "plural", "one-channel", "channels", "one-story-only"],
)
def test_counts_in_replies_agree_with_their_noun(name, arguments, expected):
    assert Renderer().reply(name, **arguments) == expected
