"""Reading inputs: every kind of file, and every kind of unusable input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.adapters.files import MAX_FILE_BYTES, decode, html_to_text, read_inputs
from tests.conftest import SEEDS, Run

GOOD = "Berlin – Der Bundestag hat am Donnerstag ein Gesetz beschlossen. Es tritt 2026 in Kraft.\n"


def _write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_directory_reads_every_supported_file_in_name_order(tmp_path: Path) -> None:
    _write(tmp_path / "b.txt", GOOD)
    _write(tmp_path / "a.md", GOOD)
    _write(tmp_path / "c.json", json.dumps({"id": "c1", "title": "T", "text": GOOD}))
    _write(
        tmp_path / "d.jsonl",
        "\n".join(json.dumps({"id": f"d{i}", "title": "T", "text": GOOD}) for i in range(3)),
    )
    _write(tmp_path / "notes.csv", "x,y")
    _write(tmp_path / ".hidden.txt", GOOD)
    inputs = read_inputs([tmp_path])
    assert [a.id for a in inputs.articles] == ["a", "b", "c1", "d0", "d1", "d2"]
    assert inputs.errors == ()


def test_json_article_keeps_metadata(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "x.json",
        json.dumps(
            {
                "id": "x-1",
                "title": "Titel",
                "text": GOOD,
                "url": "https://example.org/a",
                "outlet": "DER STANDARD",
                "published": "2024-06-26T07:27:00",
            }
        ),
    )
    (article,) = read_inputs([path]).articles
    assert (article.id, article.title, article.url, article.outlet) == (
        "x-1",
        "Titel",
        "https://example.org/a",
        "DER STANDARD",
    )
    assert article.published is not None
    assert article.published.isoformat() == "2024-06-26T07:27:00+02:00"


def test_seeds_are_read_verbatim() -> None:
    inputs = read_inputs([SEEDS])
    assert len(inputs.articles) == 5
    for article in inputs.articles:
        assert article.text == (SEEDS / f"{article.id}.txt").read_text(encoding="utf-8")


BAD_CASES = [
    ("missing", None, "no such file or directory"),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "no text"),
    ("binary.txt", bytes(range(256)) * 20, "binary file"),
    ("broken.json", b'{"id": "x", "text": ', "not valid JSON"),
    ("notext.json", b'{"id": "x", "title": "y"}', "no 'text'"),
    ("empty.html", b"<html><body><script>x()</script></body></html>", "HTML page without"),
    ("nested.json", b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
    ("bigint.json", b'{"id": 1' + b"0" * 5000 + b', "text": "x"}', "not valid JSON (Exceeds"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_unusable_input_is_named_and_others_still_read(
    tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    good = _write(tmp_path / "good.txt", GOOD)
    bad = tmp_path / name
    if data is not None:
        bad.write_bytes(data)
    inputs = read_inputs([bad, good])
    assert [a.id for a in inputs.articles] == ["good"]
    assert len(inputs.errors) == 1
    assert inputs.errors[0].startswith(str(bad))
    assert message in inputs.errors[0]


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(20_000_000)  # 20 MB, sparse: nothing is written or read
    inputs = read_inputs([big])
    assert inputs.articles == ()
    assert inputs.errors == (
        f"{big}: too large (20.0 MB; limit {MAX_FILE_BYTES / 1e6:.0f} MB), skipped",
    )


def test_jsonl_bad_line_loses_only_that_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "feed.jsonl",
        "\n".join(
            [
                json.dumps({"id": "one", "text": GOOD}),
                "{broken",
                json.dumps({"id": "three", "text": ""}),
                json.dumps({"id": "four", "text": GOOD}),
            ]
        ),
    )
    inputs = read_inputs([path])
    assert [a.id for a in inputs.articles] == ["one", "four"]
    assert [e.split(":")[1] for e in inputs.errors] == ["2", "3"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Größte Gefangenenaustausch – „Glückwunsch“".encode("cp1252"),
            "Größte Gefangenenaustausch – „Glückwunsch“",
        ),
        ("Über die Straße".encode("latin-1"), "Über die Straße"),
        ("\ufeffMit BOM: Äpfel".encode(), "Mit BOM: Äpfel"),
        (b"\x81\x8d plain", "\x81\x8d plain"),
    ],
    ids=["cp1252", "latin-1", "utf-8-bom", "undefined-cp1252-bytes"],
)
def test_decode_non_utf8(raw: bytes, expected: str) -> None:
    assert decode(raw) == expected


def test_cp1252_file_reads_correctly(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "alt.txt",
        ("Zürich – Die Straßenbahn fährt wieder. „Gut“, sagte er.").encode("cp1252"),
    )
    (article,) = read_inputs([path]).articles
    assert "Straßenbahn" in article.text
    assert "„Gut“" in article.text


def test_html_page_becomes_text(tmp_path: Path) -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Gesetz beschlossen</title>"
        "<script>var x = 1;</script></head><body><nav>Menü Startseite</nav>"
        "<h1>Gesetz beschlossen</h1><p>Der Bundestag hat ein Gesetz &amp; mehr "
        "beschlossen.</p><figure><figcaption>Ein Foto</figcaption></figure>"
        "<p>Es tritt <b>2026</b> in Kraft.</p></body></html>"
    )
    path = _write(tmp_path / "page.html", page)
    (article,) = read_inputs([path]).articles
    assert article.title == "Gesetz beschlossen"
    assert "Der Bundestag hat ein Gesetz & mehr beschlossen." in article.text
    assert "Es tritt 2026 in Kraft." in article.text
    assert "Menü" not in article.text
    assert "var x" not in article.text
    assert "Ein Foto" not in article.text


def test_html_sent_as_txt_is_detected(tmp_path: Path) -> None:
    path = _write(tmp_path / "page.txt", "<html><body><p>Ein Satz steht hier.</p></body></html>")
    (article,) = read_inputs([path]).articles
    assert article.text == "Ein Satz steht hier."


def test_html_to_text_keeps_paragraphs() -> None:
    assert html_to_text("<p>Eins.</p><p>Zwei.</p>") == ("", "Eins.\n\nZwei.")


def test_cli_reports_bad_inputs_and_goes_on(kurzlage: Run, tmp_path: Path) -> None:
    _write(tmp_path / "good.txt", GOOD)
    _write(tmp_path / "bad.txt", b"\x00\x01\x02" * 100)
    result = kurzlage("summarize", tmp_path, "--format", "json")
    assert result.returncode == 0
    assert result.stderr == f"kurzlage: {tmp_path / 'bad.txt'}: binary file, not text; skipped\n"
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["good"]


@pytest.mark.parametrize("command", ["digest", "summarize", "sentences", "zahlen", "quelle"])
def test_cli_nothing_usable_exits_non_zero_without_traceback(
    kurzlage: Run, tmp_path: Path, command: str
) -> None:
    result = kurzlage(command, tmp_path / "nope.txt", "--format", "json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"kurzlage: {tmp_path / 'nope.txt'}: no such file or directory",
        "kurzlage: no usable article in the input",
    ]


def test_cli_bad_config_names_the_key(kurzlage: Run, tmp_path: Path) -> None:
    config = _write(tmp_path / "k.toml", "[digest]\nstorys = 3\n")
    result = kurzlage("--config", config, "digest")
    assert result.returncode == 2
    assert result.stderr == "kurzlage: config: unknown key 'digest.storys'\n"


def test_markdown_article_reads_as_plain_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "note.md",
        (
            "# Gesetz beschlossen\n\n![Foto](bild.jpg)\nDer **Bundestag** hat ein Gesetz "
            "[beschlossen](https://example.org/a). Es gilt *ab 2026*.\n"
        ),
    )
    (article,) = read_inputs([path]).articles
    assert article.text == (
        "Gesetz beschlossen\n\n\nDer Bundestag hat ein Gesetz beschlossen. Es gilt ab 2026.\n"
    )


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2024-06-26T07:27:00+02:00", "2024-06-26T07:27:00+02:00"),
        ("2024-06-26 07:27", "2024-06-26T07:27:00+02:00"),
        ("Wed, 26 Jun 2024 05:27:00 GMT", "2024-06-26T05:27:00+00:00"),
        ("gestern", None),
    ],
    ids=["iso", "iso-naive-is-berlin", "rfc-2822", "unreadable-is-unknown"],
)
def test_published_formats(tmp_path: Path, published: str, expected: str | None) -> None:
    path = _write(tmp_path / "a.json", json.dumps({"text": GOOD, "published": published}))
    (article,) = read_inputs([path]).articles
    assert (article.published.isoformat() if article.published else None) == expected


# -- hostile and odd inputs (issue 12, items 1, 14, 16) ------------------------------------

NESTED = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_is_one_error_and_the_others_are_read(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.txt", GOOD)
    nested = _write(tmp_path / "n.json", NESTED)
    inputs = read_inputs([nested, good])
    assert [a.id for a in inputs.articles] == ["good"]
    assert inputs.errors == (f"{nested}: JSON nested too deeply, skipped",)


def test_deeply_nested_jsonl_line_loses_only_that_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "one", "text": GOOD}),
        NESTED,
        json.dumps({"id": "3", "text": GOOD}),
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines))
    inputs = read_inputs([path])
    assert [a.id for a in inputs.articles] == ["one", "3"]
    assert inputs.errors == (f"{path}:2: JSON nested too deeply, skipped",)


def test_cli_nested_json_is_one_line_and_the_good_file_is_summarised(
    kurzlage: Run, tmp_path: Path
) -> None:
    _write(tmp_path / "good.txt", GOOD)
    _write(tmp_path / "n.json", NESTED)
    result = kurzlage("summarize", tmp_path, "--format", "json")
    assert result.returncode == 0
    assert result.stderr == f"kurzlage: {tmp_path / 'n.json'}: JSON nested too deeply, skipped\n"
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["good"]


def test_cli_hostile_json_lines_are_one_line_each_without_traceback(
    kurzlage: Run, tmp_path: Path
) -> None:
    lines = ['{"id": 1' + "0" * 5000 + ', "text": "x"}', NESTED, json.dumps({"text": GOOD})]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines))
    result = kurzlage("sentences", path, "--format", "json")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"kurzlage: {path}:1: Exceeds the limit (4300 digits) for integer string conversion; "
        "skipped",
        f"kurzlage: {path}:2: JSON nested too deeply, skipped",
    ]
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["feed-3"]


def test_cli_only_nested_json_exits_1_without_traceback(kurzlage: Run, tmp_path: Path) -> None:
    nested = _write(tmp_path / "n.json", NESTED)
    result = kurzlage("digest", nested, "--format", "json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"kurzlage: {nested}: JSON nested too deeply, skipped",
        "kurzlage: no usable article in the input",
    ]


def test_symlinks_out_of_a_directory_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    _write(outside / "secret.txt", GOOD)
    folder = tmp_path / "inbox"
    folder.mkdir()
    _write(folder / "good.txt", GOOD)
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "dir").symlink_to(outside, target_is_directory=True)
    (folder / "inner.txt").symlink_to(folder / "good.txt")  # inside: read as itself
    inputs = read_inputs([folder])
    assert [a.id for a in inputs.articles] == ["good", "inner"]
    assert inputs.errors == (
        f"{folder / 'link.txt'}: symbolic link to outside {folder}, not followed",
    )


def test_a_symlinked_file_named_directly_is_read(tmp_path: Path) -> None:
    target = _write(tmp_path / "a.txt", GOOD)
    link = tmp_path / "b.txt"
    link.symlink_to(target)
    assert [a.id for a in read_inputs([link]).articles] == ["b"]


UTF8_TEXT = "Größte Straßenbahn – „Glückwunsch“, sagte Jürgen Müller. Es geht weiter.\n" * 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            UTF8_TEXT.encode()[:20] + b"\xff\xfe" + UTF8_TEXT.encode()[20:],
            UTF8_TEXT[:17] + "\ufffd\ufffd" + UTF8_TEXT[17:],
        ),
        (b"Ein \x93Zitat\x94 in ", "Ein “Zitat” in "),
        ("\ufeffÄrger über Öl".encode("utf-16-le"), "Ärger über Öl"),
        ("\ufeffÄrger über Öl".encode("utf-16-be"), "Ärger über Öl"),
        ("\ufeffÄrger über Öl".encode("utf-32-le"), "Ärger über Öl"),
    ],
    ids=["utf-8-with-bad-bytes", "cp1252-quotes", "utf-16-le-bom", "utf-16-be-bom", "utf-32-bom"],
)
def test_decode_by_bom_and_damaged_utf8(raw: bytes, expected: str) -> None:
    assert decode(raw) == expected


def test_utf16_file_with_bom_reads_as_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "u16.txt", ("\ufeff" + GOOD).encode("utf-16-le"))
    (article,) = read_inputs([path]).articles
    assert article.text == GOOD


def test_utf8_file_with_bad_bytes_keeps_its_umlauts(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.txt", UTF8_TEXT.encode() + b"\x81 Ende.\n")
    (article,) = read_inputs([path]).articles
    assert article.text == UTF8_TEXT + "\ufffd Ende.\n"


def test_json_strings_lose_lone_surrogates_and_control_characters(tmp_path: Path) -> None:
    raw = '{"id": "s", "title": "Titel\\u001b[31m", "text": "Ein Satz \\ud800 hier.\\u0000"}'
    path = _write(tmp_path / "s.json", raw)
    (article,) = read_inputs([path]).articles
    assert (article.title, article.text) == ("Titel\ufffd[31m", "Ein Satz \ufffd hier.\ufffd")


def test_cli_digest_of_json_with_a_lone_surrogate(kurzlage: Run, tmp_path: Path) -> None:
    text = json.dumps({"id": "s", "title": "Gesetz\ud800", "text": GOOD})  # ASCII: "\\ud800"
    _write(tmp_path / "s.json", text)
    result = kurzlage("digest", tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert "Gesetz\ufffd" in result.stdout


def test_a_file_name_with_a_line_break_is_still_one_error_line(
    kurzlage: Run, tmp_path: Path
) -> None:
    _write(tmp_path / "good.txt", GOOD)
    _write(tmp_path / "zeile\numbruch.txt", b"")
    result = kurzlage("sentences", tmp_path, "--format", "json")
    assert result.returncode == 0
    assert result.stderr == f"kurzlage: {tmp_path}/zeile\\numbruch.txt: empty file, skipped\n"
