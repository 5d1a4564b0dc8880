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
  // A busy lineage is larger than its window: open it centred on the method itself, not on an empty corner.
  const canvas = document.querySelector(".canvas");
  const focus = document.querySelector("svg.lineage a.node.focus circle");
  if (canvas && focus) {
    const c = canvas.getBoundingClientRect(), f = focus.getBoundingClientRect();
    canvas.scrollLeft += f.left + f.width / 2 - (c.left + canvas.clientWidth / 2);
    canvas.scrollTop += f.top + f.height / 2 - (c.top + canvas.clientHeight / 2);
  }
  window.qkg = { ready: true, readyAt: performance.now() };
})();
