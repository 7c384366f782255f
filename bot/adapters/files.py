"""Read articles from files: plain text, Markdown, JSON, JSON Lines and HTML pages.

Every unusable input becomes one line in ``Inputs.errors`` that names it; the others are still
read. Nothing here raises for bad input, so one broken file never stops the rest.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.models import Article
from bot.errors import ParseError

logger = logging.getLogger(__name__)

#: File endings read as one plain-text article each.
TEXT_SUFFIXES = frozenset({".txt", ".md"})
#: File endings read as HTML pages, one article each.
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl"}
#: Largest single article file read (bytes). A long news page is ~200 kB of HTML; a larger
#: file is almost surely not one article, and reading it would only cost time and memory.
MAX_FILE_BYTES = 5_000_000
#: Largest JSON Lines file (bytes); it is read line by line, each line one article.
MAX_JSONL_BYTES = 500_000_000
#: Share of control characters above which a file counts as binary, not text.
BINARY_CONTROL_SHARE = 0.05
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f]")
#: Valid UTF-8 multi-byte characters needed per broken byte to keep reading a file as UTF-8
#: (with U+FFFD for the broken bytes) rather than as Windows-1252. One suffices: a German
#: Windows-1252 text has none (its umlauts are single bytes followed by ASCII), while a UTF-8
#: text damaged in a few places keeps hundreds. Re-run tests/adapters/test_files.py.
UTF8_MIN_VALID_PER_BROKEN = 1
# Byte order marks, longest first (the UTF-32-LE mark begins with the UTF-16-LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_HTML_START = ("<!doctype html", "<html", "<head", "<body", "<article", "<p>", "<div")


@dataclass(frozen=True, slots=True)
class Inputs:
    """What could be read: the articles, and one message per unusable input."""

    articles: tuple[Article, ...]
    errors: tuple[str, ...]


class _TextExtractor(HTMLParser):
    """Collect the readable text of an HTML page: title, headings and paragraphs."""

    _SKIP = frozenset(
        {
            "script",
            "style",
            "noscript",
            "nav",
            "header",
            "footer",
            "aside",
            "figure",
            "figcaption",
            "form",
            "button",
            "svg",
            "template",
            "iframe",
        }
    )
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "article",
            "blockquote",
            "tr",
            "ul",
            "ol",
            "main",
            "time",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Return the title and the readable text of an HTML page, paragraphs on their own lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    paragraphs = (" ".join(block.split()) for block in "".join(parser.parts).split("\n\n"))
    return " ".join(parser.title.split()), "\n\n".join(p for p in paragraphs if p)


def looks_like_html(text: str) -> bool:
    """Return True if the text is an HTML page rather than plain text."""
    head = text.lstrip()[:200].lower()
    return head.startswith(_HTML_START) or ("<p>" in text[:5000].lower() and "</p>" in text)


def decode(data: bytes) -> str | None:
    """Decode file bytes: UTF-16/32 or UTF-8 by their BOM, UTF-8, else Windows-1252/Latin-1.

    UTF-8 with a few broken bytes stays UTF-8 (each broken byte becomes U+FFFD) as long as
    valid multi-byte sequences outnumber the broken bytes; German text in Windows-1252 has
    no valid multi-byte sequences at all, so it is never mistaken for UTF-8.

    Returns None for binary data (NUL bytes or many control characters).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _text_or_none(data[len(bom) :].decode(codec, errors="replace"))
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="replace")
        broken = text.count("\ufffd")
        multibyte = sum(1 for ch in text if ch > "\x7f") - broken
        if multibyte < broken * UTF8_MIN_VALID_PER_BROKEN:
            text = _decode_single_byte(data)
    return _text_or_none(text)


def _decode_single_byte(data: bytes) -> str:
    # German text that is not UTF-8 is, in practice, Windows-1252 (a superset of Latin-1 for
    # printable characters); the five bytes it leaves undefined fall back to Latin-1.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _text_or_none(text: str) -> str | None:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ch < " " and ch not in _ALLOWED_CONTROLS)
    if sample and controls / len(sample) > BINARY_CONTROL_SHARE:
        return None
    return text


def _parse_time(value: Any, zone: tzinfo) -> datetime | None:
    """Read ISO 8601 (``2024-06-26T07:27:00+02:00``) or RFC 2822 as feeds write it."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


_MD_HEADING_RE = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(text: str) -> str:
    """Return Markdown as plain text: heading marks, images, link targets, emphasis gone."""
    text = _MD_HEADING_RE.sub(r"\1", text)
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    return _MD_EMPHASIS_RE.sub(r"\2", text)


# What JSON strings may hold but no text should: lone surrogates ("\ud800", which no UTF-8
# or UTF-16 encoder accepts) and control characters other than whitespace.
_UNPRINTABLE_RE = re.compile("[\ud800-\udfff\x00-\x08\x0e-\x1f\x7f]")


def _printable(value: Any) -> Any:
    """Return a JSON value with unprintable characters in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _UNPRINTABLE_RE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items() if isinstance(key, str)}
    return value


