"""The one exception hierarchy of Kurzlage.

::

    DigestError                 anything Kurzlage itself reports
    ├── ParseError              an input (file, JSON line, page) cannot be used
    ├── FetchError              a feed, URL or Telegram call failed at the boundary
    └── ConfigError             the configuration is unusable (names the key)

"Nothing found" is an empty result, never one of these.
"""

from __future__ import annotations


class DigestError(Exception):
    """Base class of every error Kurzlage raises on purpose."""


class ParseError(DigestError):
    """An input cannot be used; the message names the input and why."""


class FetchError(DigestError):
    """A network call failed; the message names the URL or method and the status."""


class ConfigError(DigestError):
    """The configuration is unusable; the message names the offending key."""
