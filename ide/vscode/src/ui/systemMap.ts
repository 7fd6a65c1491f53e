import type { MapEdge, MapNode } from "../gen/patchbay/v1/provision_pb";
import type { CodeRef } from "../model/systemMap";
import { escapeHtml, openLinksScript, renderPage } from "./page";

/**
 * Column order: the variables the code reads, the services, whom they talk
 * to, what exists for them and where. Most edges (reads, uses, owns) then
 * join neighbouring columns instead of passing under a column of boxes.
 */
const columns = ["env_var", "service", "provider", "resource", "environment"];

const kindTitles: Record<string, string> = {
  service: "Services",
  env_var: "Env vars",
  provider: "Providers",
  resource: "Resources",
  environment: "Environments",
};

/** What an edge of each kind means, read along the arrow. */
const edgeMeanings: Record<string, string> = {
  uses: "uses (service → provider, resource → provider)",
  reads: "reads (service → env var)",
  provides: "provides (resource → env var)",
  owns: "owns (environment → resource)",
  calls_back: "calls back (resource → service: webhooks, OAuth redirects)",
  depends_on: "depends on (resource → resource)",
};

export interface MapColumn {
  kind: string;
  nodes: MapNode[];
}

/** A node's label; never blank (the root service has no name). */
export function nodeLabel(n: MapNode): string {
  if (n.label.trim()) return n.label;
  if (n.kind === "service") {
    const p = n.attributes.path ?? n.id.replace(/^service:/, "");
    return p && p !== "." ? p : "workspace root";
  }
  return n.id;
}

/** The label shown: providers by their display name. */
function shown(n: MapNode, providerName: (id: string) => string): string {
  return n.kind === "provider" && n.provider ? providerName(n.provider) : nodeLabel(n);
}

/**
 * Columns by kind (unknown kinds last); rows ordered to cut edge crossings:
 * by label first, then a few barycentre sweeps (each node moves towards the
 * mean row of its neighbours in other columns). Deterministic for a map.
 */
export function layout(nodes: readonly MapNode[], edges: readonly MapEdge[] = []): MapColumn[] {
  const kinds = [...columns, ...[...new Set(nodes.map((n) => n.kind))].filter((k) => !columns.includes(k)).sort()];
  const cols = kinds
    .map((kind) => ({
      kind,
      nodes: nodes.filter((n) => n.kind === kind).sort((a, b) => nodeLabel(a).localeCompare(nodeLabel(b)) || a.id.localeCompare(b.id)),
    }))
    .filter((c) => c.nodes.length);
  const neighbours = new Map<string, string[]>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    neighbours.set(e.from, [...(neighbours.get(e.from) ?? []), e.to]);
    neighbours.set(e.to, [...(neighbours.get(e.to) ?? []), e.from]);
  }
  const colOf = new Map<string, number>();
  cols.forEach((c, i) => c.nodes.forEach((n) => colOf.set(n.id, i)));
  const order = [...cols.keys()];
  for (let sweep = 0; sweep < 4; sweep++) {
    const pos = new Map<string, number>();
    // Relative position in its column (0..1), so columns of different heights compare.
    cols.forEach((c) => c.nodes.forEach((n, r) => pos.set(n.id, c.nodes.length > 1 ? r / (c.nodes.length - 1) : 0.5)));
    for (const ci of sweep % 2 ? [...order].reverse() : order) {
      const c = cols[ci];
      const bary = new Map<string, number>();
      c.nodes.forEach((n, r) => {
        const ns = (neighbours.get(n.id) ?? []).filter((m) => colOf.has(m) && colOf.get(m) !== ci);
        bary.set(n.id, ns.length ? ns.reduce((s, m) => s + pos.get(m)!, 0) / ns.length : pos.get(n.id) ?? r);
      });
      c.nodes = [...c.nodes].sort((a, b) => bary.get(a.id)! - bary.get(b.id)! || nodeLabel(a).localeCompare(nodeLabel(b)) || a.id.localeCompare(b.id));
      c.nodes.forEach((n, r) => pos.set(n.id, c.nodes.length > 1 ? r / (c.nodes.length - 1) : 0.5));
    }
  }
  return cols;
}

