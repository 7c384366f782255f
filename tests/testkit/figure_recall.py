"""Recall of gold cardinal numbers (UD German NUM) by ``find_numbers``, and figures outside gold.

Shared by ``benchmarks/bench_figures.py`` (the table) and ``tests/core/test_figures_corpora.py``
(the floors), so the tests never import the benchmarks. See the benchmark for the method.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.adapters.tables import load_language
from bot.core.figures import extract_figures
from bot.core.numbers import FIGURE, find_numbers

FILES = (
    ("UD German GSD test", "ud_german_gsd/segmentation_test.jsonl"),
    ("UD German PUD test", "ud_german_pud/segmentation_test.jsonl"),
)
DEV = ("UD German GSD dev (tuning)", "ud_german_gsd/segmentation_dev.jsonl")
# Examples listed per corpus for misses and for figures outside gold.
EXAMPLES = 6
# The README's target for figure recall (issue 4).
TARGET_RECALL = 0.97


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    figures: int = 0
    extra: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0


def gold_groups(doc: dict[str, Any]) -> list[tuple[int, int]]:
    """Return merged gold NUM spans (document offsets): adjacent or one space apart."""
    groups: list[list[int]] = []
    text = doc["text"]
    for token in sorted(doc["num_tokens"], key=lambda t: t["start"]):
        if groups and text[groups[-1][1] : token["start"]] in ("", " "):
            groups[-1][1] = token["end"]
        else:
            groups.append([token["start"], token["end"]])
    return [(start, end) for start, end in groups]


def sentence_offsets(doc: dict[str, Any]) -> list[int]:
    offsets, position = [], 0
    for sentence in doc["sentences"]:
        offsets.append(position)
        position += len(sentence) + len(doc.get("separator", " "))
    return offsets


def measure(path: Path) -> Tally:
    tally = Tally()
    started = time.perf_counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        text = doc["text"]
        matches = []
        figures = []
        for offset, sentence in zip(sentence_offsets(doc), doc["sentences"], strict=True):
            matches += [(m.start + offset, m.end + offset, m.kind) for m in find_numbers(sentence)]
            figures += [
                (f.start + offset, f.start + offset + len(f.text), f.text)
                for f in extract_figures(sentence, source=doc["id"], lang=load_language())
            ]
        gold = gold_groups(doc)
        for start, end in gold:
            tally.gold += 1
            hits = [kind for s, e, kind in matches if s < end and start < e]
            if hits:
                tally.found += 1
                tally.kinds[FIGURE if FIGURE in hits else hits[0]] += 1
            elif len(tally.misses) < EXAMPLES * 3:
                tally.misses.append(f"`{text[max(0, start - 25) : end + 15]}` ({text[start:end]})")
        for start, end, written in figures:
            tally.figures += 1
            if not any(s < end and start < e for s, e in gold):
                tally.extra += 1
                if len(tally.extras) < EXAMPLES * 3:
                    tally.extras.append(f"`{written}` in `{text[max(0, start - 25) : end + 15]}`")
    tally.seconds = time.perf_counter() - started
    return tally
