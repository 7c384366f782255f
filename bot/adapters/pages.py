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

import logging
import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import trafilatura
from lxml import html as lxml_html

from bot.adapters.page_meta import (
    host_of,
    meta_content,
    parse_time,
    pick_h1,
    read_json_ld,
    squash,
    strip_site,
    title_suffix,
)
from bot.core.models import Article
from bot.errors import ParseError

logger = logging.getLogger(__name__)

# A lead (og:description, teaser) shorter than this is a slogan, not a sentence of the news.
MIN_LEAD_CHARS = 40
# A page with less text than this is a menu label or an error code, not an article (one
# short German sentence, "Ein Satz steht hier.", has 20 characters).
MIN_TEXT_CHARS = 15
# Class names outlets give their teaser paragraph, which trafilatura drops as boilerplate on
# many layouts (a kicker, the line above the headline, is not a lead and not listed).
_LEAD_CLASS = re.compile(
    r"(^|[\s_-])(teaser|lead|intro|summary|standfirst|abstract|vorspann)", re.IGNORECASE
)
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


def _article_root(tree: Any, h1: str) -> Any:
    """Return the element holding the article: the <article> or <main> around its <h1>.

    Leads and times are looked for there only: a "teaser" or a <time> elsewhere on the page
    belongs to another article (teaser lists use the same class names).
    """
    heading = next((h for h in tree.iter("h1") if h1 and squash(h.text_content()) == h1), None)
    if heading is not None:
        for ancestor in heading.iterancestors():
            if ancestor.tag in {"article", "main"}:
                return ancestor
        parent = heading.getparent()
        return (
            parent.getparent() if parent is not None and parent.getparent() is not None else tree
        )
    found = tree.find(".//article")
    if found is None:
        found = tree.find(".//main")
    return found if found is not None else tree


def _lead(root: Any, description: str) -> str:
    """Return the article's teaser paragraph (by its class), else the page's description."""
    for node in root.iter("p", "div", "span", "strong"):
        if not _LEAD_CLASS.search(node.get("class") or ""):
            continue
        if node.tag == "a" or any(a.tag == "a" for a in node.iterancestors()):
            continue  # a link to another article
        text = squash(node.text_content())
        linked = sum(len(squash(a.text_content())) for a in node.iter("a"))
        if len(text) >= MIN_LEAD_CHARS and linked < len(text) / 2:
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
    paragraphs = (squash("".join(block.itertext())) for block in blocks)
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
    meta = read_json_ld(tree)
    canonical = next(iter(tree.xpath('//link[@rel="canonical"]/@href')), "").strip()
    canonical = canonical or meta_content(tree, "og:url")
    if not canonical.startswith(("https://", "http://")):
        canonical = ""
    url = url or canonical or None
    site_name = meta_content(tree, "og:site_name") or meta.publisher
    title_tag = squash(tree.findtext(".//title"))
    h1 = pick_h1(tree, title_tag)
    host = host_of(url)
    sites = [site_name, meta.publisher, host, meta_content(tree, "application-name")]
    headline = ""
    # A JSON-LD headline cut to a length limit ("…") is not the headline.
    whole = "" if meta.headline.endswith(("…", "...")) else meta.headline
    for candidate in (whole, meta_content(tree, "og:title", "twitter:title"), h1):
        if candidate:
            headline, found = strip_site(candidate, sites, host=host)
            site_name = site_name or found
            break
    if not headline and title_tag:
        headline, found = strip_site(title_tag, sites, host=host)
        if not found and (found := title_suffix(title_tag, "")):
            headline = title_tag[: title_tag.rfind(found)].rstrip(" |-–—·:•")
        site_name = site_name or found
    site_name = site_name or title_suffix(title_tag, headline)
    description = meta.description or meta_content(tree, "og:description", "description")
    root = _article_root(tree, h1)
    lead = _lead(root, description)
    published = parse_time(
        meta.published
        or meta_content(tree, "article:published_time", "datePublished", "date")
        or next(iter(root.xpath(".//time/@datetime")), ""),
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
        and squash(lead) not in squash(text)
    ):
        text = f"{lead}\n\n{text}" if text else lead
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise ParseError(f"{url or 'page'}: HTML page without readable text")
    return Page(
        title=headline,
        outlet=outlet or site_name or host_of(url) or None,
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
        paywalled=page.paywalled,
    )
