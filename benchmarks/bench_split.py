"""Sentence splitting: boundary precision, recall and F1 on UD German, and characters per second.

Kurzlage's ``split_sentences`` next to SoMaJo, syntok, pysbd and blingfire, all run in this
process on the same texts. A boundary is the offset where sentence k >= 1 of a document starts
(``text == " ".join(sentences)``, see ``../shared/corpora/README.md``); every system's sentence
starts are moved forward over whitespace so that they are comparable.

Speed is the median over ``REPEATS`` runs of splitting every text of PUD test and GSD test once,
including what each system needs to give character offsets (SoMaJo with
``character_offsets=True``, pysbd with ``char_span=True``). All five run on one core: the
pure-Python ones cannot use more, and blingfire's C++ splitter is single-threaded.

Run alone: ``python -m benchmarks.bench_split [CORPORA]``. Loading and scoring live in
``tests/testkit/segmentation.py``, shared with the tests.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.testkit.segmentation import (
    GSD_DEV,
    GSD_TEST,
    PUD_TEST,
    Splitter,
    kurzlage_starts,
    load_documents,
    score,
)

ROOT = Path(__file__).resolve().parent.parent
# Repetitions of each speed run; the median is reported. Five keep the slowest system (SoMaJo)
# under a minute on the 2-core benchmark machine.
REPEATS = 5


def characters_per_second(texts: Sequence[str], splitter: Splitter) -> float:
    """Median speed over ``REPEATS`` runs of splitting every text once."""
    size = sum(len(text) for text in texts)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for text in texts:
            list(splitter(text))
        times.append(time.perf_counter() - started)
    return size / statistics.median(times)


def _somajo() -> Splitter:
    from somajo import SoMaJo  # type: ignore[import-untyped]

    tokenizer = SoMaJo("de_CMC", split_camel_case=False, character_offsets=True)

    def starts(text: str) -> list[int]:
        return [sentence[0].character_offset[0] for sentence in tokenizer.tokenize_text([text])]

    return starts


def _syntok() -> Splitter:
    import syntok.segmenter  # type: ignore[import-untyped]

    def starts(text: str) -> list[int]:
        return [
            sentence[0].offset
            for paragraph in syntok.segmenter.analyze(text)
            for sentence in paragraph
        ]

    return starts


def _pysbd() -> Splitter:
    import pysbd  # type: ignore[import-untyped]

    segmenter = pysbd.Segmenter(language="de", clean=False, char_span=True)

    def starts(text: str) -> list[int]:
        return [span.start for span in segmenter.segment(text)]

    return starts


def _blingfire() -> Splitter:
    import blingfire  # type: ignore[import-untyped]

    def starts(text: str) -> list[int]:
        return [start for start, _ in blingfire.text_to_sentences_and_offsets(text)[1]]

    return starts


# The alternatives, built lazily so that a missing package only drops its row.
ALTERNATIVES: dict[str, Callable[[], Splitter]] = {
    "SoMaJo": _somajo,
    "syntok": _syntok,
    "pysbd": _pysbd,
    "blingfire": _blingfire,
}


def _systems() -> tuple[dict[str, Splitter], list[str]]:
    systems: dict[str, Splitter] = {"Kurzlage": kurzlage_starts}
    missing = []
    for name, build in ALTERNATIVES.items():
        try:
            systems[name] = build()
        except ImportError:
            missing.append(name)
    return systems, missing


def run(corpora: Path) -> str:
    """Return the Markdown section for the sentence splitting benchmark."""
    sets = {
        "PUD test": load_documents(corpora / PUD_TEST),
        "GSD test": load_documents(corpora / GSD_TEST),
        "GSD test news": load_documents(corpora / GSD_TEST, genre="news"),
        "GSD dev (tuning)": load_documents(corpora / GSD_DEV),
    }
    texts = [d.text for d in sets["PUD test"] + sets["GSD test"]]
    systems, missing = _systems()
    lines = [
        "## Sentence splitting",
        "",
        f"Boundary precision / recall / F1 on UD German; speed over PUD test + GSD test "
        f"({sum(map(len, texts)):,} characters, {len(texts)} documents), median of {REPEATS} "
        "runs on one core, in-process. Kurzlage was tuned on GSD dev and PUD news. Its test "
        "errors were seen once during development (a script mistake); three abbreviation-table "
        "fixes came after that (drop `dies`, add `Hl`, exact-case lookup), so PUD test and GSD "
        "test are not perfectly blind.",
        "",
        "| System | "
        + " | ".join(f"{name} P / R / F1" for name in sets)
        + " | chars/s | speed vs Kurzlage |",
        "| --- | " + " | ".join("---" for _ in sets) + " | ---: | ---: |",
    ]
    speeds = {name: characters_per_second(texts, splitter) for name, splitter in systems.items()}
    for name, splitter in systems.items():
        cells = []
        for documents in sets.values():
            s = score(documents, splitter)
            cells.append(f"{s.precision:.3f} / {s.recall:.3f} / **{s.f1:.3f}**")
        ratio = speeds[name] / speeds["Kurzlage"]
        relative = (
            f"{ratio:.3f}"
            if name == "Kurzlage" or ratio > 1
            else (f"{ratio:.3f} (Kurzlage {1 / ratio:.1f}× faster)")
        )
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {speeds[name]:,.0f} | {relative} |")
    if missing:
        lines += ["", f"Not installed (`pip install -e .[bench]`): {', '.join(missing)}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    corpora = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpora"
    print(run(corpora))
