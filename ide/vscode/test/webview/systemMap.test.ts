/// <reference lib="dom" />
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { FindingKind, FindingSchema } from "../../src/gen/patchbay/v1/common_pb";
import { MapEdgeSchema, MapNodeSchema, type MapEdge, type MapNode } from "../../src/gen/patchbay/v1/provision_pb";
import { nodeCodeRefs } from "../../src/model/systemMap";
import { layout, nodeLabel, renderSystemMap } from "../../src/ui/systemMap";
import { artifactsDir, chromiumSkip, launch, lightTheme, openWebview, type Browser } from "../helpers/browser";

const artifacts = artifactsDir("webview");

const LONG = "webhook_endpoint shop-staging-checkout-session-completed-and-invoice-paid-handler";
const nodes = [
  { id: "service:web", kind: "service", label: "web (nextjs)", attributes: { path: "web" } },
  { id: "service:api", kind: "service", label: "api <b>", attributes: { path: "api" } },
  { id: "service:.", kind: "service", label: "", attributes: { path: "." } },
  { id: "provider:stripe", kind: "provider", label: "stripe", provider: "stripe" },
  { id: "provider:auth0", kind: "provider", label: "auth0", provider: "auth0" },
  { id: "r:we", kind: "resource", label: LONG, provider: "stripe", attributes: { url: "https://api.test/api/webhooks/stripe", provider_id: "we_1NvXyZ2eZvKYlo2C0123456789abcdefghij" } },
  { id: "r:client", kind: "resource", label: "client shop", provider: "auth0" },
  { id: "env_var:STRIPE_SECRET_KEY", kind: "env_var", label: "STRIPE_SECRET_KEY" },
  { id: "environment:staging", kind: "environment", label: "staging" },
].map((n) => create(MapNodeSchema, n as MessageInitShape<typeof MapNodeSchema>));
const edges = [
  { from: "service:api", to: "provider:stripe", kind: "uses" },
  { from: "service:web", to: "provider:auth0", kind: "uses" },
  { from: "r:we", to: "provider:stripe", kind: "uses" },
  { from: "r:client", to: "provider:auth0", kind: "uses" },
  { from: "service:api", to: "env_var:STRIPE_SECRET_KEY", kind: "reads" },
  { from: "r:we", to: "service:api", kind: "calls_back" },
  { from: "environment:staging", to: "r:we", kind: "owns" },
  { from: "environment:staging", to: "r:client", kind: "owns" },
  { from: "r:we", to: "r:client", kind: "depends_on" },
  { from: "ghost", to: "r:we", kind: "owns" },
].map((e) => create(MapEdgeSchema, e));
const findings = [
  { id: "f1", kind: FindingKind.SDK_USAGE, provider: "stripe", service: "api", location: { path: "api/src/pay.ts", startLine: 3 } },
  { id: "f2", kind: FindingKind.WEBHOOK_HANDLER, provider: "stripe", service: "api", location: { path: "api/src/webhooks.ts", startLine: 12 } },
  { id: "f3", kind: FindingKind.ENV_REFERENCE, service: "api", location: { path: "api/src/pay.ts", startLine: 4 }, detail: { case: "envVar" as const, value: { name: "STRIPE_SECRET_KEY" } } },
  { id: "f4", kind: FindingKind.SDK_USAGE, provider: "auth0", service: "web", location: { path: "web/app/api/auth/[auth0]/route.ts", startLine: 1 } },
].map((f) => create(FindingSchema, f));
const names: Record<string, string> = { stripe: "Stripe", auth0: "Auth0" };
const providerName = (id: string) => names[id] ?? id;

function html(ns: readonly MapNode[] = nodes, es: readonly MapEdge[] = edges): string {
  return renderSystemMap({ nodes: ns, edges: es, title: "System map · shop", nonce: "bWFwLW5vbmNl", cspSource: "vscode-webview://test", providerName, codeRefs: nodeCodeRefs(ns, es, findings, providerName) });
}

