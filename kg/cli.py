"""The qkg command line: a thin layer over the pipeline's functions."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from kg.paths import Layout


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"qkg: error: {message}", err=True)
    sys.exit(code)


def _layout(out: Path | None, sources: Path | None, curated: Path | None, ontology: Path | None) -> Layout:
    layout = Layout.default(out=out)
    return Layout(sources=sources or layout.sources, curated=curated or layout.curated,
                  ontology=ontology or layout.ontology, out=layout.out)


def _progress():
    if not sys.stderr.isatty():
        return None
    return lambda stage: click.echo(f"\r  {stage} done", nl=False, err=True)


def input_options(f):
    f = click.option("--ontology", type=click.Path(file_okay=False, path_type=Path), help="Ontology and shapes folder.")(f)
    f = click.option("--curated", type=click.Path(file_okay=False, path_type=Path), help="Curated YAML folder (default data/curated).")(f)
    f = click.option("--sources", type=click.Path(file_okay=False, path_type=Path), help="Source lists folder (default data/sources).")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qkg")
def main() -> None:
    """qkg: the quantization research knowledge graph."""


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write the exports here instead of exports/.")
@click.option("--html/--no-html", default=True, show_default=True, help="Write the interactive HTML views.")
@input_options
def build(out: Path | None, html: bool, sources: Path | None, curated: Path | None, ontology: Path | None) -> None:
    """Build the graph from the source lists and curated data, and write every export."""
    from kg.pipeline import build_and_export
    layout = _layout(out, sources, curated, ontology)
    start = time.perf_counter()
    try:
        result = build_and_export(layout, progress=_progress(), html=html)
    except Exception as err:  # noqa: BLE001 - every failure becomes one line; see kg.pipeline.BuildFailed
        _fail(_message(err))
    if sys.stderr.isatty():
        click.echo("", err=True)
    for note in result.export_notes:
        click.echo(f"qkg: warning: {note}", err=True)
    s = result.summary()
    edges = s["edges"]
    click.echo(f"qkg build: {s['papers']} papers, {s['methods']} methods, edges: extends {edges['extends']}, "
               f"compares {edges['compares']}, appliesTo {edges['appliesTo']}, targetsHardware {edges['targetsHardware']}, "
               f"usesTechnique {edges['usesTechnique']}; "
               f"{s['conflicts']} conflicts ({s['conflicts_unresolved']} unresolved); {s['triples']} triples; "
               f"{s['unreadable_lines']} unreadable lines; {time.perf_counter() - start:.2f} s -> {layout.out}")


@main.command()
@click.option("--engine", type=click.Choice(["pyshacl", "compiled", "oxigraph"]), default="pyshacl", show_default=True,
              help="pyshacl (the reference) or the shapes compiled as `qkg build` runs them (fast; 'oxigraph' is its old name).")
@click.option("--data", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="A Turtle file to validate (default: build the graph).")
@input_options
def validate(engine: str, data: Path | None, sources: Path | None, curated: Path | None, ontology: Path | None) -> None:
    """Validate the graph against ontology/shapes.ttl (SHACL)."""
    from kg.pipeline import validate_graph
    layout = _layout(None, sources, curated, ontology)
    try:
        report = validate_graph(layout, engine, data)
    except Exception as err:  # noqa: BLE001
        _fail(_message(err))
    for r in report.results:
        click.echo(str(r))
    click.echo(report.summary())
    sys.exit(0 if report.conforms else 1)


@main.command("check-curated")
@input_options
def check_curated(sources: Path | None, curated: Path | None, ontology: Path | None) -> None:
    """Load every curated record and resolve every name it uses; print what would stop a build."""
    from kg.pipeline import check_inputs
    layout = _layout(None, sources, curated, ontology)
    try:
        counts = check_inputs(layout)
    except Exception as err:  # noqa: BLE001
        _fail(_message(err))
    click.echo("curated data is valid: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


def _engine(graph: Path | None, engine: str, limits=None):
    """An engine over the built graph, building it first if there is none."""
    from kg.sparql.query import open_engine
    trig = graph or Layout.default().out / "qkg.trig"
    if not trig.exists():
        if graph is not None:
            _fail(f"no such graph file: {graph}")
        from kg.pipeline import build_and_export
        click.echo("qkg: no built graph yet; building it first", err=True)
        build_and_export(Layout.default())
    return open_engine(engine, trig, limits)


graph_option = click.option("--graph", type=click.Path(dir_okay=False, path_type=Path),
                            help="The TriG dataset to query (default exports/qkg.trig; built first if missing).")


@main.command()
@click.argument("query", required=False)
@click.option("--name", "name", help="Run a query of the library by name (see --list).")
@click.option("--list", "list_", is_flag=True, help="List the library's queries with their titles.")
@click.option("--param", "params", multiple=True, metavar="VAR=VALUE", help="Bind a parameter of a library query, e.g. name=GPTQ.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="Let SERVICE fetch from this endpoint (repeatable); SERVICE is refused otherwise.")
@graph_option
def query(query: str | None, name: str | None, list_: bool, params: tuple[str, ...], fmt: str, engine: str,
          allow_service: tuple[str, ...], graph: Path | None) -> None:
    """Run SPARQL: QUERY is inline SPARQL or a .rq file; --name runs a library query."""
    from kg.export.safe_text import terminal_safe
    from kg.sparql.guard import Limits
    from kg.sparql.query import QueryError, bind_arguments, library, resolve_query
    from kg.sparql.results import render
    lib = library()
    if list_:
        width = max(len(n) for n in lib)
        for q in lib.values():
            params_note = f"  [{', '.join(f'{k}={v}' for k, v in q.params.items())}]" if q.params else ""
            click.echo(f"{q.name.ljust(width)}  {q.title}{params_note}")
        return
    try:
        text, defaults = resolve_query(query, name, lib)
        given = {}
        for item in params:
            var, sep, value = item.partition("=")
            if not sep or not var.strip():
                raise QueryError(f"--param wants VAR=VALUE, not '{item}'")
            given[var.strip().lstrip("?")] = value
        bindings = bind_arguments(text, defaults, given)
        result = _engine(graph, engine, Limits(allow_service=allow_service)).run(text, bindings)
    except QueryError as err:
        _fail(terminal_safe(str(err)))
    except Exception as err:  # noqa: BLE001
        _fail(terminal_safe(_message(err)))
    out = render(result, fmt, spreadsheet_safe=True).rstrip("\r\n")
    # The table is for reading: no escape sequence from a title reaches the terminal (nor in any format printed to one).
    click.echo(terminal_safe(out) if fmt == "table" or sys.stdout.isatty() else out)


@main.command()
@click.argument("method")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write an interactive HTML view here.")
@graph_option
def lineage(method: str, html_path: Path | None, graph: Path | None) -> None:
    """Print a method's ancestors (extends+) and descendants, with years, as trees."""
    from kg.sparql.lineage import LineageGraph, UnknownMethod
    try:
        lg = LineageGraph.from_engine(_engine(graph, "oxigraph"))
        iri = lg.find(method)
    except UnknownMethod as err:
        _fail(str(err))
    except Exception as err:  # noqa: BLE001
        _fail(_message(err))
    click.echo(lg.render(iri))
    if html_path is not None:
        from kg.export.html import write_lineage_page
        try:
            write_lineage_page(lg, iri, html_path)
        except Exception as err:  # noqa: BLE001
            _fail(_message(err))
        click.echo(f"wrote {html_path}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--add", is_flag=True, help="Copy the files into data/sources/ so the next build includes them.")
