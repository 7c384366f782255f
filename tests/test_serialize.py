"""The JSON form of a digest round-trips, so a stored digest answers as it was posted."""

from __future__ import annotations

import json

from bot.adapters.files import read_inputs
from bot.adapters.serialize import digest_from_dict, digest_to_dict
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
