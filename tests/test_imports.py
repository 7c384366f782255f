"""The core is pure: importing it pulls in no network, database, template or bot library."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

#: Top-level modules bot.core may import (stdlib modules it uses, and pure text libraries).
ALLOWED = {
    "bot",
    "snowballstemmer",
    "Stemmer",  # PyStemmer, the C build of the same stemmers (and its Cython runtime)
    "cython_runtime",
    "re",
    "math",
    "dataclasses",
    "collections",
    "functools",
    "itertools",
    "datetime",
    "typing",
    "unicodedata",
    "bisect",
    "heapq",
    "operator",
    "string",
    "enum",
    "abc",
    "types",
    "zoneinfo",
    "__future__",
}
FORBIDDEN = {"telegram", "httpx", "jinja2", "sqlite3", "apscheduler", "socket", "asyncio"}


def test_core_imports_only_pure_modules() -> None:
    code = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        "import bot.core.clean, bot.core.digest, bot.core.stories, bot.core.figures, "
        "bot.core.scoring, bot.core.sentences, bot.core.words, bot.core.outlets, "
        "bot.core.pipeline, bot.core.options, bot.core.urls\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = {name.split(".")[0] for name in json.loads(result.stdout)}
    assert loaded & FORBIDDEN == set()
    stdlib = set(sys.stdlib_module_names)
    unexpected = {
        m for m in loaded if m not in ALLOWED and m not in stdlib and not m.startswith("_")
    }
    assert unexpected == set()