@click.option("--json", "as_json", is_flag=True, help="Print the parsed records as a JSON list.")
@click.option("--sources", type=click.Path(file_okay=False, path_type=Path), help="The sources folder --add copies into.")
def ingest(files: tuple[Path, ...], add: bool, as_json: bool, sources: Path | None) -> None:
    """Parse paper lists (Markdown, BibTeX, CSV) and report what they hold; --add keeps them as sources."""
    import json as jsonlib
    import shutil

    from kg.parse import parse_file
    for f in files:
        if not f.is_file():
            _fail(f"no such file: {f}")
    results = [(f, parse_file(f, f.parent)) for f in files]
    if as_json:
        rows = [{"title": r.title, "authors": [a.display for a in r.authors], "venue": r.venue, "year": r.year, "arxiv": r.arxiv,
                 "doi": r.doi, "links": r.links, "file": r.file, "line": r.line, "layout": r.layout, "sections": list(r.sections),
                 "tags": list(r.tags), "facts": [list(f) for f in r.facts]} for _, res in results for r in res.records]
        click.echo(jsonlib.dumps(rows, indent=2, ensure_ascii=False))
    for f, res in results:
        if not as_json:  # --json prints the records alone, for other programs to read
            _ingest_summary(f, res, err=False)
    empty = [f for f, res in results if not res.records]
    if empty:
        _fail(f"{empty[0]}: no papers read: no entry is in a layout qkg knows (see the lines above)"
              + (f", nor in {len(empty) - 1} other file(s)" if len(empty) > 1 else ""))
    if add:
        target_dir = sources or Layout.default().sources
        for f, _ in results:
            target = target_dir / f.name
            if target.exists() and target.read_bytes() != f.read_bytes():
                _fail(f"{target} already exists with other content; rename the file to add it")
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(f, tmp)
            tmp.replace(target)
            click.echo(f"added {target}; `qkg build` will include it", err=as_json)


