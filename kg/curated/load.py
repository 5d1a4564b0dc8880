"""Load curated YAML through typed models; every error names the file, line, record and field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kg.curated.yaml_records import NotAList, Reading, YamlSyntaxError

BITS = re.compile(r"^(?:W[0-9.]+(?:A[0-9.]+)?(?:KV[0-9.]+)?|W[0-9.]+KV[0-9.]+|A[0-9.]+|KV[0-9.]+|FP[0-9]+|INT[0-9]+)$")
ARXIV = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})$")


class CuratedError(Exception):
    """A curated record that cannot be used; str() is one line naming file, record and field."""

    def __init__(self, where: str, record: str, message: str):
        super().__init__(f"{where}: {record}: {message}")
        self.where, self.record, self.message = where, record, message


class Role(StrEnum):
    method = "method"
    survey = "survey"
    hardware = "hardware"
    framework = "framework"
    benchmark = "benchmark"
    architecture = "architecture"
    other = "other"
    unverified = "unverified"


class Granularity(StrEnum):
    per_tensor = "per-tensor"
    per_channel = "per-channel"
    per_token = "per-token"
    per_group = "per-group"
    per_head = "per-head"
    per_block = "per-block"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _arxiv_ref(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if value.lower().startswith("arxiv:"):
        value = value[6:].strip()
    if not ARXIV.match(value):
        raise ValueError(f"'{value}' is not an arXiv id such as 2203.05740")
    return value


class VenueRecord(_Strict):
    """A venue and the spellings lists use for it."""

    key: str
    name: str
    kind: Literal["conference", "journal", "workshop", "preprint", "book"]
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns


class SectionRecord(_Strict):
    """A list's section heading or keyword tag mapped onto categories."""

    heading: str | None = None
    tag: str | None = None
    source: str | None = None  # a source file name; None means every list
    categories: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_key(self) -> SectionRecord:
        if (self.heading is None) == (self.tag is None):
            raise ValueError("give exactly one of 'heading' or 'tag'")
        return self


class MethodRecord(_Strict):
    """A method, the paper that introduced it, and what it applies to."""

    name: str
    aliases: list[str] = []
    paper: str | None  # "arXiv:<id>", a title as a list writes it, or null for paperless baselines
    listed: bool = True
    categories: list[str] = Field(min_length=1)
    families: list[str] = Field(min_length=1)
    hardware: list[str] = []
    bits: list[str] = []
    granularity: list[Granularity] = []
    evidence: str = Field(min_length=10)

    @field_validator("bits")
    @classmethod
    def _bits(cls, bits: list[str]) -> list[str]:
        for b in bits:
            if not BITS.match(b):
                raise ValueError(f"'{b}' is not a bit-width setting such as W4A16, W8A8, W4A8KV4 or FP8")
        return bits


class RelationRecord(_Strict):
    """An extends or compares edge from a later method to an earlier one."""

    method: str
    extends: str | None = None
    compares: str | None = None
    evidence: str = Field(min_length=10)
    where: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> RelationRecord:
        if (self.extends is None) == (self.compares is None):
            raise ValueError("give exactly one of 'extends' or 'compares'")
        return self

    @property
    def kind(self) -> str:
        return "extends" if self.extends is not None else "compares"

    @property
    def target(self) -> str:
        return self.extends if self.extends is not None else self.compares  # type: ignore[return-value]


class TechniqueRecord(_Strict):
    """A method uses a technique of ontology/techniques.ttl, as its own paper shows."""

    method: str
    technique: str
    evidence: str = Field(min_length=10)
    where: str | None = None


class PaperRecord(_Strict):
    """A paper's role, corrections to what lists say of it, or a paper no list carries."""

    paper: str
    role: Role | None = None
    title: str | None = None
    authors: list[str] | None = None
    venue: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    arxiv: str | None = None
    doi: str | None = None
    same_as: str | None = None
    listed: bool = True
    evidence: str | None = None

    _arxiv = field_validator("arxiv", mode="before")(classmethod(lambda cls, v: _arxiv_ref(v)))

    @model_validator(mode="after")
    def _complete(self) -> PaperRecord:
        corrects = any(v is not None for v in (self.title, self.authors, self.venue, self.year, self.arxiv, self.doi))
        if (corrects or self.same_as or not self.listed or self.role == Role.unverified) and not self.evidence:
            raise ValueError("a correction, same_as, unverified role or unlisted paper needs 'evidence'")
        if not self.listed and (self.title is None or self.year is None):
            raise ValueError("a paper no list carries (listed: false) needs at least 'title' and 'year'")
        if self.same_as is not None and corrects:
            raise ValueError("'same_as' merges this entry into another paper; put corrections on that paper")
        return self

    @property
    def corrections(self) -> dict[str, Any]:
        """The fields this record sets, by name."""
        names = ("title", "authors", "venue", "year", "arxiv", "doi")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


class NotMethodRecord(_Strict):
    """A title prefix that names no quantization method ('Roofline: ...'), so no method is derived from it."""

    name: str = Field(min_length=1)
    reason: str = Field(min_length=10)


