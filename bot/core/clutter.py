"""Clutter: what a scraper drags along from a news page, recognised line by line.

Photo captions and credits, related-link lists, teaser links, ``Stand:`` lines, program
notes and a ticker's note about itself are removed; what they say about the source (time,
outlet, credits) is kept in ``PageNotes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.language import Language
from bot.core.outlets import find_outlet

#: ``Stand: 26.06.2024 07:27 Uhr`` (tagesschau and others): the page's time.
STAND_RE = re.compile(
    r"^\s*(?:Stand|Aktualisiert|Zuletzt aktualisiert)\s*:?\s*"
    r"(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(\d{1,2})[:.](\d{2})\s*Uhr\s*$"
)

#: Program notes: ``Dieses Thema im Programm: Über dieses Thema berichtete …``.
PROGRAM_RE = re.compile(r"^\s*(?:Dieses Thema im Programm|Über dieses Thema berichtete)\b")

#: Credit lines; the line before one is the photo's caption.
CREDIT_RE = re.compile(
    r"^\s*(?:Copyright|Foto|Fotos|Bild|Bilder|Bildquelle|Quelle|Titelfoto|"
    r"Titelbild|Grafik|Video|Audio)\s*:\s*(.*)$"
)

#: Captions that say they are captions.
CAPTION_TAG_RE = re.compile(
    r"\((?:Archivbild|Symbolbild|Archivfoto|Symbolfoto|Foto|Bild|"
    r"Illustration|Screenshot)\)\s*$"
)

#: Headings of related-link lists (``Alles zum Thema …``, ``Mehr zum Thema …:``).
LINKLIST_RE = re.compile(
    r"^\s*(?:Alles zum Thema|Mehr zum Thema|Mehr zu(?:m)? |Mehr aus |"
    r"Weitere Artikel|Weitere Nachrichten|Lesen Sie auch|Lesen Sie mehr|"
    r"Auch interessant|Das könnte Sie auch interessieren|Zum Thema|"
    r"Verwandte Themen|Mehr Nachrichten|Weiterlesen|Empfohlene Artikel)"
    r"[^.!?]*$"
)

LIST_ITEM_RE = re.compile(r"^\s*(?:[-–•*·]|\d+\.)\s+\S")

#: A ticker's line about itself: ``… gibt es hier im TAG24-Ticker.``
SELF_REFERENCE_RE = re.compile(
    r"\b(?:hier im|in unserem|in diesem|im)\s+([\w.]+)-?"
    r"(?:Ticker|Liveblog|Live-Blog|Newsblog)\b"
)

TERMINAL = ".!?…"

CLOSING_QUOTES = "“”\"»«’'"

#: A heading is at most this long (characters); longer unpunctuated lines are text.
HEADING_MAX_CHARS = 160


@dataclass(slots=True)
class PageNotes:
    """What the clutter said about the source, collected while it is removed.

    Attributes:
        stand: Day, month, year, hour and minute of a ``Stand:`` line.
        ticker_outlet: Outlet named in a ticker's note about itself.
        credits: Photo credits.
    """

    stand: tuple[str, ...] | None = None
    ticker_outlet: str | None = None
    credits: list[str] = field(default_factory=list)


def ends_sentence(line: str) -> bool:
    """Return True if the line ends with sentence-final punctuation (quotes allowed)."""
    stripped = line.rstrip().rstrip(CLOSING_QUOTES + ")")
    return bool(stripped) and stripped[-1] in TERMINAL


def is_heading(line: str) -> bool:
    """Return True for a heading: a short line that does not end a sentence."""
    text = line.strip()
    return (
        0 < len(text) <= HEADING_MAX_CHARS
        and not ends_sentence(text)
        and not text.endswith((",", ";"))
        and not LIST_ITEM_RE.match(text)
    )


def remove_clutter(lines: list[str], meta: PageNotes, lang: Language) -> list[str]:
    """Drop captions, credits, link lists, teaser links and page notes; collect metadata."""
    kept: list[str] = []
    in_linklist = False
    for raw in lines:
        line = raw.strip()
        if not line:
            in_linklist = False
            kept.append("")
            continue
        if in_linklist and LIST_ITEM_RE.match(line):
            continue
        in_linklist = False
        if LINKLIST_RE.match(line):
            in_linklist = True
            continue
        if (stand := STAND_RE.match(line)) is not None:
            meta.stand = meta.stand or stand.groups()
            continue
        if PROGRAM_RE.match(line):
            # "Über dieses Thema berichtete Deutschlandfunk am …" names a broadcaster that
            # covered the topic in its program, not the publisher of this page: no outlet.
            continue
        if (credit := CREDIT_RE.match(line)) is not None:
            meta.credits.append(credit.group(1).strip())
            _drop_caption_before(kept)
            continue
        if "©" in line:
            caption, _, credit_text = line.partition("©")
            meta.credits.append(credit_text.strip())
            previous = _last_content(kept)
            if previous is not None and " ".join(kept[previous].split()) == " ".join(
                caption.split()
            ):
                del kept[previous]
            continue
        if CAPTION_TAG_RE.search(line):
            continue
        if (ref := SELF_REFERENCE_RE.search(line)) is not None and len(line) < 200:
            outlet = find_outlet(ref.group(1), lang.outlets)
            if outlet:
                meta.ticker_outlet = meta.ticker_outlet or outlet
                continue
        previous = _last_content(kept)
        if previous is not None and _is_teaser_pair(kept[previous].strip(), line):
            del kept[previous]
            continue
        kept.append(line)
    return kept


def _last_content(lines: list[str]) -> int | None:
    return len(lines) - 1 if lines and lines[-1].strip() else None


def _drop_caption_before(kept: list[str]) -> None:
    previous = _last_content(kept)
    if previous is not None and len(kept[previous]) <= 2 * HEADING_MAX_CHARS:
        del kept[previous]


def _is_teaser_pair(first: str, second: str) -> bool:
    """A teaser link shows its headline, then kicker + headline again on the next line."""
    if first == second:
        return True
    return (
        len(second) > len(first) + 2
        and second.endswith(" " + first)
        and (len(second) - len(first) < 60)
    )
