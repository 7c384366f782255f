"""One selection routine: a summary is the story of one article, on every 10kGNAD article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.adapters.tables import load_language
from bot.core.models import Article
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest, summarize_article

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
SETS = ("10kgnad/articles_test.jsonl", "10kgnad_teaser/pairs_test.jsonl")

pytestmark = pytest.mark.corpora


@pytest.mark.parametrize("name", SETS)
def test_summary_is_the_lead_of_the_one_article_digest(name: str) -> None:
    path = CORPORA / name
    if not path.is_file():
        pytest.skip(f"corpora absent: {path} (see ../shared/corpora/README.md)")
    lang = load_language()
    settings = DigestOptions()
    differ: list[str] = []
    count = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            article = Article(id=row["id"], text=row["text"])
            summary = summarize_article(article, n=1, settings=settings, lang=lang)
            digest = build_digest([article], settings=settings, lang=lang)
            lead = digest.stories[0].sentences[0].text if digest.stories else None
            if summary != ((lead,) if lead is not None else ()):
                differ.append(article.id)
            count += 1
    assert count >= 300
    assert differ == []
