/// <reference lib="dom" />
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { MapEdgeSchema, MapNodeSchema } from "../../src/gen/patchbay/v1/provision_pb";
import { layout, renderSystemMap } from "../../src/ui/systemMap";
import { artifactsDir, chromiumSkip, launch, lightTheme, openWebview, type Browser } from "../helpers/browser";

const artifacts = artifactsDir("webview");

const nodes = [
  { id: "svc:web", kind: "service", label: "web (nextjs)" },
  { id: "svc:api", kind: "service", label: "api <b>" },
  { id: "p:stripe", kind: "provider", label: "Stripe", provider: "stripe" },
  { id: "p:auth0", kind: "provider", label: "Auth0", provider: "auth0" },
  { id: "r:we", kind: "resource", label: "webhook we_1", provider: "stripe", attributes: { url: "https://api.test/api/webhooks/stripe" } },
  { id: "r:client", kind: "resource", label: "client shop", provider: "auth0" },
  { id: "ev:sk", kind: "env_var", label: "STRIPE_SECRET_KEY" },
  { id: "env:staging", kind: "environment", label: "staging" },
].map((n) => create(MapNodeSchema, n));
const edges = [
  { from: "svc:api", to: "p:stripe", kind: "uses" },
  { from: "svc:web", to: "p:auth0", kind: "uses" },
  { from: "p:stripe", to: "r:we", kind: "owns" },
  { from: "p:auth0", to: "r:client", kind: "owns" },
  { from: "svc:api", to: "ev:sk", kind: "reads" },
  { from: "r:we", to: "svc:api", kind: "calls_back" },
  { from: "env:staging", to: "r:we", kind: "owns" },
  { from: "ghost", to: "r:we", kind: "owns" },
].map((e) => create(MapEdgeSchema, e));

describe("system map layout", () => {
  it("puts kinds in columns and sorts rows by label", () => {
    const { placed } = layout(nodes);
    const cols = new Map<string, number>();
    for (const p of placed) cols.set(p.node.kind, p.x);
    assert.deepEqual([...cols].sort((a, b) => a[1] - b[1]).map(([k]) => k), ["service", "env_var", "provider", "resource", "environment"]);
    assert.deepEqual(placed.filter((p) => p.node.kind === "service").map((p) => p.node.label), ["api <b>", "web (nextjs)"]);
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

  const html = () =>
    renderSystemMap({ nodes, edges, title: "System map · shop", nonce: "bWFwLW5vbmNl", cspSource: "vscode-webview://test", providerName: (id) => ({ stripe: "Stripe", auth0: "Auth0" })[id] ?? id });

  it("draws every node and every edge between known nodes", async () => {
    const { p, errors } = await openWebview(browser.context, html());
    assert.deepEqual(errors, []);
    assert.equal(await p.locator(".node").count(), nodes.length);
    assert.equal(await p.locator(".edge").count(), edges.length - 1, "edges to unknown nodes are dropped");
    assert.equal(await p.locator('.node[data-id="svc:api"] text').first().textContent(), "api <b>");
    await p.screenshot({ path: path.join(artifacts, "system-map.png"), fullPage: true });
    await p.close();
  });

  it("highlights a node's neighbourhood on click and on keyboard", async () => {
    const { p, posted } = await openWebview(browser.context, html(), lightTheme);
    await p.click('.node[data-id="r:we"]');
    const hot = await p.locator(".edge.hot").evaluateAll((es) => es.map((e) => `${(e as SVGElement).dataset.from}>${(e as SVGElement).dataset.to}`).sort());
    assert.deepEqual(hot, ["env:staging>r:we", "p:stripe>r:we", "r:we>svc:api"]);
    const near = await p.locator(".node.near").evaluateAll((ns) => ns.map((n) => (n as SVGElement).dataset.id).sort());
    assert.deepEqual(near, ["env:staging", "p:stripe", "svc:api"]);
    assert.equal(await p.locator('.node.dim[data-id="p:auth0"]').count(), 1);
    await p.screenshot({ path: path.join(artifacts, "system-map-selected.png"), fullPage: true });
    await p.focus('.node[data-id="svc:web"]');
    await p.keyboard.press("Enter");
    assert.deepEqual((await posted()).slice(-2), [{ type: "select", id: "r:we" }, { type: "select", id: "svc:web" }]);
    await p.close();
  });

  it("explains an empty map", async () => {
    const { p } = await openWebview(browser.context, renderSystemMap({ nodes: [], edges: [], title: "m", nonce: "bg", cspSource: "x", providerName: (id) => id }));
    assert.match((await p.textContent(".empty"))!, /Nothing to show yet/);
    await p.close();
  });
});