def _ingest_summary(f: Path, res, err: bool) -> None:
    """Per file: papers, with arXiv id, venue and year; unreadable lines; paper links present and read; each problem."""
    from collections import Counter
    records = res.records
    venues = Counter(r.venue for r in records if r.venue)
    years = sorted(r.year for r in records if r.year)
    present, read = res.link_lines.get(next(iter(res.layouts), ""), (0, 0))
    click.echo(f"{f}: {len(records)} papers, layout {res.layout_of(next(iter(res.layouts), ''))}, "
               f"{sum(1 for r in records if r.arxiv)} with arXiv ids, {sum(1 for r in records if r.venue)} with venue, "
               f"{sum(1 for r in records if r.year)} with year{f' (years {years[0]}–{years[-1]})' if years else ''}, "
               f"{len(res.problems)} unreadable lines, {len(res.dropped)} values dropped, "
               f"{present - read} of {present} lines with a paper link not read, {len(res.skipped)} non-paper entries skipped", err=err)
    if venues:
        click.echo("  venues: " + ", ".join(f"{v} ({n})" for v, n in venues.most_common(8)), err=err)
    for label, items in (("unreadable", res.problems), ("dropped", res.dropped), ("not read", res.unread_links)):
        for p in items:
            if label == "not read" and any(q.line == p.line for q in res.problems):
                continue  # already shown as unreadable
            click.echo(f"  {label}: {f.parent / p.file}:{p.line}: {p.message}", err=err)


@main.command()
@click.argument("url")
@click.option("--replace/--append", "replace", default=True, show_default=True,
              help="Replace each named graph (PUT) or add to it (POST).")
@click.option("--user", help="User name for HTTP Basic authentication (or QKG_PUSH_USER).")
@click.option("--password", help="Password (or QKG_PUSH_PASSWORD; safer than the command line).")
@click.option("--token", help="Bearer token instead of a user (or QKG_PUSH_TOKEN).")
@click.option("--retries", default=4, show_default=True, type=click.IntRange(0, 20), help="Retries of a 5xx or dropped connection.")
@click.option("--backoff", default=0.5, show_default=True, type=click.FloatRange(0, 60), help="Seconds before the first retry (doubled each time).")
@click.option("--graph", type=click.Path(dir_okay=False, path_type=Path), help="The TriG dataset to push (default exports/qkg.trig).")
def push(url: str, replace: bool, user: str | None, password: str | None, token: str | None, retries: int, backoff: float,
         graph: Path | None) -> None:
    """Send the built dataset to a SPARQL 1.1 Graph Store endpoint (URL), one request per named graph."""
    from kg.sparql.push import PushFailed, Target, credentials
    from kg.sparql.push import push as push_dataset
    trig = graph or Layout.default().out / "qkg.trig"
    user, password, token = credentials(user, password, token)
    target = Target(url, "replace" if replace else "append", user, password, token, retries, backoff)
    started = time.perf_counter()
    try:
        result = push_dataset(trig, target, progress=lambda line: click.echo(f"  {line}", err=True))
    except PushFailed as err:
        _fail(f"push failed: {err}")
    triples = sum(n for _, n, _ in result.graphs)
    click.echo(f"qkg push: {len(result.graphs)} graphs, {triples:,} triples {'replaced' if replace else 'added'} at {url} "
               f"in {time.perf_counter() - started:.1f} s")


