"""BibTeX, awesome-list, GraphML, CSV tables, VoID and ontology docs: read back with the tools people use."""

from __future__ import annotations

import csv

import bibtexparser
import networkx as nx
import pyoxigraph as ox


def test_bibtex_reads_back_with_stable_unique_keys(built):
    build, out = built
    library = bibtexparser.parse_file(str(out / "qkg.bib"))
    assert library.failed_blocks == []
    keys = [e.key for e in library.entries]
    assert len(keys) == len(set(keys)) == sum(1 for p in build.resolution.papers if not (p.role and p.role.value == "unverified"))
    by_key = {e.key: e for e in library.entries}
    assert "nagel2020adaround" in by_key  # family + year + method name
    adaround = by_key["nagel2020adaround"]
    assert adaround.fields_dict["booktitle"].value == "International Conference on Machine Learning"  # corrected venue
    assert adaround.fields_dict["eprint"].value == "2004.10568"


def test_papers_md_lists_each_paper_once_with_disagreements_marked(built):
    build, out = built
    text = (out / "papers.md").read_text()
    items = [line for line in text.splitlines() if line.startswith("- **") or line.startswith("- ") and "](#" not in line]
    shown = sum(1 for p in build.resolution.papers if not (p.role and p.role.value == "unverified"))
    assert len(items) == shown
    qdrop = [line for line in items if line.startswith("- **QDrop**")]
    assert len(qdrop) == 1 and "ICLR 2022" in qdrop[0] and "arxiv.org/abs/2203.05740" in qdrop[0] and "lists disagree" in qdrop[0]


def test_graphml_loads_in_networkx(built):
    build, out = built
    g = nx.read_graphml(out / "qkg.graphml")
    kinds = nx.get_node_attributes(g, "kind")
    assert sum(1 for k in kinds.values() if k == "method") == len(build.methods)
    relations = [d["relation"] for _, _, d in g.edges(data=True)]
    assert relations.count("extends") == sum(1 for e in build.edges if e.kind == "extends")


def test_csv_tables(built):
    build, out = built
    for name, count in (("papers", len(build.resolution.papers)), ("methods", len(build.methods)), ("edges", len(build.edges))):
        with open(out / "tables" / f"{name}.csv", newline="") as f:
            assert len(list(csv.DictReader(f))) == count


def test_void_counts_match_the_graph(built):
    build, out = built
    store = ox.Store()
    store.bulk_load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)
    (row,) = list(store.query("SELECT ?n ?e WHERE { ?d <http://rdfs.org/ns/void#triples> ?n ; <http://rdfs.org/ns/void#sparqlEndpoint> ?e }"))
    assert int(row["n"].value) == len(build.dataset) and row["e"].value.endswith("/sparql")


def test_ontology_docs_list_every_term(built):
    _, out = built
    text = (out / "ontology" / "index.html").read_text()
    for term in ("Paper", "Method", "ModelFamily", "HardwareTarget", "Category", "Venue", "SourceList", "Conflict", "extends",
                 "compares", "appliesTo", "targetsHardware", "introducedIn"):
        assert f'id="{term}"' in text
    assert "http://" not in text.split("<body>")[0] and "<script" not in text
