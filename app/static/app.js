// Investigator UI: hash-routed single page over the /v1 API. No build step; Cytoscape.js is vendored.
"use strict";

const SEED_COLOURS = { CN: "#D55E00", RU: "#0072B2", IR: "#009E73", KP: "#CC79A7" };
const MAX_NODES = 200;
const state = { meta: null, entity: null, verdict: null, owners: null, subsidiaries: null, cy: null, view: {} };

const $ = (id) => document.getElementById(id);
const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { "Content-Type": "application/json" }, ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const where = (body.details || []).map((d) => d.field).filter(Boolean).join(", ");
    throw new Error(`${body.message || response.statusText}${where ? ` (${where})` : ""}`);
  }
  return body;
}

function showError(error) {
  const box = $("error");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

function show(view) {
  for (const id of ["home-view", "search-view", "entity-view"]) $(id).hidden = id !== view;
}

function parseHash() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || "") };
}

function entityLink(ref, extra = {}) {
  const params = new URLSearchParams({ ...pickView(), ...extra });
  for (const [k, v] of [...params]) if (!v) params.delete(k);
  return `#/entity/${encodeURIComponent(ref)}${params.toString() ? "?" + params : ""}`;
}

function pickView() {
  const v = state.view;
  return { policy: v.policy || "", as_of: v.as_of || "", depth: v.depth || "" };
}

function badge(verdict, label, detail) {
  const cls = verdict || "no_match";
  return `<span class="badge ${esc(cls)}" data-verdict="${esc(cls)}">${esc(label ? `${label}: ` : "")}${esc(cls.toUpperCase())}${detail ? `<small>${esc(detail)}</small>` : ""}</span>`;
}

function shareText(s) {
  if (!s) return "";
  const lo = `${s.min_exclusive ? ">" : ""}${s.min}`;
  const hi = `${s.max_exclusive ? "<" : ""}${s.max}`;
  return s.min === s.max && !s.min_exclusive && !s.max_exclusive ? `${s.min}%` : `${lo}–${hi}%`;
}

function interestLabel(i) {
  if (i.relation === "CONTROLS") return (i.kind || "control").replace(/_/g, " ");
  if (i.share_min == null && i.share_max == null) return "undisclosed";
  return shareText({ min: i.share_min ?? 0, max: i.share_max ?? 100, min_exclusive: i.share_min_exclusive, max_exclusive: i.share_max_exclusive });
}

// ---------------------------------------------------------------- home and search

async function loadMeta() {
  if (!state.meta) state.meta = await api("/v1/meta");
  return state.meta;
}

async function renderHome() {
  show("home-view");
  const meta = await loadMeta();
  $("policies-summary").innerHTML = "<h2>Active policies</h2><ul>" + meta.policies.map((p) =>
    `<li><b>${esc(p.id)}</b> v${esc(p.version)} (${esc(p.threshold)}): ${esc(p.description || "")}
     <span class="muted">generation ${esc(p.generation || "none yet")}</span></li>`).join("") + "</ul>";
}

async function verdictsFor(ids, policy) {
  const out = {};
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const body = await api("/v1/screen", { method: "POST", body: JSON.stringify({ policy, queries: chunk.map((id) => ({ identifier: id })), limit: 1 }) });
    body.results.forEach((r, n) => { out[chunk[n]] = r.candidates[0] ? r.candidates[0].verdict : null; });
  }
  return out;
}

async function renderSearch(q) {
  show("search-view");
  $("search-query").textContent = q;
  $("search-input").value = q;
  $("search-status").textContent = "Searching…";
  $("search-results").innerHTML = "";
  const meta = await loadMeta();
  const found = await api(`/v1/search?q=${encodeURIComponent(q)}&limit=25`);
  if (!found.results.length) {
    $("search-status").textContent = "No match. (No match is not a clear verdict: the entity may be absent from the data.)";
    return;
  }
  const ids = found.results.map((r) => r.id);
  const verdicts = await verdictsFor(ids, meta.default_policy);
  $("search-status").textContent = `${found.results.length}${found.truncated ? "+" : ""} results; verdicts under ${meta.default_policy}`;
  $("search-results").innerHTML = found.results.map((r) => {
    const v = verdicts[r.id];
    const where = [r.jurisdiction && `incorporated ${r.jurisdiction}`, r.headquarters && `HQ ${r.headquarters}`].filter(Boolean).join(", ");
    return `<li data-id="${esc(r.id)}">${badge(v && v.verdict)} <a href="${entityLink(r.id)}">${esc(r.name || r.id)}</a>
      <span class="muted">${esc(r.kind || "")} ${esc(where)} · ${r.matched === "identifier" ? "identifier match" : `score ${r.score}`}</span>
      <div class="identifiers">${esc((r.identifiers || []).join("  "))}</div></li>`;
  }).join("");
}

