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
      ["kind", info.kind], ["authors", info.authors], ["venue", info.venue], ["year", info.year], ["first appeared", info["first appeared"]],
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
    if (info.page) {
      const row = el("div");
      const a = el("a", "method page");
      a.href = (page.kind === "whole" ? "" : "../") + info.page;
      row.appendChild(a);
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

  // Edge tooltips: what the edge says and its evidence, as text.
  function edgeTip(info) {
    const box = el("div", null, "qkg-tip");
    box.appendChild(el("div", info.title, "t"));
    if (info.evidence) box.appendChild(el("div", info.evidence, "evidence"));
    if (info.where) box.appendChild(el("div", "shown in " + info.where, "k"));
    if (info.origin) box.appendChild(el("div", "from " + info.origin, "k"));
    return box;
  }
  const original = {};
  for (const n of graph.nodes) {
    n.title = tooltip(n.info || { title: n.label });
    original[n.id] = n.color;
  }
  for (const e of graph.edges) {
    if (e.info) e.title = edgeTip(e.info);
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

  // Toggles: papers, families and hardware are shown on demand.
  const hiddenKinds = new Set(page.hidden || []);
  for (const t of page.toggles || []) {
    const label = el("label", null, "toggle");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = "qkg-toggle-" + t.kind;
    box.checked = !hiddenKinds.has(t.kind);
    box.addEventListener("change", () => {
      if (box.checked) hiddenKinds.delete(t.kind); else hiddenKinds.add(t.kind);
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(el("span", " " + t.label));
    $("qkg-toggles").appendChild(label);
  }
  if (!(page.toggles || []).length) $("qkg-toggles").hidden = true;

  // Bands (categories) and years, drawn under the network on the whole-graph view.
  if (page.bands || page.years) {
    network.on("beforeDrawing", (ctx) => {
      ctx.save();
      ctx.font = "600 24px system-ui";
      ctx.textBaseline = "middle";
      const xs = graph.nodes.filter((n) => n.kind === "method").map((n) => n.x);
      const left = Math.min(...xs) - 40, right = Math.max(...xs) + 40;
      (page.bands || []).forEach((b, i) => {
        ctx.fillStyle = i % 2 ? "rgba(0,0,0,0.035)" : "rgba(0,0,0,0)";
        ctx.fillRect(left - 480, b.top - 24, right - left + 480, b.bottom - b.top + 48);
        ctx.fillStyle = "#555";
        ctx.textAlign = "right";
        ctx.fillText(b.label, left - 10, (b.top + b.bottom) / 2);
      });
      const top = Math.min(...(page.bands || [{ top: 0 }]).map((b) => b.top)) - 40;
      const bottom = Math.max(...(page.bands || [{ bottom: 0 }]).map((b) => b.bottom));
      ctx.textAlign = "center";
      for (const y of page.years || []) {
        ctx.strokeStyle = "rgba(0,0,0,0.12)";
        ctx.setLineDash([4, 6]);
        ctx.beginPath(); ctx.moveTo(y.x - 38, top); ctx.lineTo(y.x - 38, bottom + 24); ctx.stroke();
        ctx.fillStyle = "#333";
        ctx.textAlign = "left";
        ctx.fillText(String(y.year), y.x - 30, top - 12);
      }
      ctx.restore();
    });
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
  const byKey = new Map();  // lower-case label or alias -> node id
  for (const n of graph.nodes) {
    for (const name of [n.label, ...(n.aliases || [])]) {
      const key = String(name).toLowerCase();
      if (!byKey.has(key) || n.kind === "method") byKey.set(key, n.id);
    }
  }
  function find(label) {
    const text = String(label).trim().toLowerCase();
    let id = byLabel.get(label);
    if (id === undefined) id = byKey.get(text);
    if (id === undefined && text) {  // a substring of a method's name or alias
      const hit = graph.nodes.find((n) => n.kind === "method" && [n.label, ...(n.aliases || [])].some((a) => String(a).toLowerCase().includes(text)));
      if (hit) id = hit.id;
    }
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
  function fill(select, values, labels) {
    const named = (v) => (labels && labels[v]) || v;
    for (const v of Array.from(values).sort((a, b) => named(a).localeCompare(named(b)))) {
      const opt = el("option", named(v));
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
  fill($("qkg-category"), cats, (page.labels || {}).category);
  fill($("qkg-family"), fams, (page.labels || {}).family);
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
      if (n.kind !== "paper" && n.kind !== "method") {
        updates.push({ id: n.id, hidden: hiddenKinds.has(n.kind) });
        continue;
      }
      let show = !hiddenKinds.has(n.kind);
      if (cat && !(n.categories || []).includes(cat)) show = false;
      if (fam && !(n.families || []).includes(fam)) show = false;
      if (n.year && !isNaN(lo) && n.year < lo) show = false;
      if (n.year && !isNaN(hi) && n.year > hi) show = false;
      updates.push({ id: n.id, hidden: !show });
    }
    nodes.update(updates);
    const hiddenNow = new Set(updates.filter((u) => u.hidden).map((u) => u.id));
    edges.update(graph.edges.map((e) => ({ id: e.id, hidden: hiddenNow.has(e.from) || hiddenNow.has(e.to) })));
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

  // Whole graph: frame the methods and the band labels left of them, not the hidden papers and concepts.
  if (page.bands && page.bands.length) {
    const shown = graph.nodes.filter((n) => n.kind === "method");
    const xs = shown.map((n) => n.x), ys = shown.map((n) => n.y);
    const left = Math.min(...xs) - 520, right = Math.max(...xs) + 80;
    const top = Math.min(...ys) - 90, bottom = Math.max(...ys) + 40;
    const box = $("qkg-network").getBoundingClientRect();
    const scale = Math.min(box.width / (right - left), box.height / (bottom - top));
    network.moveTo({ position: { x: (left + right) / 2, y: (top + bottom) / 2 }, scale: scale, animation: false });
  }

  showCount();
  window.qkg = { network: network, nodes: nodes, edges: edges, find: find, edgeTip: edgeTip, applyFilters: applyFilters, visibleCount: visibleCount,
                 highlighted: () => highlighted, ready: false, readyAt: null };
  network.once("afterDrawing", () => { window.qkg.ready = true; window.qkg.readyAt = performance.now(); });
})();