/** A map as large as the one in issue 18: 8 services, 30 env vars, 8 providers, 16 resources. */
function bigMap(): { nodes: MapNode[]; edges: MapEdge[] } {
  const ns: MapNode[] = [];
  const es: MapEdge[] = [];
  const providers = ["stripe", "auth0", "sendgrid", "twilio", "slack", "github", "netlify", "aws"];
  for (const p of providers) ns.push(create(MapNodeSchema, { id: `provider:${p}`, kind: "provider", label: p, provider: p }));
  for (let s = 0; s < 8; s++) {
    ns.push(create(MapNodeSchema, { id: `service:svc${s}`, kind: "service", label: `service-${s}-with-a-rather-long-name` }));
    for (let k = 0; k < 3; k++) es.push(create(MapEdgeSchema, { from: `service:svc${s}`, to: `provider:${providers[(s + k) % 8]}`, kind: "uses" }));
  }
  for (let v = 0; v < 30; v++) {
    ns.push(create(MapNodeSchema, { id: `env_var:V${v}`, kind: "env_var", label: `${providers[v % 8].toUpperCase()}_SECRET_VALUE_NUMBER_${v}` }));
    es.push(create(MapEdgeSchema, { from: `service:svc${v % 8}`, to: `env_var:V${v}`, kind: "reads" }));
  }
  ns.push(create(MapNodeSchema, { id: "environment:staging", kind: "environment", label: "staging" }));
  for (let r = 0; r < 16; r++) {
    ns.push(create(MapNodeSchema, { id: `resource:${r}`, kind: "resource", label: `${providers[r % 8]} resource_type_${r} shop-staging`, provider: providers[r % 8] }));
    es.push(create(MapEdgeSchema, { from: "environment:staging", to: `resource:${r}`, kind: "owns" }));
    es.push(create(MapEdgeSchema, { from: `resource:${r}`, to: `provider:${providers[r % 8]}`, kind: "uses" }));
  }
  return { nodes: ns, edges: es };
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box, slack = 0.5) =>
  inner.x >= outer.x - slack && inner.y >= outer.y - slack && inner.x + inner.width <= outer.x + outer.width + slack && inner.y + inner.height <= outer.y + outer.height + slack;

describe("system map layout", () => {
  it("puts kinds in columns and orders rows to follow their neighbours", () => {
    const cols = layout(nodes, edges);
    assert.deepEqual(cols.map((c) => c.kind), ["env_var", "service", "provider", "resource", "environment"]);
    assert.deepEqual(cols.find((c) => c.kind === "service")!.nodes.map((n) => n.id).sort(), ["service:.", "service:api", "service:web"]);
    // api uses Stripe, web uses Auth0: the providers come in the services' order, so those edges do not cross.
    const svc = cols[1].nodes.map((n) => n.id);
    const prov = cols[2].nodes.map((n) => n.id);
    assert.equal(svc.indexOf("service:api") < svc.indexOf("service:web"), prov.indexOf("provider:stripe") < prov.indexOf("provider:auth0"));
    assert.deepEqual(layout(nodes, edges), layout(nodes, edges), "deterministic");
  });

  it("orders rows so that fewer edges cross than in label order", () => {
    const big = bigMap();
    // Crossings between neighbouring columns: pairs of edges whose ends are in opposite row order.
    const crossings = (cols: { kind: string; nodes: MapNode[] }[]) => {
      const at = new Map<string, [number, number]>();
      cols.forEach((c, ci) => c.nodes.forEach((n, r) => at.set(n.id, [ci, r])));
      const spans = big.edges
        .map((e) => [at.get(e.from)!, at.get(e.to)!])
        .filter(([a, b]) => Math.abs(a[0] - b[0]) === 1)
        .map(([a, b]) => (a[0] < b[0] ? { col: a[0], r1: a[1], r2: b[1] } : { col: b[0], r1: b[1], r2: a[1] }));
      let n = 0;
      for (let i = 0; i < spans.length; i++)
        for (let j = i + 1; j < spans.length; j++) {
          const [x, y] = [spans[i], spans[j]];
          if (x.col === y.col && (x.r1 - y.r1) * (x.r2 - y.r2) < 0) n++;
        }
      return n;
    };
    const laidOut = layout(big.nodes, big.edges);
    const byLabel = laidOut.map((c) => ({ kind: c.kind, nodes: [...c.nodes].sort((a, b) => nodeLabel(a).localeCompare(nodeLabel(b)) || a.id.localeCompare(b.id)) }));
    const [ours, theirs] = [crossings(laidOut), crossings(byLabel)];
    assert.ok(ours < theirs * 0.75, `crossings: ${ours} after ordering, ${theirs} in label order`);
  });

  it("never shows a blank label", () => {
    assert.equal(nodeLabel(nodes[2]), "workspace root");
    assert.equal(nodeLabel(create(MapNodeSchema, { id: "service:pkg/a", kind: "service", label: " " })), "pkg/a");
    assert.equal(nodeLabel(create(MapNodeSchema, { id: "x:1", kind: "x", label: "" })), "x:1");
  });

  it("links nodes to the code the analysis found", () => {
    const refs = nodeCodeRefs(nodes, edges, findings, providerName);
    assert.deepEqual(refs["provider:stripe"], [{ path: "api/src/pay.ts", line: 3, what: "Stripe SDK" }]);
    assert.deepEqual(refs["env_var:STRIPE_SECRET_KEY"], [{ path: "api/src/pay.ts", line: 4, what: "reads STRIPE_SECRET_KEY" }]);
    assert.deepEqual(refs["r:we"], [{ path: "api/src/webhooks.ts", line: 12, what: "Stripe webhook handler" }], "a resource calling back links to its handler");
    assert.deepEqual(refs["r:client"], [{ path: "web/app/api/auth/[auth0]/route.ts", line: 1, what: "Auth0 SDK" }]);
    assert.equal(refs["service:api"].length, 3);
    assert.equal(refs["environment:staging"], undefined);
  });
});

