"""Article pages: main text with trafilatura, title, outlet, lead and time from metadata.

One code path for every HTML page Kurzlage reads: ``kurzlage digest page.html``, the inbox's
``.html`` files, feed entries' pages and ``/push <url>``. trafilatura finds the body text
(measured on its own annotated German pages: F1 .954, against .785 for our former reader);
the metadata come from what the page declares for machines: JSON-LD (``headline``,
``publisher``, ``datePublished``, ``isAccessibleForFree``), Open Graph (``og:title``,
``og:site_name``, ``og:description``), then ``<h1>`` and ``<title>`` minus the site suffix.
The cleaning of the text (captions, credits, "Mehr zum Thema") is the core's ``clean.py``.

CPU-bound: the bot calls :func:`extract_page` in a worker thread, never in the event loop.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import html as lxml_html

from bot.core.models import Article
from bot.errors import ParseError

logger = logging.getLogger(__name__)

# Characters between a headline and the site name in a <title> or og:title:
# "Titel | Seite", "Titel - Seite", "Titel – Seite", "Titel · Seite".
_SUFFIX_SEPARATORS = re.compile(r"\s+[|\-–—·:•]\s+")
# A <title> suffix longer than this is not a site name (site names of 65 German-language
# outlets are 3 to 32 characters: "SZ.de", "Frankfurter Allgemeine Zeitung").
MAX_SITE_NAME_CHARS = 40
# A lead (og:description, teaser) shorter than this is a slogan, not a sentence of the news.
MIN_LEAD_CHARS = 40
# A page with less text than this is a menu label or an error code, not an article (one
# short German sentence, "Ein Satz steht hier.", has 20 characters).
MIN_TEXT_CHARS = 15
# JSON-LD blocks larger than this are not metadata worth reading (news pages: under 20 kB).
MAX_JSON_LD_CHARS = 200_000
# Schema.org types that describe the article itself (not the site or a breadcrumb).
_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "LiveBlogPosting",
        "BlogPosting",
        "Report",
        "WebPage",
    }
)
# Class names outlets give their teaser paragraph, which trafilatura drops as boilerplate on
# many layouts (a kicker, the line above the headline, is not a lead and not listed).
_LEAD_CLASS = re.compile(
    r"(^|[\s_-])(teaser|lead|intro|summary|standfirst|abstract|vorspann)", re.IGNORECASE
)
_SPACE = re.compile(r"\s+")
# Class or id words of boxes that are never the article, whatever the outlet: consent
# managers (cmp, consent, cookie), affiliate disclaimers, newsletter sign-ups, ads
# ("anzeige", "advert"). trafilatura keeps such a box when it sits between two paragraphs.
_BOILERPLATE = re.compile(
    r"(^|[\s_-])(affiliate|consent|cookie|cmp|newsletter|advert|advertisement|anzeige)([\s_-]|$)",
    re.IGNORECASE,
)
# Elements of trafilatura's output tree that hold one paragraph each.
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "table", "code"})


@dataclass(frozen=True, slots=True)
class Page:
    """What a page says about itself and its readable text.

    Attributes:
        title: The headline, without the site's name.
        outlet: The publishing outlet's name, where the page names it (else the host name).
        text: Body text, paragraphs separated by blank lines, the lead first.
        published: Publication time from the metadata, where given.
        paywalled: The page declares part of itself not free (JSON-LD
            ``isAccessibleForFree: false``); ``text`` holds only the visible part.
        description: The page's own summary (og:description), where given.
        url: The page's canonical URL (``<link rel="canonical">``, og:url), else the one
            it was fetched from, where known.
    """

    title: str
    outlet: str | None
    text: str
    published: datetime | None = None
    paywalled: bool = False
    description: str = ""
    url: str | None = None


def _squash(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = script.text or ""
        if not raw.strip() or len(raw) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            value = stack.pop()
            if isinstance(value, list):
                stack.extend(reversed(value))
            elif isinstance(value, dict):
                yield value
                if isinstance(value.get("@graph"), list):
                    stack.extend(reversed(value["@graph"]))


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return _squash(value) if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class _Meta:
    headline: str = ""
    publisher: str = ""
    published: str = ""
    description: str = ""
    paywalled: bool = False
    hidden_selectors: tuple[str, ...] = ()


def _json_ld(tree: Any) -> _Meta:
    article: dict[str, Any] | None = None
    for obj in _json_ld_objects(tree):
        kinds = _types(obj)
        if kinds & _ARTICLE_TYPES and (article is None or "WebPage" in _types(article)):
            article = obj
    if article is None:
        return _Meta()
    free = article.get("isAccessibleForFree")
    paywalled = free is False or (isinstance(free, str) and free.strip().lower() == "false")
    parts = article.get("hasPart")
    hidden = []
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict) and str(part.get("isAccessibleForFree")).lower() == "false":
            selector = part.get("cssSelector")
            if isinstance(selector, str):
                hidden.append(selector.strip())
    headline = article.get("headline")
    published = article.get("datePublished")
    description = article.get("description")
    return _Meta(
        headline=_squash(headline) if isinstance(headline, str) else "",
        publisher=_name(article.get("publisher")),
        published=published.strip() if isinstance(published, str) else "",
        description=_squash(description) if isinstance(description, str) else "",
        paywalled=paywalled,
        hidden_selectors=tuple(hidden),
    )


def _meta_content(tree: Any, *names: str) -> str:
    for name in names:
        for node in tree.xpath(
            "//meta[@property=$n or @name=$n or @itemprop=$n][@content]", n=name
        ):
            value = _squash(node.get("content"))
            if value:
                return value
    return ""


def _drop_nodes(tree: Any, selector: str) -> None:
    """Remove the nodes a simple CSS selector (``.class``, ``#id``, ``tag.class``) names."""
    match = re.fullmatch(r"([a-zA-Z][\w-]*)?([.#])([\w-]+)", selector)
    if match is None:
        return
    tag, kind, name = match.group(1) or "*", match.group(2), match.group(3)
    if kind == "#":
        nodes = tree.xpath(f"//{tag}[@id=$n]", n=name)
    else:
        query = f"//{tag}[contains(concat(' ', normalize-space(@class), ' '), $n)]"
        nodes = tree.xpath(query, n=f" {name} ")
    for node in nodes:
        node.drop_tree()


def _drop_boilerplate(tree: Any) -> None:
    """Remove consent, affiliate, newsletter and ad boxes, named so by their class or id."""
    doomed = [
        node
        for node in tree.iter("div", "p", "aside", "section", "span", "form")
        if _BOILERPLATE.search(f"{node.get('class') or ''} {node.get('id') or ''}")
    ]
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()


def _host(url: str | None) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.") if url else ""


def _strip_site(title: str, sites: list[str]) -> tuple[str, str]:
    """Return (headline, site) with a trailing or leading site name cut off a title."""
    wanted = {s.lower() for s in sites if s}
    parts = _SUFFIX_SEPARATORS.split(title)
    if len(parts) < 2:
        return title, ""
    last, first = parts[-1].strip(), parts[0].strip()
    compact = {w.replace(" ", "") for w in wanted}
    if last.lower() in wanted or last.lower().replace(" ", "") in compact:
        return title[: title.rfind(last)].rstrip(" |-–—·:•"), last
    if first.lower() in wanted:
        return title[len(first) :].lstrip(" |-–—·:•"), first
    return title, ""


def _title_suffix(title: str, headline: str) -> str:
    """Return the site name of a ``<title>`` that starts with the headline, else ''."""
    if headline and title.startswith(headline):
        site = title[len(headline) :].strip(" |-–—·:•")
        if 0 < len(site) <= MAX_SITE_NAME_CHARS:
            return site
    parts = _SUFFIX_SEPARATORS.split(title)
    if len(parts) >= 2 and " | " in title and len(parts[-1]) <= MAX_SITE_NAME_CHARS:
        return parts[-1].strip()
    return ""


def _pick_h1(tree: Any, title_tag: str) -> str:
    """Return the article's <h1>: one the <title> repeats, else one in <article> or <main>.

    A page may have several: a logo or a menu heading is an <h1> on some layouts.
    """
    found = [(h, _squash(h.text_content())) for h in tree.iter("h1")]
    found = [(h, text) for h, text in found if text]
    for _, text in found:
        if title_tag and text in title_tag:
            return text
    for node, text in found:
        if any(a.tag in {"article", "main"} for a in node.iterancestors()):
            return text
    return found[0][1] if found else ""


def _parse_time(value: str, zone: tzinfo | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone) if zone else None
    return parsed


def _lead(tree: Any, description: str) -> str:
    for node in tree.xpath("//*[@class]"):
        if node.tag in {"p", "div", "span", "strong"} and _LEAD_CLASS.search(node.get("class")):
            text = _squash(node.text_content())
            if len(text) >= MIN_LEAD_CHARS:
                return text
    return description


def _body(tree: Any, url: str | None, *, favor_precision: bool) -> str:
    """Return the main text, one paragraph per block trafilatura found."""
    extracted = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=False,
        include_images=False,
        with_metadata=False,
        favor_precision=favor_precision,
    )
    body = getattr(extracted, "body", None)
    if body is None:
        return ""
    blocks = [
        block
        for child in body
        for block in (child if child.tag == "list" else [child])
        if block.tag in _BLOCK_TAGS
    ] or [body]
    paragraphs = (_squash("".join(block.itertext())) for block in blocks)
    return "\n\n".join(p for p in paragraphs if p)


