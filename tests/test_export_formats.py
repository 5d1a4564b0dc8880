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


def test_bibtex_marks_truncated_authors_braces_names_and_keys_skip_empty_words():
    from types import SimpleNamespace

    from kg.export import bibtex
    from kg.model import Person, Record
    from kg.resolve.paper import Value

    def paper(title, authors, records, year=2023):
        return SimpleNamespace(title=Value(title), authors=Value(authors, records), year=Value(year), venue=Value(""),
                               arxiv=None, doi=None, records=records, key="k")

    people = [Person("Abadi", "M."), Person("Agarwal", "A.")]
    et_al = Record("T", "a.md", 1, "x", authors=people, authors_truncated=True)
    assert "author = {Abadi, M. and Agarwal, A. and others}" in bibtex.entry(paper("TensorFlow: Systems", people, [et_al]), "k", {})
    full = Record("T", "b.md", 1, "x", authors=people)
    assert "and others" not in bibtex.entry(paper("TensorFlow: Systems", people, [full, et_al]), "k", {})
    gap = Record("T", "c.md", 1, "x", authors=[*people, Person("Zheng", "X.")], authors_truncated=True, authors_gap=2)
    shown = bibtex.entry(paper("T", gap.authors, [gap]), "k", {})
    assert "author = {Abadi, M. and Agarwal, A. and others}" in shown  # never Zheng as the third author
    assert bibtex.protected_title("GPTQ: Accurate Post-Training Quantization for LLMs", ["GPTQ"]) == \
        "{GPTQ}: Accurate Post-Training Quantization for {LLMs}"
    assert bibtex.protected_title("Bayesian Bits: Unifying Quantization & Pruning", ["Bayesian Bits"]) == \
        "{Bayesian Bits}: Unifying Quantization \\& Pruning"
    assert bibtex.base_key(paper("Full Stack Quantization of Transformers", [], []), []) == "stackquantization2023"
    assert bibtex.base_key(paper("Towards Fully Integer Inference", [Person("Lin", "J.")], []), []) == "lin2023integer"


def test_bibtex_keys_are_never_a_stop_word_and_the_report_lists_papers_without_authors(built):
    import json

    build, out = built
    library = bibtexparser.parse_file(str(out / "qkg.bib"))
    from kg.export.bibtex import _STOP
    for e in library.entries:
        base = e.key.split("-")[0]  # a collision suffix follows a hyphen
        assert not any(base.endswith(str(y) + w) for w in _STOP for y in range(1950, 2030)), e.key
    report = json.loads((out / "reports" / "build-report.json").read_text())
    no_authors = {p["paper"] for p in report["bibtex_entries_without_authors"]}
    assert no_authors == {p.key for p in build.resolution.papers if not p.authors.value and not (p.role and p.role.value == "unverified")}
    assert all("author" not in e.fields_dict for e in library.entries
               if e.fields_dict.get("eprint") and f"arxiv-{e.fields_dict['eprint'].value}" in no_authors)
