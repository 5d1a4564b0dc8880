"""Which techniques of ontology/techniques.ttl each method uses, as curated with evidence."""

from __future__ import annotations

from dataclasses import dataclass

from kg.curated.load import Curated, Located, TechniqueRecord
from kg.methods.catalog import Method, MethodError, MethodIndex
from kg.methods.schemes import Scheme


@dataclass(frozen=True)
class TechniqueUse:
    """`method` uses the technique concept `technique` (a local id of the technique scheme)."""

    method: Method
    technique: str
    evidence: str
    where: str | None
    curated: Located


def build_technique_uses(methods: list[Method], curated: Curated, techniques: Scheme) -> list[TechniqueUse]:
    """Every curated technique use, its method and technique resolved; a MethodError names the record otherwise."""
    index = MethodIndex(methods)
    uses: list[TechniqueUse] = []
    seen: dict[tuple[str, str], Located] = {}
    for loc in curated.techniques:
        rec: TechniqueRecord = loc.record
        method = index.get(rec.method)
        if method is None:
            hint = index.suggest(rec.method)
            suffix = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise MethodError(f"{loc.where}: technique use of '{rec.method}': method: unknown method '{rec.method}'{suffix}")
        if rec.technique not in techniques.labels or rec.technique == "technique":
            known = ", ".join(sorted(t for t in techniques.labels if t != "technique"))
            raise MethodError(f"{loc.where}: technique use of '{rec.method}': technique: unknown technique '{rec.technique}' "
                              f"(ontology/techniques.ttl has: {known})")
        key = (method.name, rec.technique)
        if key in seen:
            raise MethodError(f"{loc.where}: technique use '{rec.method} uses {rec.technique}': duplicate of {seen[key].where}")
        seen[key] = loc
        uses.append(TechniqueUse(method, rec.technique, rec.evidence, rec.where, loc))
    return sorted(uses, key=lambda u: (u.method.name.lower(), u.technique))
