"""Editorial check: what a news editor counts in digests, counted by machine.

Usage (from the repository root)::

    python -m benchmarks.bench_editorial [--corpora ../shared/corpora] [--batch 50]
        [--baseline DIR]

``--baseline DIR`` also counts the digests of another source tree (``git archive COMMIT |
tar -x -C DIR``), built by its own ``python -m bot digest --format json`` and counted here
with the same rules; its labels are the ones its templates showed (outlet, else agency,
else the article id). Its digests hold at most 50 stories (the settings' limit), so of a
batch of 50 articles nearly every story.

Digests of the 10kGNAD articles in batches of ``--batch`` (every story of each batch, not
only the six a digest posts, so every article is looked at) and of the seeds. Per set:

- sentences out of source order: a story whose sentences of one source do not follow that
  source's order, or whose sources' sentences do not stand together (target 0);
- dangling openers per 100 shown sentences: a sentence that leans on the one before it
  (``bot.core.references``) without that sentence right before it, or that refers to a
  person by a description no earlier shown sentence names (target at most 2);
- lead share: of the single-source stories whose item's first sentence can open a story
  and is within the length limits, the share that open with it (reported, no target);
- self-confirmations: a "bestätigt von" naming the sentence's own article or outlet, or
  another version of its text (``bot.core.sources.are_versions``) (0);
- id-like labels: a source shown by a name that is an internal id (0);
- repeated facts: two shown sentences of one story of which the shorter has 70 % or more
  of its content stems in the longer one: a stricter test than the selection's own (0).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.adapters.files import read_inputs
from bot.adapters.tables import load_language
from bot.core.language import Language
from bot.core.models import Article, Item, Story
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest, clean_articles
from bot.core.references import can_open, needs_predecessor, referents
from bot.core.sources import are_versions, outlet_key
from bot.core.words import content_stems, stem

SETS = ("10kgnad/articles_test.jsonl", "10kgnad_teaser/pairs_test.jsonl")
#: Share of the shorter sentence's stems in the longer one that makes two sentences one fact
#: for this check (independent of the selection's own REPEAT_* rules, and stricter).
REPEAT_CONTAINMENT = 0.7
#: What an internal id looks like: one token of letters, digits and ``_#-`` with an
#: underscore or ``#`` or a run of four digits (``004_3ebae379aa40d199``, ``a#3``,
#: ``10kgnad-test-0001``); an outlet such as ``TAG24`` is none.
ID_RE = re.compile(r"^(?=.*(?:[_#]|\d{4}))[\w#-]+$")


@dataclass(slots=True)
class Counts:
    """The counts of one set of digests."""

    stories: int = 0
    sentences: int = 0
    out_of_order: int = 0
    dangling: int = 0
    lead_possible: int = 0
    lead_first: int = 0
    self_confirmations: int = 0
    id_labels: int = 0
    repeats: int = 0


def _check_story(
    story: Story,
    items: Sequence[Item],
    lang: Language,
    counts: Counts,
    *,
    old_labels: bool = False,
) -> None:
    refs = lang.references
    # Where each shown sentence stands: a text printed twice in one article (a teaser
    # repeated in the body) is taken at its first place after the source's previous one.
    where: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for item in items:
        for s in item.sentences:
            where.setdefault((s.source, s.text), []).append((item.id, s.index))
    rank = {item.id: n for n, item in enumerate(items)}
    rank.update({s.source: len(rank) for s in story.sentences if s.source not in rank})
    places: list[tuple[str, int]] = []
    last: dict[str, tuple[int, int]] = {}
    for s in story.sentences:
        options = where.get((s.source, s.text), [(s.source, 10_000 + len(places))])
        after = [p for p in options if (rank[p[0]], p[1]) > last.get(s.source, (-1, -1))]
        place = after[0] if after else options[0]
        places.append(place)
        last[s.source] = (rank[place[0]], place[1])
    counts.stories += 1
    counts.sentences += len(places)
    blocks: list[str] = []
    for sentence in story.sentences:
        if not blocks or blocks[-1] != sentence.source:
            blocks.append(sentence.source)
    in_order = len(blocks) == len(set(blocks)) and all(
        [(rank[i], n) for (i, n), s in zip(places, story.sentences, strict=True) if s.source == b]
        == sorted(
            (rank[i], n)
            for (i, n), s in zip(places, story.sentences, strict=True)
            if s.source == b
        )
        for b in blocks
    )
    counts.out_of_order += not in_order
    for n, sentence in enumerate(story.sentences):
        before = story.sentences[:n]
        item, position = places[n]
        dangles = needs_predecessor(sentence.text, refs) and (
            n == 0 or places[n - 1] != (item, position - 1)
        )
        for noun in referents(sentence.text, refs):
            wanted = stem(noun.lower())
            if not any(
                wanted in {stem(w.lower()) for w in re.findall(r"[\w-]+", s.text)} for s in before
            ):
                dangles = True
        counts.dangling += dangles
    by_source = {s.id: s for s in story.sources}
    stems = {
        item.id: frozenset(
            stem for s in item.sentences for stem in content_stems(s.text, lang.stopwords)
        )
        for item in items
    }

    def versions(a: str, b: str) -> bool:
        return any(
            are_versions(x, y, stems_a=stems[x.id], stems_b=stems[y.id])
            for x in items
            if x.source.id == a
            for y in items
            if y.source.id == b
        )

    for sentence in story.sentences:
        own = by_source[sentence.source]
        for other in sentence.confirmed_by:
            same_outlet = other in by_source and outlet_key(by_source[other]) == outlet_key(own)
            if other == own.id or same_outlet or versions(own.id, other):
                counts.self_confirmations += 1
    for figure in story.figures:
        own = by_source[figure.source]
        for other in figure.confirmed_by:
            if other in by_source and outlet_key(by_source[other]) == outlet_key(own):
                counts.self_confirmations += 1
    labels = [(s.outlet or s.agency or s.id) if old_labels else s.name for s in story.sources]
    counts.id_labels += sum(
        1
        for s, label in zip(story.sources, labels, strict=True)
        if label == s.id or ID_RE.match(label) is not None
    )
    shown = [frozenset(content_stems(s.text, lang.stopwords)) for s in story.sentences]
    for a in range(len(shown)):
        for b in range(a + 1, len(shown)):
            smaller = min(len(shown[a]), len(shown[b]))
            if smaller and len(shown[a] & shown[b]) / smaller >= REPEAT_CONTAINMENT:
                counts.repeats += 1
    if len(story.sources) == 1 and any(item.id in story.items for item in items):
        first = next(item for item in items if item.id in story.items)
        lead = first.sentences[0]
        options = DigestOptions()
        if (
            can_open(lead.text, refs)
            and len(lead.text) <= options.max_sentence_chars
            and places[0][0] == first.id
        ):
            counts.lead_possible += 1
            counts.lead_first += places[0] == (first.id, 0)


def measure(batches: Sequence[Sequence[Article]], lang: Language) -> Counts:
    """Build each batch's digest (all stories) and count what an editor would mark."""
    counts = Counts()
    options = replace(DigestOptions(), stories=1_000_000)
    for batch in batches:
        items = clean_articles(batch, settings=options, lang=lang)
        by_id = {item.id: item for item in items}
        for story in build_digest(batch, settings=options, lang=lang).stories:
            _check_story(story, [by_id[i] for i in story.items], lang, counts)
    return counts


