/// <reference lib="dom" />
// Text contrast of every webview page in VS Code's light and dark themes
// (WCAG 2.1 AA: 4.5:1, large text 3:1), in the states a user sees.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ComponentKind, ComponentSchema } from "../../src/gen/patchbay/v1/action_pb";
import { ApiKeySchema } from "../../src/gen/patchbay/v1/apikey_pb";
import { CredentialProfileSchema, FieldKind, ProviderInfoSchema } from "../../src/gen/patchbay/v1/credential_pb";
import { MapEdgeSchema, MapNodeSchema, PlanSchema, StepAction } from "../../src/gen/patchbay/v1/provision_pb";
import { grantOptions } from "../../src/model/apiKeys";
import { renderApiKeyDetail, renderApiKeyForm } from "../../src/ui/apiKeyForm";
import { renderCredentialForm } from "../../src/ui/credentialForm";
import { renderPlan } from "../../src/ui/planView";
import { renderSystemMap } from "../../src/ui/systemMap";
import { chromiumSkip, darkTheme, launch, lightTheme, openWebview, type Browser, type OpenedPage } from "../helpers/browser";
import { lowContrast } from "../helpers/contrast";

const cspSource = "vscode-webview://test";
const nonce = "Y29udHJhc3Q=";
const names: Record<string, string> = { stripe: "Stripe", auth0: "Auth0" };
const providerName = (id: string) => names[id] ?? id;

const plan = create(PlanSchema, {
  id: "p1",
  workspaceRoot: "/w/shop",
  environment: "staging",
  warnings: ["Auth0 logout URL is not https (app/api/auth/[auth0]/route.ts:3)"],
  steps: [
    { id: "a0", action: StepAction.CREATE, provider: "auth0", resourceType: "client", name: "shop staging", reason: "callback at app/api/auth/[auth0]/route.ts:3", changes: [{ field: "callbacks", after: "https://staging.shop.test/cb" }] },
    { id: "st", action: StepAction.UPDATE, provider: "stripe", resourceType: "webhook_endpoint", name: "shop", providerId: "we_1", reason: "2 events", changes: [{ field: "enabled_events", before: "a", after: "a,b" }] },
    { id: "nn", action: StepAction.NOOP, provider: "stripe", resourceType: "product", name: "pro", reason: "unchanged" },
  ],
});

const mapNodes = [
  { id: "service:api", kind: "service", label: "api", attributes: { path: "api" } },
  { id: "provider:stripe", kind: "provider", label: "stripe", provider: "stripe" },
  { id: "r:we", kind: "resource", label: "webhook_endpoint shop", provider: "stripe", attributes: { url: "https://api.test/hook" } },
  { id: "env_var:STRIPE_SECRET_KEY", kind: "env_var", label: "STRIPE_SECRET_KEY" },
  { id: "environment:staging", kind: "environment", label: "staging" },
].map((n) => create(MapNodeSchema, n as MessageInitShape<typeof MapNodeSchema>));
const mapEdges = [
  { from: "service:api", to: "provider:stripe", kind: "uses" },
  { from: "service:api", to: "env_var:STRIPE_SECRET_KEY", kind: "reads" },
  { from: "environment:staging", to: "r:we", kind: "owns" },
  { from: "r:we", to: "service:api", kind: "calls_back" },
].map((e) => create(MapEdgeSchema, e));

const options = grantOptions(
  [create(ComponentSchema, { provider: "stripe", id: "create_customer", kind: ComponentKind.ACTION, description: "Create a customer" })],
  [create(CredentialProfileSchema, { provider: "stripe", profile: "default" })],
  providerName,
  () => "ok",
);

interface Case {
  name: string;
  html: () => string;
  /** Puts the page in the state to measure. */
  act?: (o: OpenedPage) => Promise<void>;
  /** Deliberately de-emphasised parts (the system map dims nodes away from the selection). */
  skip?: string;
}

const cases: Case[] = [
  {
    name: "credential form with a failed check",
    html: () =>
      renderCredentialForm({
        provider: create(ProviderInfoSchema, { id: "stripe", displayName: "Stripe", steps: ["Open Developers → API keys"], fields: [{ name: "secret_key", label: "Secret key", kind: FieldKind.SECRET, required: true, help: "Starts with sk_" }] }),
        profile: "default",
        cspSource,
        nonce,
      }),
    act: async ({ send }) => send({ type: "result", ok: false, saved: false, status: "invalid", summary: "Stripe says the key is invalid", fix: "Copy the secret key again", field: "secret_key" }),
  },
  {
    name: "plan after an apply with a done and a failed step",
    html: () => renderPlan({ plan, cspSource, nonce, providerName }),
    act: async ({ p, send }) => {
      await p.click("#approve");
      await send({ type: "progress", stepId: "a0", state: "done", message: "client abc", done: 1, total: 2 });
      await send({ type: "progress", stepId: "st", state: "failed", message: "stripe: 401", done: 1, total: 2 });
      await send({ type: "finished", state: "failed", message: "1 of 2 steps failed" });
    },
  },
  {
    name: "system map with a node selected",
    html: () => renderSystemMap({ nodes: mapNodes, edges: mapEdges, title: "System map · shop", cspSource, nonce, providerName, codeRefs: { "service:api": [{ path: "api/src/pay.ts", line: 3, what: "Stripe SDK" }] } }),
    act: async ({ p }) => p.click('.node[data-id="service:api"]'),
    skip: ".node.dim",
  },
  { name: "API key form", html: () => renderApiKeyForm({ options, cspSource, nonce }) },
  {
    name: "API key detail",
    html: () =>
      renderApiKeyDetail({
        key: create(ApiKeySchema, { id: "k1", name: "ci", team: "default", tokenHint: "pbk_k1…", createdAt: timestampFromDate(new Date("2026-01-02T00:00:00Z")), grants: [{ provider: "stripe", components: ["create_customer"], profile: "default" }] }),
        audit: [],
        providerName,
        cspSource,
        nonce,
      }),
  },
];

describe("webview text contrast (WCAG AA) in light and dark themes", { skip: chromiumSkip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const c of cases) {
    for (const [theme, vars] of [["light", lightTheme], ["dark", darkTheme]] as const) {
      it(`${c.name}, ${theme}`, async () => {
        const o = await openWebview(browser.context, c.html(), vars);
        assert.deepEqual(o.errors, []);
        await c.act?.(o);
        const low = await lowContrast(o.p, { skip: c.skip });
        assert.deepEqual(low, []);
        await o.p.close();
      });
    }
  }

  it("measures: text in the background colour fails", async () => {
    const o = await openWebview(browser.context, renderApiKeyForm({ options, cspSource, nonce }), lightTheme);
    await o.p.evaluate(() => {
      const h = document.querySelector("h1") as HTMLElement;
      h.style.color = "#cccccc";
    });
    const low = await lowContrast(o.p);
    assert.equal(low.length, 1);
    assert.equal(low[0].selector, "h1");
    assert.ok(low[0].ratio < 2, String(low[0].ratio));
    await o.p.close();
  });
});
