"""The command line on the web: ``digest URL …``, ``feeds check`` and ``feeds import``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.settings import load_settings
from tests.conftest import Run
from tests.testkit.web import Route, WebServer, article_page, rss

BAHN = [
    "Die Deutsche Bahn streicht im Winter mehrere Fernverbindungen zwischen Berlin und Hamburg.",
    "Ein Sprecher nannte am Montag Bauarbeiten an der Strecke als Grund für die Änderungen.",
    "Fahrgastverbände kritisierten die Entscheidung und forderten einen besseren Ersatzverkehr.",
]
WETTER = [
    "Der Deutsche Wetterdienst warnt für Bayern vor starkem Schneefall in der Nacht zum Dienstag.",
    "In den Alpen könnten bis zu 40 Zentimeter Neuschnee fallen, teilte der Wetterdienst mit.",
    "Autofahrer sollten sich auf glatte Straßen und längere Fahrzeiten einstellen.",
]


@pytest.fixture
def web():
    routes = {
        "/bahn.html": Route(
            body=article_page("Bahn streicht Fernzüge", BAHN, site="Nordkurier").encode()
        ),
        "/wetter.html": Route(
            body=article_page("Schnee in Bayern erwartet", WETTER, site="Alpenblatt").encode()
        ),
        "/feed.xml": Route(
            body=rss([{"title": "Schnee", "link": "/wetter.html?utm_source=rss"}]).encode(),
            content_type="application/rss+xml",
            etag='"1"',
        ),
        "/kaputt.xml": Route(status=403, body=b"<html><title>Just a moment...</title></html>"),
    }
    with WebServer(routes) as server:
        yield server


def test_digest_reads_feed_and_page_urls_next_to_files(kurzlage: Run, web, tmp_path: Path):
    result = kurzlage(
        "digest", web.url("/feed.xml"), web.url("/bahn.html"), "--format", "json", cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    stories = json.loads(result.stdout)["stories"]
    pairs = sorted((s["title"], s["sources"][0]["outlet"]) for s in stories)
    assert pairs == [
        ("Bahn streicht Fernzüge", "Nordkurier"),
        ("Schnee in Bayern erwartet", "Alpenblatt"),
    ]
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []  # nothing stored


def test_digest_of_a_failing_url_is_one_line_and_exit_1(kurzlage: Run, web, tmp_path: Path):
    result = kurzlage("digest", web.url("/kaputt.xml"), cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr == (
        f"kurzlage: GET {web.url('/kaputt.xml')} failed with status 403\n"
        "kurzlage: no usable article in the input\n"
    )


def test_feeds_check_prints_one_line_per_feed(kurzlage: Run, web, tmp_path: Path):
    config = tmp_path / "k.toml"
    config.write_text(
        f'[bot]\ndatabase = "{tmp_path / "k.sqlite3"}"\n'
        f'[[feeds]]\nurl = "{web.url("/feed.xml")}"\n'
        f'[[feeds]]\nurl = "{web.url("/kaputt.xml")}"\noutlet = "Kaputt"\n',
        encoding="utf-8",
    )

    first = kurzlage("feeds", "check", "--config", config)
    second = kurzlage("feeds", "check", "--config", config)

    assert first.returncode == second.returncode == 0
    broken = web.url("/kaputt.xml")
    error = f"Fehler      {broken}: GET {broken} failed with status 403"
    assert first.stdout.splitlines() == [
        f"neu         {web.url('/feed.xml')}: 1 neu, 0 geändert, 1 Eintrag",
        error,
    ]
    assert second.stdout.splitlines() == [f"unverändert {web.url('/feed.xml')}", error]
    assert web.paths().count("/wetter.html?utm_source=rss") == 1


def test_feeds_check_without_feeds_names_the_key(kurzlage: Run, tmp_path: Path):
    config = tmp_path / "k.toml"
    config.write_text(f'[bot]\ndatabase = "{tmp_path / "k.sqlite3"}"\n', encoding="utf-8")

    result = kurzlage("feeds", "check", "--config", config)

    assert result.returncode == 2
    assert result.stderr.startswith("kurzlage: config: no [[feeds]] configured;")


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Abos</title></head><body>
<outline text="Nachrichten">
  <outline type="rss" text="tagesschau.de - Die Nachrichten der ARD" xmlUrl="https://www.tagesschau.de/xml/rss2/"/>
  <outline type="rss" title="DER STANDARD" xmlUrl="https://www.derstandard.at/rss"/>
</outline>
<outline text="Ein Link ohne Feed" htmlUrl="https://example.org/"/>
</body></opml>
"""


def test_feeds_import_appends_new_feeds_once(kurzlage: Run, tmp_path: Path):
    opml = tmp_path / "abos.opml"
    opml.write_text(OPML, encoding="utf-8")
    config = tmp_path / "k.toml"
    config.write_text('[[feeds]]\nurl = "https://www.derstandard.at/rss"\n', encoding="utf-8")

    first = kurzlage("feeds", "import", opml, "--config", config)
    second = kurzlage("feeds", "import", opml, "--config", config)

    assert first.returncode == second.returncode == 0
    assert (
        first.stdout == f"1 Feed in {config} eingetragen:\n  https://www.tagesschau.de/xml/rss2/\n"
    )
    assert second.stdout == f"Keine neuen Feeds: Alle Feeds der Datei stehen schon in {config}.\n"
    assert [f.url for f in load_settings(config).feeds] == [
        "https://www.derstandard.at/rss",
        "https://www.tagesschau.de/xml/rss2/",
    ]


