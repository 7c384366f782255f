"""Cleaning: from a scraped page's text to items (the article, or each live-ticker entry).

Scraped news pages carry photo captions and credits, related-link lists, teaser links,
``Stand:`` lines, program notes, agency tags, kickers glued to headlines and live-ticker entry
headers. Cleaning removes all of that from the text; what it says about the source (agency,
outlet, time, credits) becomes the item's ``Source``. The remaining sentences are verbatim
substrings of the input: cleaning only drops lines and cuts pieces off their ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from bot.core.clutter import (
    LIST_ITEM_RE,
    PageNotes,
    ends_sentence,
    is_heading,
    remove_clutter,
)
from bot.core.language import Language
from bot.core.models import Article, Item, Sentence, Source
from bot.core.outlets import canonical_outlet, find_agency_tag
from bot.core.sentences import split_sentences

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_MONTH_RE = "|".join(MONTHS)

#: Live-ticker entry header: ``14. März, 18.24 Uhr: Headline`` (year optional).
TICKER_RE = re.compile(
    rf"^\s*(\d{{1,2}})\.\s*({_MONTH_RE})(?:\s+(\d{{4}}))?,?\s+"
    r"(\d{1,2})[.:](\d{2})\s*Uhr\s*:?\s*(.*)$"
)
#: A dateline opening the first paragraph: ``Moskau/Kiew - ``, ``Wien – ``, ``Berlin (dpa) - ``.
DATELINE_RE = re.compile(
    # a place, not a sentence that starts with an article or pronoun and has a dash
    r"^(?!(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Einer|Er|Sie|Es|Wir|Ich|Auch|Doch|Aber|Und)\b)"
    r"(?:St\. )?[A-ZÄÖÜ][\w'’.-]*"
    # more place words: capitalised, or the particles of names like "Santiago de Chile",
    # "Rio de Janeiro", "Frankfurt am Main", "Halle an der Saale"
    r"(?:[ /](?:(?:de|del|da|do|dos|am|an|der|im|bei|upon|on|la|le|el) )*"
    r"(?:St\. )?[A-ZÄÖÜ][\w'’.-]*){0,4}"
    r"(?: ?\([^()]{1,40}\))? [–—-] ?(?=[A-ZÄÖÜ„\"»0-9])"
)
#: A dateline is looked for at the start of this many first sentences of an item.
DATELINE_SENTENCES = 3
#: Kicker glued to its headline: ``… als ErsterRussland und …``.
GLUED_KICKER_RE = re.compile(r"(?<=[a-zäöüß]{3})(?=[A-ZÄÖÜ][a-zäöüß])")
#: Kicker set before its headline by a space: ``USA und Russland Die Verteidigungsminister …``.
SPACED_KICKER_RE = re.compile(
    r"^((?:[A-ZÄÖÜ0-9][\w.-]*|und|&|der|die|das|von|im)"
    r"(?: (?:[A-ZÄÖÜ0-9][\w.-]*|und|&|der|die|das|von|im)){0,4}) "
    r"((?:Der|Die|Das|Ein|Eine|Wie|Was|Wer|Warum|Wo|Wann|Wenn)\b.+)$"
)
#: Lines before the title that are one sentence this short are photo captions.
CAPTION_MAX_CHARS = 120
#: The title is searched among this many first lines ...
TITLE_SEARCH_LINES = 6
#: ... before the first line longer than this, which is body text (a teaser above the
#: headline, as some pages print it, is shorter).
TEASER_MAX_CHARS = 250
#: Finite verb forms that tell a sentence from a photo caption (captions are noun phrases).
FINITE_VERBS = frozenset(
    [
        "hat",
        "haben",
        "hatte",
        "hatten",
        "ist",
        "sind",
        "war",
        "waren",
        "wird",
        "werden",
        "wurde",
        "wurden",
        "soll",
        "sollen",
        "sollte",
        "will",
        "wollen",
        "wollte",
        "kann",
        "können",
        "konnte",
        "muss",
        "müssen",
        "musste",
        "sagte",
        "sagt",
        "teilte",
        "gibt",
        "gab",
        "steht",
        "stand",
        "geht",
        "ging",
        "kommt",
        "kam",
        "bleibt",
        "blieb",
    ]
)
#: Hard-wrapped text: at least this many lines, none longer than this ...
WRAP_MIN_LINES = 4
WRAP_MAX_WIDTH = 100
#: ... and at least this share of them filled to this share of the widest line.
WRAP_LINE_SHARE = 0.6
WRAP_FULL_SHARE = 0.75
#: Titles found in the text are cut (at a word) to this length for display.
TITLE_MAX_CHARS = 140
#: A glued kicker is split off only if what remains has at least this many words.
GLUED_TITLE_MIN_WORDS = 3


@dataclass(slots=True)
class _Block:
    """A run of content lines: the intro or one ticker entry."""

    title: str = ""
    time_label: str | None = None
    published: datetime | None = None
    lines: list[str] | None = None


def _join_hard_wraps(lines: list[str]) -> list[str]:
    """Join lines broken inside a sentence (the next line goes on in lower case)."""
    out: list[str] = []
    for line in lines:
        if (
            out
            and out[-1].strip()
            and line.strip()
            and not ends_sentence(out[-1])
            and (line.lstrip()[:1].islower() or out[-1].rstrip().endswith((",", "-")))
            and not LIST_ITEM_RE.match(line)
        ):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return out


def split_kicker(headline: str) -> tuple[str, str]:
    """Return ``(kicker, title)`` of a headline line, kicker empty where there is none."""
    line = " ".join(headline.split())
    for match in GLUED_KICKER_RE.finditer(line):
        left, right = line[: match.start()], line[match.start() :]
        if " " in left and len(right.split()) >= GLUED_TITLE_MIN_WORDS:
            return left, right
    spaced = SPACED_KICKER_RE.match(line)
    if spaced and len(spaced.group(2).split()) >= GLUED_TITLE_MIN_WORDS:
        return spaced.group(1), spaced.group(2)
    return "", line


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= TITLE_MAX_CHARS:
        return text
    cut = text[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–- ") + " …"


def _published(stand: tuple[str, ...] | None, zone: tzinfo) -> datetime | None:
    if stand is None:
        return None
    day, month, year, hour, minute = (int(x) for x in stand)
    try:
        return datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:
        return None


def _split_blocks(lines: list[str], *, year: int | None, zone: tzinfo) -> list[_Block]:
    """Split lines into the intro and live-ticker entries (when there are two or more)."""
    headers = [i for i, line in enumerate(lines) if TICKER_RE.match(line)]
    if len(headers) < 2:
        return [_Block(lines=lines)]
    blocks = [_Block(lines=lines[: headers[0]])]
    for number, start in enumerate(headers):
        end = headers[number + 1] if number + 1 < len(headers) else len(lines)
        match = TICKER_RE.match(lines[start])
        assert match is not None
        day, month_name, entry_year, hour, minute, headline = match.groups()
        label = f"{int(day)}. {month_name}, {int(hour)}.{minute} Uhr"
        when_year = int(entry_year) if entry_year else year
        published = None
        if when_year is not None:
            try:
                published = datetime(
                    when_year,
                    MONTHS.index(month_name) + 1,
                    int(day),
                    int(hour),
                    int(minute),
                    tzinfo=zone,
                )
            except ValueError:
                published = None
        blocks.append(
            _Block(
                title=headline.strip(),
                time_label=label,
                published=published,
                lines=lines[start + 1 : end],
            )
        )
    return blocks


def _find_title(lines: list[str]) -> tuple[str, list[str], bool]:
    """Return the title, the lines after dropping title and captions, and if it was a headline.

    The title is the first heading-like line near the top. One-sentence short lines before
    it are captions; longer text before it (a teaser) stays as text.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    for position, index in enumerate(content[:TITLE_SEARCH_LINES]):
        line = lines[index].strip()
        if len(line) > TEASER_MAX_CHARS:
            break  # body text has begun: a heading after it is a subheading
        if is_heading(line) and len(line.split()) >= 2:
            body = [
                other
                for i, other in enumerate(lines)
                if i != index and not (i in content[:position] and _is_caption(other))
            ]
            return line, body, True
    return "", lines, False


