"""Properties of the whole pipeline on generated German articles (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.tables import load_language
from bot.core.models import Article
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest

LANG = load_language()
SENTENCES = [
    "Der Bundestag hat am 3. Oktober rund 2,5 Millionen Euro für die Schulen bewilligt.",
    "Nach Angaben der Polizei wurden mindestens zwölf Menschen verletzt.",
    "„Wir prüfen jeden Namen“, sagte Dr. Müller am Abend.",
    "Die Brandfläche umfasse mehr als 1.000 Quadratmeter, schrieb der Gouverneur.",
    "Selenskyj (47) dankte den Helfern u. a. in Charkiw.",
    "Um 18.24 Uhr begann die Sitzung des Sicherheitsrates.",
    "Zwischen 20 und 30 Prozent der Befragten stimmten zu.",
    "Die Regierung in Berlin kündigte ein neues Gesetz an.",
    "Russland und die Ukraine tauschten jeweils 390 Gefangene aus.",
    "Der Preis stieg um 3 % auf 1,99 Euro je Liter.",
]
CLUTTER = ["Copyright: Max Muster/dpa", "Alles zum Thema Krieg\n- Ein Link", "(dpa)", ""]

paragraph = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4).map(" ".join)
article_text = st.lists(
    st.one_of(paragraph, st.sampled_from(CLUTTER)), min_size=1, max_size=6
).map("\n\n".join)
articles = st.lists(article_text, min_size=1, max_size=5).map(
    lambda texts: [Article(id=f"a{n}", text=t) for n, t in enumerate(texts)]
)


def _flat(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=60, deadline=None)
@given(articles)
def test_every_digest_sentence_and_figure_stands_in_its_source(batch: list[Article]) -> None:
    texts = {a.id: _flat(a.text) for a in batch}
    digest = build_digest(batch, settings=DigestOptions(), lang=LANG)
    assert len(digest.stories) <= DigestOptions().stories
    for story in digest.stories:
        ids = {s.id for s in story.sources}
        assert 1 <= len(story.sentences) <= DigestOptions().sentences_per_story
        for sentence in story.sentences:
            assert sentence.source in ids
            assert sentence.text in texts[sentence.source]
            assert set(sentence.confirmed_by) <= ids - {sentence.source}
        for figure in story.figures:
            assert figure.source in ids
            assert figure.sentence in texts[figure.source]
            assert figure.sentence[figure.start :].startswith(figure.text)


@settings(max_examples=30, deadline=None)
@given(articles)
def test_digest_is_deterministic(batch: list[Article]) -> None:
    first = build_digest(batch, settings=DigestOptions(), lang=LANG)
    second = build_digest(batch, settings=DigestOptions(), lang=LANG)
    assert first == second
