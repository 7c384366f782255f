"""Command line of Kurzlage: ``kurzlage digest|summarize|sentences|zahlen|quelle|run``.

The ``--format json`` outputs are a contract used by tests, benchmarks and acceptance checks;
keep their fields stable (new fields may be added). Without ``--format`` each command prints
for a person, in German, through the templates.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.adapters.files import Inputs, read_inputs
from bot.adapters.serialize import digest_to_dict, figure_to_dict, source_to_dict
from bot.adapters.tables import load_language
from bot.core.models import Article, Digest
from bot.core.pipeline import article_figures, build_digest, summarize_article
from bot.core.sentences import split_sentences
from bot.errors import DigestError
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.adapters.render import Format, Renderer

logger = logging.getLogger(__name__)

#: Exit codes: 1 nothing usable in the input, 2 bad usage or configuration.
EXIT_NO_INPUT = 1
EXIT_USAGE = 2
DEFAULT_PATHS = (Path("seeds"),)


class _Usage(DigestError):
    """A usage error found after parsing (e.g. ``--story 9`` of a 3-story digest)."""


@cache
def _renderer(timezone: str = "Europe/Berlin") -> Renderer:
    # Imported on first use: JSON output needs no templates (and no Jinja start-up).
    from bot.adapters.render import Renderer

    return Renderer(timezone=timezone)


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))


def _read(paths: Sequence[str], settings: Settings) -> Inputs:
    files = [Path(p) for p in paths if not _is_url(p)]
    urls = [p for p in paths if _is_url(p)]
    fetched: tuple[Article, ...] = ()
    problems: tuple[str, ...] = ()
    if urls:
        from bot.cli_feeds import read_urls  # imported here: files need no HTTP stack

        fetched, problems = read_urls(urls, settings)
    read = read_inputs(
        files or ([] if fetched or problems else DEFAULT_PATHS), timezone=settings.digest.timezone
    )
    inputs = Inputs(articles=read.articles + fetched, errors=read.errors + problems)
    for line in inputs.errors:
        sys.stderr.write(f"kurzlage: {line}\n")
    if not inputs.articles:
        raise _NoInput
    return inputs


class _NoInput(Exception):
    """No usable article in the input (each problem was already reported)."""


def _story(digest: Digest, number: int | None) -> int | None:
    if number is not None and not 1 <= number <= len(digest.stories):
        raise _Usage(f"--story {number}: this digest has stories 1 to {len(digest.stories)}")
    return number


def _print_messages(texts: Sequence[str]) -> None:
    for index, text in enumerate(texts, start=1):
        if len(texts) > 1:
            _emit(_renderer().render("cli_separator.txt", number=index, total=len(texts)))
        _emit(text)


def cmd_digest(args: argparse.Namespace, settings: Settings) -> None:
    """Print the digest of the inputs."""
    inputs = _read(args.paths, settings)
    digest = build_digest(inputs.articles, settings=settings.digest, lang=load_language())
    if args.format == "json":
        _emit(json.dumps(digest_to_dict(digest), ensure_ascii=False, indent=2))
        return
    fmt: Format = "html" if args.format == "html" else "text"
    _print_messages(
        [m.text for m in _renderer(settings.digest.timezone).digest_messages(digest, fmt=fmt)]
    )


def cmd_summarize(args: argparse.Namespace, settings: Settings) -> None:
    """Print the best sentences of each article alone."""
    lang = load_language()
    for article in _read(args.paths, settings).articles:
        sentences = summarize_article(article, n=args.n, settings=settings.digest, lang=lang)
        if args.format == "json":
            _emit(json.dumps({"id": article.id, "sentences": list(sentences)}, ensure_ascii=False))
        else:
            _emit(
                _renderer(settings.digest.timezone).render(
                    "summary.txt", article=article, sentences=sentences
                )
            )


def cmd_sentences(args: argparse.Namespace, settings: Settings) -> None:
    """Print each article's text split into sentences, exactly as given."""
    lang = load_language()
    for article in _read(args.paths, settings).articles:
        spans = split_sentences(article.text, abbreviations=lang.abbreviations)
        sentences = [article.text[span.start : span.end] for span in spans]
        if args.format == "json":
            _emit(json.dumps({"id": article.id, "sentences": sentences}, ensure_ascii=False))
        else:
            _emit(
                _renderer(settings.digest.timezone).render(
                    "sentences.txt", article=article, sentences=sentences
                )
            )


