"""Quality gate: Kurzlage's one-sentence summaries against the newspaper's teasers.

A fixed slice of the 10kGNAD teaser set (odd rows, never used for tuning) runs through the
real pipeline and is scored with the benchmark's ROUGE. The summary is the lead of the
article's one-article digest (the one selection routine), so this is what the bot posts.
The floors live in ``quality_floors.json``; raise them when the scorer improves, and lower
them only in a commit that says why.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean

import pytest

from bot.adapters.tables import load_language
from bot.core.options import DigestOptions
from tests.testkit.summaries import PAIRS, evaluate, kurzlage, lead, load_pairs

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
FLOORS = json.loads((Path(__file__).with_name("quality_floors.json")).read_text("utf-8"))

pytestmark = pytest.mark.corpora


@pytest.fixture(scope="module")
def results() -> dict[str, float]:
    if not (CORPORA / PAIRS).is_file():
        pytest.skip(f"corpora absent: {CORPORA / PAIRS} (see ../shared/corpora/README.md)")
    lang = load_language()
    settings = DigestOptions()
    start, stop, step = FLOORS["rows"]
    pairs = load_pairs(CORPORA, lang, settings, rows=range(start, stop, step))
    assert len(pairs) == FLOORS["articles"]
    systems = {"kurzlage": kurzlage(1, lang, settings), "lead": lead(1)}
    return {
        name: 100 * mean(score.rouge1 for score in evaluate(name, pick, pairs).scores)
        for name, pick in systems.items()
    }


def test_kurzlage_rouge1_stays_above_its_floor(results: dict[str, float]) -> None:
    assert results["kurzlage"] >= FLOORS["kurzlage_rouge1"]


def test_kurzlage_beats_the_lead(results: dict[str, float]) -> None:
    assert results["kurzlage"] > results["lead"] + FLOORS["margin_over_lead"]
