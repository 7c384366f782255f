"""The seeds' digest, /quelle, /quelle 1 and /zahlen through the command line, compared
literally with tests/golden/data (a changed word fails; ``pytest --update-golden`` rewrites)."""

from __future__ import annotations

import pytest

from tests.conftest import Golden, Run

CASES = [
    (("digest",), "digest"),
    (("quelle",), "quelle"),
    (("quelle", "--story", "1"), "quelle_1"),
    (("zahlen",), "zahlen"),
]


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize(("args", "name"), CASES, ids=[name for _, name in CASES])
def test_seed_output_matches_its_golden_file(
    kurzlage: Run, golden: Golden, args: tuple[str, ...], name: str, fmt: str
) -> None:
    result = kurzlage(*args, "--format", fmt)

    assert (result.returncode, result.stderr) == (0, "")
    golden.check(f"{name}.{'txt' if fmt == 'text' else 'html'}", result.stdout)
