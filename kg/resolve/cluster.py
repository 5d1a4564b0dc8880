"""Group list records that describe one paper: shared identifiers with agreeing titles, and near-identical titles."""

from __future__ import annotations

from collections import defaultdict

from kg.model import Record
from kg.resolve import titles


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


MAX_BLOCK = 400  # a block larger than this is compared by exact title only


def cluster(records: list[Record]) -> list[list[int]]:
    """Groups of record indexes that describe one paper (before curated merges)."""
    uf = _UnionFind(len(records))
    by_compact: dict[str, int] = {}
    for i, r in enumerate(records):
        key = titles.compact(r.title)
        if key in by_compact:
            uf.union(i, by_compact[key])
        else:
            by_compact[key] = i
    by_id: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if r.arxiv:
            by_id[("arxiv", r.arxiv)].append(i)
        if r.doi:
            by_id[("doi", r.doi)].append(i)
    # One arXiv id (version removed) is one paper unless the titles are unrelated; a DOI needs agreeing titles.
    for (kind, _), group in by_id.items():
        agree = titles.related if kind == "arxiv" else titles.same_work
        for a_pos, a in enumerate(group[:MAX_BLOCK]):
            for b in group[a_pos + 1:MAX_BLOCK]:
                if uf.find(a) != uf.find(b) and agree(records[a].title, records[b].title):
                    uf.union(a, b)
    # Near-identical titles without a shared identifier: compare within blocks only.
    distinct = list(by_compact.values())
    blocks: dict[str, list[int]] = defaultdict(list)
    for i in distinct:
        for key in titles.block_keys(records[i].title):
            blocks[key].append(i)
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                if uf.find(a) != uf.find(b) and titles.same_title(records[a].title, records[b].title):
                    uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        groups[uf.find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])