export interface SystemMapInput {
  nodes: readonly MapNode[];
  edges: readonly MapEdge[];
  title: string;
  nonce: string;
  cspSource: string;
  providerName: (id: string) => string;
  /** Where each node comes from in the code (model/systemMap.ts nodeCodeRefs); links in the details pane. */
  codeRefs?: Record<string, CodeRef[]>;
}

/**
 * The system map: one column per kind of node (HTML boxes, so labels wrap
 * instead of overlapping or being cut), edges drawn as arrows in an SVG
 * layer once the boxes are laid out, a legend, zoom (fit, in, out, 100%) and
 * a details pane for the selected node with its attributes, its connections
 * and links into the code (posted as "open" messages).
 */
export function renderSystemMap(input: SystemMapInput): string {
  const { nonce, cspSource } = input;
  const cols = layout(input.nodes, input.edges);
  const known = new Set(input.nodes.map((n) => n.id));
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const labelOf = (id: string) => shown(byId.get(id)!, input.providerName);
  const edges = input.edges.filter((e) => known.has(e.from) && known.has(e.to));
  const edgeKinds = [...new Set(edges.map((e) => e.kind))].sort((a, b) => (a in edgeMeanings ? 0 : 1) - (b in edgeMeanings ? 0 : 1) || a.localeCompare(b));
  const data = {
    nodes: Object.fromEntries(
      input.nodes.map((n) => [
        n.id,
        {
          kind: n.kind,
          label: shown(n, input.providerName),
          provider: n.provider ? input.providerName(n.provider) : "",
          attributes: Object.entries(n.attributes)
            .filter(([, v]) => v !== "")
            .sort(([a], [b]) => a.localeCompare(b)),
          refs: input.codeRefs?.[n.id] ?? [],
        },
      ]),
    ),
    edges: edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind })),
    kindTitles,
  };
  const columnsHtml = cols
    .map(
      (c) => `<section class="column" data-kind="${escapeHtml(c.kind)}" aria-label="${escapeHtml(kindTitles[c.kind] ?? c.kind)}">
<h2 class="col">${escapeHtml(kindTitles[c.kind] ?? c.kind.replace(/_/g, " "))}</h2>
${c.nodes
  .map((n) => {
    const label = shown(n, input.providerName);
    const sub = n.provider && n.kind !== "provider" ? input.providerName(n.provider) : "";
    return `<div class="node kind-${escapeHtml(n.kind)}" data-id="${escapeHtml(n.id)}" tabindex="0" role="button" aria-label="${escapeHtml(`${kindTitles[n.kind] ?? n.kind}: ${label}`)}"><span class="label">${escapeHtml(label)}</span>${sub ? `<span class="sub">${escapeHtml(sub)}</span>` : ""}</div>`;
  })
  .join("\n")}
</section>`,
    )
    .join("\n");
  const edgesHtml = edges
    .map((e) => `<path class="edge kind-${escapeHtml(e.kind)}" data-from="${escapeHtml(e.from)}" data-to="${escapeHtml(e.to)}" data-kind="${escapeHtml(e.kind)}" marker-end="url(#arrow)"><title>${escapeHtml(`${labelOf(e.from)} ${e.kind.replace(/_/g, " ")} ${labelOf(e.to)}`)}</title></path>`)
    .join("\n");
  const legend = `<section id="legend" aria-label="Legend">
<h2>Legend</h2>
<ul class="legend-nodes">${cols.map((c) => `<li><span class="swatch kind-${escapeHtml(c.kind)}"></span>${escapeHtml(kindTitles[c.kind] ?? c.kind)}</li>`).join("")}</ul>
<ul class="legend-edges">${edgeKinds
    .map(
      (k) =>
        `<li data-kind="${escapeHtml(k)}"><svg width="44" height="10" aria-hidden="true"><path class="edge kind-${escapeHtml(k)}" d="M2,5 L36,5" marker-end="url(#arrow)"></path></svg>${escapeHtml(edgeMeanings[k] ?? k.replace(/_/g, " "))}</li>`,
    )
    .join("")}</ul>
<p class="muted">Arrows point from a node to what it ${edgeKinds.length ? "uses, reads, owns or calls" : "relates to"}.</p>
</section>`;
  const body = `<h1>${escapeHtml(input.title)}</h1>
${
  input.nodes.length
    ? `<div class="toolbar" role="toolbar" aria-label="Zoom">
  <button id="fit" class="secondary" title="Zoom to fit">Zoom to fit</button>
  <button id="zoom-out" class="secondary" title="Zoom out" aria-label="Zoom out">−</button>
  <button id="zoom-reset" class="secondary" title="Actual size">100%</button>
  <button id="zoom-in" class="secondary" title="Zoom in" aria-label="Zoom in">+</button>
  <span id="zoom-level" class="muted" aria-live="polite">100%</span>
