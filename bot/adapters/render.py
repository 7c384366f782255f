"""Rendering: core values through the Jinja2 templates to Telegram HTML or plain text.

The templates hold every word; this module only prepares values, and packs rendered story
blocks into messages that Telegram accepts: at most ``MessageLimit.MAX_TEXT_LENGTH``
characters after entity parsing, split between stories (a story too long on its own is split
between its sentences), never inside a tag or a sentence.
"""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bot.core.models import Digest, Figure, Source, Story, StorySentence

Format = Literal["html", "text"]


def _bundled_templates() -> Path:
    """Return the template folder: ``templates/``, installed as ``kurzlage_templates``."""
    spec = importlib.util.find_spec("kurzlage_templates")
    locations = spec.submodule_search_locations if spec else None
    return next(
        (Path(p) for p in locations or () if Path(p, "digest.html").is_file()),
        Path(__file__).resolve().parents[2] / "templates",
    )


#: The bundled templates.
DEFAULT_TEMPLATES = _bundled_templates()
_TAG_RE = re.compile(r"<[^>]+>")


def telegram_length(text: str, *, fmt: Format = "html") -> int:
    """Return the length Telegram counts: UTF-16 code units after entity parsing."""
    visible = html.unescape(_TAG_RE.sub("", text)) if fmt == "html" else text
    return len(visible.encode("utf-16-le")) // 2


#: The template of the short replies (one macro each) and the one list of commands.
REPLIES = "replies.html"
COMMANDS = "commands.html"


@dataclass(frozen=True, slots=True)
class Command:
    """A bot command: as typed, its description in Telegram's menu, and whether admin-only."""

    command: str
    description: str
    admin: bool


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """One message ready to send, and the 1-based numbers of the stories it shows."""

    text: str
    stories: tuple[int, ...]


def _message_limit() -> int:
    # Imported here: the telegram package costs a quarter second to import, which every
    # command-line call would pay for one constant.
    from telegram.constants import MessageLimit

    return int(MessageLimit.MAX_TEXT_LENGTH)


#: How dates appear in replies and pages (the templates' ``datum`` filter).
DATE_FORMAT = "%d.%m.%Y, %H:%M"


def _datum_in(zone: ZoneInfo) -> Callable[[datetime | None], str]:
    """Return the ``datum`` filter: an aware time shown in ``zone`` (the digest's zone)."""

    def datum(value: datetime | None) -> str:
        if value is None:
            return ""
        shown = value.astimezone(zone) if value.tzinfo is not None else value
        return shown.strftime(DATE_FORMAT)

    return datum


