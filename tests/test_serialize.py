"""The JSON form of a digest round-trips, so a stored digest answers as it was posted."""

from __future__ import annotations

import json

import pytest

from bot.adapters.files import read_inputs
from bot.adapters.serialize import (
    digest_from_dict,
    digest_to_dict,
    source_from_dict,
    source_to_dict,
)
from bot.adapters.tables import load_language
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest
from tests.conftest import SEEDS


def test_seed_digest_round_trips_through_json() -> None:
    digest = build_digest(
        read_inputs([SEEDS]).articles, settings=DigestOptions(), lang=load_language()
    )
    data = json.loads(json.dumps(digest_to_dict(digest)))
    assert digest_from_dict(data) == digest


@pytest.mark.parametrize(
    ("data", "paywalled"),
    [
        pytest.param({"id": "a1", "title": "T"}, False, id="stored-before-the-mark"),
        pytest.param({"id": "a1", "title": "T", "paywalled": False}, False, id="free"),
        pytest.param({"id": "a1", "title": "T", "paywalled": True}, True, id="paywalled"),
    ],
)
def test_a_source_keeps_its_paywall_mark_and_old_sources_load(data, paywalled) -> None:
    source = source_from_dict(data)

    assert source.paywalled is paywalled
    assert source_to_dict(source)["paywalled"] is paywalled
    assert source_from_dict(source_to_dict(source)) == source