</div>
<div class="layout">
  <div id="viewport" tabindex="-1">
    <div id="sizer"><div id="canvas">
      <svg id="edges" aria-hidden="true"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"></path></marker></defs>
${edgesHtml}
      </svg>
      <div class="columns">
${columnsHtml}
      </div>
      <div id="edge-labels" aria-hidden="true"></div>
    </div></div>
  </div>
  <aside id="details" aria-live="polite" aria-label="Details"><p class="muted" id="details-empty">Select a node to see its details, its connections and where it is in the code.</p><div id="details-body" hidden></div></aside>
</div>
${legend}`
    : `<p class="empty">Nothing to show yet: analyze the workspace and provision an environment.</p>`
}`;
  return input.nodes.length
    ? renderPage({ title: input.title, cspSource, nonce, styles, body, script, data })
    : renderPage({ title: input.title, cspSource, nonce, styles, body, script: emptyScript });
}


const styles = `
  body { padding-bottom: 12px; }
  .empty { color: var(--vscode-descriptionForeground); }
  .toolbar { display: flex; gap: 6px; align-items: center; margin: 0 0 8px; }
  .toolbar button { padding: 3px 10px; }
  .layout { display: flex; gap: 12px; align-items: stretch; }
  #viewport { flex: 1 1 auto; min-width: 0; overflow: auto; height: calc(100vh - 190px); min-height: 240px; border: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,.35)); outline: none; }
  #sizer { position: relative; }
  #canvas { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
  #edges { position: absolute; left: 0; top: 0; overflow: visible; pointer-events: none; }
  .columns { position: relative; display: flex; gap: 72px; padding: 12px 16px 16px; align-items: flex-start; }
  .column { display: flex; flex-direction: column; gap: 10px; width: 200px; flex: none; }
  h2.col { margin: 0 0 2px; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; color: var(--vscode-descriptionForeground); }
  /* Boxes on the editor background: the theme guarantees its foreground and description colours contrast with it (widget backgrounds do not, e.g. Light+). */
  .node { display: flex; flex-direction: column; gap: 2px; padding: 6px 8px; border-radius: 4px; cursor: pointer; outline: none;
    background: var(--vscode-editor-background); color: var(--vscode-foreground);
    border: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,.5)); border-left-width: 4px; overflow-wrap: anywhere; line-height: 1.3; font-size: 12px; }
  .node .sub { color: var(--vscode-descriptionForeground); font-size: 11px; }
  .node:focus-visible, .node.selected { box-shadow: 0 0 0 2px var(--vscode-focusBorder, #007fd4); }
  .node.near { border-color: var(--vscode-focusBorder, #007fd4); }
  .dim { opacity: .35; }
  .kind-service { border-left-color: var(--vscode-charts-blue, #3794ff); }
  .kind-env_var { border-left-color: var(--vscode-charts-yellow, #cca700); }
  .kind-provider { border-left-color: var(--vscode-charts-purple, #b180d7); }
  .kind-resource { border-left-color: var(--vscode-charts-green, #388a34); }
  .kind-environment { border-left-color: var(--vscode-charts-orange, #d18616); }
  path.edge { fill: none; stroke: var(--vscode-descriptionForeground, #8b8b8b); stroke-width: 1.3; }
  path.edge.kind-reads { stroke-dasharray: 5 3; }
  path.edge.kind-provides { stroke-dasharray: 2 3; }
  path.edge.kind-calls_back { stroke-dasharray: 8 3 2 3; }
  path.edge.kind-depends_on { stroke-dasharray: 1 3; }
  path.edge.hot { stroke: var(--vscode-focusBorder, #007fd4); stroke-width: 2.2; }
  path.edge.dim { opacity: .15; }
  #edge-labels { position: absolute; left: 0; top: 0; pointer-events: none; }
  /* Labels of the selected node's edges, in the gap next to the neighbour (never on a box). */
  .edge-label { position: absolute; transform: translate(-50%, -50%); max-width: 66px; overflow: hidden; white-space: nowrap; font-size: 10px; line-height: 14px; padding: 0 3px; border-radius: 3px;
    color: var(--vscode-foreground); background: var(--vscode-editor-background); border: 1px solid var(--vscode-focusBorder, #007fd4); }
  .arrowhead { fill: var(--vscode-descriptionForeground, #8b8b8b); }
  #details { flex: 0 0 260px; max-width: 260px; border-left: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,.35)); padding: 0 0 0 12px; overflow-wrap: anywhere; overflow-y: auto; height: calc(100vh - 190px); min-height: 240px; }
  #details h2 { margin: 4px 0; }
  #details h3 { font-size: 1em; margin: 12px 0 4px; }
  #details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; margin: 0; }
  #details dt { color: var(--vscode-descriptionForeground); }
  #details dd { margin: 0; }
  #details ul { margin: 0; padding-left: 16px; }
  #details li { margin: 2px 0; }
  #details .conn { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); cursor: pointer; text-align: left; font: inherit; }
  #legend { margin-top: 10px; }
  #legend h2 { font-size: 1em; margin: 0 0 4px; }
  #legend ul { list-style: none; padding: 0; margin: 0 0 4px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
  #legend li { display: flex; align-items: center; gap: 6px; }
  .swatch { display: inline-block; width: 14px; height: 12px; border-style: solid; border-width: 1px 1px 1px 4px; border-radius: 2px;
    border-top-color: var(--vscode-editorWidget-border, rgba(128,128,128,.5)); border-right-color: var(--vscode-editorWidget-border, rgba(128,128,128,.5)); border-bottom-color: var(--vscode-editorWidget-border, rgba(128,128,128,.5)); }
  @media (max-width: 900px) { .layout { flex-direction: column; } #details { flex: none; max-width: none; height: auto; border-left: none; padding: 0; } #viewport { height: 60vh; } }
`;

