"""Venue normalisation: a list's venue text -> the short key the graph uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.curated.load import Located


@dataclass(frozen=True)
class Venue:
    key: str
    name: str
    kind: str
    known: bool = True


class VenueTable:
    """The curated venues; text no pattern matches stays a venue of its own, marked unknown."""

    def __init__(self, venues: list[Venue], patterns: list[tuple[re.Pattern, str]]):
        self.venues = {v.key: v for v in venues}
        self.patterns = patterns
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_curated(cls, records: list[Located]) -> VenueTable:
        venues, patterns = [], []
        for loc in records:
            rec = loc.record
            venues.append(Venue(rec.key, rec.name, rec.kind))
            patterns += [(re.compile(p, re.I), rec.key) for p in rec.patterns]
        return cls(venues, patterns)

    def key_of(self, text: str) -> str | None:
        """The venue key for `text`; unknown text gets a cleaned key of its own; '' gives None."""
        if text in self._cache:
            return self._cache[text]
        cleaned = clean_venue(text)
        key = None
        if cleaned:
            key = next((k for pattern, k in self.patterns if pattern.search(cleaned)), None)
            if key is None:
                key = cleaned
                self.venues.setdefault(key, Venue(key, cleaned, "unknown", known=False))
        self._cache[text] = key
        return key

    def is_preprint(self, key: str) -> bool:
        venue = self.venues.get(key)
        return venue is not None and venue.kind == "preprint"

    def get(self, key: str) -> Venue:
        return self.venues.get(key) or Venue(key, key, "unknown", known=False)


def clean_venue(text: str) -> str:
    """Venue text without emphasis, 'Proceedings of the', volume, pages or a trailing year."""
    text = re.sub(r"[*_]", "", text or "").strip()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"[\s,.:;(]+((19|20)\d\d)?[\s,.:;)]*$", "", text)
    return text.strip(" .,;:")
