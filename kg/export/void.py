"""exports/void.ttl: a VoID description of the dataset: triple counts, partitions, dumps and the endpoint."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox

from kg import iri
from kg.export.staging import Staging
from kg.graph.dataset import types_in

DATASET = "https://w3id.org/qkg/dataset"
DUMPS = "https://w3id.org/qkg/exports/"


def write(build, staging: Staging) -> None:
    V, R, X = "http://rdfs.org/ns/void#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2001/XMLSchema#"
    groups = build.dataset.by_subject
    properties = Counter(p[1:-1] for _, triples in groups for p, _, _ in triples)
    classes = Counter(o[1:-1] for _, triples in groups for _, o, _ in types_in(triples))
    d = ox.NamedNode(DATASET)
    triples = [
        ox.Triple(d, ox.NamedNode(R + "type"), ox.NamedNode(V + "Dataset")),
        ox.Triple(d, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("qkg: the quantization research knowledge graph")),
        ox.Triple(d, ox.NamedNode(V + "triples"), ox.Literal(str(len(build.dataset)), datatype=ox.NamedNode(X + "integer"))),
        ox.Triple(d, ox.NamedNode(V + "distinctSubjects"), ox.Literal(str(len(groups)), datatype=ox.NamedNode(X + "integer"))),
        ox.Triple(d, ox.NamedNode(V + "classes"), ox.Literal(str(len(classes)), datatype=ox.NamedNode(X + "integer"))),
        ox.Triple(d, ox.NamedNode(V + "properties"), ox.Literal(str(len(properties)), datatype=ox.NamedNode(X + "integer"))),
        ox.Triple(d, ox.NamedNode(V + "sparqlEndpoint"), ox.NamedNode("http://127.0.0.1:8000/sparql")),
        ox.Triple(d, ox.NamedNode(iri.ONTOLOGY + "endpointPath"), ox.Literal("/sparql")),
        ox.Triple(d, ox.NamedNode(V + "vocabulary"), ox.NamedNode("https://w3id.org/qkg/ontology#")),
        ox.Triple(d, ox.NamedNode(V + "uriSpace"), ox.Literal(iri.RESOURCE)),
    ]
    for name in ("qkg.ttl", "qkg.nt", "qkg.jsonld", "qkg.trig"):
        triples.append(ox.Triple(d, ox.NamedNode(V + "dataDump"), ox.NamedNode(DUMPS + name)))
    for kind, counts, prop in (("class", classes, "class"), ("property", properties, "property")):
        for term, n in sorted(counts.items()):
            part = ox.NamedNode(f"{DATASET}/{kind}-partition/{iri.slug(term)}")
            triples += [ox.Triple(d, ox.NamedNode(V + f"{kind}Partition"), part),
                        ox.Triple(part, ox.NamedNode(V + prop), ox.NamedNode(term)),
                        ox.Triple(part, ox.NamedNode(V + ("entities" if kind == "class" else "triples")),
                                  ox.Literal(str(n), datatype=ox.NamedNode(X + "integer")))]
    prefixes = {"void": V, "qkg": iri.ONTOLOGY, "dcterms": "http://purl.org/dc/terms/", "xsd": X}
    staging.write_bytes("void.ttl", ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=prefixes))
