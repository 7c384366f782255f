"""Speed and memory of the whole pipeline: ``kurzlage digest`` in child processes.

Usage (from the repository root, with the ``bench`` extra installed)::

    python -m benchmarks.bench_speed [--corpora ../shared/corpora] [--repeats 3]
    python -m benchmarks.bench_speed --profile      # cProfile of one in-process digest

Every measurement is a whole child process, pinned to one core (CPU ``CORE``): wall time,
CPU time (user + system) and peak RSS come from GNU time, of that child alone. The machine
is shared and noisy, so each run is repeated ``REPEATS`` times and the median is reported with
min-max, next to baselines measured in the same run: a process that only reads and
json-parses the same files, and a ``digest`` of one article (interpreter start and imports).
CPU time is the fair figure on a busy machine (wall time includes waiting for the core).

The articles are the 1,028 10kGNAD test articles (``summary + " " + text`` of the teaser set,
``text`` of the bulk set, ids from the rows). Sizes above 1,028 repeat the set with new ids, so
every article of a 2,000 run has a verbatim twin: the grouping joins the twins into stories
of two, which makes those runs a little heavier per article than a real batch.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAIRS = Path("10kgnad_teaser/pairs_test.jsonl")
BULK = Path("10kgnad/articles_test.jsonl")
# Repetitions of each measurement; the median is reported. Three keep the whole section under
# about ten minutes on the 2-core benchmark machine (a 1,028-article digest takes ~15 s).
REPEATS = 3
# The core every child runs on: the targets are "on one core".
CORE = 0
# Issue 2's first benchmark: digest of this many articles, one .json file each.
ISSUE2_ARTICLES = 1000
# Batch sizes for the growth of cost (issue 3).
SIZES = (250, 500, 1000, 2000)
# Issue 3's targets for the 1,028-article digest on one core.
TARGET_ARTICLES_PER_SECOND = 200
TARGET_PEAK_MB = 300
# The alternative a user would assemble: SoMaJo's sentences, then one of sumy's rankers.
ALTERNATIVES = (
    "SoMaJo + sumy TextRank",
    "SoMaJo + sumy LexRank",
    "Kurzlage split + sumy TextRank",
)
# Rows of the cProfile listing in --profile.
PROFILE_ROWS = 15

_READ_DRIVER = """
import json, sys
from pathlib import Path
n = 0
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    json.loads(path.read_text(encoding="utf-8"))
    n += 1
