// views.html: the method search matches a substring of a method's name or of any alias, in any case.
(function () {
  "use strict";
  const box = document.getElementById("method-search");
  const items = Array.from(document.querySelectorAll("#methods li"));
  const count = document.getElementById("method-count");
  function apply() {
    const q = box.value.trim().toLowerCase();
    let shown = 0;
    for (const li of items) {
      const hit = !q || li.dataset.names.includes(q);
      li.hidden = !hit;
      if (hit) shown += 1;
    }
    count.textContent = shown + " of " + items.length + " methods";
  }
  box.addEventListener("input", apply);
  apply();
  window.qkg = { ready: true, readyAt: performance.now(), search: (q) => { box.value = q; apply(); return items.filter((li) => !li.hidden).map((li) => li.dataset.slug); } };
})();