@dataclass(frozen=True)
class Located:
    """A curated record with the file and line it was read from."""

    record: Any
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Curated:
    """Every curated record, by kind."""

    venues: list[Located] = field(default_factory=list)
    sections: list[Located] = field(default_factory=list)
    methods: list[Located] = field(default_factory=list)
    relations: list[Located] = field(default_factory=list)
    papers: list[Located] = field(default_factory=list)
    techniques: list[Located] = field(default_factory=list)
    not_methods: list[Located] = field(default_factory=list)  # not-methods.yaml: title prefixes that are no method
    workers_peak_mb: int = 0  # memory of the processes that read large files, for the benchmark


KINDS: dict[str, tuple[str, type[_Strict]]] = {
    "methods": ("methods", MethodRecord),
    "relations": ("relations", RelationRecord),
    "papers": ("papers", PaperRecord),
    "techniques": ("techniques", TechniqueRecord),
}


def _label(kind: type[_Strict], data: Any) -> str:
    if isinstance(data, dict):
        for key in ("name", "key", "heading", "tag", "method", "paper"):
            if key in data:
                return f"{kind.__name__.removesuffix('Record').lower()} '{data[key]}'"
    return f"{kind.__name__.removesuffix('Record').lower()} record"


def load_file(path: Path, model: type[_Strict], base: Path, reading: Reading | None = None) -> list[Located]:
    """Every record of one YAML file (a list of mappings) through `model`."""
    name = path.relative_to(base.parent).as_posix() if base in path.parents else path.as_posix()
    reading = reading or Reading([path])
    try:
        records = reading.result(path)
    except YamlSyntaxError as err:
        raise CuratedError(f"{name}:{err.line}", "YAML", f"syntax error: {err.problem}") from None
    except NotAList:
        raise CuratedError(f"{name}:1", "file", "must be a YAML list of records") from None
    except (OSError, UnicodeDecodeError) as err:
        raise CuratedError(name, "file", f"cannot read: {err}") from None
    out = []
    for line, item in records:
        try:
            if not isinstance(item, dict):
                raise CuratedError(f"{name}:{line}", "record", "must be a mapping of fields")
            out.append(Located(model.model_validate(item), name, line))
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "record"
            message = first["msg"].removeprefix("Value error, ")
            if first["type"] == "extra_forbidden":
                message = "unknown field"
            elif first["type"] == "missing":
                message = "missing field"
            raise CuratedError(f"{name}:{line}", _label(model, item), f"{loc}: {message}") from None
    return out


def _files(curated_dir: Path) -> list[tuple[Path, str, type[_Strict]]]:
    """(file, Curated attribute, model) for venues.yaml, sections.yaml and every file under methods/, relations/, papers/, techniques/."""
    out = []
    for single, attr, model in (("venues.yaml", "venues", VenueRecord), ("sections.yaml", "sections", SectionRecord),
                                ("not-methods.yaml", "not_methods", NotMethodRecord)):
        if (curated_dir / single).exists():
            out.append((curated_dir / single, attr, model))
    for folder, (attr, model) in KINDS.items():
        if (curated_dir / folder).is_dir():
            out += [(path, attr, model) for path in sorted((curated_dir / folder).glob("*.y*ml"))]
    return out


class Loading:
    """Curated files being read from the moment it is made (large ones in parallel: see kg.curated.yaml_records);
    result() checks and returns them."""

    def __init__(self, curated_dir: Path):
        self.dir = curated_dir
        self.files = _files(curated_dir) if curated_dir.is_dir() else []
        self.reading = Reading([path for path, _, _ in self.files])

    def result(self) -> Curated:
        curated = Curated()
        try:
            for path, attr, model in self.files:
                getattr(curated, attr).extend(load_file(path, model, self.dir, self.reading))
        finally:
            self.reading.close()
        curated.workers_peak_mb = self.reading.workers_peak_mb
        _check_unique(curated)
        return curated


def load(curated_dir: Path) -> Curated:
    """Load venues.yaml, sections.yaml and every file under methods/, relations/, papers/ and techniques/."""
    return Loading(curated_dir).result()


def _check_unique(curated: Curated) -> None:
    """Method names and aliases are unique (case-insensitively) across all files."""
    seen: dict[str, Located] = {}
    for loc in curated.methods:
        for name in (loc.record.name, *loc.record.aliases):
            key = name_key(name)
            other = seen.get(key)
            if other is not None and other.record.name != loc.record.name:
                raise CuratedError(loc.where, f"method '{loc.record.name}'", f"name '{name}' is already used by method '{other.record.name}' at {other.where}")
            if other is not None and other is not loc:
                raise CuratedError(loc.where, f"method '{loc.record.name}'", f"duplicate method, also at {other.where}")
            seen[key] = loc


def name_key(name: str) -> str:
    """How method names are compared: case-insensitive, spaces and hyphens ignored."""
    return re.sub(r"[\s_-]+", "", name.casefold())
