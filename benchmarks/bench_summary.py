"""Summary quality on the 10kGNAD teaser set: Kurzlage against Lead, random, oracle and sumy.

Usage (from the repository root, with the ``bench`` extra installed)::

    python -m benchmarks.bench_summary [--corpora ../shared/corpora]

Every system picks whole sentences from the same cleaned sentences of each article body and
is scored with ROUGE-1/2/L F1 (``tests/testkit/rouge.py``) against the teaser the newspaper
wrote. The teaser and the category are never input. The scorer's weights were tuned on the
even rows only, so the odd rows are the honest figure. The evaluation itself (pairs, the
Kurzlage and lead pickers, scoring) is ``tests/testkit/summaries.py``, shared with the quality
gate.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.adapters.tables import load_language
from bot.core.language import Language
from bot.core.options import DigestOptions
from bot.core.words import WORD_RE, stem
from tests.testkit.rouge import Rouge, rouge, rouge_tokens
from tests.testkit.summaries import (
    PAIRS,
    Pair,
    Picker,
    Result,
    evaluate,
    kurzlage,
    lead,
    load_pairs,
)

# Seed of the random baseline: any fixed value; it only has to be the same in every run.
RANDOM_SEED = 20240626


# --- systems --------------------------------------------------------------------------------


def random_sentence() -> Picker:
    def pick(pair: Pair) -> Sequence[int]:
        rng = random.Random(RANDOM_SEED * 100_003 + pair.index)
        return [rng.randrange(len(pair.sentences))] if pair.sentences else []

    return pick


class _Words:
    """The word tokenizer sumy asks for (it gets sentences already split by us)."""

    language = "german"

    @staticmethod
    def to_words(text: str) -> tuple[str, ...]:
        return tuple(WORD_RE.findall(text))

    @staticmethod
    def to_sentences(text: str) -> tuple[str, ...]:
        raise NotImplementedError("sentences come from Kurzlage's splitter")


def sumy_system(name: str, lang: Language) -> Picker:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes = {
        "LexRank": LexRankSummarizer,
        "TextRank": TextRankSummarizer,
        "LSA": LsaSummarizer,
        "Luhn": LuhnSummarizer,
    }
    summarizer = classes[name](stem)
    summarizer.stop_words = lang.stopwords
    tokenizer = _Words()

    def pick(pair: Pair) -> Sequence[int]:
        if not pair.sentences:
            return []
        objects = [Sentence(text, tokenizer) for text in pair.sentences]
        position = {id(sentence): i for i, sentence in enumerate(objects)}
        document = ObjectDocumentModel([Paragraph(objects)])
        return [position[id(sentence)] for sentence in summarizer(document, 1)]

    return pick


def oracle(pair: Pair) -> Sequence[int]:
    """Pick the sentence with the best ROUGE-1 F1 against the teaser (the upper bound)."""
    scores = [rouge(sentence, pair.teaser).rouge1 for sentence in pair.sentences]
    return [max(range(len(scores)), key=lambda i: (scores[i], -i))] if scores else []


# --- evaluation -----------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    return 100 * sum(values) / len(values) if values else 0.0


def _subset(result: Result, rows: str) -> list[Rouge]:
    if rows == "all":
        return list(result.scores)
    parity = 0 if rows == "even" else 1
    return [score for i, score in enumerate(result.scores) if i % 2 == parity]


def table(results: Sequence[Result]) -> str:
    """Return the results as a Markdown table (F1 x 100, means over rows)."""
    head = ["System"]
    for metric in ("R-1", "R-2", "R-L"):
        head += [f"{metric} even", f"{metric} odd", f"{metric} all"]
    head += ["chars", "ms/article"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for result in results:
        cells = [result.name]
        for metric in ("rouge1", "rouge2", "rouge_l"):
            for rows in ("even", "odd", "all"):
                cells.append(f"{_mean([getattr(s, metric) for s in _subset(result, rows)]):.1f}")
        cells.append(f"{sum(result.chars) / len(result.chars):.0f}")
        cells.append(f"{1000 * result.seconds / len(result.scores):.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def systems(lang: Language, settings: DigestOptions) -> list[tuple[str, Picker]]:
    """Return every system of the comparison, Kurzlage first."""
    chosen: list[tuple[str, Picker]] = [
        (f"Kurzlage -n {n}", kurzlage(n, lang, settings)) for n in (1, 2, 3)
    ]
    chosen += [(f"Lead-{n}", lead(n)) for n in (1, 2, 3)]
    chosen += [("Random-1", random_sentence()), ("Oracle-1", oracle)]
    chosen += [
        (f"sumy {name}-1", sumy_system(name, lang))
        for name in ("LexRank", "TextRank", "LSA", "Luhn")
    ]
    return chosen


def run(corpora: Path) -> str:
    lang = load_language()
    settings = DigestOptions()
    pairs = load_pairs(corpora, lang, settings)
    results = [evaluate(name, pick, pairs) for name, pick in systems(lang, settings)]
    sentences = sum(len(pair.sentences) for pair in pairs)
    tokens = sum(len(rouge_tokens(pair.teaser)) for pair in pairs)
    return "\n".join(
        [
            "## Summaries: 10kGNAD teasers (DER STANDARD)",
            "",
            f"`{PAIRS}`: {len(pairs)} articles, {sentences} sentences (the pipeline's "
            f"cleaning and splitting), teasers of {tokens / len(pairs):.1f} tokens on average. "
            "ROUGE F1 x 100 against the teaser (Unicode words, lower case, German Snowball "
            "stems; `benchmarks/rouge.py`). "
            "The scorer was tuned on the even rows only: the odd rows are the honest figure. "
            "Every system picks from the same sentences; `chars` is the mean summary length.",
            "",
            table(results),
            "",
        ]
    )


#: Values of ``bot.core.selection.LEAD_BONUS`` tried by ``--sweep``.
SWEEP = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)


def sweep(corpora: Path) -> str:
    """Return ROUGE-1 of ``-n 1`` and the share of leads that open, per LEAD_BONUS.

    The share counts the articles whose first sentence can open a story and is not overlong
    (all rows: it does not look at the teasers). The constant is set for the run and put
    back afterwards: it is a module constant, not a setting.
    """
    from bot.core import selection
    from bot.core.references import can_open

    lang = load_language()
    settings = DigestOptions()
    pairs = load_pairs(corpora, lang, settings)
    qualifying = [
        p
        for p in pairs
        if p.sentences
        and can_open(p.sentences[0], lang.references)
        and len(p.sentences[0]) <= settings.max_sentence_chars
    ]
    lines = [
        "| LEAD_BONUS | R-1 even | R-1 odd | lead opens where it qualifies |",
        "|---:|---:|---:|---:|",
    ]
    original = selection.LEAD_BONUS
    try:
        for value in SWEEP:
            selection.LEAD_BONUS = value
            pick = kurzlage(1, lang, settings)
            result = evaluate("sweep", pick, pairs)
            even = _mean([s.rouge1 for s in _subset(result, "even")])
            odd = _mean([s.rouge1 for s in _subset(result, "odd")])
            share = 100 * sum(1 for p in qualifying if list(pick(p)) == [0]) / len(qualifying)
            lines.append(f"| {value:.2f} | {even:.1f} | {odd:.1f} | {share:.0f} % |")
    finally:
        selection.LEAD_BONUS = original
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--corpora", type=Path, default=root.parent / "shared" / "corpora")
    parser.add_argument(
        "--sweep", action="store_true", help="sweep LEAD_BONUS instead (-n 1 and lead share)"
    )
    args = parser.parse_args(argv)
    if not (args.corpora / PAIRS).is_file():
        print(f"bench_summary: {args.corpora / PAIRS} not found", file=sys.stderr)
        return 2
    print(sweep(args.corpora) if args.sweep else run(args.corpora))
    return 0


if __name__ == "__main__":
    sys.exit(main())
