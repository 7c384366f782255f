import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.urls import article_id, content_hash, identity_keys, normalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ""),
        ("not a url", "not a url"),
        ("mailto:redaktion@example.de", "mailto:redaktion@example.de"),
        ("https://www.example.de/a", "https://www.example.de/a"),
        (
            "HTTP://WWW.Example.DE/Politik/Artikel.html",
            "https://www.example.de/Politik/Artikel.html",
        ),
        ("https://example.de:443/a/", "https://example.de/a"),
        ("http://127.0.0.1:8080/feed/", "https://127.0.0.1:8080/feed"),
        ("https://example.de/a#kommentare", "https://example.de/a"),
        ("https://example.de/", "https://example.de/"),
        ("https://example.de", "https://example.de/"),
        ("https://example.de/a?utm_source=rss&utm_medium=feed", "https://example.de/a"),
        ("https://example.de/a?wt_mc=rss.politik&at_medium=x", "https://example.de/a"),
        ("https://example.de/a?fbclid=1&gclid=2&ref=rss", "https://example.de/a"),
        ("https://example.de/a?page=2&id=7&utm_campaign=x", "https://example.de/a?id=7&page=2"),
        ("https://example.de/m%C3%BCller", "https://example.de/m%C3%BCller"),
        ("https://example.de/müller", "https://example.de/m%C3%BCller"),
        ("https://example.de:99999/a", "https://example.de:99999/a"),
    ],
    ids=[
        "empty",
        "text",
        "mailto",
        "plain",
        "case-and-scheme",
        "default-port-and-slash",
        "own-port",
        "fragment",
        "root",
        "no-path",
        "utm",
        "webtrekk-and-at",
        "click-ids",
        "content-parameters-kept-sorted",
        "escaped",
        "unescaped",
        "bad-port",
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_identity_keys_take_the_link_first_and_a_link_guid_as_a_link():
    assert identity_keys(url=None, guid=None) == ()
    assert identity_keys(url="https://x.de/a?utm_source=rss", guid="tag:x.de,2026:1") == (
        "url:https://x.de/a",
        "guid:tag:x.de,2026:1",
    )
    assert identity_keys(url="https://x.de/a", guid="http://X.de/a/") == ("url:https://x.de/a",)


def test_article_id_and_hash_are_stable_and_short():
    keys = identity_keys(url="https://x.de/a", guid=None)

    assert article_id(keys) == article_id(("url:https://x.de/a", "guid:other"))
    assert len(article_id(keys)) == len("web-") + 16
    assert content_hash("Titel", "Ein  Text.\n") == content_hash(" Titel", "Ein Text.")
    assert content_hash("Titel", "Ein Text.") != content_hash("Titel", "Ein Text!")


@given(st.text(alphabet="abcXYZ/?&=#%:._-", max_size=40))
def test_normalizing_twice_changes_nothing(path):
    once = normalize_url("https://Example.de/" + path)

    assert normalize_url(once) == once
