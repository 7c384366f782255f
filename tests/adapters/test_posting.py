"""Posting an admin's own text: one article and one digest per /push, however fast."""

from datetime import datetime

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