print(n)
"""


# --- data -----------------------------------------------------------------------------------


def load_rows(corpora: Path) -> list[dict[str, str]]:
    """Return the 1,028 10kGNAD test articles as ``{"id", "title", "text"}`` rows."""
    rows = []
    with (corpora / PAIRS).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            rows.append({"id": row["id"], "title": "", "text": row["summary"] + " " + row["text"]})
    with (corpora / BULK).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            rows.append({"id": row["id"], "title": "", "text": row["text"]})
    return rows


def sized(rows: Sequence[dict[str, str]], n: int) -> list[dict[str, str]]:
    """Return ``n`` rows: the first ``n``, or the set repeated with new ids to reach ``n``."""
    out = []
    for k in range(n):
        row = rows[k % len(rows)]
        copy = k // len(rows)
        out.append(row if copy == 0 else {**row, "id": f"{row['id']}-copy{copy}"})
    return out


def write_jsonl(rows: Sequence[dict[str, str]], path: Path) -> Path:
    """Write rows as one JSON Lines file."""
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_json_files(rows: Sequence[dict[str, str]], folder: Path) -> Path:
    """Write each row as its own ``<id>.json`` file in ``folder``."""
    folder.mkdir()
    for row in rows:
        (folder / f"{row['id']}.json").write_text(json.dumps(row, ensure_ascii=False), "utf-8")
    return folder


# --- measuring child processes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One child process: wall and CPU seconds, peak RSS in MB, and what it printed."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str


@dataclass(frozen=True, slots=True)
class Series:
    """Repeated runs of the same command."""

    name: str
    articles: int
    runs: tuple[Run, ...]

    def median(self, field: str) -> float:
        return float(statistics.median(getattr(run, field) for run in self.runs))

    def spread(self, field: str, fmt: str = ".2f") -> str:
        values = [getattr(run, field) for run in self.runs]
        return f"{self.median(field):{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})"


#: GNU time, which reports a child's CPU time and peak RSS (Debian package ``time``).
TIME = "/usr/bin/time"


def measure(argv: Sequence[str]) -> Run:
    """Run one child on core ``CORE``; raise with its stderr if it fails.

    The child runs under GNU time and taskset: a child forked straight from this process
    would report this process's memory as its own peak (Linux keeps the larger RSS across
    ``exec``), while ``time`` is small and reports its child's own CPU time and peak.
    """
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r") as timing,
    ):
        wrapped = [TIME, "-f", "%U %S %M", "-o", timing.name, "taskset", "-c", str(CORE), *argv]
        started = time.perf_counter()
        child = subprocess.run(wrapped, cwd=ROOT, stdout=out, stderr=err, check=False)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {child.returncode}:\n{err.read()}")
        user, system, peak_kb = timing.read().split()[-3:]
        return Run(wall, float(user) + float(system), int(peak_kb) / 1024, out.read())


def series(name: str, articles: int, argv: Sequence[str], repeats: int) -> Series:
    """Measure one command ``repeats`` times."""
    print(f"   {name} …", file=sys.stderr)
    return Series(name, articles, tuple(measure(argv) for _ in range(repeats)))


def _digest(paths: Sequence[Path]) -> list[str]:
    return [sys.executable, "-m", "bot", "digest", *map(str, paths), "--format", "json"]


def _self(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.bench_speed", *args]


def _check_digest(result: Series) -> int:
    """Return the number of stories of the (last) digest; it must have some."""
    stories = len(json.loads(result.runs[-1].stdout)["stories"])
    if not stories:
        raise RuntimeError(f"{result.name}: the digest has no stories")
    return stories


# --- children: the alternative and the in-process stages ------------------------------------


def _read_rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def alternative_child(name: str, path: Path) -> None:
    """Summarize every article of ``path`` with one alternative; print the sentence count."""
    from benchmarks.bench_split import _somajo
    from benchmarks.bench_summary import sumy_system
    from bot.adapters.tables import load_language
    from bot.core.models import Article
    from bot.core.options import DigestOptions
    from tests.testkit.summaries import Pair, article_sentences

    lang = load_language()
    ranker = sumy_system(name.rsplit(" ", 1)[1], lang)
    starts = _somajo() if name.startswith("SoMaJo") else None
    settings = DigestOptions()
    picked = 0
    for index, row in enumerate(_read_rows(path)):
        article = Article(id=row["id"], text=row["text"])
        if starts is not None:
            text = article.text
            bounds = [*starts(text), len(text)]
            sentences = tuple(text[a:b].strip() for a, b in itertools.pairwise(bounds))
        else:
            sentences = article_sentences(article, lang, settings)
        picked += len(ranker(Pair(index, article, sentences, "")))
    print(picked)


def _stages_once(path: Path) -> dict[str, float]:
    from bot.adapters.files import read_inputs
    from bot.adapters.render import Renderer
    from bot.adapters.serialize import digest_to_dict
    from bot.adapters.tables import load_language
    from bot.core.digest import assemble_story
    from bot.core.figures import extract_figures
    from bot.core.models import Digest, Story
    from bot.core.options import DigestOptions
    from bot.core.pipeline import clean_articles
    from bot.core.scoring import score_sentences
    from bot.core.stories import group_items
    from bot.core.words import WORD_RE, stem

    settings = DigestOptions()
    lang = load_language()
    times: dict[str, float] = {}
    # Every repetition starts cold, as a fresh process does: the stem cache would otherwise
    # hide the cost of stemming each new word once.
    stem.cache_clear()

    def timed(stage: str, work: Callable[[], Any]) -> Any:
        started = time.process_time()
        value = work()
        times[stage] = time.process_time() - started
        return value

    articles = timed("read files", lambda: read_inputs([path]).articles)
    items = timed(
        "clean (clean_articles)", lambda: clean_articles(articles, settings=settings, lang=lang)
    )
    groups = timed("group (group_items)", lambda: group_items(items, stopwords=lang.stopwords))
    stories: list[Story] = timed(
        "assemble and score (assemble_story)",
        lambda: [
            story
            for group in groups
            if (story := assemble_story([items[i] for i in group], settings=settings, lang=lang))
        ],
    )
    timed(
        "  of which score_sentences (alone)",
        lambda: [
            score_sentences(
                [s.text for s in item.sentences], title=item.source.title, stopwords=lang.stopwords
            )
            for item in items
        ],
    )
    timed(
        "  of which extract_figures (alone)",
        lambda: [
            extract_figures(s.text, source=s.source, lang=lang)
            for item in items
            for s in item.sentences
        ],
    )
    words = {
        part
        for item in items
        for s in item.sentences
        for word in WORD_RE.findall(s.text.lower())
        for part in word.split("-")
    }
    stem.cache_clear()
    timed("  of which stemming each word once (alone)", lambda: [stem(w) for w in words])
    top = sorted(stories, key=lambda s: (-len(s.sources), -s.weight))[: settings.stories]
    digest = Digest(stories=tuple(top), created=None, items=())
    renderer = Renderer()
    timed(
        "render (HTML, text, JSON)",
        lambda: (
            renderer.digest_messages(digest, fmt="html"),
            renderer.digest_messages(digest, fmt="text"),
            json.dumps(digest_to_dict(digest), ensure_ascii=False),
        ),
    )
    times["items"] = len(items)
    return times


def stages_child(path: Path, repeats: int) -> None:
    """Print the median CPU seconds of each stage over ``repeats`` in-process runs (JSON)."""
    runs = [_stages_once(path) for _ in range(repeats)]
    print(json.dumps({key: statistics.median(r[key] for r in runs) for key in runs[0]}))


def profile(path: Path) -> str:
    """Return cProfile's top functions of one in-process digest of ``path``."""
    import cProfile
    import io
    import pstats

    from bot.adapters.files import read_inputs
    from bot.adapters.render import Renderer
    from bot.adapters.tables import load_language
    from bot.core.options import DigestOptions
    from bot.core.pipeline import build_digest

    settings, lang, renderer = DigestOptions(), load_language(), Renderer()
    articles = read_inputs([path]).articles
    profiler = cProfile.Profile()
    profiler.enable()
    digest = build_digest(articles, settings=settings, lang=lang)
    renderer.digest_messages(digest, fmt="html")
    profiler.disable()
    out = io.StringIO()
    for order in ("cumulative", "tottime"):
        out.write(f"\n==== by {order}\n")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(PROFILE_ROWS)
    return out.getvalue()


