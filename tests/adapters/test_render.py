"""Rendering through the real templates: escaping, Telegram's limits, splitting."""

from __future__ import annotations

import re

import pytest
from telegram.constants import MessageLimit

from bot.adapters.render import Renderer, telegram_length
from bot.core.models import Digest, Figure, Source, Story, StorySentence

RENDERER = Renderer()
ALLOWED_TAGS = {"b", "i", "a", "u", "s", "code", "pre", "blockquote"}


def story(n: int, *, sentences: int = 3, length: int = 200, title: str | None = None) -> Story:
    source = Source(id=f"art{n}", title=f"Titel {n}", outlet="dpa", url=f"https://ex.org/{n}")
    text = ("Wort " * (length // 5)).strip()
    return Story(
        title=title or f"Meldung {n}",
        sentences=tuple(
            StorySentence(text=f"{text} {n}.{i}.", source=f"art{n}") for i in range(sentences)
        ),
        sources=(source,),
    )


def tags(html: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"</?([a-z-]+)", html)}


def balanced(html: str) -> bool:
    stack: list[str] = []
    for match in re.finditer(r"<(/?)([a-z-]+)[^>]*>", html):
        closing, name = match.groups()
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("abc", 3), ("<b>a&amp;b</b>", 3), ("😀", 2), ("&lt;x&gt;", 3)],
    ids=["empty", "plain", "tags-and-entity", "emoji-two-units", "escaped-brackets"],
)
def test_telegram_length(text: str, expected: int) -> None:
    assert telegram_length(text) == expected


def test_html_is_escaped_and_uses_only_telegram_tags() -> None:
    evil = Story(
        title="<script>alert(1)</script> & Co",
        sentences=(StorySentence(text='Er sagte: "a < b & c > d".', source="x"),),
        sources=(Source(id="x", title="T", outlet="A&B", url='https://e.org/?a=1&b="2"'),),
    )
    (message,) = RENDERER.digest_messages(Digest(stories=(evil,)))
    assert "<script>" not in message.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in message.text
    assert "a &lt; b &amp; c &gt; d" in message.text
    assert tags(message.text) <= ALLOWED_TAGS
    assert balanced(message.text)


def test_empty_digest_says_so() -> None:
    (message,) = RENDERER.digest_messages(Digest(stories=()))
    assert "Keine neuen Meldungen." in message.text
    assert message.stories == ()


def test_many_stories_split_between_stories_under_the_limit() -> None:
    digest = Digest(stories=tuple(story(n) for n in range(1, 31)))
    messages = RENDERER.digest_messages(digest)
    assert len(messages) > 1
    numbers = [n for m in messages for n in m.stories]
    assert numbers == list(range(1, 31))
    for message in messages:
        assert telegram_length(message.text) <= MessageLimit.MAX_TEXT_LENGTH
        assert balanced(message.text)
        for n in message.stories:
            assert f"<b>{n}. Meldung {n}</b>" in message.text


def test_one_huge_story_is_split_between_sentences_never_inside_one() -> None:
    huge = story(1, sentences=6, length=1500)
    messages = RENDERER.digest_messages(Digest(stories=(huge,)))
    assert len(messages) >= 2
    joined = "".join(m.text for m in messages)
    for sentence in huge.sentences:
        assert joined.count(sentence.text) == 1
    for message in messages:
        assert telegram_length(message.text) <= MessageLimit.MAX_TEXT_LENGTH
        assert balanced(message.text)
        assert message.stories == (1,)


def test_text_format_has_no_markup() -> None:
    (message,) = RENDERER.digest_messages(Digest(stories=(story(1),)), fmt="text")
    assert "<" not in message.text
    assert message.text.startswith("KURZLAGE")


def test_zahlen_shows_confirmation_and_disagreement() -> None:
    sources = (
        Source(id="a", title="A", outlet="dpa"),
        Source(id="b", title="B", outlet="AFP"),
    )
    other = Figure(
        value=1350, text="1.350", label="Soldaten", sentence="1.350 Soldaten.", source="b"
    )
    figures = (
        Figure(
            value=390,
            text="jeweils 390",
            label="Gefangene",
            sentence="s",
            source="a",
            confirmed_by=("b",),
        ),
        Figure(
            value=1348,
            text="1.348",
            label="Soldaten",
            sentence="1.348 Soldaten.",
            source="a",
            disputed_by=(other,),
        ),
    )
    digest = Digest(stories=(Story(title="T", sentences=(), sources=sources, figures=figures),))
    (page,) = RENDERER.zahlen(digest, fmt="text")
    assert "jeweils 390 – Gefangene (dpa; bestätigt von AFP)" in page
    assert "1.348 – Soldaten (dpa)" in page
    assert "abweichend: 1.350 (AFP)" in page


def test_quelle_detail_lists_each_sentence_with_its_article() -> None:
    digest = Digest(stories=(story(1), story(2)))
    (page,) = RENDERER.quelle(digest, story=2, fmt="text")
    assert "2. Meldung 2" in page
    assert "1. Meldung 1" not in page
    assert page.count("<- dpa: Titel 2") == 3
    assert "<https://ex.org/2>" in page
