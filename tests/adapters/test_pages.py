"""Article pages: title, outlet, lead, time and paywall from the page's own metadata."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.pages import extract_page
from bot.errors import ParseError

BODY = (
    "<p>Die Bundesregierung hat am Mittwoch ein Gesetz zur Förderung von Wärmepumpen"
    " beschlossen. Es soll im kommenden Jahr in Kraft treten.</p>"
    "<p>Nach Angaben des Wirtschaftsministeriums sollen Haushalte bis zu 70 Prozent der Kosten"
    " erstattet bekommen. Kritiker bemängeln die hohen Ausgaben für den Bund.</p>"
    "<p>Der Bundesrat muss dem Gesetz noch zustimmen. Eine Entscheidung wird im Februar"
    " erwartet, hieß es aus Regierungskreisen.</p>"
)
CLUTTER = (
    '<div id="consent"><p>Wir und unsere Partner nutzen Cookies. Mit „Alle akzeptieren“'
    " willigen Sie in die Verarbeitung ein.</p></div>"
    '<nav><a href="/">Startseite</a> <a href="/suche">🔍 Suche</a></nav>'
    '<div class="affiliate"><p>Hinweis: Wir erhalten bei Käufen über Links eine Provision.'
    "</p></div>"
)


def page(
    head: str, *, h1: str = "Wärmepumpen: Bund zahlt bis zu 70 Prozent", body: str = BODY
) -> str:
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">{head}</head><body>'
        f"{CLUTTER}<main><article><h1>{h1}</h1>{body}</article></main>"
        "<footer><p>Impressum | Datenschutz | Cookie-Einstellungen</p></footer></body></html>"
    )


@pytest.mark.parametrize(
    ("head", "title", "outlet"),
    [
        ("", "Wärmepumpen: Bund zahlt bis zu 70 Prozent", None),
        (
            "<title>Wärmepumpen: Bund zahlt bis zu 70 Prozent | Morgenpost</title>",
            "Wärmepumpen: Bund zahlt bis zu 70 Prozent",
            "Morgenpost",
        ),
        (
            '<meta property="og:title"'
            ' content="Wärmepumpen: Bund zahlt bis zu 70 Prozent - tagesschau.de">'
            '<meta property="og:site_name" content="tagesschau.de">',
            "Wärmepumpen: Bund zahlt bis zu 70 Prozent",
            "tagesschau.de",
        ),
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebSite", "name": "Seite"},'
            '{"@type": "NewsArticle", "headline": "Bund zahlt für Wärmepumpen",'
            ' "publisher": {"@type": "Organization", "name": "DER STANDARD"},'
            ' "datePublished": "2026-12-02T06:15:00+01:00"}]}</script>'
            "<title>Startseite - DER STANDARD</title>",
            "Bund zahlt für Wärmepumpen",
            "DER STANDARD",
        ),
    ],
    ids=["h1 only", "title suffix", "og", "json-ld"],
)
def test_title_and_outlet_come_from_the_metadata(head, title, outlet):
    found = extract_page(page(head))

    assert (found.title, found.outlet) == (title, outlet)
    assert found.text.startswith("Die Bundesregierung hat am Mittwoch")
    for clutter in ("Cookies", "Startseite", "Suche", "Provision", "Impressum", "Wärmepumpen:"):
        assert clutter not in found.text


@pytest.mark.parametrize(
    ("head", "url", "title"),
    [
        (
            '<meta property="og:title" content="Wärmepumpen: Bund zahlt bis zu 70 Prozent | FAZ">'
            '<meta property="og:site_name" content="Frankfurter Allgemeine Zeitung">',
            "https://www.faz.net/aktuell/1.html",
            "Wärmepumpen: Bund zahlt bis zu 70 Prozent",
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Müller &amp; Söhne: Umsatz steigt"}</script>',
            None,
            "Müller & Söhne: Umsatz steigt",
        ),
        (
            '<meta property="og:title" content="Ukraine-Krieg - Selenskyj bittet um Hilfe">',
            "https://www.zeitung.example/a",
            "Ukraine-Krieg - Selenskyj bittet um Hilfe",
        ),
        (
            '<meta property="og:title" content="Streit um Reform - Umbruch in Bayern">',
            "https://www.br.de/nachrichten/1.html",
            "Streit um Reform - Umbruch in Bayern",
        ),
        (
            '<meta property="og:title" content="Streit um Reform | BR24">',
            "https://www.br.de/nachrichten/1.html",
            "Streit um Reform",
        ),
    ],
    ids=[
        "suffix-named-by-host",
        "json-ld-entities",
        "dash-in-headline-kept",
        "short-label-not-inside-a-word",
        "short-label-starts-the-site",
    ],
)
def test_site_suffixes_go_and_headlines_stay_whole(head, url, title):
    assert extract_page(page(head), url=url).title == title


def test_the_host_names_the_outlet_when_the_page_does_not():
    found = extract_page(page(""), url="https://www.lokalblatt.example/a/1.html")

    assert found.outlet == "lokalblatt.example"


def test_a_logo_h1_is_not_the_headline():
    html = page("<title>Wärmepumpen: Bund zahlt bis zu 70 Prozent | Kurier</title>").replace(
        "<main>", "<header><h1>KURIER</h1></header><main>"
    )

    assert extract_page(html).title == "Wärmepumpen: Bund zahlt bis zu 70 Prozent"


def test_the_lead_dropped_by_the_extractor_comes_from_og_description():
    lead = "Der Bund übernimmt künftig einen großen Teil der Kosten für neue Heizungen."
    found = extract_page(page(f'<meta property="og:description" content="{lead}">'))

    assert found.text.split("\n\n")[0] == lead
    assert found.text.count(lead) == 1


def test_a_teaser_of_another_article_is_not_the_lead():
    related = (
        '<aside><div class="teaser"><a href="/b">Auch interessant: Wie Wärmepumpen im Winter'
        " wirklich arbeiten und was sie kosten</a></div></aside>"
    )
    html = page("").replace("</article>", f"</article>{related}")
    html = html.replace(
        "<main>",
        '<main><div class="teaser-list"><p class="teaser">Andere'
        " Meldung: Der Bahnstreik geht am Montag weiter, sagt die Gewerkschaft.</p></div>",
    )

    found = extract_page(html)

    assert found.text.startswith("Die Bundesregierung hat am Mittwoch")


def test_a_cut_json_ld_headline_gives_way_to_og_title():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Wärmepumpen: Bund zahlt bis zu…"}</script>'
        '<meta property="og:title" content="Wärmepumpen: Bund zahlt bis zu 70 Prozent">'
    )

    assert extract_page(page(head)).title == "Wärmepumpen: Bund zahlt bis zu 70 Prozent"


def test_published_time_comes_from_the_metadata():
    head = '<meta property="article:published_time" content="2026-12-02T06:15:00Z">'

    assert extract_page(page(head)).published == datetime(2026, 12, 2, 6, 15, tzinfo=UTC)


def test_a_paywalled_page_keeps_only_the_free_part_and_is_marked():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Bezahlt",'
        ' "isAccessibleForFree": false, "hasPart": {"@type": "WebPageElement",'
        ' "isAccessibleForFree": false, "cssSelector": ".paywall"}}</script>'
    )
    hidden = (
        '<div class="paywall"><p>Dieser Absatz steht nur für Abonnenten im Quelltext der'
        " Seite.</p></div>"
    )
    found = extract_page(page(head, body=BODY + hidden))

    assert found.paywalled is True
    assert "Abonnenten" not in found.text
    assert "Der Bundesrat muss dem Gesetz noch zustimmen." in found.text


def test_a_page_without_text_is_an_error():
    with pytest.raises(ParseError, match="HTML page without readable text"):
        extract_page("<html><body><nav>Menü</nav></body></html>", url="https://x.example/a")
