"""Number recognition on UD German: recall of gold cardinal numbers, and what else is reported.

Gold: the tokens whose UPOS is ``NUM``, merged when adjacent or separated by one space
(``55 000``), as the corpora README asks. A gold number is found when a ``find_numbers`` match
overlaps it. Each gold sentence is searched on its own, as ``extract_figures`` sees sentences.
Tuned on the GSD dev file; the test files are reported.

The gold set of key figures and the reconcile cost (``tests/testkit/figure_gold.py``) are reported
here too.

Usage: ``python -m benchmarks.bench_figures [--corpora ../shared/corpora] [--gold PART]``. The
measurements live in ``tests/testkit/figure_recall.py`` and
``tests/testkit/figure_gold.py``, shared with the tests.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.core.numbers import FIGURE
from tests.testkit.figure_gold import HALVES, measure_gold, run_gold
from tests.testkit.figure_recall import DEV, EXAMPLES, FILES, TARGET_RECALL, Tally, measure

ROOT = Path(__file__).resolve().parent.parent


def _row(name: str, t: Tally) -> str:
    figures = t.kinds[FIGURE]
    others = ", ".join(f"{kind} {n}" for kind, n in t.kinds.most_common() if kind != FIGURE)
    extra_share = t.extra / t.figures if t.figures else 0.0
    return (
        f"| {name} | {t.gold} | {t.found} | **{t.recall:.1%}** | {figures} | {others} | "
        f"{t.figures} | {t.extra} ({extra_share:.0%}) | {t.seconds * 1000:.0f} ms |"
    )


def run(corpora: Path) -> str:
    """Return the key-figure sections of RESULTS.md: UD recall, gold set, reconcile cost."""
    return run_numbers(corpora) + "\n" + run_gold(corpora)


def run_numbers(corpora: Path) -> str:
    """Return the UD number-recognition section of RESULTS.md."""
    results = [(name, measure(corpora / rel)) for name, rel in (*FILES, DEV)]
    lines = [
        "## Key figures: number recognition (`bot.core.numbers`, `bot.core.figures`)",
        "",
        "Gold: UD UPOS `NUM` tokens, merged when adjacent or one space apart (`55 000`). "
        "Found: a `find_numbers` match overlaps the gold number, whatever its kind. "
        f"Target recall >= {TARGET_RECALL:.0%}. Each gold sentence is searched alone.",
        "",
        "| corpus | gold numbers | found | recall | as key figure | as other kinds | "
        "key figures reported | of those outside gold | time |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
        *(_row(name, tally) for name, tally in results),
        "",
        "Figures outside gold are mostly numbers UD does not tag `NUM` (`Millionen` alone is a "
        "noun) or tags differently; examples follow so they can be judged.",
        "",
    ]
    for name, tally in results[: len(FILES)]:
        lines.append(f"**{name}**: missed: " + ("; ".join(tally.misses[:EXAMPLES]) or "none"))
        lines.append("")
        lines.append(
            f"**{name}**: figures outside gold: " + ("; ".join(tally.extras[:EXAMPLES]) or "none")
        )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--verbose", action="store_true", help="list every miss and extra")
    parser.add_argument("--gold", choices=(*HALVES, "all"), help="diagnose one part")
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"bench_figures: corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    if args.gold:
        for half in HALVES if args.gold == "all" else (args.gold,):
            tally = measure_gold(args.corpora, half, verbose=True)
            print(half, tally, sep="\n  ")
            print(*tally.notes, sep="\n  ")
        return 0
    if args.verbose:
        for name, rel in (*FILES, DEV):
            tally = measure(args.corpora / rel)
            print(name, f"{tally.recall:.1%}", *tally.misses, "--", *tally.extras, sep="\n  ")
    print(run(args.corpora))
    return 0


if __name__ == "__main__":
    sys.exit(main())