def cmd_zahlen(args: argparse.Namespace, settings: Settings) -> None:
    """Print the key figures: per article as JSON Lines, else as ``/zahlen`` shows them."""
    inputs = _read(args.paths, settings)
    lang = load_language()
    if args.format == "json":
        wanted: set[str] | None = None
        if args.story is not None:
            digest = build_digest(inputs.articles, settings=settings.digest, lang=lang)
            number = _story(digest, args.story)
            assert number is not None
            wanted = {s.id for s in digest.stories[number - 1].sources}
        for article in inputs.articles:
            if wanted is not None and article.id not in wanted:
                continue
            figures = article_figures(article, settings=settings.digest, lang=lang)
            _emit(
                json.dumps(
                    {"id": article.id, "figures": [figure_to_dict(f) for f in figures]},
                    ensure_ascii=False,
                )
            )
        return
    digest = build_digest(inputs.articles, settings=settings.digest, lang=lang)
    fmt: Format = "html" if args.format == "html" else "text"
    pages = _renderer(settings.digest.timezone).zahlen(
        digest, story=_story(digest, args.story), fmt=fmt
    )
    _print_messages(pages)


def cmd_quelle(args: argparse.Namespace, settings: Settings) -> None:
    """Print the sources of the digest of the inputs, as ``/quelle`` shows them."""
    inputs = _read(args.paths, settings)
    digest = build_digest(inputs.articles, settings=settings.digest, lang=load_language())
    number = _story(digest, args.story)
    if args.format == "json":
        numbers = [number] if number else range(1, len(digest.stories) + 1)
        for n in numbers:
            story = digest.stories[n - 1]
            _emit(
                json.dumps(
                    {
                        "story": n,
                        "title": story.title,
                        "sources": [source_to_dict(s) for s in story.sources],
                        "sentences": [
                            {
                                "text": s.text,
                                "source": s.source,
                                "confirmed_by": list(s.confirmed_by),
                            }
                            for s in story.sentences
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        return
    fmt: Format = "html" if args.format == "html" else "text"
    _print_messages(_renderer(settings.digest.timezone).quelle(digest, story=number, fmt=fmt))


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Telegram bot."""
    from bot.app import run  # imported here: the other commands need no Telegram stack

    return run(settings)


def cmd_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """Check the configured feeds once, or import feeds from an OPML file."""
    from bot.cli_feeds import check_feeds, config_path, import_opml

    if args.action == "import":
        if args.file is None:
            raise _Usage("feeds import: give the OPML file, e.g. kurzlage feeds import abos.opml")
        target = config_path(args.config)
        added = import_opml(args.file, target=target, settings=settings)
        _emit(_renderer().render("feeds_import.txt", added=added, target=target))
        return 0
    reports = check_feeds(settings)
    for report in reports:
        _emit(_renderer().render("feeds_check.txt", report=report))
    return EXIT_NO_INPUT if all(r.state == "error" for r in reports) else 0


def _parser() -> argparse.ArgumentParser:
    config_help = "settings file (default: $KURZLAGE_CONFIG or config/kurzlage.toml)"
    parser = argparse.ArgumentParser(
        prog="kurzlage", description="Short extractive German news digests, for Telegram."
    )
    parser.add_argument("--config", type=Path, default=None, help=config_help)
    # Also accepted after the command; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str,
        func: Callable[..., Any],
        helptext: str,
        *,
        paths: str = "*",
        formats: Sequence[str] = ("text", "json"),
    ) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=helptext, description=helptext, parents=[common])
        if paths:
            command.add_argument(
                "paths",
                nargs=paths,
                metavar="PATH",
                help="article file or directory (.txt .md .json .jsonl .html), or a feed or"
                " page URL; default: seeds/",
            )
        if formats:
            command.add_argument("--format", choices=formats, default="text")
        command.set_defaults(func=func)
        return command

    add(
        "digest",
        cmd_digest,
        "digest of the articles (default PATH: seeds/)",
        paths="*",
        formats=("text", "html", "json"),
    )
    add("summarize", cmd_summarize, "best sentences of each article alone").add_argument(
        "-n", type=int, default=3, help="sentences per article (default 3)"
    )
    add("sentences", cmd_sentences, "each article's text split into sentences")
    add(
        "zahlen",
        cmd_zahlen,
        "key figures (as /zahlen shows them; JSON: per article)",
        formats=("text", "html", "json"),
    ).add_argument("--story", type=int, metavar="N")
    add(
        "quelle",
        cmd_quelle,
        "sources of the digest (as /quelle shows them)",
        formats=("text", "html", "json"),
    ).add_argument("--story", type=int, metavar="N")
    feeds = add(
        "feeds", cmd_feeds, "check the configured feeds once, or import OPML", paths="", formats=()
    )
    feeds.add_argument("action", choices=("check", "import"))
    feeds.add_argument("file", nargs="?", type=Path, metavar="FILE.opml")
    add("run", cmd_run, "start the Telegram bot (token from KURZLAGE_TOKEN)", paths="", formats=())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="kurzlage: %(levelname)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs contain the token
    if getattr(args, "n", 1) is not None and getattr(args, "n", 1) < 1:
        parser.error("-n must be at least 1")
    try:
        settings = load_settings(args.config)
        result = args.func(args, settings)
    except _NoInput:
        sys.stderr.write("kurzlage: no usable article in the input\n")
        return EXIT_NO_INPUT
    except DigestError as err:  # usage (_Usage) and configuration errors
        sys.stderr.write(f"kurzlage: {err}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