// ---------------------------------------------------------------- entity page

async function renderEntity(ref, params) {
  show("entity-view");
  const meta = await loadMeta();
  state.view = { ref, policy: params.get("policy") || meta.default_policy, as_of: params.get("as_of") || "",
                 depth: params.get("depth") || "3" };
  $("policy-select").innerHTML = meta.policies.map((p) => `<option value="${esc(p.id)}">${esc(p.id)} (${esc(p.threshold)})</option>`).join("");
  $("policy-select").value = state.view.policy;
  $("as-of-input").value = state.view.as_of;
  $("depth-input").value = state.view.depth;
  $("whatif-result").innerHTML = "";
  const asOf = state.view.as_of ? `&as_of=${state.view.as_of}` : "";
  const depth = Math.max(1, Math.min(10, Number(state.view.depth) || 3));
  const enc = encodeURIComponent(ref);
  const [entity, owners, subsidiaries, ...verdicts] = await Promise.all([
    api(`/v1/entities/${enc}`),
    api(`/v1/entities/${enc}/owners?depth=${depth}${asOf}`),
    api(`/v1/entities/${enc}/subsidiaries?depth=${Math.min(depth, 2)}${asOf}`),
    ...meta.policies.map((p) => api(`/v1/entities/${enc}/verdict?policy=${encodeURIComponent(p.id)}${asOf}`)),
  ]);
  Object.assign(state, { entity, owners, subsidiaries });
  state.verdict = verdicts[meta.policies.findIndex((p) => p.id === state.view.policy)] || verdicts[0];
  document.title = `${entity.name || entity.id} · Ownership investigation`;
  $("entity-name").textContent = entity.name || entity.id;
  $("entity-facts").textContent = [entity.kind, entity.entity_type, entity.jurisdiction && `incorporated in ${entity.jurisdiction}`,
    entity.headquarters && `headquartered in ${entity.headquarters}`, entity.dissolved && `dissolved ${entity.dissolved}`,
    `sources: ${(entity.sources || []).join(", ")}`].filter(Boolean).join(" · ");
  $("entity-identifiers").textContent = entity.identifiers.join("   ");
  $("verdict-badges").innerHTML = verdicts.map((v) => badge(v.verdict, v.policy.id,
    `restricted share ${shareText(v.restricted_share)} · ${v.mode}${v.generation ? "" : " (on demand)"}`)).join("");
  $("verdict-reason").textContent = state.verdict.reason;
  const lookthrough = state.verdict.lookthrough_share;
  $("verdict-arithmetic").textContent = `${state.verdict.evidence.arithmetic} · look-through ${shareText(lookthrough)}` +
    (lookthrough.converged ? "" : " (a lower bound: its rounds stopped before converging)") +
    ` · as of ${state.verdict.as_of} · policy ${state.verdict.policy.id} v${state.verdict.policy.version}` +
    (state.verdict.generation ? ` · generation ${state.verdict.generation}` : "");
  renderEvidence(state.verdict);
  await renderGraph(entity, owners, subsidiaries, state.verdict);
}

function decidingEdges(verdict) {
  const keys = new Set();
  for (const h of verdict.evidence.holders || []) if (h.counts) keys.add(`${h.holder_id}>${verdict.entity.id}>${h.relation}`);
  for (const c of verdict.evidence.chain || []) keys.add(`${c.holder_id}>${c.subject_id}>${c.relation}`);
  return keys;
}