def _article_from_json(obj: Any, *, fallback_id: str, zone: tzinfo) -> Article:
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object with 'text'")
    obj = _printable(obj)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no 'text' (a non-empty string is required)")
    raw_id = obj.get("id")
    article_id = str(raw_id) if isinstance(raw_id, str | int) and str(raw_id) else fallback_id
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    if looks_like_html(text):
        html_title, text = html_to_text(text)
        title = title or html_title

    def optional(key: str) -> str | None:
        value = obj.get(key)
        return value.strip() or None if isinstance(value, str) else None

    return Article(
        id=article_id,
        text=text,
        title=(title or "").strip(),
        url=optional("url"),
        outlet=optional("outlet"),
        published=_parse_time(obj.get("published"), zone),
    )


class _Unread(str):
    """An error line for a file that could not be read at all (try again later)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FileInputs:
    """What one file gave.

    Attributes:
        path: The file.
        articles: Its articles, in file order.
        errors: One line per unusable part (the whole file, or a JSON line).
        read: False when the file could not be read at all (permissions, I/O): a caller
            watching a folder tries it again later instead of remembering it as done.
    """

    path: Path
    articles: tuple[Article, ...]
    errors: tuple[str, ...]
    read: bool


def read_file(path: Path, *, timezone: str = "Europe/Berlin") -> FileInputs:
    """Read one article file; never raises for anything in or about the file.

    Any failure reading it (unreadable, binary, nested too deeply for the JSON parser, a
    parser fault on hostile markup) becomes one error line naming the file.
    """
    articles: list[Article] = []
    errors: list[str] = []
    try:
        for result in _read_file(path, ZoneInfo(timezone)):
            if isinstance(result, str):
                errors.append(result)
            else:
                articles.append(result)
    except RecursionError:
        errors.append(f"{path}: nested too deeply to read, skipped")
    # The per-input boundary: whatever a hostile file makes a parser raise stays that file's
    # one error line, and the other inputs go on (BRIEF: one broken article never stops the
    # others). The traceback goes to the log.
    except Exception as err:
        logger.info("Reading %s failed", path, exc_info=err)  # the log, not the terminal
        errors.append(f"{path}: cannot be read as an article ({type(err).__name__}), skipped")
    return FileInputs(
        path=path,
        articles=tuple(articles),
        errors=tuple(one_line(e) for e in errors),
        read=not any(isinstance(e, _Unread) for e in errors),
    )


def _read_file(path: Path, zone: tzinfo) -> Iterator[Article | str]:
    """Yield the articles of one file, and an error line for whatever is unusable."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as err:
        yield _Unread(f"{path}: cannot read ({err.strerror or err})")
        return
    limit = MAX_JSONL_BYTES if suffix == ".jsonl" else MAX_FILE_BYTES
    if size > limit:
        yield f"{path}: too large ({size / 1e6:.1f} MB; limit {limit / 1e6:.0f} MB), skipped"
        return
    if size == 0:
        yield f"{path}: empty file, skipped"
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(path, zone)
        return
    try:
        data = path.read_bytes()
    except OSError as err:
        yield _Unread(f"{path}: cannot read ({err.strerror or err})")
        return
    text = decode(data)
    if text is None:
        yield f"{path}: binary file, not text; skipped"
        return
    if not text.strip():
        yield f"{path}: no text in file, skipped"
        return
    if suffix == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            yield f"{path}: not valid JSON ({err.msg} at line {err.lineno}), skipped"
            return
        except RecursionError:
            yield f"{path}: JSON nested too deeply, skipped"
            return
        except ValueError as err:  # e.g. a number of more than 4300 digits
            yield f"{path}: not valid JSON ({_first_clause(err)}), skipped"
            return
        objs = obj if isinstance(obj, list) else [obj]
        for n, entry in enumerate(objs, start=1):
            fallback = path.stem if len(objs) == 1 else f"{path.stem}-{n}"
            try:
                yield _article_from_json(entry, fallback_id=fallback, zone=zone)
            except ValueError as err:
                yield f"{path}: article {n}: {err}; skipped"
        return
    if suffix == ".md":
        text = markdown_to_text(text)
    if suffix in HTML_SUFFIXES or looks_like_html(text):
        try:
            # Imported here: trafilatura costs 0.4 s to import, which only pages need.
            from bot.adapters.pages import extract_page, page_article

            page = extract_page(text, zone=zone)
        except ParseError:
            yield f"{path}: HTML page without readable text, skipped"
            return
        yield page_article(page, article_id=path.stem, url=page.url)
        return
    yield Article(id=path.stem, text=text, title="")