# --- the section ----------------------------------------------------------------------------


def growth_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(seconds) over log(size)."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(s, 1e-9)) for s in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return num / sum((x - mx) ** 2 for x in xs)


def _row(result: Series, baseline: Series | None = None) -> str:
    n = result.articles
    cells = [
        result.name,
        f"{n:,}",
        result.spread("wall"),
        result.spread("cpu"),
        f"{n / result.median('wall'):.0f}",
        f"{n / result.median('cpu'):.0f}",
        result.spread("peak_mb", ".0f"),
    ]
    if baseline is not None:
        cells.append(f"{result.median('cpu') / baseline.median('cpu'):.1f}×")
    return "| " + " | ".join(cells) + " |"


_HEAD = (
    "| Run | articles | wall s median (min–max) | CPU s median (min–max) | articles/s (wall) "
    "| articles/CPU-s | peak RSS MB median (min–max) |"
)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def run(corpora: Path, *, repeats: int = REPEATS) -> str:
    """Return the Markdown section for the speed and memory benchmark."""
    rows = load_rows(corpora)
    with tempfile.TemporaryDirectory(prefix="kurzlage-speed-") as tmp:
        folder = Path(tmp)
        files = write_json_files(rows[:ISSUE2_ARTICLES], folder / "issue2")
        one = write_jsonl(rows[:1], folder / "one.jsonl")
        every = write_jsonl(rows, folder / "all.jsonl")
        by_size = {n: write_jsonl(sized(rows, n), folder / f"n{n}.jsonl") for n in SIZES}

        read = series(
            f"plain read + json.loads of {ISSUE2_ARTICLES:,} .json files",
            ISSUE2_ARTICLES,
            [sys.executable, "-c", _READ_DRIVER, str(files)],
            repeats,
        )
        start = series("`digest` of 1 article (start-up)", 1, _digest([one]), repeats)
        issue2 = series(
            f"`digest` of {ISSUE2_ARTICLES:,} .json files",
            ISSUE2_ARTICLES,
            _digest([files]),
            repeats,
        )
        whole = series(
            "`digest` of all 10kGNAD test articles (.jsonl)", len(rows), _digest([every]), repeats
        )
        sizes = {
            n: series(f"`digest` of {n:,}", n, _digest([path]), repeats)
            for n, path in by_size.items()
        }
        alternatives = [
            series(name, len(rows), _self("--alternative", name, str(every)), repeats)
            for name in ALTERNATIVES
        ]
        print("   stages …", file=sys.stderr)
        stages = json.loads(measure(_self("--stages", str(every), str(repeats))).stdout)
    stories = _check_digest(whole)
    _check_digest(issue2)

    startup = start.median("cpu")
    net = {n: max(s.median("cpu") - startup, 1e-9) for n, s in sizes.items()}
    slope = growth_exponent(list(net), list(net.values()))
    distinct = [n for n in net if n <= len(rows)]
    slope_distinct = growth_exponent(distinct, [net[n] for n in distinct])
    slope_gross = growth_exponent(list(sizes), [s.median("cpu") for s in sizes.values()])
    per_cpu = len(rows) / whole.median("cpu")
    peak = whole.median("peak_mb")
    lines = [
        "## Speed and memory: the whole pipeline",
        "",
        f"Every run is a child process pinned to CPU {CORE} (`taskset`); "
        f"median of {repeats} runs with min–max; wall time, CPU time (user + system) and peak "
        "RSS of that child alone (measured by GNU `time`: a child forked from the benchmark "
        "process itself would report that process's memory as its peak). The machine is "
        "shared: wall time includes "
        "waiting for the core, so CPU time and the ratios to the baselines of the same run are "
        "the figures to compare. `digest --format json` runs everything: reading, cleaning, "
        "splitting, grouping, scoring, figures, rendering the JSON.",
        "",
        f"### Issue 2: {ISSUE2_ARTICLES:,} articles against a plain read",
        "",
        _HEAD + " CPU × plain read |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _row(read, read),
        _row(start, read),
        _row(issue2, read),
        "",
        f"### Issue 3: all {len(rows):,} 10kGNAD articles on one core",
        "",
        f"`digest` of {len(rows):,} articles ({stories} stories in the digest, all groups "
        f"assembled): **{per_cpu:.0f} articles per CPU-second** (target ≥ "
        f"{TARGET_ARTICLES_PER_SECOND}: {_verdict(per_cpu >= TARGET_ARTICLES_PER_SECOND)}, "
        f"{per_cpu / TARGET_ARTICLES_PER_SECOND:.2f}× the target), "
        f"{len(rows) / whole.median('wall'):.0f} per wall-second; peak RSS **{peak:.0f} MB** "
        f"(target ≤ {TARGET_PEAK_MB}: {_verdict(peak <= TARGET_PEAK_MB)}). "
        f"Without the start-up ({startup:.2f} CPU-s): "
        f"{len(rows) / max(whole.median('cpu') - startup, 1e-9):.0f} articles per CPU-second.",
        "",
        _HEAD + " alternative CPU ÷ Kurzlage CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _row(whole, whole).replace("| 1.0× |", "| – |"),
    ]
    for alt in alternatives:
        lines.append(_row(alt) + f" {alt.median('cpu') / whole.median('cpu'):.2f}× |")
    lines += [
        "",
        "The alternatives summarize each article alone (the best sentence; sumy ranks every "
        "sentence whatever the count): SoMaJo (`de_CMC`, character offsets) splits, sumy "
        "ranks with our snowball stemmer and stop words (`benchmarks/bench_summary.py`); "
        "`Kurzlage split` gives sumy the sentences of our cleaning and splitting instead. "
        "They do no cleaning of their own, no grouping, no figures and no rendering.",
        "",
        "#### Growth of cost with the batch size",
        "",
        "| articles | wall s median (min–max) | CPU s median (min–max) | CPU ms/article "
        "| CPU ms/article without start-up | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n, result in sizes.items():
        lines.append(
            f"| {n:,} | {result.spread('wall')} | {result.spread('cpu')} "
            f"| {1000 * result.median('cpu') / n:.1f} | {1000 * net[n] / n:.1f} "
            f"| {result.spread('peak_mb', '.0f')} |"
        )
    lines += [
        "",
        f"Fitted growth exponent (least-squares slope of log CPU time over log articles, "
        f"start-up subtracted): **{slope:.2f}** ({slope_gross:.2f} with the start-up; "
        f"{slope_distinct:.2f} over the sizes up to {len(rows):,}, where no article repeats). "
        "n log n over this range fits a slope of about 1.1; 2 is quadratic. Runs above 1,028 "
        "repeat the set with new ids: each article has a verbatim twin whose words are already "
        "stemmed (cached), so the largest size flatters the slope.",
        "",
        f"#### Stages, in process ({len(rows):,} articles, CPU s, median of {repeats})",
        "",
        "| stage | CPU s | share of the stages |",
        "|---|---:|---:|",
    ]
    counts = stages.pop("items")
    total = sum(v for k, v in stages.items() if not k.startswith(" "))
    for stage, seconds in stages.items():
        share = f"{100 * seconds / total:.0f} %"
        lines.append(f"| {stage.strip()} | {seconds:.2f} | {share} |")
    lines += [
        f"| total | {total:.2f} | 100 % |",
        "",
        f"{int(counts):,} items. `assemble_story` scores sentences and extracts figures itself; "
        "the `of which` rows time those functions alone on every item and sentence (with the "
        "stem cache warm); the stemming row stems every distinct word once, cold, which the "
        "stages above pay wherever a word is seen first (mostly in grouping). "
        "Render covers the top stories only, as the command line does.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--profile", action="store_true", help="cProfile one in-process digest")
    parser.add_argument(
        "--alternative", nargs=2, metavar=("NAME", "JSONL"), help=argparse.SUPPRESS
    )
    parser.add_argument("--stages", nargs=2, metavar=("JSONL", "REPEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.alternative:
        alternative_child(args.alternative[0], Path(args.alternative[1]))
        return 0
    if args.stages:
        stages_child(Path(args.stages[0]), int(args.stages[1]))
        return 0
    if not (args.corpora / PAIRS).is_file():
        print(f"bench_speed: {args.corpora / PAIRS} not found", file=sys.stderr)
        return 2
    if args.profile:
        with tempfile.TemporaryDirectory() as tmp:
            print(profile(write_jsonl(load_rows(args.corpora), Path(tmp) / "all.jsonl")))
        return 0
    print(run(args.corpora, repeats=args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
