"""Generate synthetic qkg inputs at a given size, seeded: source lists in the five real layouts and curated YAML.

The papers overlap across lists (each paper in one to three lists), with the errors real lists
have: title variants (case, a changed word, a method-name prefix dropped), venue and year
disagreements, an arXiv id carried by an unrelated title, and duplicates within a list.
Curated data names a method for most papers, with families, categories, bit-widths, hardware
targets and extends/compares edges that point back in time, and marks the few list entries that
name no real paper as unverified. Each size also gets the bindings the benchmark gives the
library's parameterised queries: synthetic methods that have answers, as a user would ask about
well-known methods rather than absent ones.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

WORDS = ("adaptive accurate activation aware block calibrated channel compact dynamic efficient error fast fine grained group "
         "hessian hybrid integer learned lossless low mixed noise optimal outlier progressive robust rotation rounding scale "
         "sensitive smooth sparse stable structured token uniform vector weight").split()
NOUNS = ("quantization reconstruction calibration rounding clipping binarization distillation compression search training "
         "inference allocation smoothing scaling transformation codebook pruning").split()
TARGETS = ("large language models", "vision transformers", "convolutional networks", "diffusion models", "BERT",
           "object detection", "super-resolution networks", "recurrent networks", "edge devices", "mobile CPUs")
FAMILIES = ["cnn", "vit", "llm", "encoder-lm", "dit", "diffusion-unet", "detection-transformer", "rnn"]
HARDWARE = ["gpu", "fpga", "asic", "mobile-cpu", "server-cpu", "npu-dsp", "microcontroller", "tpu", "in-memory"]
CATEGORIES = ["ptq", "qat", "mixed-precision", "data-free", "binary-ternary", "hardware-aware", "kv-cache", "weight-only"]
VENUES = [("ICML", "International Conference on Machine Learning"), ("NeurIPS", "Advances in Neural Information Processing Systems"),
          ("ICLR", "International Conference on Learning Representations"), ("CVPR", "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition"),
          ("ICCV", "Proceedings of the IEEE/CVF International Conference on Computer Vision"), ("ECCV", "European Conference on Computer Vision"),
          ("AAAI", "Proceedings of the AAAI Conference on Artificial Intelligence"), ("EMNLP", "Conference on Empirical Methods in Natural Language Processing"),
          ("arXiv", "arXiv preprint")]
FIRST = "Ada Bo Chen Dan Eli Fei Gao Hui Ivan Jun Kai Lei Min Na Ola Pei Qi Rui Sun Tao Uma Wei Xin Yan Zoe".split()
LAST = "Li Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Nagel Frantar Dettmers Kim Park Lee".split()
SECTIONS = {"ptq": "Post-Training Quantization (PTQ)", "qat": "Quantization-Aware Training (QAT)", "mixed-precision": "Mixed-Precision Quantization",
            "data-free": "Data-Free & Zero-Shot Quantization", "binary-ternary": "Binary networks", "hardware-aware": "Hardware-Aware Quantization",
            "kv-cache": "LLM Quantization", "weight-only": "LLM Quantization"}
LAYOUTS = ["numbered", "table", "venue", "citation", "quoted"]
TECHNIQUES = ["rotation", "scaling-smoothing", "second-order-compensation", "learned-rounding", "block-reconstruction",
              "outlier-isolation", "mixed-precision-search", "codebook-vq", "learned-quantizer", "distillation"]


@dataclass
class Paper:
    index: int
    method: str | None
    title: str
    authors: list[tuple[str, str]]
    venue: str
    year: int
    arxiv: str
    category: str
    families: list[str]
    hardware: list[str] = field(default_factory=list)
    extends: list[int] = field(default_factory=list)
    compares: list[int] = field(default_factory=list)


def _tag(i: int) -> str:
    """A pronounceable word unique to paper i, so that two synthetic titles never differ by a digit only."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "be", "do", "fi", "gu", "ha", "jo"]
    word = ""
    while True:
        word += syllables[i % 16]
        i //= 16
        if i == 0:
            return word.capitalize()