def _is_caption(line: str) -> bool:
    """A caption is one short sentence without a finite verb form we know."""
    text = line.strip()
    return (
        len(text) <= CAPTION_MAX_CHARS
        and text.count(". ") == 0
        and not any(word in FINITE_VERBS for word in text.lower().split())
    )


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True for text broken into lines of about one width (an e-mail or a terminal page)."""
    content = [line.rstrip() for line in lines if line.strip()]
    if len(content) < WRAP_MIN_LINES:
        return False
    width = max(len(line) for line in content)
    if width > WRAP_MAX_WIDTH:
        return False
    full = sum(1 for line in content if len(line) >= WRAP_FULL_SHARE * width)
    return full >= WRAP_LINE_SHARE * len(content)


def _unwrap(lines: list[str]) -> list[str]:
    """Join the lines of each paragraph (paragraphs end at blank lines and list items)."""
    out: list[str] = []
    joining = False
    for line in lines:
        if not line.strip():
            out.append("")
            joining = False
        elif joining and not LIST_ITEM_RE.match(line):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
            joining = True
    return out


def _paragraphs(lines: list[str]) -> tuple[list[str], list[str]]:
    """Return body paragraphs and subheadings; a paragraph is one line after joining wraps."""
    paragraphs: list[str] = []
    headings: list[str] = []
    for line in _join_hard_wraps(lines):
        text = " ".join(line.split())
        if not text:
            continue
        if is_heading(text):
            headings.append(text)
        else:
            paragraphs.append(text)
    return paragraphs, headings


def clean_article(article: Article, *, lang: Language, zone: tzinfo) -> tuple[Item, ...]:
    """Clean one article into items: the article itself, or a ticker's intro and entries.

    Args:
        article: The article as read.
        lang: Language tables (abbreviations for splitting, outlets for sources).
        zone: Time zone of times written in the text.

    Returns:
        The items with at least one sentence, in text order.
    """
    text = article.text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    meta = PageNotes()
    lines = remove_clutter(text.split("\n"), meta, lang)
    published = article.published or _published(meta.stand, zone)
    agency = None
    tag = find_agency_tag("\n".join(lines), lang.outlets)
    if tag is not None:
        agency, tag_text = tag
        lines = [line.replace(tag_text, "").rstrip() for line in lines]
    if _is_hard_wrapped(lines):
        lines = _unwrap(lines)
    title, lines, headline = (
        _find_title(lines) if not article.title else (article.title, lines, True)
    )
    title = split_kicker(title)[1] if title else ""
    outlet = (
        canonical_outlet(article.outlet, lang.outlets) if article.outlet else meta.ticker_outlet
    )
    base = Source(
        id=article.id,
        title="",
        outlet=outlet,
        agency=agency,
        url=article.url,
        published=published,
        credits=tuple(c for c in meta.credits if c),
        paywalled=article.paywalled,
    )
    blocks = _split_blocks(lines, year=published.year if published else None, zone=zone)
    items: list[Item] = []
    for number, block in enumerate(blocks):
        paragraphs, headings = _paragraphs(block.lines or [])
        item_title = block.title or title
        sentences = _sentences(
            paragraphs,
            article.id,
            lang,
            f"{article.id}#{number}" if len(blocks) > 1 else article.id,
        )
        if not item_title and sentences:
            item_title = _shorten(sentences[0].text)
        source = replace(
            base,
            title=_shorten(item_title),
            time_label=block.time_label,
            published=block.published or (base.published if number == 0 else None),
        )
        if sentences:
            items.append(
                Item(
                    id=sentences[0].item,
                    source=source,
                    text="\n\n".join(paragraphs),
                    sentences=sentences,
                    headings=tuple(headings),
                    headline=bool(block.title) or (number == 0 and headline),
                )
            )
    return tuple(items)


def _sentences(
    paragraphs: list[str], article_id: str, lang: Language, item_id: str
) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    for paragraph in paragraphs:
        for span in split_sentences(paragraph, abbreviations=lang.abbreviations):
            text = " ".join(paragraph[span.start : span.end].split())
            if len(out) < DATELINE_SENTENCES and (dateline := DATELINE_RE.match(text)):
                # A teaser printed before the body puts the dateline in the second sentence.
                text = text[dateline.end() :]
            if text:
                out.append(Sentence(text=text, source=article_id, item=item_id, index=len(out)))
    return tuple(out)
