"""Outlet names a page gives itself are mapped to the outlet table's names, never guessed."""

from __future__ import annotations

import pytest

from bot.adapters.tables import load_language
from bot.core.outlets import canonical_outlet

OUTLETS = load_language().outlets


@pytest.mark.parametrize(
    ("given", "name"),
    [
        pytest.param("tagesschau.de", "tagesschau", id="tagesschau-domain"),
        pytest.param("SPIEGEL", "SPIEGEL", id="spiegel-caps"),
        pytest.param("DER SPIEGEL", "SPIEGEL", id="der-spiegel"),
        pytest.param("Der Spiegel", "SPIEGEL", id="der-spiegel-case"),
        pytest.param("www.spiegel.de", "SPIEGEL", id="spiegel-www-host"),
        pytest.param("ZEIT ONLINE", "Die Zeit", id="zeit-online"),
        pytest.param("derstandard.at", "DER STANDARD", id="standard-host"),
        pytest.param("FAZ.NET", "FAZ", id="faz-net"),
        pytest.param("Frankfurter Allgemeine Zeitung", "FAZ", id="faz-full-name"),
        pytest.param("sueddeutsche.de", "Süddeutsche Zeitung", id="sz-domain"),
        pytest.param("DIE WELT", "WELT", id="die-welt"),
        pytest.param("  tagesschau.de ", "tagesschau", id="spacing"),
        pytest.param("Nordkurier", "Nordkurier", id="unknown-stays"),
        pytest.param("Spiegel Verlag Hamburg", "Spiegel Verlag Hamburg", id="part-not-guessed"),
        pytest.param("tagesschau.de Liveblog", "tagesschau.de Liveblog", id="longer-not-guessed"),
    ],
)
def test_a_page_outlet_name_gets_the_table_name_where_it_is_one(given: str, name: str) -> None:
    assert canonical_outlet(given, OUTLETS) == name