async function renderGraph(entity, owners, subsidiaries, verdict) {
  const parties = new Map();
  for (const p of owners.parties) parties.set(p.id, { ...p, level: -p.level });
  for (const p of subsidiaries.parties) if (!parties.has(p.id)) parties.set(p.id, p);
  const ordered = [...parties.values()].sort((a, b) => Math.abs(a.level) - Math.abs(b.level));
  const shown = new Set(ordered.slice(0, MAX_NODES).map((p) => p.id));
  const hidden = ordered.length - shown.size;
  const nodeVerdicts = await verdictsFor([...shown], state.view.policy);
  const deciding = decidingEdges(verdict);
  const elements = [];
  for (const id of shown) {
    const p = parties.get(id);
    const v = nodeVerdicts[id];
    const seed = v && v.reason && v.reason.startsWith("restricted origin") ? (p.jurisdiction in SEED_COLOURS ? p.jurisdiction : p.headquarters) : null;
    elements.push({ data: { id, level: p.level, label: `${p.name || p.id}${p.jurisdiction ? ` (${p.jurisdiction})` : ""}`, verdict: (v && v.verdict) || "clear",
      colour: (seed && SEED_COLOURS[seed]) || (id === entity.id ? "#ffffff" : "#eeeeee"), root: id === entity.id ? 1 : 0 } });
  }
  const seen = new Set();
  for (const i of [...owners.interests, ...subsidiaries.interests]) {
    const key = `${i.holder}>${i.subject}>${i.relation}>${i.statement_id || ""}>${i.kind || i.measure || ""}`;
    if (seen.has(key) || !shown.has(i.holder) || !shown.has(i.subject)) continue;
    seen.add(key);
    elements.push({ data: { id: `e${seen.size}`, source: i.holder, target: i.subject, label: interestLabel(i), relation: i.relation,
      deciding: deciding.has(`${i.holder}>${i.subject}>${i.relation}`) ? 1 : 0, statement: i.statement_id || "" } });
  }
  $("graph-note").textContent = `${shown.size} parties shown` + (hidden > 0 ? `; ${hidden} more not shown (collapsed beyond ${MAX_NODES}; lower the depth or open a party)` : "")
    + (owners.truncated || subsidiaries.truncated ? "; the tree was cut short by the depth or size limit" : "");
  // A wide level (a holding with hundreds of subsidiaries) would be one endless row in a hierarchy:
  // rings around the entity instead, one ring per level, owners and subsidiaries alike.
  const perLevel = {};
  for (const id of shown) perLevel[parties.get(id).level] = (perLevel[parties.get(id).level] || 0) + 1;
  const wide = Math.max(...Object.values(perLevel)) > 25;
  const layout = wide
    ? { name: "concentric", concentric: (n) => 100 - Math.abs(n.data("level")), levelWidth: () => 1, minNodeSpacing: 12, animate: false, fit: true, padding: 30 }
    : { name: "dagre", rankDir: "TB", nodeSep: 70, rankSep: 90, animate: false, fit: true, padding: 30 };
  if (state.cy) state.cy.destroy();
  state.cy = cytoscape({
    container: $("graph"), elements, wheelSensitivity: 0.3, maxZoom: 1.25, minZoom: 0.05, layout,
    style: [
      { selector: "node", style: { label: "data(label)", "background-color": "data(colour)", "border-color": "#444", "border-width": 1,
        "text-wrap": "wrap", "text-max-width": 120, "font-size": 10, "text-valign": "bottom", "text-margin-y": 4, width: 26, height: 26 } },
      { selector: "node[root = 1]", style: { shape: "round-rectangle", width: 40, height: 30, "font-weight": "bold", "font-size": 12 } },
      { selector: 'node[verdict = "restricted"]', style: { "border-width": 5, "border-color": "#000" } },
      { selector: 'node[verdict = "review"]', style: { "border-width": 3, "border-style": "dashed", "border-color": "#000" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#888", "target-arrow-color": "#888", "target-arrow-shape": "triangle",
        "curve-style": "bezier", label: "data(label)", "font-size": 9, "text-background-color": "#fff", "text-background-opacity": 0.85 } },
      { selector: 'edge[relation = "CONTROLS"]', style: { "line-style": "dashed", "line-color": "#E69F00", "target-arrow-color": "#E69F00" } },
      { selector: "edge[deciding = 1]", style: { width: 5, "line-color": "#000", "target-arrow-color": "#000", "z-index": 10 } },
    ],
  });
  state.cy.on("tap", "node", (event) => { location.hash = entityLink(event.target.id()); });
}

