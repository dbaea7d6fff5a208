/* stratagraph lineage explorer: search, lineage graph (cytoscape.js), details for auditors.
 * Talks only to the GraphQL API of the server that serves it, with a bearer token given in
 * the page or in the URL fragment (#token=...&uid=...&label=...&at=...&direction=...).
 * Every value from the graph is put in the page as text (never as HTML). */
(function () {
  "use strict";

  const COLORS = {
    KPIObservation: "#2563eb", Action: "#7c3aed", Run: "#9333ea", Campaign: "#0891b2",
    PlanItem: "#0d9488", Strategy: "#16a34a", Approval: "#ca8a04", ValidationReport: "#a16207",
    Goal: "#65a30d", Audience: "#db2777", Channel: "#ea580c", Asset: "#e11d48",
    Signal: "#c026d3", IngestBatch: "#475569", DataSource: "#111827", Market: "#0369a1",
    Contact: "#9f1239", Violation: "#b91c1c", AuditEvent: "#57534e",
  };
  const TRAIL = "#d9480f";
  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem("stratagraph-token") || "",
    root: null, // {uid, label}
    nodes: new Map(), // id -> node
    edges: new Map(),
    hiddenLabels: new Set(),
    selected: null,
    lastRenderMs: null,
    loading: 0,
  };
  let cy = null;

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function status(text, error) {
    const s = $("status");
    s.textContent = text;
    s.classList.toggle("error", !!error);
  }

  function fmt(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") {
      return Math.abs(value) >= 100 ? value.toLocaleString("en", { maximumFractionDigits: 0 })
        : String(Math.round(value * 1000) / 1000);
    }
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  async function gql(query, variables) {
    if (!state.token) {
      $("token-box").open = true;
      throw new Error("enter an API token first (stratagraph token create --name NAME --role viewer)");
    }
    state.loading += 1;
    try {
      const response = await fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer " + state.token },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.status === 401) {
        $("token-box").classList.remove("ok");
        $("token-box").open = true;
        throw new Error((body.errors && body.errors[0].message) || "the token was refused");
      }
      if (body.errors && body.errors.length && !body.data) {
        throw new Error(body.errors.map((e) => e.message).join("; "));
      }
      $("token-box").classList.add("ok");
      return body;
    } finally {
      state.loading -= 1;
    }
  }

  // ------------------------------------------------------------------ fragment / token

  function readFragment() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.get("token")) {
      setToken(params.get("token"));
      params.delete("token");
      // keep the secret out of the address bar and the history
      history.replaceState(null, "", location.pathname + (params.toString() ? "#" + params.toString() : ""));
    }
    if (params.get("direction")) $("direction").value = params.get("direction").toUpperCase();
    if (params.get("depth")) $("depth").value = params.get("depth");
    if (params.get("fanout")) $("fanout").value = params.get("fanout");
    if (params.get("at")) {
      const at = new Date(params.get("at"));
      if (!isNaN(at)) $("at").value = toLocalInput(at);
    }
    return params;
  }

  function setToken(token) {
    state.token = token.trim();
    sessionStorage.setItem("stratagraph-token", state.token);
    $("token").value = "";
    $("token-box").open = false;
  }

  function toLocalInput(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  }

  function atValue() {
    const v = $("at").value;
    if (!v) return null;
    const d = new Date(v);
    return isNaN(d) ? null : d.toISOString();
  }

  // ------------------------------------------------------------------ search

  async function search(text) {
    text = text.trim();
    if (!text) return;
    status("searching " + text + " ...");
    const list = $("results");
    list.replaceChildren();
    try {
      const body = await gql(
        "query($t: String!) { search(text: $t, first: 30) { label uid name createdAt } }",
        { t: text });
      const hits = body.data.search;
      for (const hit of hits) {
        const button = el("button", { type: "button", "data-uid": hit.uid, "data-label": hit.label,
          onclick: () => open(hit.uid, hit.label) },
        el("span", { class: "lbl" }, hit.label), hit.name ? `${hit.name} (${hit.uid})` : hit.uid);
        list.append(el("li", {}, button));
      }
      status(hits.length ? `${hits.length} found; pick one` : `nothing found for "${text}"`);
      if (hits.length === 1) open(hits[0].uid, hits[0].label);
    } catch (e) {
      status(e.message, true);
    }
  }

  // ------------------------------------------------------------------ lineage

  const LINEAGE = `query($uid: ID!, $label: String, $dir: Direction!, $depth: Int!, $at: String,
      $max: Int!, $fanout: Int!) {
    lineage(uid: $uid, label: $label, direction: $dir, depth: $depth, at: $at, maxNodes: $max,
            fanout: $fanout) {
      root at truncated trail statements milliseconds
      nodes { id label uid name depth side createdAt properties omitted currentStatus parent onTrail }
      edges { id type source target properties onTrail }
    }
  }`;

  async function open(uid, label) {
    state.root = { uid, label };
    const at = atValue();
    const fragment = new URLSearchParams({ uid, label, direction: $("direction").value,
      depth: $("depth").value, fanout: $("fanout").value });
    if (at) fragment.set("at", at);
    history.replaceState(null, "", "#" + fragment.toString());
    status(`lineage of ${label} ${uid} ...`);
    try {
      const body = await gql(LINEAGE, {
        uid, label, dir: $("direction").value, depth: Number($("depth").value) || 6, at,
        max: 2000, fanout: Number($("fanout").value) || 40,
      });
      if (!body.data || !body.data.lineage) {
        throw new Error((body.errors || []).map((e) => e.message).join("; ") || "no answer");
      }
      render(body.data.lineage);
      select(body.data.lineage.root);
    } catch (e) {
      status(e.message, true);
    }
  }

  async function expand(id) {
    const node = state.nodes.get(id);
    if (!node) return;
    status(`neighbours of ${node.label} ${node.uid} ...`);
    try {
      const body = await gql(LINEAGE, {
        uid: node.uid, label: node.label, dir: "BOTH", depth: 1, at: atValue(), max: 500, fanout: 100,
      });
      merge(body.data.lineage, node);
    } catch (e) {
      status(e.message, true);
    }
  }

  function layout(nodes) {
    // layers by depth: upstream to the right of the root, downstream to the left; a tall
    // layer wraps into sub-columns; within a layer, in the order of their parents (fewer
    // crossings). O(n log n), so thousands of nodes lay out at once.
    const layers = new Map();
    for (const n of nodes) {
      const x = n.side === "downstream" ? -n.depth : n.depth;
      if (!layers.has(x)) layers.set(x, []);
      layers.get(x).push(n);
    }
    const pos = new Map();
    const ROWS = 16, GAP_Y = 44, GAP_X = 70, LAYER_GAP = 230;
    const offset = { 1: 0, [-1]: 0 };
    for (const x of [...layers.keys()].sort((a, b) => Math.abs(a) - Math.abs(b))) {
      const layer = layers.get(x);
      layer.sort((a, b) => {
        const pa = pos.get(a.parent), pb = pos.get(b.parent);
        return (pa ? pa.y : 0) - (pb ? pb.y : 0) || a.label.localeCompare(b.label) || a.uid.localeCompare(b.uid);
      });
      const sign = x < 0 ? -1 : 1;
      const cols = Math.max(1, Math.ceil(layer.length / ROWS));
      const rows = Math.ceil(layer.length / cols);
      const start = x === 0 ? 0 : offset[sign] + LAYER_GAP;
      layer.forEach((n, i) => {
        const col = Math.floor(i / rows), row = i % rows;
        pos.set(n.id, { x: sign * (start + col * GAP_X), y: (row - (rows - 1) / 2) * GAP_Y });
      });
      if (x !== 0) offset[sign] = start + (cols - 1) * GAP_X;
    }
    return pos;
  }

  function elementsFor(lineage, positions) {
    const els = [];
    for (const n of lineage.nodes) {
      els.push({
        group: "nodes",
        data: { id: n.id, label: n.label, name: shortName(n), color: COLORS[n.label] || "#6b7280" },
        position: positions.get(n.id) || { x: 0, y: 0 },
        classes: (n.onTrail ? "trail " : "") + (n.id === lineage.root ? "root" : ""),
      });
    }
    for (const e of lineage.edges) {
      els.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, type: e.type },
        classes: e.onTrail ? "trail" : "" });
    }
    return els;
  }

  function shortName(n) {
    const name = n.name && n.name !== n.uid ? n.name : n.uid;
    return name.length > 42 ? name.slice(0, 40) + "…" : name;
  }

  function ensureCy() {
    if (cy) return cy;
    cy = cytoscape({
      container: $("graph"),
      minZoom: 0.02,
      maxZoom: 3,
      hideEdgesOnViewport: true,
      textureOnViewport: true,
      pixelRatio: 1,
      style: [
        { selector: "node", style: {
          "background-color": "data(color)", width: 14, height: 14, label: "data(name)",
          "font-size": 9, color: "#1d2330", "text-valign": "bottom", "text-margin-y": 2,
          "min-zoomed-font-size": 7, "text-max-width": 180, "text-wrap": "ellipsis" } },
        { selector: "node.root", style: { width: 24, height: 24, "border-width": 3, "border-color": "#111",
          "font-size": 13, "min-zoomed-font-size": 0 } },
        { selector: "node.trail", style: { "border-width": 3, "border-color": TRAIL, "font-weight": "bold",
          "font-size": 12, "min-zoomed-font-size": 0, color: TRAIL } },
        { selector: "node:selected", style: { "overlay-color": "#2563eb", "overlay-opacity": 0.25, "overlay-padding": 6 } },
        { selector: "node.label-hidden", style: { display: "none" } },
        { selector: "edge", style: { width: 1, "line-color": "#b6bcc6", "curve-style": "haystack",
          "haystack-radius": 0, opacity: 0.7 } },
        { selector: "edge.trail", style: { width: 4, "line-color": TRAIL, opacity: 1, "z-index": 10,
          "curve-style": "bezier", "target-arrow-shape": "triangle", "target-arrow-color": TRAIL,
          label: "data(type)", "font-size": 8, "text-rotation": "autorotate", color: TRAIL } },
      ],
    });
    cy.on("tap", "node", (ev) => select(ev.target.id()));
    cy.on("dbltap", "node", (ev) => expand(ev.target.id()));
    return cy;
  }

  function render(lineage) {
    const started = performance.now();
    state.nodes = new Map(lineage.nodes.map((n) => [n.id, n]));
    state.edges = new Map(lineage.edges.map((e) => [e.id, e]));
    state.trail = lineage.trail;
    state.lineage = lineage;
    const g = ensureCy();
    g.batch(() => {
      g.elements().remove();
      g.add(elementsFor(lineage, layout(lineage.nodes)));
    });
    applyLabelFilter();
    g.fit(undefined, 30);
    return new Promise((resolve) => {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        state.lastRenderMs = performance.now() - started;
        const cut = lineage.truncated ? "; cut by the fan-out or node limit (double-click to expand)" : "";
        const at = lineage.at ? ` as of ${lineage.at}` : "";
        status(`${lineage.nodes.length} nodes, ${lineage.edges.length} edges${at}; server ${Math.round(lineage.milliseconds)} ms, drawn in ${Math.round(state.lastRenderMs)} ms${cut}`);
        document.body.dataset.rendered = String(lineage.nodes.length);
        renderTrail(lineage);
        renderLabels();
        resolve(state.lastRenderMs);
      }));
    });
  }

  function merge(part, around) {
    const g = ensureCy();
    const fresh = part.nodes.filter((n) => !state.nodes.has(n.id));
    const base = g.getElementById(around.id).position();
    g.batch(() => {
      fresh.forEach((n, i) => {
        state.nodes.set(n.id, { ...n, onTrail: false });
        const angle = (2 * Math.PI * i) / Math.max(1, fresh.length);
        g.add({ group: "nodes", data: { id: n.id, label: n.label, name: shortName(n), color: COLORS[n.label] || "#6b7280" },
          position: { x: base.x + 120 * Math.cos(angle), y: base.y + 120 * Math.sin(angle) } });
      });
      for (const e of part.edges) {
        if (state.edges.has(e.id)) continue;
        state.edges.set(e.id, e);
        g.add({ group: "edges", data: { id: e.id, source: e.source, target: e.target, type: e.type } });
      }
    });
    applyLabelFilter();
    renderLabels();
    status(`${fresh.length} neighbours added; ${state.nodes.size} nodes`);
  }

  function renderTrail(lineage) {
    const list = $("trail");
    list.replaceChildren();
    for (const id of lineage.trail) {
      const n = state.nodes.get(id);
      if (!n) continue;
      const item = el("li", { class: n.label === "DataSource" ? "source" : "", "data-id": id },
        el("span", { class: "lbl" }, n.label), n.uid);
      item.addEventListener("click", () => { select(id); cy.center(cy.getElementById(id)); });
      list.append(item);
    }
    if (!lineage.trail.length) list.append(el("li", { class: "muted" }, "no trail to a data source in this view"));
  }

  function renderLabels() {
    const counts = new Map();
    for (const n of state.nodes.values()) counts.set(n.label, (counts.get(n.label) || 0) + 1);
    const box = $("labels");
    box.replaceChildren();
    for (const [label, count] of [...counts.entries()].sort()) {
      const input = el("input", { type: "checkbox", "data-label": label });
      input.checked = !state.hiddenLabels.has(label);
      input.addEventListener("change", () => {
        if (input.checked) state.hiddenLabels.delete(label); else state.hiddenLabels.add(label);
        applyLabelFilter();
      });
      box.append(el("label", {}, input, el("span", { class: "swatch", style: `background:${COLORS[label] || "#6b7280"}` }), `${label} (${count})`));
    }
  }

  function applyLabelFilter() {
    if (!cy) return;
    cy.batch(() => {
      cy.nodes().forEach((n) => n.toggleClass("label-hidden", state.hiddenLabels.has(n.data("label"))));
    });
  }

  // ------------------------------------------------------------------ side panel

  function table(props) {
    const t = el("table");
    for (const [k, v] of Object.entries(props || {}).sort()) {
      t.append(el("tr", {}, el("th", {}, k), el("td", {}, fmt(v))));
    }
    return t;
  }

  async function select(id) {
    const n = state.nodes.get(id);
    if (!n) return;
    state.selected = id;
    if (cy) { cy.$(":selected").unselect(); cy.getElementById(id).select(); }
    $("panel-title").textContent = `${n.label} ${n.uid}`;
    const actions = $("panel-actions");
    actions.replaceChildren(
      el("button", { type: "button", onclick: () => expand(id) }, "expand"),
      el("button", { type: "button", onclick: () => open(n.uid, n.label) }, "lineage from here"));
    const body = $("panel-body");
    body.replaceChildren();
    if (n.currentStatus) {
      body.append(el("p", {}, `status at that time: ${n.properties.status} (now: ${n.currentStatus})`));
    }
    if (n.omitted && Object.keys(n.omitted).length) {
      body.append(el("p", { class: "muted" }, "not shown: " + Object.entries(n.omitted).map(([t, c]) => `${c} via ${t}`).join(", ")));
    }
    body.append(el("h3", {}, "Properties"), table(n.properties));
    const extra = el("div", {}, el("p", { class: "muted" }, "loading audit trail..."));
    body.append(extra);
    try {
      extra.replaceChildren(...(await details(n)));
    } catch (e) {
      extra.replaceChildren(el("p", { class: "bad" }, e.message));
    }
  }

  function auditList(events) {
    const out = [el("h3", {}, `Audit events (${events.length})`)];
    if (!events.length) out.push(el("p", { class: "muted" }, "none about this node"));
    for (const e of events) {
      out.push(el("div", { class: "item" }, `#${e.seq} ${e.at} ${e.actor}: ${e.verb}`,
        e.details && Object.keys(e.details).length ? el("div", { class: "muted" }, JSON.stringify(e.details)) : null));
    }
    return out;
  }

  async function details(n) {
    if (n.label === "Strategy") {
      const body = await gql(`query($uid: ID!) { strategy(uid: $uid) {
          validationReports(first: 10) { nodes { uid conforms violationCount warningCount at actor
            violations(first: 20) { nodes { severity message focus path } } } }
          approvals(first: 20) { nodes { uid decision actor role reason at automatic planHash } }
          auditTrail(first: 40) { seq at actor verb details }
          approvalState } }`, { uid: n.uid });
      const s = body.data.strategy;
      if (!s) return [el("p", { class: "muted" }, "not found now")];
      const out = [el("h3", {}, `Validation reports (${s.validationReports.nodes.length})`)];
      for (const r of s.validationReports.nodes) {
        const item = el("div", { class: "item" },
          el("span", { class: r.conforms ? "ok" : "bad" }, r.conforms ? "conforms" : "does not conform"),
          ` · ${r.violationCount} violation(s), ${r.warningCount} warning(s) · ${r.at} by ${r.actor || "?"}`);
        for (const v of r.violations.nodes) item.append(el("div", { class: "bad" }, `${v.severity}: ${v.message} (${v.focus} ${v.path || ""})`));
        out.push(item);
      }
      out.push(el("h3", {}, `Approvals (${s.approvals.nodes.length})`));
      for (const a of s.approvals.nodes) {
        out.push(el("div", { class: "item" },
          el("span", { class: a.decision === "approved" ? "ok" : "bad" }, a.decision),
          ` by ${a.actor} (${a.role})${a.automatic ? " automatically" : ""} at ${a.at}: ${a.reason || ""}`));
      }
      const st = s.approvalState || {};
      out.push(el("p", {}, `may execute now: ${st.may_execute ? "yes" : "no"}` + (st.reasons && st.reasons.length ? ` (${st.reasons.join("; ")})` : "")));
      return out.concat(auditList(s.auditTrail));
    }
    const body = await gql(`query($uid: JSON!) { auditEvents(first: 40, where: [{name: "subject", value: $uid}]) {
        nodes { seq at actor verb details } } }`, { uid: n.uid });
    return auditList(body.data.auditEvents.nodes);
  }

  // ------------------------------------------------------------------ wiring

  $("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); search($("search").value); });
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    setToken($("token").value);
    status("token set; search for a node");
  });
  for (const id of ["direction", "depth", "fanout", "at"]) {
    $(id).addEventListener("change", () => { if (state.root) open(state.root.uid, state.root.label); });
  }
  $("now").addEventListener("click", () => { $("at").value = ""; if (state.root) open(state.root.uid, state.root.label); });
  window.addEventListener("hashchange", () => {
    const p = readFragment();
    if (p.get("uid") && (!state.root || state.root.uid !== p.get("uid"))) open(p.get("uid"), p.get("label") || null);
  });

  // for tests and benchmarks
  window.explorer = {
    render, open, search, expand, select,
    get lastRenderMs() { return state.lastRenderMs; },
    get nodes() { return [...state.nodes.values()]; },
    get trail() { return state.trail || []; },
    get busy() { return state.loading > 0; },
    get cy() { return cy; },
  };

  const initial = readFragment();
  if (state.token) $("token-box").classList.add("ok");
  if (initial.get("uid")) open(initial.get("uid"), initial.get("label") || null);
  else if (state.token) status("Search for a node by uid or name.");
})();
