"""The options of the digest pipeline, as plain values (the settings file's ``[digest]``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """How long a digest is: the options the pipeline takes (``[digest]`` in the settings).

    Attributes:
        stories: Stories per digest, most important first.
        sentences_per_story: Sentences chosen per story (1 to 3 carry the news).
        max_sentence_chars: Longer sentences are skipped, never cut (press publishers' rights
            leave room only for short extracts).
        min_sentence_chars: Shorter sentences are not summary candidates.
        figures_per_story: Key figures kept per story.
        timezone: Time zone for times found in the text (``Stand: … Uhr``) and for schedules.
        carry_hours: Hours after it was added during which an article not chosen for an
            edition competes again in the next ones; then it is retired unshown
            (``bot.core.editions``).
    """

    stories: int = 6
    sentences_per_story: int = 3
    max_sentence_chars: int = 320
    min_sentence_chars: int = 30
    figures_per_story: int = 5
    timezone: str = "Europe/Berlin"
    carry_hours: int = 24