describe("system map webview in headless Chromium", { skip: chromiumSkip }, () => {
  let browser: Browser;
  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it("draws every node and every edge between known nodes, labels whole and not overlapping", async () => {
    const { p, errors, violations } = await openWebview(browser.context, html());
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    assert.equal(await p.locator(".node").count(), nodes.length);
    assert.equal(await p.locator("#edges path.edge").count(), edges.length - 1, "edges to unknown nodes are dropped");
    assert.equal(await p.textContent('.node[data-id="service:api"] .label'), "api <b>");
    assert.equal(await p.textContent('.node[data-id="service:."] .label'), "workspace root");
    assert.equal(await p.textContent('.node[data-id="r:we"] .label'), LONG, "not truncated");
    const boxes = await p.locator(".node").evaluateAll((ns) =>
      ns.map((n) => {
        const r = n.getBoundingClientRect();
        const l = n.querySelector(".label")!.getBoundingClientRect();
        return { id: (n as HTMLElement).dataset.id!, box: { x: r.x, y: r.y, width: r.width, height: r.height }, label: { x: l.x, y: l.y, width: l.width, height: l.height }, clipped: n.scrollWidth > n.clientWidth || n.scrollHeight > n.clientHeight };
      }),
    );
    for (const b of boxes) {
      assert.equal(b.clipped, false, `${b.id} clips its text`);
      assert.ok(inside(b.label, b.box), `${b.id}: label inside its box`);
      for (const o of boxes) if (o !== b) assert.ok(!overlaps(b.box, o.box), `${b.id} overlaps ${o.id}`);
    }
    await p.screenshot({ path: path.join(artifacts, "system-map.png"), fullPage: true });
    await p.close();
  });

  it("draws edges as arrows from their source to their target", async () => {
    const { p } = await openWebview(browser.context, html());
    assert.equal(await p.textContent("#zoom-level"), "100%", "opens at 100%, where labels are legible");
    const ends = await p.locator("#edges path.edge").evaluateAll((ps) =>
      ps.map((e) => {
        const path = e as SVGPathElement;
        const len = path.getTotalLength();
        const m = path.getScreenCTM()!;
        const at = (l: number) => {
          const q = path.getPointAtLength(l);
          return { x: q.x * m.a + m.e, y: q.y * m.d + m.f };
        };
        const rect = (id: string) => {
          const r = document.querySelector(`.node[data-id="${CSS.escape(id)}"]`)!.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        };
        return { id: `${path.dataset.from}>${path.dataset.to}`, marker: path.getAttribute("marker-end"), start: at(0), end: at(len), from: rect(path.dataset.from!), to: rect(path.dataset.to!) };
      }),
    );
    assert.equal(await p.locator("marker#arrow").count(), 1);
    const near = (pt: { x: number; y: number }, b: Box) => pt.x >= b.x - 6 && pt.x <= b.x + b.width + 6 && pt.y >= b.y - 1 && pt.y <= b.y + b.height + 1;
    for (const e of ends) {
      assert.equal(e.marker, "url(#arrow)", `${e.id} has an arrowhead`);
      assert.ok(near(e.start, e.from), `${e.id} starts at its source ${JSON.stringify(e)}`);
      assert.ok(near(e.end, e.to), `${e.id} ends (arrowhead) at its target ${JSON.stringify(e)}`);
    }
    await p.close();
  });

  it("has a legend of the node and edge kinds on the map", async () => {
    const { p } = await openWebview(browser.context, html());
    assert.deepEqual(await p.locator("#legend .legend-nodes li").allTextContents(), ["Env vars", "Services", "Providers", "Resources", "Environments"]);
    const kinds = await p.locator("#legend .legend-edges li").evaluateAll((ls) => ls.map((l) => (l as HTMLElement).dataset.kind));
    assert.deepEqual(kinds, ["calls_back", "depends_on", "owns", "reads", "uses"]);
    assert.match((await p.textContent('#legend li[data-kind="calls_back"]'))!, /calls back \(resource → service/);
    assert.equal(await p.locator("#legend .legend-edges path[marker-end]").count(), kinds.length, "each sample is an arrow");
    assert.ok(await p.locator("#legend").isVisible());
    await p.close();
  });

  it("zooms to fit a large map, and in and out", async () => {
    const big = bigMap();
    const { p, errors } = await openWebview(browser.context, html(big.nodes, big.edges));
    assert.deepEqual(errors, []);
    await p.setViewportSize({ width: 1000, height: 700 });
    await p.click("#zoom-reset");
    const vp = (await p.locator("#viewport").boundingBox())!;
    const full = (await p.locator("#canvas .columns").boundingBox())!;
    assert.ok(full.width > vp.width || full.height > vp.height, "the map is larger than the view at 100%");
    await p.click("#fit");
    const fitted = (await p.locator("#canvas .columns").boundingBox())!;
    assert.ok(inside(fitted, vp, 2), `fitted ${JSON.stringify(fitted)} inside ${JSON.stringify(vp)}`);
    const fitLevel = await p.textContent("#zoom-level");
    assert.match(fitLevel!, /^\d+%$/);
    assert.notEqual(fitLevel, "100%");
    await p.screenshot({ path: path.join(artifacts, "system-map-fit.png"), fullPage: true });
    await p.click("#zoom-in");
    const zoomed = (await p.locator("#canvas .columns").boundingBox())!;
    assert.ok(Math.abs(zoomed.width / fitted.width - 1.25) < 0.02, "zoom in by 25%");
    await p.click("#zoom-out");
    assert.equal(await p.textContent("#zoom-level"), fitLevel);
    // Nodes of the big map do not overlap either.
    const boxes = await p.locator(".node").evaluateAll((ns) => ns.map((n) => n.getBoundingClientRect().toJSON() as Box));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `nodes ${i} and ${j} overlap`);
    await p.close();
  });

  it("shows the selected node's details with jump-to-code links, and highlights its neighbourhood", async () => {
    const { p, posted } = await openWebview(browser.context, html(), lightTheme);
    assert.ok(await p.locator("#details-empty").isVisible());
    await p.click('.node[data-id="r:we"]');
    const hot = await p.locator("#edges path.edge.hot").evaluateAll((es) => es.map((e) => `${(e as SVGElement).dataset.from}>${(e as SVGElement).dataset.to}`).sort());
    assert.deepEqual(hot, ["environment:staging>r:we", "r:we>provider:stripe", "r:we>r:client", "r:we>service:api"]);
    const near = await p.locator(".node.near").evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.id).sort());
    assert.deepEqual(near, ["environment:staging", "provider:stripe", "r:client", "service:api"]);
    assert.equal(await p.locator('.node.dim[data-id="provider:auth0"]').count(), 1);
    // The selected node's edges are labelled, beside the neighbours and on no box.
    const labels = await p.locator("#edge-labels .edge-label").evaluateAll((ls) =>
      ls.map((l) => ({ text: l.textContent, box: l.getBoundingClientRect().toJSON() as Box, clipped: (l as HTMLElement).scrollWidth > (l as HTMLElement).clientWidth })),
    );
    assert.deepEqual(labels.map((l) => l.text).sort(), ["calls back", "depends on", "owns", "uses"]);
    const nodeBoxes = await p.locator(".node").evaluateAll((ns) => ns.map((n) => n.getBoundingClientRect().toJSON() as Box));
    for (const l of labels) {
      assert.equal(l.clipped, false, `${l.text} is cut`);
      for (const b of nodeBoxes) assert.ok(!overlaps(l.box, b), `label ${l.text} covers a node`);
      for (const o of labels) if (o !== l) assert.ok(!overlaps(l.box, o.box), `labels ${l.text} and ${o.text} overlap`);
    }
    assert.equal(await p.textContent("#details h2"), LONG);
    assert.equal(await p.textContent("#details .kind"), "Resources · Stripe");
    assert.deepEqual(await p.locator("#details dl.attributes dt").allTextContents(), ["provider_id", "url"]);
    assert.match((await p.textContent("#details dl.attributes"))!, /we_1NvXyZ2eZvKYlo2C0123456789abcdefghij/);
    assert.deepEqual(await p.locator("#details .connections li").allTextContents(), [
      "→ uses Stripe",
      "→ calls back api <b>",
      "→ depends on client shop",
      "← owns by staging",
    ]);
    const link = p.locator('#details a[data-open-path="api/src/webhooks.ts"]');
    assert.equal(await link.textContent(), "api/src/webhooks.ts:12");
    await p.screenshot({ path: path.join(artifacts, "system-map-selected.png"), fullPage: true });
    await link.click();
    assert.deepEqual((await posted()).slice(-1), [{ type: "open", path: "api/src/webhooks.ts", line: 12 }]);
    // A connection selects that node.
    await p.click('#details button[data-select="service:api"]');
    assert.equal(await p.textContent("#details h2"), "api <b>");
    assert.deepEqual(await p.locator("#details .refs a").allTextContents(), ["api/src/pay.ts:3", "api/src/pay.ts:4", "api/src/webhooks.ts:12"]);
    // Keyboard.
    await p.focus('.node[data-id="service:web"]');
    await p.keyboard.press("Enter");
    const selects = (await posted()).filter((m) => (m as { type: string }).type === "select");
    assert.deepEqual(selects.slice(-3), [
      { type: "select", id: "r:we" },
      { type: "select", id: "service:api" },
      { type: "select", id: "service:web" },
    ]);
    await p.click('.node[data-id="environment:staging"]');
    assert.match((await p.textContent("#details"))!, /Environments are not in the code/);
    await p.close();
  });

  it("labels a busy node's edges on no node and no other label, in a large map", async () => {
    const big = bigMap();
    const { p, errors } = await openWebview(browser.context, html(big.nodes, big.edges));
    assert.deepEqual(errors, []);
    await p.setViewportSize({ width: 1400, height: 900 });
    for (const id of ["environment:staging", "provider:stripe", "service:svc0"]) {
      await p.click(`.node[data-id="${id}"]`);
      const labels = await p.locator("#edge-labels .edge-label").evaluateAll((ls) => ls.map((l) => ({ text: `${(l as HTMLElement).dataset.from}>${(l as HTMLElement).dataset.to}`, box: l.getBoundingClientRect().toJSON() as Box })));
      assert.equal(labels.length, big.edges.filter((e) => e.from === id || e.to === id).length, `${id}: one label per edge`);
      const nodeBoxes = await p.locator(".node").evaluateAll((ns) => ns.map((n) => n.getBoundingClientRect().toJSON() as Box));
      for (const l of labels) {
        for (const b of nodeBoxes) assert.ok(!overlaps(l.box, b), `${id}: label ${l.text} covers a node`);
        for (const o of labels) if (o !== l) assert.ok(!overlaps(l.box, o.box), `${id}: labels ${l.text} and ${o.text} overlap`);
      }
    }
    await p.close();
  });

  it("explains an empty map", async () => {
    const { p, errors } = await openWebview(browser.context, renderSystemMap({ nodes: [], edges: [], title: "m", nonce: "bg", cspSource: "x", providerName: (id) => id }));
    assert.deepEqual(errors, []);
    assert.match((await p.textContent(".empty"))!, /Nothing to show yet/);
    await p.close();
  });
});
