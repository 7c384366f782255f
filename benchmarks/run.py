"""Run every benchmark in one process and write ``benchmarks/RESULTS.md``.

Usage (from the repository root, with the ``bench`` extra installed)::

    python -m benchmarks.run [--corpora ../shared/corpora] [--only split,summary [--write]]

Each benchmark module exposes ``run(corpora: Path) -> str``, which returns its Markdown
section. The results file starts with the machine, the date and the git commit. With
``--only`` the sections are printed and the file is left as it is; ``--write`` replaces those
sections in it instead (by their ``## `` heading; a new one goes after the section run before
it, else at the end), keeps every other section, and notes the partial run in the header.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Order of the sections in RESULTS.md.
MODULES = (
    "split",
    "summary",
    "figures",
    "speed",
    "fanout",
    "store",
    "editions",
    "latency",
    "takeover",
    "pages",
    "feeds",
    "editorial",
)


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )


def _blocks(text: str) -> tuple[str, list[str]]:
    """Split a results file into its header and its ``## `` sections (each with its text)."""
    parts = re.split(r"(?m)^(?=## )", text)
    return parts[0], [p.rstrip() + "\n" for p in parts[1:]]


def _heading(section: str) -> str:
    return section.split("\n", 1)[0].strip()


def merge_sections(existing: str, sections: list[str], note: str) -> str:
    """Return ``existing`` with ``sections`` in place of those of the same heading.

    A section not there yet goes right after the one before it in ``sections``, else at the
    end. ``note`` (one header line) replaces an earlier note of the same ``--only``.
    """
    header, blocks = _blocks(existing)
    placed = ""
    for section in sections:
        found = [i for i, b in enumerate(blocks) if _heading(b) == _heading(section)]
        if found:
            blocks[found[0]] = section
        else:
            after = [i for i, b in enumerate(blocks) if placed and _heading(b) == placed]
            blocks.insert(after[0] + 1 if after else len(blocks), section)
        placed = _heading(section)
    key = note.split(" on ", 1)[0]
    lines = [line for line in header.rstrip().splitlines() if not line.startswith(key)]
    return "\n".join([*lines, note, ""]) + "\n" + "\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument(
        "--only", default="", help="comma-separated subset of " + ",".join(MODULES)
    )
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--write",
        action="store_true",
        help="with --only: replace these sections in the results file instead of printing",
    )
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"benchmarks: corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    chosen = [m for m in MODULES if not args.only or m in args.only.split(",")]
    header = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {_machine()} (shared and noisy: read ratios and medians)",
        f"- Commit: {_commit()}",
        f"- Command: `python -m benchmarks.run{' --only ' + args.only if args.only else ''}`",
        "",
    ]
    sections = []
    for name in chosen:
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"== {name}", file=sys.stderr)
        sections.append(module.run(args.corpora).rstrip() + "\n")
        print(f"   {time.perf_counter() - started:.1f} s", file=sys.stderr)
    text = "\n".join(header) + "\n" + "\n".join(sections)
    if args.only and args.write and args.output.exists():
        note = (
            f"- Re-run with `--only {args.only}` on"
            f" {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, commit {_commit()}"
            " (those sections; each names its run)"
        )
        existing = args.output.read_text(encoding="utf-8")
        args.output.write_text(merge_sections(existing, sections, note), encoding="utf-8")
        print(f"wrote {', '.join(chosen)} into {args.output}", file=sys.stderr)
    elif args.only and args.output.exists():
        print(text)
        print(f"(--only: {args.output} left as it is)", file=sys.stderr)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