def _megabytes(value: str) -> int:
    """'1.5G', '1536M' or '1536' (megabytes) as megabytes."""
    text = value.strip().upper().removesuffix("B")
    scale = {"G": 1024, "M": 1, "K": 1 / 1024}.get(text[-1:], None)
    try:
        number = float(text[:-1] if scale else text)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a size: give e.g. 1.5G or 1536M") from None
    mb = int(number * (scale or 1))
    if mb < 64:
        raise click.BadParameter(f"'{value}' is too small for a worker holding the graph (at least 64M)")
    return mb


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; the default serves this machine only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds a query may run.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(1), help="Rows an answer holds at most.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32),
              help="General workers (one more is kept for short queries).")
@click.option("--max-memory", "max_memory", default="1.5G", show_default=True, help="Memory one worker may use (e.g. 1.5G, 800M).")
@click.option("--short-budget", default=1.0, show_default=True, type=click.FloatRange(0.05, 60),
              help="Seconds a query may run in the short-query lane before it moves to the general lane.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="Let SERVICE fetch from this endpoint (repeatable); SERVICE is refused otherwise.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="Send CORS headers for this origin ('*' for any; repeatable).")
@click.option("--verbose", is_flag=True, help="Log every request.")
@graph_option
def serve(host: str, port: int, timeout: float, max_rows: int, workers: int, max_memory: str, short_budget: float,
          allow_service: tuple[str, ...], cors: tuple[str, ...], verbose: bool, graph: Path | None) -> None:
    """Serve the graph read-only at /sparql (SPARQL 1.1 Protocol), a query page at /, the views at /graph/, IRIs at /resource/."""
    from kg.sparql.serve import Settings
    from kg.sparql.serve import serve as run_server
    trig = _engine(graph, "oxigraph") and (graph or Layout.default().out / "qkg.trig")
    settings = Settings(trig=trig, html_root=trig.parent / "html", timeout=timeout, max_rows=max_rows, workers=workers,
                        max_memory_mb=_megabytes(max_memory), short_budget=short_budget, allow_service=allow_service, cors=cors,
                        ontology=Layout.default().ontology)
    try:
        run_server(settings, host, port, verbose)
    except OSError as err:
        _fail(f"cannot serve on {host}:{port}: {err.strerror or err}")
    except RuntimeError as err:
        _fail(str(err))


@main.command()
@click.argument("method", required=False)
@click.option("--format", "fmt", type=click.Choice(["svg", "pdf", "png", "dot", "tikz"]), default="svg", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: standard output).")
@click.option("--depth", type=click.IntRange(min=1), help="Steps of extends to follow each way (default: all).")
@click.option("--compares", is_flag=True, help="Also draw comparisons (qkg:compares).")
@click.option("--family", help="Draw every method of this model family (e.g. llm), narrower families included.")
@click.option("--category", help="Draw every method of this category (e.g. ptq).")
@graph_option
def figure(method: str | None, fmt: str, out: Path | None, depth: int | None, compares: bool, family: str | None,
           category: str | None, graph: Path | None) -> None:
    """A publication figure: a method's lineage, or a family's or category's methods, time left to right (Graphviz)."""
    from kg.export.figure import FigureError, FigureGraph, render
    chosen = [x for x in (method, family, category) if x]
    if len(chosen) != 1:
        _fail("name one METHOD, or --family, or --category")
    try:
        fg = FigureGraph.load(_engine(graph, "oxigraph"))
        if method:
            fig = fg.lineage(method, depth, compares)
        else:
            fig = fg.members("family" if family else "category", family or category, compares)  # type: ignore[arg-type]
        data = render(fig, fmt)
    except FigureError as err:
        _fail(str(err))
    except Exception as err:  # noqa: BLE001
        _fail(_message(err))
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as err:
        _fail(_message(err))
    click.echo(f"wrote {out} ({len(fig.nodes)} methods, {len(fig.edges)} edges)", err=True)


def _message(err: Exception) -> str:
    from kg.pipeline import describe_error
    return describe_error(err)


if __name__ == "__main__":
    main()
