"""views.html, the index of every view: method pages with a search over names and aliases, then the other views."""

from __future__ import annotations

from collections import defaultdict

from kg.export.safe_text import clean, esc


def views_page(views: list[dict], methods: list[dict]) -> str:
    """The index: every method page (searchable by any substring of its name or aliases, any case), then the views."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for v in views:
        groups[v["group"]].append(v)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>qkg: every view</title>',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<link rel="stylesheet" href="lib/qkg-method.css"></head><body class="qkg-method qkg-index">',
             "<h1>qkg: every view</h1>",
             f"<p>{len(methods)} method pages and {len(views)} other views. They work offline, straight from disk.</p>"]
    for group, items in groups.items():
        if group != "Whole graph":
            continue
        parts += [f'<p><a href="{esc(v["url"])}">{esc(v["label"])}</a> <span class="count">{esc(v["count"])}</span></p>' for v in items]
    parts.append('<h2>Methods</h2><p><label>Find a method (any part of its name or an alias) '
                 '<input id="method-search" type="search" autocomplete="off" placeholder="e.g. gptq, optq, quip"></label> '
                 '<span id="method-count" class="count"></span></p><ul id="methods" class="methods">')
    for m in methods:
        names = "\n".join(clean(n).lower() for n in [m["name"], *m["aliases"]])
        aka = f' <span class="aka">({esc(", ".join(m["aliases"]))})</span>' if m["aliases"] else ""
        ext_out, ext_in, cmp_out, cmp_in = m["counts"]
        parts.append(f'<li data-slug="{esc(m["slug"])}" data-names="{esc(names)}"><a href="method/{esc(m["slug"])}.html">'
                     f'{esc(m["name"])}</a>{aka} <span class="count">{esc(m["date"])}; builds on {ext_out}, built upon by {ext_in}, '
                     f"compares {cmp_out}, compared by {cmp_in}</span></li>")
    parts.append("</ul>")
    for group, items in groups.items():
        if group == "Whole graph":
            continue
        parts.append(f"<h2>{esc(group)} ({len(items)})</h2><ul>")
        parts += [f'<li><a href="{esc(v["url"])}">{esc(v["label"])}</a> <span class="count">{esc(v["count"])}</span></li>'
                  for v in items]
        parts.append("</ul>")
    parts.append('<script src="lib/qkg-index.js"></script></body></html>')
    return "\n".join(parts) + "\n"


def redirect_page(target: str) -> str:
    """A tiny page that sends an old address on to its new one."""
    t = esc(target)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Moved</title>'
            f'<meta http-equiv="refresh" content="0; url={t}"><link rel="canonical" href="{t}"></head>'
            f'<body><p>This view moved to <a href="{t}">{t}</a>.</p></body></html>\n')
