"""Properties of every story (Hypothesis): source order, and nothing dangling."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.tables import load_language
from bot.core.models import Article, Story
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest, clean_articles
from bot.core.references import needs_predecessor

LANG = load_language()
OPTIONS = DigestOptions()
# News sentences and sentences that lean on the one before them, mixed.
SENTENCES = [
    "Der Bundestag hat am Donnerstag rund 2,5 Millionen Euro für die Schulen bewilligt.",
    "Nach Angaben der Polizei wurden in Köln mindestens zwölf Menschen verletzt.",
    "Die Regierung in Berlin kündigte für den Herbst ein neues Gesetz an.",
    "Russland und die Ukraine tauschten am Samstag jeweils 390 Gefangene aus.",
    "Der Preis für Diesel stieg im März um 3 Prozent auf 1,99 Euro je Liter.",
    "Zudem stiegen die Mieten in den Großstädten deutlich an.",
    "Er kündigte für die kommende Woche weitere Schritte an.",
    "Auch die Opposition stimmte dem Gesetz am Abend zu.",
    "Dies sorgte in den Schulen und bei den Eltern für Kritik.",
    "Gleichzeitig warnte die Polizei vor weiteren Protesten in der Stadt.",
    "Das kündigte die Ministerin am Montag in Berlin an.",
    "Die Lage sei weiterhin sehr ernst, sagte er am Abend.",
]

article_text = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8, unique=True).map(
    " ".join
)
batches = st.lists(article_text, min_size=1, max_size=4).map(
    lambda texts: [Article(id=f"a{n}", text=t) for n, t in enumerate(texts)]
)


def _positions(story: Story, batch: list[Article]) -> list[tuple[str, int]]:
    """Each shown sentence's source and index among that source's sentences."""
    items = clean_articles(batch, settings=OPTIONS, lang=LANG)
    index = {(s.source, s.text): s.index for item in items for s in item.sentences}
    return [(s.source, index[(s.source, s.text)]) for s in story.sentences]


@settings(max_examples=80, deadline=None)
@given(batches)
def test_every_story_shows_its_sentences_in_source_order(batch: list[Article]) -> None:
    for story in build_digest(batch, settings=OPTIONS, lang=LANG).stories:
        positions = _positions(story, batch)
        blocks = [
            source
            for n, (source, _) in enumerate(positions)
            if n == 0 or source != positions[n - 1][0]
        ]
        assert len(blocks) == len(set(blocks)), "each source's sentences stand together"
        for source in blocks:
            mine = [i for s, i in positions if s == source]
            assert mine == sorted(mine)


@settings(max_examples=80, deadline=None)
@given(batches)
def test_no_sentence_leans_on_one_not_shown_before_it(batch: list[Article]) -> None:
    for story in build_digest(batch, settings=OPTIONS, lang=LANG).stories:
        positions = _positions(story, batch)
        for n, sentence in enumerate(story.sentences):
            if needs_predecessor(sentence.text, LANG.references):
                source, index = positions[n]
                assert n > 0
                assert positions[n - 1] == (source, index - 1)
