"""Where qkg's inputs and outputs live: defined once, here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
QUERY_LIBRARY = Path(__file__).resolve().parent / "sparql" / "queries"
STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Layout:
    """The folders one build reads and writes."""

    sources: Path
    curated: Path
    ontology: Path
    out: Path

    @classmethod
    def default(cls, root: Path = REPO_ROOT, out: Path | None = None) -> Layout:
        """The repository's own layout: data/sources, data/curated, ontology, exports."""
        return cls(
            sources=root / "data" / "sources",
            curated=root / "data" / "curated",
            ontology=root / "ontology",
            out=out if out is not None else root / "exports",
        )

    @property
    def reports(self) -> Path:
        return self.out / "reports"

    @property
    def html(self) -> Path:
        return self.out / "html"
