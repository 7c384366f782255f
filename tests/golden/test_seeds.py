"""Golden tests: the bundled seed articles through the real command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SEEDS, Run

#: Scraped clutter of the seeds that must never reach a digest (issue: core pipeline).
CLUTTER = (
    "Copyright:",
    "©",
    "Titelfoto",
    "Alles zum Thema",
    "Mehr zum Thema",
    "Stand:",
    "Dieses Thema im Programm",
    "(dpa)",
    "ErsterRussland",
    "Kölner Musik-Star",
    "Archivbild",
    "Ukrainische Soldaten überprüfen eine unbemanntes Landfahrzeug",
    "Lloyd Austin bei einer Pressekonferenz.",
    "18.24 Uhr:",
    "hier im TAG24-Ticker",
    "Krypto-Dinner",
    "Rundschau-Debatte",
)
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def digest_json() -> dict:
    from bot.adapters.files import read_inputs
    from bot.adapters.serialize import digest_to_dict
    from bot.adapters.tables import load_language
    from bot.core.options import DigestOptions
    from bot.core.pipeline import build_digest

    inputs = read_inputs([SEEDS])
    digest = build_digest(inputs.articles, settings=DigestOptions(), lang=load_language())
    return digest_to_dict(digest)


def _story_with(digest: dict, *ids: str) -> dict:
    stories = [s for s in digest["stories"] if set(ids) <= {src["id"] for src in s["sources"]}]
    assert len(stories) == 1, f"expected one story with {ids}, got {len(stories)}"
    return stories[0]


def test_digest_json_contract_through_cli(kurzlage: Run) -> None:
    result = kurzlage("digest", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"stories"}
    assert data["stories"]
    for story in data["stories"]:
        assert isinstance(story["title"], str)
        assert story["title"]
        assert 1 <= len(story["sentences"]) <= 3
        source_ids = {s["id"] for s in story["sources"]}
        for source in story["sources"]:
            assert set(source) >= {"id", "title", "outlet", "url", "published"}
        for sentence in story["sentences"]:
            assert set(sentence) >= {"text", "source"}
            assert sentence["source"] in source_ids
        for figure in story["figures"]:
            assert set(figure) >= {"value", "text", "label", "sentence", "source"}


def test_digest_sentences_are_verbatim_from_their_source(digest_json: dict) -> None:
    texts = {p.stem: _normalise(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    count = 0
    for story in digest_json["stories"]:
        for sentence in story["sentences"]:
            assert _normalise(sentence["text"]) in texts[sentence["source"]]
            count += 1
    assert count >= 6


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_digest_carries_no_scraped_clutter(kurzlage: Run, fmt: str) -> None:
    result = kurzlage("digest", "--format", fmt)
    assert result.returncode == 0, result.stderr
    found = [c for c in CLUTTER if c in result.stdout]
    assert found == []


def test_prisoner_exchange_outlets_form_one_story(digest_json: dict) -> None:
    story = _story_with(digest_json, "000_4705e40d4dd64efe", "001_fdf571903e5f5aab")
    assert {s["id"] for s in story["sources"]} == {"000_4705e40d4dd64efe", "001_fdf571903e5f5aab"}
    assert "002_c56ab70738da21e2" not in {s["id"] for s in story["sources"]}


def test_plea_story_joins_article_and_ticker_entries(digest_json: dict) -> None:
    story = _story_with(digest_json, "004_3ebae379aa40d199")
    entries = [i for i in story["items"] if i.startswith("003_e4f064942255289f#")]
    assert entries, "the ticker entries on the plea belong to the story"
    assert story["title"] == "Trump bittet Putin um Milde für ukrainische Soldaten"


def test_versions_of_one_text_count_as_one_source(digest_json: dict) -> None:
    # The ticker entries on the plea stand word for word in 004: one text, one source.
    story = _story_with(digest_json, "004_3ebae379aa40d199")
    assert [s["id"] for s in story["sources"]] == ["004_3ebae379aa40d199"]
    assert [s["confirmed_by"] for s in story["sentences"]] == [[], [], []]


def test_phone_call_is_its_own_story(digest_json: dict) -> None:
    story = _story_with(digest_json, "002_c56ab70738da21e2")
    assert [s["id"] for s in story["sources"]] == ["002_c56ab70738da21e2"]
    # "Über dieses Thema berichtete Deutschlandfunk" names a broadcaster, not the publisher.
    assert story["sources"][0]["outlet"] is None
    assert story["sources"][0]["published"] == "2024-06-26T07:27:00+02:00"


def test_shared_sentences_appear_once(digest_json: dict) -> None:
    for story in digest_json["stories"]:
        texts = [s["text"] for s in story["sentences"]]
        assert len(texts) == len(set(texts))
        for sentence in story["sentences"]:
            assert sentence["source"] not in sentence["confirmed_by"]


def test_stories_ordered_by_number_of_sources(digest_json: dict) -> None:
    counts = [len(s["sources"]) for s in digest_json["stories"]]
    assert counts == sorted(counts, reverse=True)
    assert counts == [2, 1, 1, 1, 1, 1]


def test_digest_is_deterministic(kurzlage: Run) -> None:
    # Different hash seeds change the iteration order of sets: the output must not care.
    first = kurzlage("digest", "--format", "json", env={"PYTHONHASHSEED": "1"})
    second = kurzlage("digest", "--format", "json", env={"PYTHONHASHSEED": "2"})
    assert first.returncode == 0
    assert first.stdout == second.stdout


def test_ticker_entries_keep_their_time(digest_json: dict) -> None:
    labels = {
        s["time_label"]
        for story in digest_json["stories"]
        for s in story["sources"]
        if s["id"] == "003_e4f064942255289f"
    }
    assert labels, "the ticker is among the sources"
    assert all(re.fullmatch(r"\d{1,2}\. März, \d{1,2}\.\d{2} Uhr", x) for x in labels)


def test_agency_tag_becomes_source_metadata(digest_json: dict) -> None:
    story = _story_with(digest_json, "000_4705e40d4dd64efe")
    source = next(s for s in story["sources"] if s["id"] == "000_4705e40d4dd64efe")
    assert source["agency"] == "dpa"
    assert source["credits"] == ["Efrem Lukatsky/AP/dpa"]
    assert source["title"] == "Russland und Ukraine tauschen erste 390 Gefangene aus"


def test_summarize_contract(kurzlage: Run) -> None:
    result = kurzlage("summarize", SEEDS, "-n", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == SEED_IDS
    for line in lines:
        text = _normalise((SEEDS / f"{line['id']}.txt").read_text(encoding="utf-8"))
        assert 1 <= len(line["sentences"]) <= 2
        positions = [text.index(_normalise(s)) for s in line["sentences"]]
        assert positions == sorted(positions), "sentences come in text order"


def test_sentences_contract_exact_substrings(kurzlage: Run) -> None:
    result = kurzlage("sentences", SEEDS, "--format", "json")
    assert result.returncode == 0, result.stderr
    for line in map(json.loads, result.stdout.splitlines()):
        text = (SEEDS / f"{line['id']}.txt").read_text(encoding="utf-8")
        position = 0
        for sentence in line["sentences"]:
            found = text.index(sentence, position)
            position = found + len(sentence)
        assert len(line["sentences"]) > 5


def test_zahlen_contract(kurzlage: Run) -> None:
    result = kurzlage("zahlen", SEEDS, "--format", "json")
    assert result.returncode == 0, result.stderr
    by_id = {line["id"]: line["figures"] for line in map(json.loads, result.stdout.splitlines())}
    assert sorted(by_id) == SEED_IDS
    values = {(f["value"], f["label"]) for f in by_id["000_4705e40d4dd64efe"]}
    assert {(390, "Menschen"), (270, "Kriegsgefangene"), (120, "Zivilisten")} <= values
    for figures in by_id.values():
        for figure in figures:
            assert figure["text"] in figure["sentence"]


@pytest.mark.parametrize("command", ["digest", "quelle", "zahlen"])
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_person_formats_render(kurzlage: Run, command: str, fmt: str) -> None:
    result = kurzlage(command, "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "Trump bittet Putin um Milde" in result.stdout
    assert "Traceback" not in result.stderr


def test_story_option_out_of_range_is_a_usage_error(kurzlage: Run) -> None:
    result = kurzlage("quelle", "--story", "99")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("kurzlage: --story 99")
    assert "Traceback" not in result.stderr


def test_readme_quick_start_runs_the_digest_on_seeds(kurzlage: Run, tmp_path: Path) -> None:
    # The quick start runs `kurzlage digest` in the repository: PATH defaults to seeds/.
    result = kurzlage("digest")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("KURZLAGE")


@pytest.mark.parametrize("command", ["digest", "quelle", "zahlen"])
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_no_internal_id_is_shown_to_readers(kurzlage: Run, command: str, fmt: str) -> None:
    outputs = [kurzlage(command, "--format", fmt)]
    if command != "digest":
        outputs += [kurzlage(command, "--story", str(n), "--format", fmt) for n in range(1, 7)]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        assert [i for i in SEED_IDS if i in result.stdout] == []
