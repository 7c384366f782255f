"""Settings: one frozen dataclass per section, loaded once from TOML and validated.

This is the only module that reads configuration files or the environment. The defaults below
are the documented values of ``config/kurzlage.toml``; a test keeps the two equal. A config
file overrides them key by key; an unknown key, a value of the wrong type or one out of range
is a ``ConfigError`` that names the key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import ConfigError

#: Where ``kurzlage`` looks for its settings when no ``--config`` is given.
DEFAULT_CONFIG_PATH = Path("config/kurzlage.toml")
#: Environment variable naming a config file (overridden by ``--config``).
CONFIG_ENV = "KURZLAGE_CONFIG"


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """How long a digest is.

    Attributes:
        stories: Stories per digest, most important first.
        sentences_per_story: Sentences chosen per story (1 to 3 carry the news).
        max_sentence_chars: Longer sentences are skipped, never cut (press publishers' rights
            leave room only for short extracts).
        min_sentence_chars: Shorter sentences are not summary candidates.
        figures_per_story: Key figures kept per story.
        timezone: Time zone for times found in the text (``Stand: … Uhr``) and for schedules.
    """

    stories: int = 6
    sentences_per_story: int = 3
    max_sentence_chars: int = 320
    min_sentence_chars: int = 30
    figures_per_story: int = 5
    timezone: str = "Europe/Berlin"


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings, one attribute per TOML section."""

    digest: DigestSettings = field(default_factory=DigestSettings)


_Section = TypeVar("_Section")

# Bounds of numeric keys, as (low, high) inclusive: checked when a file is loaded.
_RANGES: dict[str, tuple[int, int]] = {
    "digest.stories": (1, 50),
    "digest.sentences_per_story": (1, 10),
    "digest.max_sentence_chars": (40, 4000),
    "digest.min_sentence_chars": (0, 400),
    "digest.figures_per_story": (0, 50),
}


def _build_section(cls: type[_Section], name: str, raw: Any, base: _Section) -> _Section:
    if not isinstance(raw, dict):
        raise ConfigError(f"config: [{name}] must be a table")
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{name}.{key}"
        if key not in known:
            raise ConfigError(f"config: unknown key {dotted!r}")
        expected = type(getattr(base, key))
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"config: {dotted} must be a whole number, not {value!r}")
        if expected is not int and not isinstance(value, expected):
            raise ConfigError(f"config: {dotted} must be a {expected.__name__}, not {value!r}")
        if dotted in _RANGES:
            low, high = _RANGES[dotted]
            if not low <= value <= high:
                raise ConfigError(f"config: {dotted} must be between {low} and {high}")
        changes[key] = value
    return replace(base, **changes)  # type: ignore[type-var]


def parse_settings(raw: dict[str, Any]) -> Settings:
    """Return settings from a parsed TOML document, validated key by key."""
    base = Settings()
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in {f.name for f in fields(Settings)}:
            raise ConfigError(f"config: unknown section [{name}]")
        sections[name] = _build_section(
            type(getattr(base, name)), name, value, getattr(base, name)
        )
    settings = replace(base, **sections)
    if settings.digest.min_sentence_chars >= settings.digest.max_sentence_chars:
        raise ConfigError("config: digest.min_sentence_chars must be below max_sentence_chars")
    return settings


def load_settings(path: Path | None = None) -> Settings:
    """Load settings from ``path``, else ``$KURZLAGE_CONFIG``, else ``config/kurzlage.toml``.

    A missing default file gives the built-in defaults; a missing named file is an error.

    Raises:
        ConfigError: The file cannot be read or parsed, or a key is unknown or invalid.
    """
    named = path or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    target = named or DEFAULT_CONFIG_PATH
    if named is None and not target.is_file():
        return Settings()
    try:
        raw = tomllib.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config: {target} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"config: cannot read {target}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config: {target} is not valid TOML: {err}") from None
    return parse_settings(raw)