def measure_baseline(batches: Sequence[Sequence[Article]], lang: Language, tree: Path) -> Counts:
    """Count the digests another source tree builds of the same batches."""
    from bot.adapters.serialize import digest_from_dict

    counts = Counts()
    options = DigestOptions()
    with tempfile.TemporaryDirectory() as work:
        config = Path(work) / "kurzlage.toml"
        config.write_text("[digest]\nstories = 50\n", encoding="utf-8")
        for number, batch in enumerate(batches):
            path = Path(work) / f"batch{number}.jsonl"
            path.write_text(
                "".join(
                    json.dumps({"id": a.id, "text": a.text}, ensure_ascii=False) + "\n"
                    for a in batch
                ),
                encoding="utf-8",
            )
            argv = ["-m", "bot", "--config", str(config), "digest", str(path), "--format", "json"]
            result = subprocess.run(
                [sys.executable, *argv],
                cwd=tree,
                env={**os.environ, "PYTHONPATH": str(tree)},
                capture_output=True,
                text=True,
                check=True,
            )
            digest = digest_from_dict(json.loads(result.stdout))
            items = clean_articles(batch, settings=options, lang=lang)
            by_id = {item.id: item for item in items}
            for story in digest.stories:
                own = [by_id[i] for i in story.items if i in by_id]
                _check_story(story, own, lang, counts, old_labels=True)
    return counts


def _load(corpora: Path, size: int) -> list[list[Article]]:
    articles: list[Article] = []
    for name in SETS:
        with (corpora / name).open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                articles.append(Article(id=row["id"], text=row["text"]))
    return [articles[i : i + size] for i in range(0, len(articles), size)]


def table(rows: Sequence[tuple[str, Counts]]) -> str:
    """Return the counts as a Markdown table."""
    head = (
        "| set | stories | shown sentences | out of source order (0) | dangling per 100 "
        "sentences (≤ 2) | lead opens where it qualifies | self-confirmations (0) | "
        "id-like labels (0) | repeated facts (0) |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, c in rows:
        share = 100 * c.lead_first / c.lead_possible if c.lead_possible else 0.0
        dangling = 100 * c.dangling / c.sentences if c.sentences else 0.0
        lines.append(
            f"| {name} | {c.stories} | {c.sentences} | {c.out_of_order} | "
            f"{dangling:.2f} ({c.dangling}) | {share:.1f} % ({c.lead_first}/{c.lead_possible}) "
            f"| {c.self_confirmations} | {c.id_labels} | {c.repeats} |"
        )
    return "\n".join(lines)


def run(corpora: Path, size: int = 50, baseline: Path | None = None) -> str:
    """Return the section of RESULTS.md."""
    lang = load_language()
    root = Path(__file__).resolve().parent.parent
    seeds = read_inputs([root / "seeds"]).articles
    batches = _load(corpora, size)
    name = f"10kGNAD ({sum(map(len, batches))} articles, batches of {size})"
    rows = [
        (name, measure(batches, lang)),
        (f"seeds ({len(seeds)} articles)", measure([seeds], lang)),
    ]
    if baseline is not None:
        rows += [
            (f"{name}, baseline", measure_baseline(batches, lang, baseline)),
            ("seeds, baseline", measure_baseline([seeds], lang, baseline)),
        ]
    return "\n".join(
        [
            "## Editorial check (`benchmarks/bench_editorial.py`)",
            "",
            "Every story of each batch's digest (not only the six posted), default `[digest]` "
            "settings. Targets in the column heads; the rules are those of "
            "`bot/core/references.py`, the repeated-fact test is stricter than the "
            "selection's own.",
            "",
            table(rows),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--corpora", type=Path, default=root.parent / "shared" / "corpora")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--baseline", type=Path, default=None, help="another source tree")
    args = parser.parse_args(argv)
    missing = [name for name in SETS if not (args.corpora / name).is_file()]
    if missing:
        print(f"bench_editorial: {args.corpora / missing[0]} not found", file=sys.stderr)
        return 2
    print(run(args.corpora, args.batch, args.baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
