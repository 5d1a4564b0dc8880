"""The package shows the pipeline: one package per stage, imports running one way, small modules."""

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

# Stage order: a module may import its own stage, the shared basics, and earlier stages only.
BASICS = {"kg", "kg.model", "kg.paths", "kg.iri", "kg.child"}
STAGES = ["kg.parse", "kg.curated", "kg.resolve", "kg.methods", "kg.graph", "kg.export", "kg.sparql", "kg.pipeline", "kg.cli",
          "kg.__main__"]
STAGE_PACKAGES = ["parse", "curated", "resolve", "methods", "graph", "export", "sparql"]


def _module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(module: str) -> int | None:
    for rank, stage in enumerate(STAGES):
        if module == stage or module.startswith(stage + "."):
            return rank
    return None


def _kg_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kg":
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # `from kg import iri` imports kg.iri
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kg")
    return found


MODULES = sorted(p for p in KG.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(KG)))
def test_imports_run_one_way(path):
    here = _stage(_module_name(path))
    for target in _kg_imports(path):
        if target in BASICS or _stage(target) is None:
            continue
        there = _stage(target)
        assert here is not None, f"{path.relative_to(KG)} is a shared basic but imports the stage module {target}"
        assert there <= here, f"{path.relative_to(KG)} ({STAGES[here]}) imports the later stage {target}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(KG)))
def test_no_module_over_450_lines(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 450, f"{path.relative_to(KG)} has {lines} lines: split it"


def test_top_of_the_package_keeps_only_entry_points_and_basics():
    top = sorted(p.name for p in KG.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 7, f"kg/ holds {len(top)} modules besides __init__.py: {top}"
    packages = sorted(p.name for p in KG.iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(STAGE_PACKAGES), packages


@pytest.mark.parametrize("package", STAGE_PACKAGES)
def test_each_stage_says_what_it_takes_and_gives(package):
    doc = ast.get_docstring(ast.parse((KG / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "take" in doc.lower() and "give" in doc.lower(), f"kg/{package}/__init__.py: say what the stage takes and gives"