def test_feeds_import_of_a_broken_file_is_one_line(kurzlage: Run, tmp_path: Path):
    opml = tmp_path / "abos.opml"
    opml.write_text("<opml><body><outline", encoding="utf-8")
    config = tmp_path / "k.toml"
    config.write_text("# meine Einstellungen\n", encoding="utf-8")

    result = kurzlage("feeds", "import", opml, "--config", config)

    assert result.returncode == 2
    assert result.stderr.startswith(f"kurzlage: {opml}: not an OPML file (")
    assert result.stderr.count("\n") == 1
    assert config.read_text(encoding="utf-8") == "# meine Einstellungen\n"


def test_digest_of_a_saved_page_takes_title_and_outlet_from_its_metadata(
    kurzlage: Run, tmp_path: Path
):
    html = article_page("Bahn streicht Fernzüge", BAHN, site="Nordkurier").replace(
        "<title>Bahn streicht Fernzüge | Nordkurier</title>",
        '<title>Bahn streicht Fernzüge | Nordkurier</title><link rel="canonical"'
        ' href="https://www.nordkurier.example/bahn-streicht-fernzuege">',
    )
    page = tmp_path / "gespeichert.html"
    page.write_text(html, encoding="utf-8")

    result = kurzlage("digest", page, "--format", "json")

    assert result.returncode == 0, result.stderr
    (story,) = json.loads(result.stdout)["stories"]
    (source,) = story["sources"]
    assert (story["title"], source["outlet"], source["url"]) == (
        "Bahn streicht Fernzüge",
        "Nordkurier",
        "https://www.nordkurier.example/bahn-streicht-fernzuege",
    )
    sentences = " ".join(s["text"] for s in story["sentences"])
    for clutter in ("Cookies", "Akzeptieren", "Startseite", "Mehr zum Thema", "Rechte"):
        assert clutter not in sentences


PAYWALL = (
    '<script type="application/ld+json">{"@type": "NewsArticle",'
    ' "isAccessibleForFree": false, "hasPart": {"@type": "WebPageElement",'
    ' "isAccessibleForFree": false, "cssSelector": ".paywall"}}</script>'
)


@pytest.fixture
def paywalled_web():
    html = article_page("Bahn streicht Fernzüge", BAHN, site="Nordkurier", extra_head=PAYWALL)
    hidden = '<div class="paywall"><p>Dieser Absatz steht nur für Abonnenten da.</p></div>'
    routes = {
        "/bezahlt.html": Route(body=html.replace("</article>", f"{hidden}</article>").encode()),
        "/frei.html": Route(
            body=article_page("Schnee in Bayern erwartet", WETTER, site="Alpenblatt").encode()
        ),
    }
    with WebServer(routes) as server:
        yield server


def test_a_paywalled_page_is_marked_in_the_json_sources(
    kurzlage: Run, paywalled_web, tmp_path: Path
):
    web = paywalled_web
    result = kurzlage(
        "digest", web.url("/bezahlt.html"), web.url("/frei.html"), "--format", "json", cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    stories = json.loads(result.stdout)["stories"]
    marks = sorted((s["sources"][0]["outlet"], s["sources"][0]["paywalled"]) for s in stories)
    assert marks == [("Alpenblatt", False), ("Nordkurier", True)]
    assert "Abonnenten" not in result.stdout


def test_quelle_marks_a_paywalled_source(kurzlage: Run, paywalled_web, tmp_path: Path):
    result = kurzlage("quelle", paywalled_web.url("/bezahlt.html"), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    url = paywalled_web.url("/bezahlt.html")
    assert result.stdout == (
        "QUELLEN DIESER AUSGABE\n\n1. Bahn streicht Fernzüge\n\n"
        "  * Nordkurier: Bahn streicht Fernzüge · 01.12.2026, 09:30 Uhr"
        f" (Bezahlinhalt: nur der frei sichtbare Teil) <{url}>\n"
    )


@pytest.mark.parametrize(
    ("site", "outlet"),
    [
        pytest.param("tagesschau.de", "tagesschau", id="tagesschau"),
        pytest.param("DER SPIEGEL", "SPIEGEL", id="spiegel"),
        pytest.param("Nordkurier", "Nordkurier", id="unknown-as-given"),
    ],
)
def test_a_page_site_name_is_shown_as_the_table_names_it(
    kurzlage: Run, tmp_path: Path, site: str, outlet: str
):
    routes = {
        "/a.html": Route(body=article_page("Bahn streicht Fernzüge", BAHN, site=site).encode())
    }
    with WebServer(routes) as web:
        result = kurzlage("digest", web.url("/a.html"), "--format", "json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    (story,) = json.loads(result.stdout)["stories"]
    assert [s["outlet"] for s in story["sources"]] == [outlet]
