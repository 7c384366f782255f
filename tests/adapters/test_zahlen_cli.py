"""``kurzlage zahlen`` as a real process: who says so is a readable source label."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.conftest import ROOT

# An internal article id of the seeds (``001_fdf571903e5f5aab``).
ID_RE = re.compile(r"\b\d{3}_[0-9a-f]{16}\b")


def zahlen(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "zahlen", str(ROOT / "seeds"), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


def test_json_source_is_the_outlet_label_and_source_id_the_article() -> None:
    rows = [json.loads(line) for line in zahlen("--format", "json").splitlines()]
    figures = {(row["id"], f["text"]): f for row in rows for f in row["figures"]}
    first = figures[("000_4705e40d4dd64efe", "jeweils 390")]
    assert (first["source"], first["source_id"], first["label"]) == (
        "dpa",
        "000_4705e40d4dd64efe",
        "Menschen",
    )
    assert first["hedge"] == "nach russischen Angaben"
    assert not any(ID_RE.search(f["source"]) for f in figures.values())


def test_text_names_sources_and_confirmations_without_ids() -> None:
    page = zahlen()
    assert "  * jeweils 390 – Menschen (nach russischen Angaben) (dpa; bestätigt von " in page
    assert "  * 387 – Männer" in page
    assert ID_RE.search(page) is None