def extract_page(
    html: str, *, url: str | None = None, zone: tzinfo | None = None, outlet: str | None = None
) -> Page:
    """Return the readable content and the metadata of one HTML page.

    Args:
        html: The page as text.
        url: Where it was fetched from (for the host name and relative links).
        zone: Zone given to published times written without one; None leaves them unknown.
        outlet: The outlet configured for the page's feed; it wins over the page's own name.

    Raises:
        ParseError: The page cannot be parsed or has no readable text.
    """
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError) as err:
        raise ParseError(f"{url or 'page'}: not an HTML page ({err})") from None
    meta = _json_ld(tree)
    canonical = next(iter(tree.xpath('//link[@rel="canonical"]/@href')), "").strip()
    canonical = canonical or _meta_content(tree, "og:url")
    if not canonical.startswith(("https://", "http://")):
        canonical = ""
    url = url or canonical or None
    site_name = _meta_content(tree, "og:site_name") or meta.publisher
    title_tag = _squash(tree.findtext(".//title"))
    h1 = _pick_h1(tree, title_tag)
    sites = [site_name, meta.publisher, _host(url), _meta_content(tree, "application-name")]
    headline = ""
    for candidate in (meta.headline, _meta_content(tree, "og:title", "twitter:title"), h1):
        if candidate:
            headline, found = _strip_site(candidate, sites)
            site_name = site_name or found
            break
    if not headline and title_tag:
        headline, found = _strip_site(title_tag, sites)
        if not found and (found := _title_suffix(title_tag, "")):
            headline = title_tag[: title_tag.rfind(found)].rstrip(" |-–—·:•")
        site_name = site_name or found
    site_name = site_name or _title_suffix(title_tag, headline)
    description = meta.description or _meta_content(tree, "og:description", "description")
    lead = _lead(tree, description)
    published = _parse_time(
        meta.published
        or _meta_content(tree, "article:published_time", "datePublished", "date")
        or next(iter(tree.xpath("//time/@datetime")), ""),
        zone,
    )
    for selector in meta.hidden_selectors:
        _drop_nodes(tree, selector)
    _drop_boilerplate(tree)
    # Precision first: the baseline trafilatura falls back to on short pages takes menus and
    # captions along. When precision finds nothing, the default extraction gets its turn.
    # Chosen on benchmarks/pages (tuning half): see benchmarks/RESULTS.md.
    text = _body(deepcopy(tree), url, favor_precision=True) or _body(
        tree, url, favor_precision=False
    )
    lines = text.split("\n\n")
    if lines and lines[0] in {headline, h1}:  # the headline is the title, not body text
        text = "\n\n".join(lines[1:])
    if (
        lead
        and len(lead) >= MIN_LEAD_CHARS
        and not lead.endswith(("…", "..."))
        and _squash(lead) not in _squash(text)
    ):
        text = f"{lead}\n\n{text}" if text else lead
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise ParseError(f"{url or 'page'}: HTML page without readable text")
    return Page(
        title=headline,
        outlet=outlet or site_name or _host(url) or None,
        text=text,
        published=published,
        paywalled=meta.paywalled,
        description=description,
        url=canonical or url,
    )


def page_article(page: Page, *, article_id: str, url: str | None = None) -> Article:
    """Return the article of an extracted page."""
    return Article(
        id=article_id,
        text=page.text,
        title=page.title,
        url=url,
        outlet=page.outlet,
        published=page.published,
    )