def _read_jsonl(path: Path, zone: tzinfo) -> Iterator[Article | str]:
    try:
        handle = path.open("rb")
    except OSError as err:
        yield _Unread(f"{path}: cannot read ({err.strerror or err})")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > MAX_FILE_BYTES:
                yield f"{path}:{number}: line too large ({len(raw) / 1e6:.1f} MB), skipped"
                continue
            line = decode(raw)
            if line is None:
                yield f"{path}:{number}: binary data, skipped"
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                yield _article_from_json(obj, fallback_id=f"{path.stem}-{number}", zone=zone)
            except json.JSONDecodeError as err:
                yield f"{path}:{number}: not valid JSON ({err.msg}), skipped"
            except RecursionError:
                yield f"{path}:{number}: JSON nested too deeply, skipped"
            except ValueError as err:
                yield f"{path}:{number}: {_first_clause(err)}; skipped"
            # One hostile line stays that line's error (as read_file does for a file).
            except Exception as err:
                logger.info("Reading %s:%d failed", path, number, exc_info=err)
                yield f"{path}:{number}: cannot be read as an article ({type(err).__name__})"


def _first_clause(err: Exception) -> str:
    """Return an error's message up to its first colon: the what, without the details."""
    return str(err).split(":", 1)[0]


def _hidden(name: str) -> bool:
    return name.startswith(".")


def article_files(folder: Path) -> list[Path]:
    """Return the article files under ``folder``, sorted: known suffixes, no dot-files.

    A name or folder starting with ``.`` (editor swap files, ``.git``, half-copied
    ``.name.txt.part``) is never read, nor a symbolic link out of the folder. The inbox and
    ``kurzlage digest DIR`` both use these rules (:func:`list_article_files`).
    """
    return [p for p in list_article_files(folder, empty_is_error=False) if isinstance(p, Path)]


def one_line(message: str) -> str:
    """Return an error line with its control characters escaped as Python writes them.

    A file name may hold a line break; each problem must stay one line of output and of the log.
    """
    return _CONTROL_RE.sub(lambda m: repr(m.group())[1:-1], message)


def list_article_files(path: Path, *, empty_is_error: bool = True) -> Iterator[Path | str]:
    """Yield the article files under ``path`` in name order, and an error line per problem.

    A directory is searched recursively, skipping hidden names. Symbolic links are not
    followed out of it: a linked directory is never entered (its files, if inside, are found
    where they are), and a linked file is read only when its target lies inside the
    directory. A file named directly is read wherever it points.
    """
    if path.is_dir():
        root = path.resolve()
        found: list[Path] = []
        for folder, dirs, files in os.walk(path):  # does not enter linked directories
            dirs[:] = sorted(d for d in dirs if not _hidden(d))
            for name in files:
                candidate = Path(folder, name)
                if _hidden(name) or candidate.suffix.lower() not in SUFFIXES:
                    continue
                if candidate.is_symlink() and not candidate.resolve().is_relative_to(root):
                    yield one_line(f"{candidate}: symbolic link to outside {path}, not followed")
                    continue
                if candidate.is_file():
                    found.append(candidate)
        if not found and empty_is_error:
            yield one_line(f"{path}: no article files (.txt .md .json .jsonl .html) in directory")
        yield from sorted(found)
    elif path.is_file():
        yield path
    elif path.exists():
        yield one_line(f"{path}: not a regular file, skipped")
    else:
        yield one_line(f"{path}: no such file or directory")


def read_inputs(paths: Sequence[Path], *, timezone: str = "Europe/Berlin") -> Inputs:
    """Read every article under ``paths`` (files, or directories searched recursively).

    Args:
        paths: Files or directories.
        timezone: Zone given to ``published`` times written without one.

    Returns:
        The articles in path order (duplicate ids keep their first occurrence), and one
        error line per unusable input.
    """
    articles: list[Article] = []
    errors: list[str] = []
    seen: set[str] = set()
    for given in paths:
        for entry in list_article_files(given):
            if isinstance(entry, str):
                errors.append(entry)
                continue
            result = read_file(entry, timezone=timezone)
            errors.extend(result.errors)
            for article in result.articles:
                if article.id in seen:
                    errors.append(
                        one_line(f"{entry}: duplicate article id {article.id!r}, skipped")
                    )
                else:
                    seen.add(article.id)
                    articles.append(article)
    for line in errors:
        logger.debug("input skipped: %s", line)
    return Inputs(articles=tuple(articles), errors=tuple(errors))