def make_papers(n: int, rng: random.Random) -> list[Paper]:
    papers = []
    first_of_year: dict[int, int] = {}
    for i in range(n):
        year = 2015 + (i * 11) // max(n, 1)  # ordered in time, so edges to lower indexes point back
        first_of_year.setdefault(year, i)
        month = 1 + rng.randrange(12)
        arxiv = f"{year % 100:02d}{month:02d}.{i % 100000:05d}"  # unique below 100k papers; five digits as arXiv writes them
        named = rng.random() < 0.7
        method = f"{rng.choice(['Q', 'Omni', 'Flex', 'Bit', 'Ada', 'Zero', 'Smooth', 'Spin', 'Lite', 'Opt'])}{rng.choice(['Quant', 'Round', 'Drop', 'Net', 'Calib', 'Rot', 'Mix'])}-{i}" if named else None
        words = " ".join(w.capitalize() for w in rng.sample(WORDS, 3))
        body = f"{words} {rng.choice(NOUNS).capitalize()} for {rng.choice(TARGETS)}, Study {_tag(i)}"
        title = f"{method}: {body}" if method else body
        authors = [(rng.choice(LAST), rng.choice(FIRST)) for _ in range(rng.randrange(2, 7))]
        venue = rng.choice(VENUES)[0]
        cat = rng.choice(CATEGORIES)
        fams = sorted(set(rng.sample(FAMILIES, rng.randrange(1, 3))))
        p = Paper(i, method, title, authors, venue, year, arxiv, cat, fams)
        # Two years back at least, so that a list misdating either paper by a year cannot invert an edge.
        end = first_of_year.get(year - 1, 0)
        earlier = [j for j in range(max(0, end - 800), end) if papers[j].method]
        if method and earlier:
            if rng.random() < 0.5:
                p.extends = [rng.choice(earlier)]
            p.compares = sorted(set(rng.sample(earlier, min(len(earlier), rng.randrange(1, 4)))) - set(p.extends))
        papers.append(p)
    return papers


def variant(p: Paper, rng: random.Random) -> tuple[str, str, int, str | None]:
    """(title, venue, year, arxiv) as one list states them, sometimes wrongly."""
    title, venue, year, arxiv = p.title, p.venue, p.year, p.arxiv
    r = rng.random()
    if r < 0.10:
        title = title.lower().capitalize()  # citation-style sentence case
    elif r < 0.14 and p.method:
        title = title.split(": ", 1)[1]  # method prefix dropped
    elif r < 0.17:
        title = title.replace(" for ", " towards ", 1)  # a changed word
    if rng.random() < 0.05:
        venue = rng.choice(VENUES)[0]
    if rng.random() < 0.04:
        year = year + rng.choice([-1, 1])
    if rng.random() < 0.15:
        arxiv = None
    return title, venue, year, arxiv


def full_venue(short: str) -> str:
    return dict(VENUES)[short]


def line_for(layout: str, n: int, p: Paper, title: str, venue: str, year: int, arxiv: str | None) -> str:
    apa = ", ".join(f"{last}, {first[0]}." for last, first in p.authors[:-1]) + f", & {p.authors[-1][0]}, {p.authors[-1][1][0]}."
    given_first = ", ".join(f"{first[0]}. {last}" for last, first in p.authors)
    url = f"https://arxiv.org/abs/{arxiv}" if arxiv else f"https://openreview.net/forum?id=synthetic{p.index}"
    if layout == "numbered":
        where = f"*arXiv preprint arXiv:{arxiv}*." if venue == "arXiv" and arxiv else f"*{full_venue(venue)}*, {rng_pages(p)}."
        return f'{n}. **{apa}** ({year}). "{title}." {where}'
    if layout == "table":
        return f"| {title} | {given_first} | {venue} | {year} | [PDF]({url}) |"
    if layout == "venue":
        return f"- **({venue} {year})** {title} [[Paper]({url})]"
    if layout == "citation":
        first_last, first_first = p.authors[0]
        tail = f"arXiv preprint arXiv:{arxiv} ({year})." if venue == "arXiv" and arxiv else f"{full_venue(venue)}. {year}."
        return f'- {first_last}, {first_first}, et al. "{title}." {tail}'
    return f'- "{title}", {venue}, {year}. [[paper]({url})] [**`PTQ`**]'