class Renderer:
    """Render digests, sources and figures with the templates of one directory.

    Two Jinja environments share the directory: ``*.html`` templates are autoescaped
    (Telegram HTML needs ``& < >`` escaped), ``*.txt`` templates are not. Every time shown
    (the ``datum`` filter) is converted to ``timezone`` first, whatever zone it was stored in.
    """

    def __init__(
        self, templates_dir: Path = DEFAULT_TEMPLATES, *, timezone: str = "Europe/Berlin"
    ) -> None:
        datum = _datum_in(ZoneInfo(timezone))
        self._envs: dict[Format, Environment] = {}
        for fmt, escape in (("html", True), ("text", False)):
            env = Environment(
                loader=FileSystemLoader(str(templates_dir)),
                autoescape=escape,
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
            )
            env.filters["datum"] = datum
            self._envs[fmt] = env  # type: ignore[index]

    def render(self, name: str, /, **context: Any) -> str:
        """Render one template by file name (``hilfe.html``, ``status.txt``)."""
        fmt: Format = "text" if name.endswith(".txt") else "html"
        return self._envs[fmt].get_template(name).render(**context).strip()

    def reply(self, name: str, /, **arguments: Any) -> str:
        """Render one short reply: the macro ``name`` of ``replies.html`` (Telegram HTML).

        Arguments are escaped by the template; pass raw text.

        Raises:
            KeyError: There is no such macro (a wiring bug).
        """
        macro = getattr(self._envs["html"].get_template(REPLIES).module, name, None)
        if not callable(macro):
            raise KeyError(f"{REPLIES} has no macro {name!r}")
        return str(macro(**arguments)).strip()

    def commands(self) -> tuple[Command, ...]:
        """Return the bot's commands as ``commands.html`` lists them (menu and /hilfe)."""
        listed = self._envs["html"].get_template(COMMANDS).module.commands  # type: ignore[attr-defined]
        return tuple(
            Command(command=c["command"], description=c["menu"], admin=bool(c["admin"]))
            for c in listed
        )

    def _name(self, base: str, fmt: Format) -> str:
        return f"{base}.{'html' if fmt == 'html' else 'txt'}"

    def _pack(
        self,
        base: str,
        fmt: Format,
        blocks: Sequence[tuple[int, str]],
        context: dict[str, Any],
        split: Callable[[int], Sequence[str]] | None = None,
    ) -> tuple[RenderedMessage, ...]:
        """Pack story blocks into messages rendered by the ``base`` page template."""
        limit = _message_limit() if fmt == "html" else sys.maxsize  # a terminal has none
        page = self._name(base, fmt)
        wrap: Callable[[str], Any] = Markup if fmt == "html" else str

        def compose(parts: list[tuple[int, str]], first: bool) -> str:
            return self.render(
                page, blocks=[wrap(text) for _, text in parts], first=first, **context
            )

        messages: list[RenderedMessage] = []
        current: list[tuple[int, str]] = []

        def flush() -> None:
            if current:
                messages.append(
                    RenderedMessage(
                        text=compose(current, not messages),
                        stories=tuple(dict.fromkeys(n for n, _ in current)),
                    )
                )
                current.clear()

        for number, text in blocks:
            pieces = [text]
            if split is not None and telegram_length(compose([(number, text)], True), fmt=fmt) > (
                limit
            ):
                pieces = list(split(number))
            for piece in pieces:
                if (
                    current
                    and telegram_length(
                        compose([*current, (number, piece)], not messages), fmt=fmt
                    )
                    > limit
                ):
                    flush()
                current.append((number, piece))
        flush()
        if not messages:
            messages.append(RenderedMessage(text=compose([], True), stories=()))
        return tuple(messages)

    def digest_messages(
        self, digest: Digest, *, fmt: Format = "html"
    ) -> tuple[RenderedMessage, ...]:
        """Render a digest as messages, each within Telegram's length limit."""
        story_template = self._name("digest_story", fmt)

        def block(
            number: int, story: Story, sentences: Sequence[StorySentence], continued: bool = False
        ) -> str:
            return self.render(
                story_template,
                number=number,
                story=story,
                sentences=sentences,
                continued=continued,
                sources={s.id: s for s in story.sources},
            )

        blocks = [(n, block(n, s, s.sentences)) for n, s in enumerate(digest.stories, 1)]

        def split(number: int) -> list[str]:
            story = digest.stories[number - 1]
            return [
                block(number, story, [sentence], continued=i > 0)
                for i, sentence in enumerate(story.sentences)
            ]

        return self._pack("digest", fmt, blocks, {"digest": digest}, split)

    def _story_pages(
        self, base: str, digest: Digest, story: int | None, fmt: Format
    ) -> tuple[str, ...]:
        numbers = [story] if story is not None else list(range(1, len(digest.stories) + 1))
        detail = story is not None
        blocks = [
            (
                n,
                self.render(
                    self._name(f"{base}_story", fmt),
                    number=n,
                    story=digest.stories[n - 1],
                    detail=detail,
                    sources={s.id: s for s in digest.stories[n - 1].sources},
                    figure_source=_figure_source,
                ),
            )
            for n in numbers
        ]
        return tuple(
            m.text for m in self._pack(base, fmt, blocks, {"digest": digest, "detail": detail})
        )

    def quelle(
        self, digest: Digest, *, story: int | None = None, fmt: Format = "html"
    ) -> tuple[str, ...]:
        """Render the sources of a digest, or of story ``story`` sentence by sentence."""
        return self._story_pages("quelle", digest, story, fmt)

    def zahlen(
        self, digest: Digest, *, story: int | None = None, fmt: Format = "html"
    ) -> tuple[str, ...]:
        """Render the key figures of a digest, or of story ``story``."""
        return self._story_pages("zahlen", digest, story, fmt)


def _figure_source(figure: Figure, sources: dict[str, Source]) -> str:
    source = sources.get(figure.source)
    return source.name if source else figure.source
