import type { MapEdge, MapNode } from "../gen/patchbay/v1/provision_pb";
import { escapeHtml, renderPage } from "./page";

const columns = ["service", "env_var", "provider", "resource", "environment"];
const W = 190;
const H = 34;
const COL = 250;
const ROW = 50;
const PAD = 20;

export interface LaidOutNode {
  node: MapNode;
  x: number;
  y: number;
}

/** Columns by kind (unknown kinds last), rows by label: stable and readable for small maps. */
export function layout(nodes: readonly MapNode[]): { placed: LaidOutNode[]; width: number; height: number } {
  const kinds = [...columns, ...[...new Set(nodes.map((n) => n.kind))].filter((k) => !columns.includes(k)).sort()];
  const placed: LaidOutNode[] = [];
  let maxRows = 0;
  let col = 0;
  for (const kind of kinds) {
    const inCol = nodes.filter((n) => n.kind === kind).sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
    if (!inCol.length) continue;
    inCol.forEach((node, row) => placed.push({ node, x: PAD + col * COL, y: PAD + 24 + row * ROW }));
    maxRows = Math.max(maxRows, inCol.length);
    col++;
  }
  return { placed, width: PAD * 2 + Math.max(1, col) * COL - (COL - W), height: PAD * 2 + 24 + Math.max(1, maxRows) * ROW };
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

export interface SystemMapInput {
  nodes: readonly MapNode[];
  edges: readonly MapEdge[];
  title: string;
  nonce: string;
  cspSource: string;
  providerName: (id: string) => string;
}

/** The system map as an SVG picture; clicking or focusing a node highlights its neighbourhood. */
export function renderSystemMap(input: SystemMapInput): string {
  const { nonce, cspSource } = input;
  const { placed, width, height } = layout(input.nodes);
  const at = new Map(placed.map((p) => [p.node.id, p]));
  const edges = input.edges
    .filter((e) => at.has(e.from) && at.has(e.to))
    .map((e) => {
      const a = at.get(e.from)!;
      const b = at.get(e.to)!;
      const forward = b.x >= a.x;
      const x1 = forward ? a.x + W : a.x;
      const x2 = forward ? b.x : b.x + W;
      const y1 = a.y + H / 2;
      const y2 = b.y + H / 2;
      const dx = Math.max(40, Math.abs(x2 - x1) / 2) * (forward ? 1 : -1);
      return `<path class="edge kind-${escapeHtml(e.kind)}" data-from="${escapeHtml(e.from)}" data-to="${escapeHtml(e.to)}" d="M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}"><title>${escapeHtml(e.kind)}</title></path>`;
    })
    .join("\n");
  const headers = [...new Set(placed.map((p) => p.node.kind))]
    .map((k) => {
      const x = placed.find((p) => p.node.kind === k)!.x;
      return `<text class="col" x="${x}" y="${PAD + 10}">${escapeHtml(k.replace(/_/g, " "))}</text>`;
    })
    .join("");
  const nodes = placed
    .map(({ node, x, y }) => {
      const sub = node.provider ? input.providerName(node.provider) : "";
      const attrs = Object.entries(node.attributes)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n");
      return `<g class="node kind-${escapeHtml(node.kind)}" data-id="${escapeHtml(node.id)}" tabindex="0" role="button" aria-label="${escapeHtml(`${node.kind} ${node.label}`)}" transform="translate(${x},${y})">
  <title>${escapeHtml([node.label, sub, attrs].filter(Boolean).join("\n"))}</title>
  <rect width="${W}" height="${H}" rx="4"></rect>
  <text x="8" y="${sub ? 14 : 21}">${escapeHtml(truncate(node.label, 28))}</text>
  ${sub ? `<text class="sub" x="8" y="28">${escapeHtml(truncate(sub, 30))}</text>` : ""}
</g>`;
    })
    .join("\n");
  const body = `<h1>${escapeHtml(input.title)}</h1>
${
  placed.length
    ? `<svg id="map" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(input.title)}">
${headers}
<g class="edges">${edges}</g>
<g class="nodes">${nodes}</g>
</svg>`
    : `<p class="empty">Nothing to show yet: analyze the workspace and provision an environment.</p>`
}`;
  return renderPage({ title: input.title, cspSource, nonce, styles, body, script });
}

const styles = `
  .empty { color: var(--vscode-descriptionForeground); }
  svg { display: block; }
  .col { fill: var(--vscode-descriptionForeground); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
  .node rect { fill: var(--vscode-editorWidget-background, var(--vscode-editor-background)); stroke: var(--vscode-editorWidget-border, var(--vscode-descriptionForeground)); }
  .node text { fill: var(--vscode-foreground); font-size: 12px; }
  .node text.sub { fill: var(--vscode-descriptionForeground); font-size: 10px; }
  .node { cursor: pointer; outline: none; }
  .node:focus rect, .node.selected rect { stroke: var(--vscode-focusBorder, #007fd4); stroke-width: 2; }
  .node.near rect { stroke: var(--vscode-focusBorder, #007fd4); }
  .dim { opacity: .3; }
  .edge { fill: none; stroke: var(--vscode-editorWidget-border, #6b6b6b); stroke-width: 1.2; }
  .edge.hot { stroke: var(--vscode-focusBorder, #007fd4); stroke-width: 2; }
  .kind-resource rect { stroke: var(--vscode-gitDecoration-addedResourceForeground, #388a34); }
`;

const script = `
  const vscode = acquireVsCodeApi();
  const nodes = Array.from(document.querySelectorAll(".node"));
  const edges = Array.from(document.querySelectorAll(".edge"));
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
    vscode.postMessage({ type: "select", id: id });
  }
  for (const n of nodes) {
    n.addEventListener("click", function () { select(n.dataset.id); });
    n.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(n.dataset.id); } });
  }
  vscode.postMessage({ type: "ready" });
`;