def rng_pages(p: Paper) -> str:
    return f"{1000 + p.index % 9000}-{1010 + p.index % 9000}"


def write_lists(papers: list[Paper], ghosts: list[Paper], folder: Path, rng: random.Random) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    per_list: dict[str, list[tuple[Paper, tuple]]] = {layout: [] for layout in LAYOUTS}
    for p in papers:
        for k, layout in enumerate(rng.sample(LAYOUTS, rng.choice([1, 1, 1, 2, 2, 3]))):
            # The first list states the paper correctly; later ones may not.
            per_list[layout].append((p, (p.title, p.venue, p.year, p.arxiv) if k == 0 else variant(p, rng)))
            if rng.random() < 0.01:
                per_list[layout].append((p, variant(p, rng)))  # a duplicate within the list
    # One arXiv id carried by an unrelated title, as in the real lists.
    if len(papers) > 10:
        a, b = papers[3], papers[7]
        per_list["table"].append((b, (b.title, b.venue, b.year, a.arxiv)))
    for k, g in enumerate(ghosts):
        per_list[LAYOUTS[k % len(LAYOUTS)]].append((g, (g.title, g.venue, g.year, None)))
    entries = 0
    for layout, items in per_list.items():
        by_section: dict[str, list] = {}
        for p, v in items:
            by_section.setdefault(SECTIONS[p.category], []).append((p, v))
        lines = [f"# Synthetic {layout} list", ""]
        n = 0
        for section in sorted(by_section):
            lines += [f"## {section}", ""]
            if layout == "table":
                lines += ["| Title | Authors | Venue | Year | Paper Link |", "|---|---|---|---|---|"]
            for p, (title, venue, year, arxiv) in by_section[section]:
                n += 1
                lines.append(line_for(layout, n, p, title, venue, year, arxiv))
            lines.append("")
        entries += n
        (folder / f"synthetic-{layout}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return entries


def write_curated(papers: list[Paper], ghosts: list[Paper], folder: Path) -> None:
    for sub in ("methods", "relations", "papers", "techniques"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for name in ("venues.yaml", "sections.yaml"):
        shutil.copy(REPO / "data" / "curated" / name, folder / name)
    methods, relations, techniques = [], [], []
    by_index = {p.index: p for p in papers}
    for p in papers:
        if not p.method:
            continue
        methods.append({"name": p.method, "paper": p.title, "categories": [p.category], "families": p.families,
                        "bits": [{"weight-only": "W4A16", "kv-cache": "W4A4KV4"}.get(p.category, "W8A8")],
                        **({"hardware": p.hardware} if p.hardware else {}),
                        "evidence": f"Synthetic: the paper evaluates {', '.join(p.families)} models."})
        # One or two techniques a method, from its index, so the random draws (and all else) stay as they were.
        for t in sorted({TECHNIQUES[p.index % len(TECHNIQUES)], TECHNIQUES[(p.index * 7) % len(TECHNIQUES)]}):
            techniques.append({"method": p.method, "technique": t, "evidence": "Synthetic: the method section describes it."})
        for j in p.extends:
            relations.append({"method": p.method, "extends": by_index[j].method, "evidence": "Synthetic: builds on the earlier technique."})
        for j in p.compares:
            relations.append({"method": p.method, "compares": by_index[j].method, "evidence": "Synthetic: reports it as a baseline."})
    dump = {"default_flow_style": False, "sort_keys": False, "allow_unicode": True, "width": 200}
    (folder / "methods" / "synthetic.yaml").write_text(yaml.dump(methods, Dumper=yaml.CSafeDumper, **dump), encoding="utf-8")
    (folder / "relations" / "synthetic.yaml").write_text(yaml.dump(relations, Dumper=yaml.CSafeDumper, **dump), encoding="utf-8")
    (folder / "techniques" / "synthetic.yaml").write_text(yaml.dump(techniques, Dumper=yaml.CSafeDumper, **dump), encoding="utf-8")
    unverified = [{"paper": g.title, "role": "unverified", "evidence": "Synthetic: no paper of this title exists."} for g in ghosts]
    (folder / "papers" / "synthetic.yaml").write_text(yaml.dump(unverified, Dumper=yaml.CSafeDumper, **dump), encoding="utf-8")


def add_hardware(papers: list[Paper], rng: random.Random) -> None:
    """Hardware targets: always for hardware-aware methods, now and then for others."""
    for p in papers:
        if p.method and (p.category == "hardware-aware" or rng.random() < 0.15):
            p.hardware = sorted(rng.sample(HARDWARE, 1 if p.category != "hardware-aware" else rng.randrange(1, 3)))


def make_ghosts(n: int, rng: random.Random) -> list[Paper]:
    """List entries that name no real paper (about one in 300), which curation marks unverified."""
    ghosts = []
    for k in range(max(1, n // 300)):
        words = " ".join(w.capitalize() for w in rng.sample(WORDS, 3))
        title = f"{words} {rng.choice(NOUNS).capitalize()} for {rng.choice(TARGETS)}, Study {_tag(n + k)}"
        authors = [(rng.choice(LAST), rng.choice(FIRST)) for _ in range(rng.randrange(2, 5))]
        ghosts.append(Paper(n + k, None, title, authors, rng.choice(VENUES)[0], 2015 + rng.randrange(11), "", rng.choice(CATEGORIES), []))
    return ghosts


def query_params(papers: list[Paper]) -> dict[str, dict[str, str]]:
    """Bindings for the library's parameterised queries, by query name: the synthetic field's best-known methods.

    A query with no candidate at this size (no LLM PTQ method extends anything, say) keeps its default.
    """
    def most(counts: Counter) -> int | None:
        return min(counts, key=lambda j: (-counts[j], j)) if counts else None

    name = {p.index: p.method for p in papers}
    start = most(Counter(j for p in papers for j in p.extends))
    chosen = {"lineage": start, "compared-against": most(Counter(j for p in papers for j in p.compares)),
              "llm-ptq-extending": most(Counter(j for p in papers if p.category == "ptq" and "llm" in p.families for j in p.extends))}
    params = {query: {"name": name[j]} for query, j in chosen.items() if j is not None}
    if start is not None:
        # From the most-extended method to the earliest method three hops away (or the farthest one reached).
        neighbours: dict[int, set[int]] = {}
        for p in papers:
            for j in p.extends + p.compares:
                neighbours.setdefault(p.index, set()).add(j)
                neighbours.setdefault(j, set()).add(p.index)
        distance, frontier = {start: 0}, [start]
        for hop in (1, 2, 3):
            frontier = sorted({k for j in frontier for k in neighbours.get(j, ()) if k not in distance})
            distance.update((k, hop) for k in frontier)
        far = max(distance, key=lambda j: (distance[j], -j))
        params["shortest-path"] = {"from": name[start], "to": name[far]}
    return params


def generate(n: int, root: Path, seed: int = 42) -> dict:
    """Write sources/, curated/ and query-params.json for `n` papers under `root`; returns counts."""
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # hardware and unverified entries, drawn apart so the rest stays as it was
    if root.exists():
        shutil.rmtree(root)
    papers = make_papers(n, rng)
    add_hardware(papers, extra)
    ghosts = make_ghosts(n, extra)
    entries = write_lists(papers, ghosts, root / "sources", rng)
    write_curated(papers, ghosts, root / "curated")
    (root / "query-params.json").write_text(json.dumps(query_params(papers), indent=2) + "\n", encoding="utf-8")
    return {"papers": n, "entries": entries, "methods": sum(1 for p in papers if p.method), "unverified": len(ghosts),
            "relations": sum(len(p.extends) + len(p.compares) for p in papers)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "work" / "inputs")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(generate(args.papers, args.out, args.seed))
