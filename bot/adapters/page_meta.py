"""Page metadata: what a page declares about itself for machines, read with lxml.

JSON-LD (``headline``, ``publisher``, ``datePublished``, ``isAccessibleForFree`` and the
``hasPart`` sections that are not free), ``<meta>`` tags (Open Graph, ``article:*``), the
article's ``<h1>`` and the ``<title>`` with its site suffix. ``bot.adapters.pages`` decides
what to use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import unescape
from typing import Any
from urllib.parse import urlsplit

# Characters between a headline and the site name in a <title> or og:title:
# "Titel | Seite", "Titel - Seite", "Titel – Seite", "Titel · Seite".
_SUFFIX_SEPARATORS = re.compile(r"\s+[|\-–—·:•]\s+")
# A <title> suffix longer than this is not a site name: the long names of German-language
# outlets stay near 30 characters ("Frankfurter Allgemeine Zeitung" has 30).
MAX_SITE_NAME_CHARS = 40
# Host labels at least this long may stand inside a site name ("zeit" in "DIE ZEIT");
# shorter ones must start it, or two letters would match inside any word.
MIN_INNER_LABEL = 4
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


_SPACE = re.compile(r"\s+")


def squash(text: str | None) -> str:
    """Return text with runs of whitespace as single spaces, stripped."""
    return _SPACE.sub(" ", text or "").strip()


def json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Yield every JSON object of the page's JSON-LD blocks (lists and ``@graph`` opened)."""
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
    return squash(value) if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class Meta:
    """What the JSON-LD says about the article (empty strings where it says nothing)."""

    headline: str = ""
    publisher: str = ""
    published: str = ""
    description: str = ""
    paywalled: bool = False
    hidden_selectors: tuple[str, ...] = ()


def read_json_ld(tree: Any) -> Meta:
    """Return the metadata of the page's article object (an ``Article`` type, not the site)."""
    article: dict[str, Any] | None = None
    for obj in json_ld_objects(tree):
        kinds = _types(obj)
        if kinds & _ARTICLE_TYPES and (article is None or "WebPage" in _types(article)):
            article = obj
    if article is None:
        return Meta()
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
    # JSON-LD is raw text in a <script>: some CMS write HTML entities into it ("&amp;").
    return Meta(
        headline=unescape(squash(headline)) if isinstance(headline, str) else "",
        publisher=unescape(_name(article.get("publisher"))),
        published=published.strip() if isinstance(published, str) else "",
        description=unescape(squash(description)) if isinstance(description, str) else "",
        paywalled=paywalled,
        hidden_selectors=tuple(hidden),
    )


def meta_content(tree: Any, *names: str) -> str:
    """Return the first non-empty ``<meta>`` content of the names, in order, else ''."""
    for name in names:
        for node in tree.xpath(
            "//meta[@property=$n or @name=$n or @itemprop=$n][@content]", n=name
        ):
            value = squash(node.get("content"))
            if value:
                return value
    return ""


def host_of(url: str | None) -> str:
    """Return a URL's host without ``www.``, else ''."""
    return (urlsplit(url).hostname or "").removeprefix("www.") if url else ""


def _is_site(segment: str, wanted: set[str], label: str) -> bool:
    """Tell whether a title segment names the site: a known name, or the host's own label.

    "FAZ" on faz.net, "ZEIT ONLINE" on zeit.de, "tagesschau.de" on tagesschau.de.
    """
    lowered = segment.lower()
    compact = re.sub(r"[\W_]+", "", lowered)
    if lowered in wanted or compact in {re.sub(r"[\W_]+", "", w) for w in wanted}:
        return True
    if not label or len(segment) > MAX_SITE_NAME_CHARS:
        return False
    # A short label ("br", "nd") must start the segment; a long one may stand inside it
    # ("DIE ZEIT" on zeit.de): inside, "br" would match "Umbruch".
    return compact.startswith(label) or (len(label) >= MIN_INNER_LABEL and label in compact)


def strip_site(title: str, sites: list[str], *, host: str = "") -> tuple[str, str]:
    """Return (headline, site) with a trailing or leading site name cut off a title.

    Args:
        title: An og:title, JSON-LD headline or <title>.
        sites: Names the page gives itself (og:site_name, publisher, application-name).
        host: The page's host; its main label ("faz" of www.faz.net) names the site too.
    """
    wanted = {s.lower() for s in sites if s}
    parts = _SUFFIX_SEPARATORS.split(title)
    if len(parts) < 2:
        return title, ""
    label = re.sub(r"[\W_]+", "", host.split(".")[-2].lower()) if host.count(".") else ""
    last, first = parts[-1].strip(), parts[0].strip()
    if _is_site(last, wanted, label):
        return title[: title.rfind(last)].rstrip(" |-–—·:•"), last
    if _is_site(first, wanted, label):
        return title[len(first) :].lstrip(" |-–—·:•"), first
    return title, ""


def title_suffix(title: str, headline: str) -> str:
    """Return the site name of a ``<title>`` that starts with the headline, else ''."""
    if headline and title.startswith(headline):
        site = title[len(headline) :].strip(" |-–—·:•")
        if 0 < len(site) <= MAX_SITE_NAME_CHARS:
            return site
    parts = _SUFFIX_SEPARATORS.split(title)
    if len(parts) >= 2 and " | " in title and len(parts[-1]) <= MAX_SITE_NAME_CHARS:
        return parts[-1].strip()
    return ""


def pick_h1(tree: Any, title_tag: str) -> str:
    """Return the article's <h1>: one the <title> repeats, else one in <article> or <main>.

    A page may have several: a logo or a menu heading is an <h1> on some layouts.
    """
    found = [(h, squash(h.text_content())) for h in tree.iter("h1")]
    found = [(h, text) for h, text in found if text]
    for _, text in found:
        if title_tag and text in title_tag:
            return text
    for node, text in found:
        if any(a.tag in {"article", "main"} for a in node.iterancestors()):
            return text
    return found[0][1] if found else ""


def parse_time(value: str, zone: tzinfo | None) -> datetime | None:
    """Return an ISO 8601 time; one without zone gets ``zone``, or None without a zone."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone) if zone else None
    return parsed
