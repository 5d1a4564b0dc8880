// qkg method pages: hovering, focusing or clicking an edge of the lineage shows its evidence (the SVG
// title, set as text) and marks the matching list entry. Nothing from the lists is parsed as HTML.
(function () {
  "use strict";
  const info = document.getElementById("edge-info");
  let pinned = null;

  function show(edge, pin) {
    const title = edge.querySelector("title");
    info.textContent = title ? title.textContent : "";
    info.hidden = false;
    document.querySelectorAll("g.edge.active, li.active").forEach((e) => e.classList.remove("active"));
    edge.classList.add("active");
    const item = edge.dataset.item ? document.getElementById(edge.dataset.item) : null;
    if (item) item.classList.add("active");
    if (pin) pinned = edge;
  }
  function hide() {
    if (pinned) { show(pinned, false); return; }
    info.hidden = true;
    document.querySelectorAll("g.edge.active, li.active").forEach((e) => e.classList.remove("active"));
  }
  document.querySelectorAll("svg.lineage g.edge").forEach((edge) => {
    edge.addEventListener("mouseenter", () => show(edge, false));
    edge.addEventListener("mouseleave", hide);
    edge.addEventListener("focus", () => show(edge, false));
    edge.addEventListener("blur", hide);
    edge.addEventListener("click", (ev) => { ev.stopPropagation(); show(edge, true); });
  });
  document.querySelector("svg.lineage").addEventListener("click", () => { pinned = null; hide(); });
  window.qkg = { ready: true, readyAt: performance.now() };
})();