const emptyScript = `
  const vscode = acquireVsCodeApi();
  vscode.postMessage({ type: "ready" });
`;

const script = `
  const vscode = acquireVsCodeApi();
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const viewport = document.getElementById("viewport");
  const sizer = document.getElementById("sizer");
  const canvas = document.getElementById("canvas");
  const svg = document.getElementById("edges");
  const cols = canvas.querySelector(".columns");
  const nodes = Array.from(document.querySelectorAll(".node"));
  const edges = Array.from(svg.querySelectorAll("path.edge"));
  const byId = new Map(nodes.map(function (n) { return [n.dataset.id, n]; }));
  const level = document.getElementById("zoom-level");
  let zoom = 1;
  let selected = "";

  // Edges leave a box on the side facing their target and end, arrowhead
  // first, on the target's facing side; within a column they arc to the right.
  function route() {
    const w = cols.offsetWidth, h = cols.offsetHeight;
    svg.setAttribute("width", String(w));
    svg.setAttribute("height", String(h));
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    for (const e of edges) {
      const a = box(byId.get(e.dataset.from)), b = box(byId.get(e.dataset.to));
      let d;
      if (Math.abs(a.x - b.x) < 1) {
        const x = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x + b.w + 4, y2 = b.y + b.h / 2, bulge = 28 + Math.min(40, Math.abs(y2 - y1) / 6);
        d = "M" + x + "," + y1 + " C" + (x + bulge) + "," + y1 + " " + (x2 + bulge) + "," + y2 + " " + x2 + "," + y2;
      } else {
        const fwd = b.x > a.x;
        const x1 = fwd ? a.x + a.w : a.x, x2 = fwd ? b.x - 2 : b.x + b.w + 2;
        const y1 = a.y + a.h / 2, y2 = b.y + b.h / 2;
        const dx = Math.max(30, Math.abs(x2 - x1) / 2) * (fwd ? 1 : -1);
        d = "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2;
      }
      e.setAttribute("d", d);
    }
  }
  function box(n) {
    let x = 0, y = 0, el = n;
    while (el && el !== cols) { x += el.offsetLeft; y += el.offsetTop; el = el.offsetParent; }
    return { x: x, y: y, w: n.offsetWidth, h: n.offsetHeight };
  }
  function setZoom(z) {
    zoom = Math.max(0.2, Math.min(2, z));
    canvas.style.transform = "scale(" + zoom + ")";
    sizer.style.width = Math.ceil(cols.offsetWidth * zoom) + "px";
    sizer.style.height = Math.ceil(cols.offsetHeight * zoom) + "px";
    level.textContent = Math.round(zoom * 100) + "%";
  }
  function fit() {
    const z = Math.min((viewport.clientWidth - 4) / cols.offsetWidth, (viewport.clientHeight - 4) / cols.offsetHeight);
    setZoom(Math.min(1, z));
    viewport.scrollTo(0, 0);
  }
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("zoom-in").addEventListener("click", function () { setZoom(zoom * 1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { setZoom(zoom / 1.25); });
  document.getElementById("zoom-reset").addEventListener("click", function () { setZoom(1); });
  viewport.addEventListener("wheel", function (e) {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    setZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });

  const detailsEmpty = document.getElementById("details-empty");
  const details = document.getElementById("details-body");
  function el(tag, cls, text) {
    const x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text !== undefined) x.textContent = text;
    return x;
  }
  function showDetails(id) {
    const n = data.nodes[id];
    details.textContent = "";
    if (!n) { details.hidden = true; detailsEmpty.hidden = false; return; }
    detailsEmpty.hidden = true;
    details.hidden = false;
    details.appendChild(el("h2", "", n.label));
    details.appendChild(el("p", "muted kind", (data.kindTitles[n.kind] || n.kind) + (n.provider ? " · " + n.provider : "")));
    if (n.attributes.length) {
      const dl = el("dl", "attributes");
      for (const kv of n.attributes) { dl.appendChild(el("dt", "", kv[0])); dl.appendChild(el("dd", "", kv[1])); }
      details.appendChild(dl);
    }
    details.appendChild(el("h3", "", "In the code"));
    if (n.refs.length) {
      const ul = el("ul", "refs");
      for (const r of n.refs) {
        const li = el("li");
        const a = el("a", "", r.path + ":" + r.line);
        a.href = "#";
        a.dataset.openPath = r.path;
        a.dataset.openLine = String(r.line);
        a.title = "Open " + r.path + " at line " + r.line;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" " + r.what));
        ul.appendChild(li);
      }
      details.appendChild(ul);
    } else {
      details.appendChild(el("p", "muted", n.kind === "environment" ? "Environments are not in the code." : "No code location for this node."));
    }
    const out = data.edges.filter(function (e) { return e.from === id; });
    const inc = data.edges.filter(function (e) { return e.to === id; });
    if (out.length || inc.length) {
      details.appendChild(el("h3", "", "Connections"));
      const ul = el("ul", "connections");
      function add(arrow, kind, other) {
        const li = el("li");
        li.appendChild(document.createTextNode(arrow + " " + kind.replace(/_/g, " ") + " "));
        const b = el("button", "conn", data.nodes[other] ? data.nodes[other].label : other);
        b.type = "button";
        b.dataset.select = other;
        li.appendChild(b);
        ul.appendChild(li);
      }
      for (const e of out) add("→", e.kind, e.to);
      for (const e of inc) add("←", e.kind + " by", e.from);
      details.appendChild(ul);
    }
  }
  details.addEventListener("click", function (e) {
    const b = e.target && e.target.closest ? e.target.closest("button[data-select]") : null;
    if (!b) return;
    select(b.dataset.select);
    const n = byId.get(b.dataset.select);
    if (n) { n.focus(); n.scrollIntoView({ block: "nearest", inline: "nearest" }); }
  });
  ${openLinksScript}

  const labels = document.getElementById("edge-labels");
  // Each label goes near the neighbour's end of its edge (the neighbours are
  // distinct boxes, so labels do not pile up at the selected node): at the
  // first spot along the edge, or shifted a little from it, where it covers
  // no node and no label placed before it. Spots are tried by arithmetic on
  // the label's measured size, so a large map costs no extra layouts.
  const labelShiftsX = [0, 4, -4, 8, -8, 12, -12, 16, -16, 24, -24, 32, -32];
  const labelShiftsY = [0, 10, -10, 20, -20, 30, -30, 40, -40];
  function labelEdges(id) {
    labels.textContent = "";
    const origin = labels.getBoundingClientRect();
    const taken = nodes.map(function (n) { return n.getBoundingClientRect(); });
    function free(x, y, w, h) {
      const l = origin.left + x * zoom - w / 2, r = l + w, t = origin.top + y * zoom - h / 2, b = t + h;
      for (const o of taken) if (l < o.right + 1 && o.left < r + 1 && t < o.bottom + 1 && o.top < b + 1) return false;
      return true;
    }
    for (const e of edges) {
      if (e.dataset.from !== id && e.dataset.to !== id) continue;
      const l = el("div", "edge-label", e.dataset.kind.replace(/_/g, " "));
      l.dataset.from = e.dataset.from;
      l.dataset.to = e.dataset.to;
      labels.appendChild(l);
      const size = l.getBoundingClientRect();
      const len = e.getTotalLength();
      const toNeighbour = e.dataset.from === id;
      const point = function (d) { return e.getPointAtLength(toNeighbour ? Math.max(0, len - d) : Math.min(len, d)); };
      const dists = [];
      for (let d = 38; d < len; d += 8) dists.push(d);
      for (let d = 30; d > 0; d -= 8) dists.push(d);
      let spot = null;
      search: for (const d of dists) {
        const at = point(d);
        for (const dy of labelShiftsY) for (const dx of labelShiftsX) {
          if (free(at.x + dx, at.y + dy, size.width, size.height)) { spot = { x: at.x + dx, y: at.y + dy }; break search; }
        }
      }
      if (!spot) spot = point(38);
      l.style.left = spot.x + "px";
      l.style.top = spot.y + "px";
      taken.push(l.getBoundingClientRect());
    }
  }
  function select(id) {
    const near = new Set([id]);
    for (const e of edges) {
      const hot = e.dataset.from === id || e.dataset.to === id;
      e.classList.toggle("hot", hot);
      e.classList.toggle("dim", !hot);
      if (hot) { near.add(e.dataset.from); near.add(e.dataset.to); }
    }
    for (const n of nodes) {
      n.classList.toggle("selected", n.dataset.id === id);
      n.classList.toggle("near", near.has(n.dataset.id) && n.dataset.id !== id);
      n.classList.toggle("dim", !near.has(n.dataset.id));
    }
    showDetails(id);
    labelEdges(id);
    selected = id;
    vscode.postMessage({ type: "select", id: id });
  }
  for (const n of nodes) {
    n.addEventListener("click", function () { select(n.dataset.id); });
    n.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(n.dataset.id); } });
  }

  route();
  // At 100%, where every label is legible; Zoom to fit gives the overview.
  setZoom(1);
  window.addEventListener("resize", function () { route(); setZoom(zoom); if (selected) labelEdges(selected); });
  vscode.postMessage({ type: "ready" });
`;
