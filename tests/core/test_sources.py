"""Sources a reader understands: labels, versions of one article, no self-confirmation."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.adapters.tables import load_language
from bot.core.clean import clean_article
from bot.core.digest import build_stories
from bot.core.models import Article, Item, Source, url_domain
from bot.core.options import DigestOptions
from bot.core.sources import drop_versions

LANG = load_language()
BERLIN = ZoneInfo("Europe/Berlin")
BUDGET = (
    "Bundestag beschließt Haushalt\n\nDer Bundestag hat den Haushalt für das kommende Jahr "
    "beschlossen. Die Ausgaben steigen auf 480 Milliarden Euro, die Opposition kritisierte "
    "die neuen Schulden scharf."
)
REPORT = (
    "Hochwasser in Passau\n\nDas Hochwasser der Donau hat in Passau einen Pegelstand von "
    "zwölf Metern erreicht. Die Altstadt wurde evakuiert, rund 2.000 Menschen mussten ihre "
    "Häuser verlassen. Die Feuerwehr baute Sandsäcke an der Uferpromenade auf."
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, None),
        ("", None),
        ("https://www.zeit.de/politik/artikel", "zeit.de"),
        ("http://m.spiegel.de/a?b=1", "spiegel.de"),
        ("https://user@orf.at:443/news", "orf.at"),
        ("https://localhost/x", None),
        ("kein Link", None),
    ],
    ids=["none", "empty", "www", "mobile", "user-and-port", "no-domain", "not-a-url"],
)
def test_url_domain(url: str | None, expected: str | None) -> None:
    assert url_domain(url) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (Source(id="004_3ebae379", title=""), "004_3ebae379"),
        (
            Source(id="004_3ebae379", title="Die Minister reden miteinander"),
            "Die Minister reden miteinander",
        ),
        (
            Source(id="x1", title="Russland und die Ukraine wollen heute und am Sonntag tauschen"),
            "Russland und die Ukraine wollen heute und am …",
        ),
        (Source(id="x1", title="Titel", agency="dpa"), "dpa"),
        (Source(id="x1", title="Titel", agency="dpa", url="https://www.zeit.de/a"), "zeit.de"),
        (Source(id="x1", title="Titel", outlet="TAG24", url="https://www.tag24.de/a"), "TAG24"),
    ],
    ids=["nothing-but-id", "title", "long-title", "agency", "domain", "outlet"],
)
def test_source_name_is_never_an_id_when_anything_else_is_known(
    source: Source, expected: str
) -> None:
    assert source.name == expected
    assert source.short_name == expected


def _items(*articles: Article) -> list[Item]:
    return [i for a in articles for i in clean_article(a, lang=LANG, zone=BERLIN)]


def test_versions_of_one_article_are_one_source() -> None:
    longer = REPORT + " Die Stadt rechnet mit Schäden in Millionenhöhe."
    items = _items(
        Article(id="a", text=REPORT, outlet="PNP"),
        Article(id="b", text=longer, outlet="PNP"),
        Article(id="c", text=BUDGET, url="https://br.de/x"),
        Article(id="d", text=BUDGET.replace("scharf", "heftig"), url="https://br.de/x"),
    )
    kept, dropped = drop_versions(items, stopwords=LANG.stopwords)
    assert [i.id for i in kept] == ["b", "c"]
    assert {k: [i.id for i in v] for k, v in dropped.items()} == {"b": ["a"], "c": ["d"]}


def test_same_outlet_never_confirms_itself() -> None:
    # Two sentences in common (agency copy), the rest their own.
    other = (
        "Passau unter Wasser\n\nDas Hochwasser der Donau hat in Passau einen Pegelstand von "
        "zwölf Metern erreicht. Die Altstadt wurde evakuiert, rund 2.000 Menschen mussten ihre "
        "Häuser verlassen. Bürgermeister Jürgen Dupper sprach von einer Ausnahmelage für "
        "die ganze Region. Die Bundeswehr schickte am Abend zusätzliche Soldaten in die Stadt."
    )
    same = _items(
        Article(id="a", text=REPORT, outlet="PNP"), Article(id="b", text=other, outlet="PNP")
    )
    stories = build_stories(same, settings=DigestOptions(), lang=LANG)
    assert [s.confirmed_by for story in stories for s in story.sentences if s.confirmed_by] == []
    different = _items(
        Article(id="a", text=REPORT, outlet="PNP"), Article(id="b", text=other, outlet="BR")
    )
    (story,) = build_stories(different, settings=DigestOptions(), lang=LANG)
    assert any(s.confirmed_by for s in story.sentences)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (Source(id="a", title="Titel"), True),
        (Source(id="a", title="Titel", agency="dpa"), False),
        (Source(id="a", title="Titel", url="https://www.orf.at/x"), False),
        (Source(id="a", title="Titel", outlet="ORF"), False),
    ],
    ids=["title-only", "agency", "domain", "outlet"],
)
def test_named_by_title(source: Source, expected: bool) -> None:
    assert source.named_by_title is expected