function renderEvidence(verdict) {
  const ev = verdict.evidence;
  $("evidence-table").querySelector("tbody").innerHTML = (ev.holders || []).map((h, n) => `<tr data-holder="${esc(h.holder_id)}">
    <td><a href="${entityLink(h.holder_id)}">${esc(h.holder_name || h.holder_id)}</a></td><td>${badge(h.holder_verdict)}</td>
    <td>${esc(h.relation)} ${esc(h.interest_type || "")}</td><td>${esc(h.share || h.kind || "")}</td><td>${h.counts ? "yes" : "no"}</td>
    <td>${esc(h.source || "")}</td><td class="mono">${esc(h.statement_id || "")}</td>
    <td><button type="button" class="whatif-remove" data-n="${n}">Remove</button></td></tr>`).join("")
    || `<tr><td colspan="8" class="muted">No holder is recorded for this entity on this date.</td></tr>`;
  $("chain-table").querySelector("tbody").innerHTML = (ev.chain || []).map((c) => `<tr>
    <td><a href="${entityLink(c.holder_id)}">${esc(c.holder_name || c.holder_id)}</a></td><td class="mono">${esc(c.subject_id)}</td>
    <td>${esc(c.share || c.kind || "")}</td><td>${badge(c.holder_verdict)}</td><td>${esc(c.holder_seed_reason || "")}</td>
    <td>${esc(c.source || "")}</td><td class="mono">${esc(c.statement_id || "")}</td></tr>`).join("")
    || `<tr><td colspan="7" class="muted">${ev.seed_reason ? `This entity is itself a restricted origin: ${esc(ev.seed_reason)}` : "No chain: no restricted holder above the direct holders."}</td></tr>`;
  for (const button of document.querySelectorAll(".whatif-remove")) {
    button.addEventListener("click", () => {
      const h = ev.holders[Number(button.dataset.n)];
      simulate([{ action: "remove", holder: h.holder_id, subject: verdict.entity.id, relation: h.relation }],
        `without the ${h.relation === "OWNS" ? "stake" : "control"} of ${h.holder_name || h.holder_id}`).catch(showError);
    });
  }
}

async function simulate(changes, description) {
  const body = { ref: state.entity.id, policy: state.view.policy, changes };
  if (state.view.as_of) body.as_of = state.view.as_of;
  const result = await api("/v1/simulate", { method: "POST", body: JSON.stringify(body) });
  $("whatif-result").innerHTML = `<div class="compare" data-changed="${result.changed}">
    <span>What if ${esc(description)}:</span> ${badge(result.before.verdict, "now")} <span>→</span> ${badge(result.after.verdict, "what-if",
    `restricted share ${shareText(result.after.restricted_share)}`)}</div><p class="muted">${esc(result.after.reason)}</p>`;
}

// ---------------------------------------------------------------- exports

function download(name, blob) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

function fileStem() {
  return `${(state.entity.name || state.entity.id).replace(/[^A-Za-z0-9]+/g, "-")}-${state.view.policy}`;
}

function evidenceCsv(verdict) {
  const cell = (v) => `"${String(v ?? "").replace(/"/g, '""')}"`;
  const head = ["part", "holder_id", "holder_name", "subject_id", "relation", "share_or_kind", "holder_verdict", "counts", "source", "statement_id"];
  const rows = (verdict.evidence.holders || []).map((h) => ["holder", h.holder_id, h.holder_name, verdict.entity.id, h.relation, h.share || h.kind, h.holder_verdict, h.counts, h.source, h.statement_id]);
  for (const c of verdict.evidence.chain || []) rows.push(["chain", c.holder_id, c.holder_name, c.subject_id, c.relation, c.share || c.kind, c.holder_verdict, "", c.source, c.statement_id]);
  return [head, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

$("export-json").addEventListener("click", () => download(`${fileStem()}-evidence.json`, new Blob([JSON.stringify(state.verdict, null, 2)], { type: "application/json" })));
$("export-csv").addEventListener("click", () => download(`${fileStem()}-evidence.csv`, new Blob([evidenceCsv(state.verdict)], { type: "text/csv" })));
$("export-png").addEventListener("click", () => download(`${fileStem()}-graph.png`, state.cy.png({ full: true, scale: 2, bg: "#ffffff", output: "blob" })));
$("copy-link").addEventListener("click", async () => {
  const link = location.href;
  try { await navigator.clipboard.writeText(link); $("copy-link").textContent = "Link copied"; } catch { prompt("Permalink", link); }
});

// ---------------------------------------------------------------- forms and routing

$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = $("search-input").value.trim();
  if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
});
$("controls").addEventListener("submit", (event) => {
  event.preventDefault();
  location.hash = entityLink(state.view.ref, { policy: $("policy-select").value, as_of: $("as-of-input").value, depth: $("depth-input").value });
});
$("whatif-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const holder = $("whatif-holder").value.trim();
  const share = Number($("whatif-share").value);
  simulate([{ action: "add", holder, subject: state.entity.id, relation: "OWNS", measure: "equity", share_min: share, share_max: share }],
    `${holder} held ${share}%`).catch(showError);
});

async function route() {
  showError(null);
  const { parts, params } = parseHash();
  try {
    if (parts[0] === "search" && params.get("q")) await renderSearch(params.get("q"));
    else if (parts[0] === "entity" && parts[1]) await renderEntity(parts[1], params);
    else await renderHome();
    document.body.dataset.ready = location.hash || "#/";
  } catch (error) {
    showError(error);
    document.body.dataset.ready = "error";
  }
}

window.addEventListener("hashchange", () => { document.body.dataset.ready = ""; route(); });
route();
