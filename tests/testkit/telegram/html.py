"""Telegram's HTML parse mode as its server checks it, for the fake Bot API server.

Follows core.telegram.org/bots/api#html-style: only the listed tags, properly nested and
closed; ``<``, ``>`` and ``&`` outside tags and entities must be escaped; the named entities
``&lt; &gt; &amp; &quot;`` and numeric ones are understood. The result is the plain text a
reader sees, whose length Telegram limits to 4,096 characters.
"""

from __future__ import annotations

import html
import re

# tag -> attributes it may carry (Bot API "HTML style").
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=(?:\"([^\"]*)\"|'([^']*)'))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


class EntityError(ValueError):
    """The text is not HTML that Telegram accepts; the message is Telegram's wording."""


def parse_html(text: str) -> str:
    """Return the plain text Telegram shows for ``text``, or raise ``EntityError``."""
    out: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        offset = len(text[:position].encode("utf-8"))
        if char == "<":
            match = _TAG.match(text, position)
            if match is None:
                raise EntityError(f"Unclosed start tag at byte offset {offset}")
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                kind = "end" if closing else "start"
                raise EntityError(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
            if closing:
                if not stack or stack[-1] != name:
                    expected = f'"</{stack[-1]}>"' if stack else "no end tag"
                    raise EntityError(
                        f"Unmatched end tag at byte offset {offset}, expected {expected},"
                        f' found "</{name}>"'
                    )
                stack.pop()
            else:
                _check_attributes(name, attrs, offset)
                stack.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if match is None:
                raise EntityError(f"Unsupported HTML entity at byte offset {offset}")
            out.append(html.unescape(match.group(0)))
            position = match.end()
        elif char == ">":
            raise EntityError(
                f'Character ">" is reserved and must be escaped at byte offset {offset}'
            )
        else:
            out.append(char)
            position += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _check_attributes(name: str, attrs: str, offset: int) -> None:
    found = {m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _ATTR.finditer(attrs)}
    unknown = set(found) - ALLOWED_TAGS[name]
    if unknown:
        raise EntityError(f'Unsupported attribute "{sorted(unknown)[0]}" at byte offset {offset}')
    if name == "span" and found.get("class") != "tg-spoiler":
        raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if name == "a" and not found.get("href"):
        raise EntityError(f'Tag "a" must have attribute "href" at byte offset {offset}')
