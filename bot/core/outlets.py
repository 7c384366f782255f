"""Outlets: recognise news outlets and agency tags named in a text, from a table."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.language import Outlet


@lru_cache(maxsize=8)
def _alias_pattern(outlets: tuple[Outlet, ...], kind: str | None) -> re.Pattern[str] | None:
    aliases = sorted(
        {alias for o in outlets if kind is None or o.kind == kind for alias in o.aliases},
        key=len,
        reverse=True,
    )
    if not aliases:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, aliases)) + r")(?![\w-])")


def _name_of(alias: str, outlets: tuple[Outlet, ...]) -> str:
    return next(o.name for o in outlets if alias in o.aliases)


def find_outlet(text: str, outlets: tuple[Outlet, ...]) -> str | None:
    """Return the name of the first known outlet or agency named in ``text``, else None."""
    pattern = _alias_pattern(outlets, None)
    match = pattern.search(text) if pattern else None
    return _name_of(match.group(1), outlets) if match else None


@lru_cache(maxsize=8)
def _tag_pattern(outlets: tuple[Outlet, ...]) -> re.Pattern[str] | None:
    alias = _alias_pattern(outlets, "agency")
    if alias is None:
        return None
    # ``(dpa)``, ``(dpa/AFP)``, ``(AFP, Reuters)``, ``(APA, 25.4.2016)``: the agency first.
    return re.compile(r"\(\s*" + alias.pattern + r"(?:\s*[/,;]\s*[^()\n]{0,40})?\s*\)")


def find_agency_tag(text: str, outlets: tuple[Outlet, ...]) -> tuple[str, str] | None:
    """Return ``(agency name, tag as written)`` of the last agency tag in ``text``, else None.

    Agency tags stand after the dateline (``Berlin (dpa) -``) or at the end (``… (dpa)``).
    """
    pattern = _tag_pattern(outlets)
    if pattern is None:
        return None
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - the last one is the one we want
        pass
    if last is None:
        return None
    return _name_of(last.group(1), outlets), last.group(0)


def _name_key(name: str) -> str:
    """A name as compared with the table: spacing, case and a leading ``www.`` ignored."""
    return " ".join(name.split()).casefold().removeprefix("www.")


@lru_cache(maxsize=8)
def _canonical_names(outlets: tuple[Outlet, ...]) -> dict[str, str]:
    names: dict[str, set[str]] = {}
    for outlet in outlets:
        for spelling in (outlet.name, *outlet.aliases):
            names.setdefault(_name_key(spelling), set()).add(outlet.name)
    # A spelling two outlets share names neither for sure: it stays as given.
    return {key: next(iter(found)) for key, found in names.items() if len(found) == 1}


def canonical_outlet(name: str, outlets: tuple[Outlet, ...]) -> str:
    """Return the table's name of an outlet named ``name`` as a whole, else ``name`` as given.

    For names a page gives itself (``og:site_name``, JSON-LD ``publisher``): ``tagesschau.de``
    is ``tagesschau``, ``DER SPIEGEL`` is ``SPIEGEL``. Only the whole name is compared (case
    and spacing aside), never a part of it: an unknown outlet is never guessed.
    """
    return _canonical_names(outlets).get(_name_key(name), name)
