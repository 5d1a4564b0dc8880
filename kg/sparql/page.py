"""The page at `/` of `qkg serve`: a query box, the library's questions with their parameters, a results table."""

from __future__ import annotations

import html
import json


def query_page() -> str:
    """The page at /: a query box, the library's questions to pick from, a results table."""
    from kg.sparql.query import library

    questions = [{"name": q.name, "title": q.title, "question": q.question, "text": q.text, "params": q.params} for q in library().values()]
    # JSON inside <script>: escape '<' so no title can close the script element.
    data = json.dumps(questions).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    options = "\n".join(f'<option value="{html.escape(q["name"])}">{html.escape(q["title"])}</option>' for q in questions)
    return PAGE.replace("{{OPTIONS}}", options).replace("{{DATA}}", data)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qkg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:80rem}
textarea{width:100%;height:14rem;font-family:monospace;font-size:.9rem}
table{border-collapse:collapse;margin-top:1rem;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
#status{margin-top:.5rem;color:#555}.err{color:#b00}#params label{margin-right:1rem}#params input{width:10rem}
</style></head><body>
<h1>qkg: quantization research knowledge graph</h1>
<p>Ask a question of the graph in SPARQL, or pick one of the library's. Endpoint: <code>/sparql</code>. Views: <a href="/graph/">/graph</a>.</p>
<label>Research question: <select id="pick"><option value="">(write your own)</option>
{{OPTIONS}}
</select></label>
<p id="question"></p>
<form id="params"></form>
<textarea id="query" spellcheck="false">SELECT ?label WHERE { ?m a qkg:Method ; rdfs:label ?label } ORDER BY ?label LIMIT 20</textarea>
<button id="run">Run</button>
<div id="status"></div>
<table id="results"></table>
<script id="library" type="application/json">{{DATA}}</script>
<script>
const lib = JSON.parse(document.getElementById('library').textContent);
const byName = Object.fromEntries(lib.map(q => [q.name, q]));
const form = document.getElementById('params'), box = document.getElementById('query');
let picked = null;
document.getElementById('pick').addEventListener('change', e => {
  picked = byName[e.target.value] || null;
  document.getElementById('question').textContent = picked ? picked.question : '';
  form.replaceChildren();
  if (!picked) return;
  box.value = picked.text;
  // One field per parameter: the server binds them through the same code as `qkg query --param`.
  for (const [name, value] of Object.entries(picked.params)) {
    const label = document.createElement('label'), input = document.createElement('input');
    label.textContent = name + ' '; input.name = name; input.value = value; input.id = 'param-' + name;
    label.appendChild(input); form.appendChild(label);
  }
});
form.addEventListener('submit', e => { e.preventDefault(); run(); });
async function run() {
  const status = document.getElementById('status'), table = document.getElementById('results');
  table.replaceChildren(); status.className = ''; status.textContent = 'running...';
  const text = box.value, accept = {'Accept': 'application/sparql-results+json'};
  let resp;
  if (picked && text === picked.text) {  // the library's query as it is: run it by name, with the parameters given
    const args = new URLSearchParams(new FormData(form));
    resp = await fetch('/library/' + encodeURIComponent(picked.name) + '?' + args, {headers: accept});
  } else {
    resp = await fetch('/sparql', {method: 'POST', headers: {'Content-Type': 'application/sparql-query', ...accept}, body: text});
  }
  const body = await resp.text();
  if (!resp.ok) { status.className = 'err'; status.textContent = body; return; }
  const data = JSON.parse(body);
  if ('boolean' in data) { status.textContent = 'answer: ' + data.boolean; return; }
  const vars = data.head.vars, head = table.insertRow();
  vars.forEach(v => { const th = document.createElement('th'); th.textContent = v; head.appendChild(th); });
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    vars.forEach(v => { row.insertCell().textContent = b[v] ? b[v].value : ''; });
  }
  const n = data.results.bindings.length; status.textContent = n + (n === 1 ? ' row' : ' rows') + (resp.headers.get('X-QKG-Truncated') ? ' (truncated)' : '');
}
document.getElementById('run').addEventListener('click', run);
</script></body></html>
"""
