"""TikZ from Graphviz's layout (`dot -Tjson`): nodes where dot put them, edges along dot's Bézier splines.

No LaTeX is needed to write it; the output needs only \\usepackage{tikz} and
\\usetikzlibrary{arrows.meta} in the paper, and is as deterministic as dot's layout.
"""

from __future__ import annotations

import re

_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex(text: str) -> str:
    """Text safe inside a TikZ node."""
    return "".join(_LATEX.get(c, c) for c in text)


def _pt(x: float, y: float) -> str:
    return f"({x:.1f},{y:.1f})"


def _colour_name(hex_colour: str) -> str:
    return "qkg" + hex_colour.lstrip("#")[:6].upper()


def _spline(pos: str) -> tuple[list[tuple[float, float]], tuple[float, float] | None, tuple[float, float] | None]:
    """dot's edge pos: optional 's,x,y' and 'e,x,y' arrow ends, then 3n+1 B-spline control points."""
    start = end = None
    points = []
    for part in pos.split():
        bits = part.split(",")
        if bits[0] == "s":
            start = (float(bits[1]), float(bits[2]))
        elif bits[0] == "e":
            end = (float(bits[1]), float(bits[2]))
        else:
            points.append((float(bits[0]), float(bits[1])))
    return points, start, end


def to_tikz(layout: dict, fig) -> str:
    """A tikzpicture of the figure, from dot's JSON layout (points, y up, as TikZ has it)."""
    objects = layout.get("objects", [])
    colours: dict[str, str] = {}
    nodes, edges = [], []
    for o in sorted(objects, key=lambda o: o["_gvid"]):
        if "pos" not in o:
            continue
        x, y = (float(v) for v in o["pos"].split(","))
        if o["name"].startswith("t"):  # the row of years
            label = o.get("label", "")
            if label:
                nodes.append(f"  \\node[font=\\bfseries\\small] at {_pt(x, y)} {{{latex(label)}}};")
            continue
        method = _method_of(o["name"], fig)
        node = fig.nodes[method]
        colour = o.get("color", "#bbbbbb")[:7]
        colours[colour] = _colour_name(colour)
        width, height = float(o.get("width", 0.8)) * 72, float(o.get("height", 0.3)) * 72
        style = (f"draw={colours[colour]}, fill={colours[colour]}!25, rounded corners=2pt, minimum width={width:.1f}pt, "
                 f"minimum height={height:.1f}pt, inner sep=1pt, align=center"
                 + (", line width=1.2pt" if method == fig.focus else ""))
        name = latex(node.label)
        name = f"\\textbf{{{name}}}" if method == fig.focus else name
        nodes.append(f"  \\node[{style}] ({o['name']}) at {_pt(x, y)} {{{name}\\\\[-1pt]{{\\tiny {latex(node.date)}}}}};")
    for e in sorted(layout.get("edges", []), key=lambda e: (e["tail"], e["head"], e.get("style", ""))):
        points, start, end = _spline(e.get("pos", ""))
        if not points or "invis" in e.get("style", ""):  # the chain that orders the row of years
            continue
        dashed = ", dashed" if "dashed" in e.get("style", "") else ""
        colour = e.get("color", "#222222")[:7]
        colours[colour] = _colour_name(colour)
        path = _pt(*points[0]) + "".join(
            f" .. controls {_pt(*points[i])} and {_pt(*points[i + 1])} .. {_pt(*points[i + 2])}" for i in range(1, len(points) - 2, 3))
        arrow = "{Stealth[length=3pt]}-" if start is not None else "-{Stealth[length=3pt]}"
        if start is not None:
            path = _pt(*start) + " -- " + path
        elif end is not None:
            path = path + " -- " + _pt(*end)
        edges.append(f"  \\draw[{arrow}, draw={colours[colour]}, line width=0.6pt{dashed}] {path};")
    head = [f"% {fig.title}: written by qkg figure from Graphviz's layout; needs \\usepackage{{tikz}} and \\usetikzlibrary{{arrows.meta}}"]
    head += [f"\\definecolor{{{name}}}{{HTML}}{{{hexc.lstrip('#').upper()}}}" for hexc, name in sorted(colours.items())]
    body = ["\\begin{tikzpicture}[x=1pt, y=1pt, font=\\sffamily\\small]", *edges, *nodes, "\\end{tikzpicture}"]
    return "\n".join(head + body) + "\n"


def _method_of(node_id: str, fig) -> str:
    """dot node id 'm12' -> the method IRI: ids are given in the order to_dot sorts the methods."""
    order = sorted(fig.nodes, key=lambda m: (fig.nodes[m].when or (0, 0), fig.nodes[m].label.lower(), m))
    return order[int(re.sub(r"\D", "", node_id))]
