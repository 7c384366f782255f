"""The three floors hold: no module imports a floor above its own, and the core stays pure.

Floors, bottom up: ``bot.core`` (and the exception tree ``bot.errors``), ``bot.adapters``,
then the composition root and command line (``bot.app``, ``bot.__main__``, ``bot.settings``).
The core's imports are checked twice: its source against :data:`CORE_MAY_IMPORT`, and what
``import bot.core.*`` actually loads, in a fresh interpreter, against the same names plus the
modules those pull in themselves (:data:`LOADED_BY_THEM`). Both lists name every module; there
is no "any standard library module" escape hatch, so ``import subprocess`` fails either check.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BOT = ROOT / "bot"
#: The floor of each part of the package; a module may import its own floor and those below.
FLOORS = {"bot.core": 0, "bot.errors": 0, "bot.adapters": 1, "bot": 2}
#: Top-level modules the core's source may import: the standard library modules it uses, the
#: pure text library declared in pyproject, and itself.
CORE_MAY_IMPORT = frozenset(
    {
        "__future__",
        "bot",
        "collections",
        "dataclasses",
        "datetime",
        "functools",
        "hashlib",  # article ids and content hashes (bot.core.urls)
        "heapq",
        "math",
        "re",
        "urllib",  # urllib.parse only: splitting and joining links (bot.core.urls)
        "zoneinfo",
        "snowballstemmer",  # German Snowball stemmer (pyproject)
    }
)
#: Modules that importing the allowed ones loads in turn (checked in the subprocess only).
LOADED_BY_THEM = frozenset(
    {
        # dataclasses -> inspect -> ast, dis, tokenize …
        "abc",
        "ast",
        "_ast",
        "copy",
        "copyreg",
        "dis",
        "enum",
        "inspect",
        "itertools",
        "keyword",
        "linecache",
        "opcode",
        "_opcode",
        "operator",
        "_operator",
        "reprlib",
        "token",
        "tokenize",
        "types",
        "_collections",
        "_collections_abc",
        "_functools",
        "_sre",
        "_datetime",
        "_heapq",
        "warnings",
        "typing",
        # zoneinfo -> sysconfig (tz path), struct, weakref
        "sysconfig",
        "struct",
        "_struct",
        "weakref",
        "_weakrefset",
        "_zoneinfo",
        # snowballstemmer -> PyStemmer (the C build of the same stemmers), its Cython runtime
        "Stemmer",
        "cython_runtime",
        "zlib",
        # hashlib -> its C implementations
        "_hashlib",
        "_blake2",
    }
)
#: Generated, platform-named modules of the two above (``_sysconfigdata__linux_x86_64-…``,
#: ``_cython_3_2_4``): matched by these exact prefixes, nothing else is.
GENERATED_PREFIXES = ("_sysconfigdata_", "_cython_")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _floor(module: str) -> int:
    best = max((p for p in FLOORS if module == p or module.startswith(p + ".")), key=len)
    return FLOORS[best]


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """Return (line, module) for every import in ``module``'s file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from bot.adapters import telegram`` imports the module bot.adapters.telegram.
            found += [(node.lineno, base)] + [
                (node.lineno, f"{base}.{alias.name}") for alias in node.names
            ]
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (ROOT / relative.with_suffix(".py")).is_file() or (ROOT / relative).is_dir()


def _upward_arrows(paths: list[Path]) -> list[str]:
    arrows = []
    for path in paths:
        source = _module_name(path)
        for line, target in _imports(path, source):
            if not target.startswith("bot") or not _is_module(target):
                continue
            if _floor(target) > _floor(source):
                arrows.append(f"{path.relative_to(ROOT)}:{line} {source} -> {target}")
    return arrows


BOT_FILES = sorted(BOT.rglob("*.py"))
CORE_FILES = sorted((BOT / "core").rglob("*.py"))


def test_every_bot_module_has_a_floor() -> None:
    assert BOT_FILES
    assert {_floor(_module_name(p)) for p in BOT_FILES} == {0, 1, 2}


def test_no_module_imports_a_floor_above_its_own() -> None:
    assert _upward_arrows(BOT_FILES) == []


def test_imports_are_found_and_resolved(tmp_path: Path) -> None:
    # The parser itself, on a probe standing in for bot/adapters/probe.py: absolute,
    # relative and function-level imports all count.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from bot.core.models import Digest\n"
        "from . import render\n"
        "from ..settings import Settings\n"
        "def late():\n"
        "    import bot.app\n"
    )
    found = _imports(probe, "bot.adapters.probe")
    assert found == [
        (1, "bot.core.models"),
        (1, "bot.core.models.Digest"),
        (2, "bot.adapters"),
        (2, "bot.adapters.render"),
        (3, "bot.settings"),
        (3, "bot.settings.Settings"),
        (5, "bot.app"),
    ]
    assert [t for _, t in found if _floor(t) > _floor("bot.adapters.probe")] == [
        "bot.settings",
        "bot.settings.Settings",
        "bot.app",
    ]


def test_core_source_imports_only_allowlisted_modules() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line} {target}"
        for path in CORE_FILES
        for line, target in _imports(path, _module_name(path))
        if target.split(".")[0] not in CORE_MAY_IMPORT
    }
    assert found == set()


def test_core_source_imports_no_adapter_or_root_module() -> None:
    outside = [
        f"{path.relative_to(ROOT)}:{line} {target}"
        for path in CORE_FILES
        for line, target in _imports(path, _module_name(path))
        if target.startswith("bot.") and _floor(target) > 0
    ]
    assert outside == []


@pytest.fixture(scope="module")
def loaded_by_core() -> set[str]:
    modules = sorted(_module_name(p) for p in CORE_FILES)
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        + "".join(f"import {m}\n" for m in modules)
        + "loaded = sorted(set(sys.modules) - before)\n"
        "import json\n"
        "print(json.dumps(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in json.loads(result.stdout)}


def test_importing_the_core_loads_only_allowlisted_modules(loaded_by_core: set[str]) -> None:
    allowed = CORE_MAY_IMPORT | LOADED_BY_THEM
    unexpected = {
        m for m in loaded_by_core if m not in allowed and not m.startswith(GENERATED_PREFIXES)
    }
    assert unexpected == set()
    assert "bot" in loaded_by_core  # the subprocess did import the core


def _crossing(folder: str, *forbidden: str, allowed: str = "") -> list[str]:
    """Return the imports of modules under ``folder`` that reach a ``forbidden`` package.

    An import of ``allowed`` or of a module under it does not count.
    """
    return [
        f"{path.relative_to(ROOT)}:{line} {target}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, target in _imports(path, _module_name(path))
        for forbidden_name in forbidden
        if (target == forbidden_name or target.startswith(forbidden_name + "."))
        and not (allowed and (target == allowed or target.startswith(allowed + ".")))
    ]


@pytest.mark.parametrize(
    ("folder", "forbidden", "allowed"),
    [
        ("tests", ("benchmarks",), ""),
        # Benchmarks reach the tests only for their shared helpers (fake Bot API, ROUGE, ...).
        ("benchmarks", ("tests",), "tests.testkit"),
        ("tests/testkit", ("tests", "benchmarks"), "tests.testkit"),
        ("bot", ("tests", "benchmarks"), ""),
    ],
    ids=["tests", "benchmarks", "testkit", "bot"],
)
def test_tests_and_benchmarks_share_only_testkit(
    folder: str, forbidden: tuple[str, ...], allowed: str
) -> None:
    assert _crossing(folder, *forbidden, allowed=allowed) == []
