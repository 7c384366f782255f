"""Log line formats for ``[log] format``: readable text or one JSON object per line.

Configured once by ``bot.__main__.main`` (STYLE.md rule 21); every module only logs.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from bot.settings import LogSettings

#: The readable line: what ``kurzlage`` printed before JSON lines existed.
TEXT_FORMAT = "kurzlage: %(levelname)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``time`` (UTC), ``level``, ``logger``, ``message``."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON (a traceback as ``exception``)."""
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(settings: LogSettings) -> None:
    """Give every handler of the root logger the configured line format."""
    formatter = JsonFormatter() if settings.format == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
