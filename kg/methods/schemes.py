"""The SKOS schemes of ontology/: model families, hardware targets, categories, techniques."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import iri

SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEME_FILES = {"family": "families.ttl", "hardware": "hardware.ttl", "category": "categories.ttl", "technique": "techniques.ttl"}


@dataclass
class Scheme:
    """One concept scheme: concept ids, labels and broader links."""

    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    broader: dict[str, list[str]] = field(default_factory=dict)
    quads: list[ox.Quad] = field(default_factory=list)

    def ancestors(self, concept: str) -> set[str]:
        out, todo = set(), list(self.broader.get(concept, []))
        while todo:
            c = todo.pop()
            if c not in out:
                out.add(c)
                todo += self.broader.get(c, [])
        return out


def load_schemes(ontology_dir: Path) -> dict[str, Scheme]:
    """Every scheme, keyed 'family', 'hardware', 'category', 'technique'."""
    schemes = {}
    for kind, name in SCHEME_FILES.items():
        scheme = Scheme(kind)
        base = iri.concept_base(kind)
        path = ontology_dir / name
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            scheme.quads.append(quad)
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(base) or s.value == base:
                continue
            local = s.value[len(base):]
            if p == SKOS + "prefLabel":
                scheme.labels[local] = o.value
            elif p == SKOS + "broader":
                scheme.broader.setdefault(local, []).append(o.value[len(base):])
        schemes[kind] = scheme
    return schemes
