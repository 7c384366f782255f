"""Article identity: a normalised URL, identity keys from guid and URL, a content hash.

The same article reaches us under several spellings of its link: ``HTTP://WWW.Example.de``,
with ``?utm_source=rss`` from one feed and ``?wt_mc=rss.ressort`` from another, with a
``#kommentare`` fragment or a trailing slash. :func:`normalize_url` maps them to one form, so
one article is stored once however many feeds carry it.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

#: Query parameters that only say where a click came from (campaign and click trackers),
#: never which page is shown: Google Analytics/Ads (utm_*, gclid), Meta (fbclid), Microsoft
#: (msclkid), Mailchimp (mc_*), Matomo/Piwik (pk_*, mtm_*), Webtrekk/Mapp as used by
#: German publishers (wt_*, wtmc), AT Internet (at_*, xtor), comScore (ns_*),
#: Outbrain/Taboola (obOrigUrl, tblci), Instagram (igshid) and feed tags (ref, icid, cmpid).
#: Parameters that select content (``id``, ``page``, ``cid``) are kept.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_", "wt_", "at_", "ga_")
_TRACKING_NAMES = frozenset(
    {
        "gclid",
        "dclid",
        "fbclid",
        "msclkid",
        "igshid",
        "yclid",
        "twclid",
        "wtmc",
        "wt_mc",
        "xtor",
        "ref",
        "ref_src",
        "ns_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_linkname",
        "obOrigUrl",
        "tblci",
        "cmpid",
        "icid",
        "ito",
        "sara_ref",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SPACE = re.compile(r"\s+")
#: Characters of an article id taken from the URL's hash: 16 hex digits are 64 bits, so two
#: of a million stored articles collide with odds of about 3e-8.
ID_HEX_DIGITS = 16


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """Return the canonical form of an article link, or ``url`` stripped if it is not http(s).

    Scheme and host lower-cased, ``http`` and ``https`` the same article (written as
    ``https``), default ports, fragment and tracking parameters dropped, the remaining
    parameters sorted, a trailing slash on the path dropped, percent-escapes in one
    spelling. ``www.`` is kept: some outlets serve other pages without it.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    host = parts.hostname.lower().rstrip(".")
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    # http and https serve the same article; one spelling keeps one identity.
    return urlunsplit(("https", host, path, urlencode(query), ""))


def identity_keys(*, url: str | None, guid: str | None) -> tuple[str, ...]:
    """Return the keys under which an article is known: its normalised URL and its guid.

    A guid that is itself a link counts as a URL (feeds often repeat the link there), so a
    guid-less feed and a guid-carrying one agree on the key.
    """
    keys: list[str] = []
    if url and url.strip():
        keys.append("url:" + normalize_url(url))
    if guid and guid.strip():
        cleaned = _SPACE.sub(" ", guid.strip())
        if cleaned.lower().startswith(("http://", "https://")):
            keys.append("url:" + normalize_url(cleaned))
        else:
            keys.append("guid:" + cleaned)
    return tuple(dict.fromkeys(keys))


def article_id(keys: tuple[str, ...]) -> str:
    """Return a stable article id from the first identity key (``web-`` and 16 hex digits)."""
    digest = hashlib.sha256(keys[0].encode("utf-8")).hexdigest()
    return "web-" + digest[:ID_HEX_DIGITS]


def content_hash(title: str, text: str) -> str:
    """Return a hash of what a reader sees: title and text with whitespace normalised."""
    canonical = _SPACE.sub(" ", title.strip()) + "\n" + _SPACE.sub(" ", text.strip())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
