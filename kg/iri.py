"""Namespaces, prefixes and IRI minting: every IRI qkg writes is made here."""

from __future__ import annotations

import re
from functools import cache

from kg.model import ascii_fold

ONTOLOGY = "https://w3id.org/qkg/ontology#"
RESOURCE = "https://w3id.org/qkg/resource/"
GRAPH = "https://w3id.org/qkg/graph/"

PREFIXES: dict[str, str] = {
    "qkg": ONTOLOGY,
    # One prefix per kind of resource, so Turtle writes qkgm:qdrop rather than an escaped qkgr:method\/qdrop.
    "qkgm": RESOURCE + "method/",
    "qkgp": RESOURCE + "paper/",
    "qkga": RESOURCE + "person/",
    "qkgv": RESOURCE + "venue/",
    "qkgl": RESOURCE + "source/",
    "qkgc": RESOURCE + "category/",
    "qkgf": RESOURCE + "family/",
    "qkgh": RESOURCE + "hardware/",
    "qkgt": RESOURCE + "technique/",
    "bibo": "http://purl.org/ontology/bibo/",
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_KIND_PATHS = {"family": "family/", "hardware": "hardware/", "category": "category/", "technique": "technique/"}


@cache  # pure, and called millions of times on a few hundred thousand names
def slug(text: str) -> str:
    """A readable, stable IRI segment: 'QuIP#' -> 'quip-sharp', 'LSQ+' -> 'lsq-plus', 'LLM.int8()' -> 'llm-int8'."""
    text = ascii_fold(text).lower().replace("#", "-sharp").replace("++", "-plus-plus").replace("+", "-plus")
    return re.sub(r"[^a-z0-9]+", "-", text.replace("()", "")).strip("-") or "x"


def concept_base(kind: str) -> str:
    return RESOURCE + _KIND_PATHS[kind]


def concept(kind: str, local: str) -> str:
    return concept_base(kind) + local


def paper(key: str) -> str:
    return RESOURCE + "paper/" + key


def method(name: str) -> str:
    return RESOURCE + "method/" + slug(name)


def person(key: str) -> str:
    return RESOURCE + "person/" + key


def venue(key: str) -> str:
    return RESOURCE + "venue/" + slug(key)


@cache
def source_key(file: str) -> str:
    """A list file's IRI segment: its path without '.md' ('awesome-quantization-papers'); any other suffix stays in it
    ('extra.csv' -> 'extra-csv'), so lists that share a stem ('extra.md', 'extra.csv') get distinct IRIs."""
    stem, dot, suffix = file.rpartition(".")
    if not dot or "/" in suffix:
        return slug(file)
    return slug(stem) if suffix.lower() == "md" else f"{slug(stem)}-{slug(suffix)}"


def source(file: str) -> str:
    return RESOURCE + "source/" + source_key(file)


def record(file: str, line: int) -> str:
    return RESOURCE + "record/" + source_key(file) + f"/L{line}"


def conflict(conflict_id: str) -> str:
    return RESOURCE + "conflict/" + "/".join(slug(part) if not re.match(r"^[a-z0-9.-]+$", part) else part for part in conflict_id.split("/"))


def relation(source_name: str, kind: str, target_name: str) -> str:
    return RESOURCE + f"relation/{slug(source_name)}/{kind}/{slug(target_name)}"


def technique_use(method_name: str, technique: str) -> str:
    return RESOURCE + f"technique-use/{slug(method_name)}/{technique}"


def rule(name: str) -> str:
    return RESOURCE + "rule/" + slug(name)


@cache
def graph_source(file: str) -> str:
    return GRAPH + "source/" + source_key(file)


GRAPH_CURATED = GRAPH + "curated"
GRAPH_DERIVED = GRAPH + "derived"
