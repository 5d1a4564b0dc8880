"""Find resolved papers by arXiv id or by any title variant, as curated records name them."""

from __future__ import annotations

from collections import defaultdict

from kg.resolve import titles
from kg.resolve.paper import Paper, ResolveError


class PaperIndex:
    """Find papers by arXiv id or by any title variant without scanning them all."""

    def __init__(self, papers: list[Paper]):
        self.arxiv: dict[str, list[Paper]] = defaultdict(list)
        self.listed_arxiv: dict[str, list[Paper]] = defaultdict(list)
        self.compact: dict[str, list[Paper]] = defaultdict(list)
        self.blocks: dict[str, list[Paper]] = defaultdict(list)
        for p in papers:
            self.add(p)

    @staticmethod
    def _put(table: dict[str, list[Paper]], key: str, p: Paper) -> None:
        papers = table[key]
        if all(q is not p for q in papers):  # identity: comparing two papers field by field is costly
            papers.append(p)

    def add(self, p: Paper) -> None:
        """Index (or re-index, after a correction) one paper."""
        if p.arxiv is not None:
            self._put(self.arxiv, str(p.arxiv.value), p)
        for r in p.records:
            if r.arxiv:
                self._put(self.listed_arxiv, r.arxiv, p)
        for t in {str(p.title.value), *p.title_variants}:
            self._put(self.compact, titles.compact(t), p)
            for key in titles.block_keys(t):
                self._put(self.blocks, key, p)

    def find(self, ref: str) -> Paper | None:
        """The paper a curated reference names: 'arXiv:<id>' or a title (any variant)."""
        if ref.lower().startswith("arxiv:"):
            wanted = ref[6:].strip().lower()
            hits = [p for p in self.arxiv.get(wanted, []) if p.arxiv is not None and p.arxiv.value == wanted]
            hits = hits or list(self.listed_arxiv.get(wanted, []))
        else:
            hits = list(self.compact.get(titles.compact(ref), []))
            if not hits:
                candidates = {id(p): p for key in titles.block_keys(ref) for p in self.blocks.get(key, [])}
                hits = [p for p in candidates.values() if any(titles.same_title(t, ref) for t in [str(p.title.value), *p.title_variants])]
        if len(hits) > 1:
            raise ResolveError(f"paper '{ref}' names {len(hits)} different papers: " + "; ".join(sorted(str(p.title.value) for p in hits)))
        return hits[0] if hits else None

    def require(self, ref: str, context: str) -> Paper:
        """The paper `ref` names; a ResolveError prefixed with `context` (file:line and record) if none or several."""
        try:
            paper = self.find(ref)
        except ResolveError as err:
            raise ResolveError(f"{context}: {err}") from None
        if paper is None:
            raise ResolveError(f"{context}: paper '{ref}' is no paper of the lists or of papers/*.yaml")
        return paper


def find_paper(ref: str, papers: list[Paper] | PaperIndex) -> Paper | None:
    """The paper a curated reference names: 'arXiv:<id>' or a title (any variant)."""
    index = papers if isinstance(papers, PaperIndex) else PaperIndex(papers)
    return index.find(ref)
