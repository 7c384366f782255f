"""Telegram's HTML parse mode as the fake server checks it (in ``tests.testkit.telegram.html``)."""

from __future__ import annotations

from tests.testkit.telegram.html import ALLOWED_TAGS, EntityError, parse_html

__all__ = ["ALLOWED_TAGS", "EntityError", "parse_html"]
