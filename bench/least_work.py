"""The least work each listing question needs: the same answer rows, stripped to what no correct
query can skip.

The seven library queries that list everything return 35k-143k rows at 100k papers. To tell a slow
query from a slow question, the benchmark also times each of them stripped down: only the pattern
that selects the rows and the columns that tell them apart (IRIs instead of labels and titles where
that saves a join), no type patterns, no ORDER BY. Each returns as many rows as its library query
(tests/test_bench.py checks this), so its time is what the question itself costs on the store,
before any label, type check or ordering is added.
"""

from __future__ import annotations

LEAST_WORK = {
    "bit-widths": "SELECT ?label ?bits WHERE { ?method qkg:bitWidth ?bits ; rdfs:label ?label }",
    "conflicts": """SELECT ?title ?kind ?status ?value ?list ?line WHERE {
        ?conflict qkg:conflictKind ?kind ; qkg:paperTitle ?title ; qkg:status ?status ; qkg:claim ?claim .
        ?claim qkg:claimedValue ?value ; qkg:line ?line ; qkg:inList ?list }""",
    "methods-by-origin": "SELECT ?r ?from ?type ?to WHERE { ?r qkg:relationSource ?from ; qkg:relationType ?type ; qkg:relationTarget ?to }",
    "no-incoming-since": """SELECT ?method WHERE {
        ?method a qkg:Method .
        OPTIONAL { ?later qkg:extends|qkg:compares ?method ; qkg:introducedIn/fabio:hasPublicationYear ?ly .
                   FILTER (xsd:integer(STR(?ly)) >= xsd:integer(STR(?since))) }
        FILTER (!BOUND(?later)) }""",
    "papers-in-one-list": "SELECT ?paper (SAMPLE(?l) AS ?list) WHERE { ?paper qkg:listedIn ?l } GROUP BY ?paper HAVING (COUNT(?l) = 1)",
    "papers-in-several-lists": "SELECT ?paper (COUNT(?l) AS ?lists) WHERE { ?paper qkg:listedIn ?l } GROUP BY ?paper HAVING (COUNT(?l) > 1)",
    "transformer-work": "SELECT ?label ?family WHERE { ?family skos:broader* qkgf:transformer . ?method qkg:appliesTo ?family ; rdfs:label ?label }",
}
