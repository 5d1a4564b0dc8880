// qkg views: one script shared by every page. Everything that comes from the lists (titles,
// authors, venues) is put into the page with textContent, never as HTML.
(function () {
  "use strict";
  const graph = JSON.parse(document.getElementById("qkg-graph").textContent);
  const page = JSON.parse(document.getElementById("qkg-page").textContent);
  const $ = (id) => document.getElementById(id);

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function safeUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // Tooltips are DOM elements: vis-network shows them as they are, so no string is parsed as HTML.
  function tooltip(info) {
    const box = el("div", null, "qkg-tip");
    box.appendChild(el("div", info.title, "t"));
    const rows = [
      ["kind", info.kind], ["authors", info.authors], ["venue", info.venue], ["year", info.year],
      ["categories", (info.categories || []).join(", ")], ["families", (info.families || []).join(", ")],
      ["hardware", (info.hardware || []).join(", ")], ["bit-widths", (info.bits || []).join(", ")],
      ["role", info.role], ["lists", (info.lists || []).join(", ")],
    ];
    for (const [key, value] of rows) {
      if (value === undefined || value === null || value === "") continue;
      const row = el("div");
      row.appendChild(el("span", key + ": ", "k"));
      row.appendChild(el("span", value));
      box.appendChild(row);
    }
    if (info.links && info.links.length) {
      const row = el("div");
      for (const link of info.links) {
        const href = safeUrl(link.url);
        if (!href) continue;
        const a = el("a", link.label);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        row.appendChild(a);
      }
      box.appendChild(row);
    }
    return box;
  }

  document.title = page.title;
  $("qkg-title").textContent = page.title;
  $("qkg-subtitle").textContent = page.subtitle;
  for (const link of page.links) {
    const a = el("a", link.label);
    a.href = link.url;
    $("qkg-links").appendChild(a);
  }

  const original = {};
  for (const n of graph.nodes) {
    n.title = tooltip(n.info || { title: n.label });
    original[n.id] = n.color;
  }
  const nodes = new vis.DataSet(graph.nodes);
  const edges = new vis.DataSet(graph.edges);
  const network = new vis.Network($("qkg-network"), { nodes: nodes, edges: edges }, graph.options);

  // Legend
  for (const item of page.legend) {
    const row = el("div", null, "item");
    const mark = el("span", null, item.type === "node" ? "swatch" : "line" + (item.dashes ? " dashed" : ""));
    if (item.type === "node") mark.style.background = item.color; else mark.style.borderTopColor = item.color;
    row.appendChild(mark);
    row.appendChild(el("span", item.label));
    $("qkg-legend").appendChild(row);
  }

  // Search: every label in a datalist; picking one selects and focuses the node.
  const byLabel = new Map();
  for (const n of graph.nodes.slice().sort((a, b) => String(a.label).localeCompare(String(b.label)))) {
    if (!byLabel.has(n.label)) {
      byLabel.set(n.label, n.id);
      const opt = document.createElement("option");
      opt.value = n.label;
      $("qkg-names").appendChild(opt);
    }
  }
  function find(label) {
    const id = byLabel.get(label);
    if (id === undefined) return false;
    const n = nodes.get(id);
    if (n.hidden) nodes.update({ id: id, hidden: false });
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    highlight(id);
    return true;
  }
  $("qkg-search").addEventListener("change", (e) => find(e.target.value));
  $("qkg-search").addEventListener("keydown", (e) => { if (e.key === "Enter") find(e.target.value); });

  // Filters: by category, family and year range; concept nodes always stay.
  function fill(select, values) {
    for (const v of Array.from(values).sort()) {
      const opt = el("option", v);
      opt.value = v;
      select.appendChild(opt);
    }
  }
  const cats = new Set(), fams = new Set();
  let minYear = Infinity, maxYear = -Infinity;
  for (const n of graph.nodes) {
    (n.categories || []).forEach((c) => cats.add(c));
    (n.families || []).forEach((f) => fams.add(f));
    if (n.year) { minYear = Math.min(minYear, n.year); maxYear = Math.max(maxYear, n.year); }
  }
  fill($("qkg-category"), cats);
  fill($("qkg-family"), fams);
  if (minYear !== Infinity) { $("qkg-year-min").value = minYear; $("qkg-year-max").value = maxYear; }

  function visibleCount() {
    return nodes.get({ filter: (n) => !n.hidden }).length;
  }
  function showCount() {
    $("qkg-visible").textContent = visibleCount() + " of " + nodes.length + " nodes shown";
  }
  function applyFilters() {
    const cat = $("qkg-category").value, fam = $("qkg-family").value;
    const lo = parseInt($("qkg-year-min").value, 10), hi = parseInt($("qkg-year-max").value, 10);
    const updates = [];
    for (const n of graph.nodes) {
      if (n.kind !== "paper" && n.kind !== "method") continue;
      let show = true;
      if (cat && !(n.categories || []).includes(cat)) show = false;
      if (fam && !(n.families || []).includes(fam)) show = false;
      if (n.year && !isNaN(lo) && n.year < lo) show = false;
      if (n.year && !isNaN(hi) && n.year > hi) show = false;
      updates.push({ id: n.id, hidden: !show });
    }
    nodes.update(updates);
    showCount();
  }
  ["qkg-category", "qkg-family", "qkg-year-min", "qkg-year-max"].forEach((id) => $(id).addEventListener("change", applyFilters));
  $("qkg-reset").addEventListener("click", () => {
    $("qkg-category").value = ""; $("qkg-family").value = "";
    if (minYear !== Infinity) { $("qkg-year-min").value = minYear; $("qkg-year-max").value = maxYear; }
    applyFilters();
    highlight(null);
  });

  // Clicking a node highlights its neighbourhood; clicking the background restores colours.
  let highlighted = null;
  function highlight(id) {
    const near = new Set(id === null ? [] : [id, ...network.getConnectedNodes(id)]);
    const updates = graph.nodes.map((n) => ({
      id: n.id,
      color: id === null || near.has(n.id) ? original[n.id] : "rgba(200,200,200,0.35)",
    }));
    nodes.update(updates);
    highlighted = id;
  }
  network.on("click", (params) => highlight(params.nodes.length ? params.nodes[0] : null));

  showCount();
  window.qkg = { network: network, nodes: nodes, edges: edges, find: find, applyFilters: applyFilters, visibleCount: visibleCount,
                 highlighted: () => highlighted, ready: false, readyAt: null };
  network.once("afterDrawing", () => { window.qkg.ready = true; window.qkg.readyAt = performance.now(); });
})();
