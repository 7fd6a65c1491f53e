/// <reference lib="dom" />
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { PlanSchema, StepAction } from "../../src/gen/patchbay/v1/provision_pb";
import { renderPlan } from "../../src/ui/planView";
import { artifactsDir, chromiumSkip, launch, openWebview, type Browser } from "../helpers/browser";

const artifacts = artifactsDir("webview");

const plan = create(PlanSchema, {
  id: "plan-7",
  workspaceRoot: "/w/shop",
  environment: "staging",
  summary: "2 to create, 1 to update",
  warnings: ["Auth0 logout URL <script>x</script> is not https"],
  steps: [
    { id: "a0", action: StepAction.CREATE, provider: "auth0", resourceType: "client", name: "shop staging", reason: "callback /api/auth/callback", changes: [{ field: "callbacks", after: "https://staging.shop.test/api/auth/callback" }] },
    { id: "st", action: StepAction.UPDATE, provider: "stripe", resourceType: "webhook_endpoint", name: "shop staging", providerId: "we_1", reason: "handler switches on 2 events", changes: [{ field: "enabled_events", before: "checkout.session.completed", after: "checkout.session.completed,invoice.paid" }], dependsOn: ["a0"] },
    { id: "nn", action: StepAction.NOOP, provider: "sendgrid", resourceType: "api_key", name: "mailer", reason: "unchanged" },
  ],
});

const names: Record<string, string> = { auth0: "Auth0", stripe: "Stripe", sendgrid: "SendGrid" };

describe("plan webview in headless Chromium", { skip: chromiumSkip }, () => {
  let browser: Browser;
  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  const html = () => renderPlan({ plan, cspSource: "vscode-webview://test", nonce: "cGxhbi1ub25jZQ", providerName: (id) => names[id] ?? id });

  it("renders the diff, escapes daemon text, and posts approve once", async () => {
    const { p, posted, errors } = await openWebview(browser.context, html());
    assert.deepEqual(errors, []);
    assert.deepEqual(
      await p.locator("tr[data-step-id]").evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.stepId, r.querySelector(".badge")!.textContent, r.querySelector(".state .label")!.textContent])),
      [
        ["a0", "create", "pending"],
        ["st", "update", "pending"],
        ["nn", "no change", "—"],
      ],
    );
    assert.equal(await p.textContent("tr[data-step-id=st] .changes"), "enabled_events: checkout.session.completed → checkout.session.completed,invoice.paid");
    assert.equal(await p.textContent(".warnings li"), "Auth0 logout URL <script>x</script> is not https");
    await p.screenshot({ path: path.join(artifacts, "plan.png"), fullPage: true });
    await p.click("#approve");
    assert.equal(await p.isDisabled("#approve"), true);
    assert.deepEqual(await posted(), [{ type: "ready" }, { type: "approve" }]);
    await p.close();
  });

  it("shows apply progress per step and the outcome", async () => {
    const { p, send } = await openWebview(browser.context, html());
    await p.click("#approve");
    await send({ type: "progress", stepId: "a0", state: "done", message: "client abc", done: 1, total: 2 });
    await send({ type: "progress", stepId: "st", state: "failed", message: "stripe: 401", done: 1, total: 2 });
    await send({ type: "finished", state: "failed", message: "1 of 2 steps failed" });
    assert.equal(await p.textContent("tr[data-step-id=a0] .state .label"), "done: client abc");
    assert.equal(await p.textContent("tr[data-step-id=a0] .state .icon"), "✓");
    assert.match((await p.getAttribute("tr[data-step-id=st]", "class"))!, /state-failed/);
    assert.equal(await p.textContent("#outcome"), "failed: 1 of 2 steps failed");
    assert.equal(await p.evaluate(() => (document.getElementById("progress") as HTMLProgressElement).value), 1);
    await p.screenshot({ path: path.join(artifacts, "plan-failed.png"), fullPage: true });
    await p.close();
  });

  it("renders the plan once, links file references, and fits 650 px", async () => {
    const withRef = create(PlanSchema, {
      ...plan,
      summary: "+ create auth0 client shop staging\n~ update stripe webhook_endpoint",
      steps: [{ ...plan.steps[0], reason: "OAuth callback /api/auth/callback at app/api/auth/[auth0]/route.ts:3" }, ...plan.steps.slice(1)],
    });
    const { p, posted } = await openWebview(browser.context, renderPlan({ plan: withRef, cspSource: "x", nonce: "bm9uY2U", providerName: (id) => names[id] ?? id }));
    await p.setViewportSize({ width: 650, height: 700 });
    assert.ok(!(await p.textContent("body"))!.includes("+ create auth0 client"), "the CLI text diff is not repeated above the table");
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), "no horizontal overflow at 650 px");
    const link = p.locator('a[data-open-path="app/api/auth/[auth0]/route.ts"]');
    assert.equal(await link.getAttribute("data-open-line"), "3");
    await link.click();
    assert.deepEqual((await posted()).slice(-1), [{ type: "open", path: "app/api/auth/[auth0]/route.ts", line: 3 }]);
    // Approve stays in view (sticky header) when the table is scrolled.
    await p.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const box = await p.locator("#approve").boundingBox();
    assert.ok(box && box.y >= 0 && box.y < 700, `approve in view: ${JSON.stringify(box)}`);
    await p.close();
  });

  it("wraps long provider IDs in the Status and Resource columns", async () => {
    const id = "we_1NvXyZ2eZvKYlo2C0123456789abcdefghijklmnopqrstuvwxyz";
    const long = create(PlanSchema, { ...plan, steps: [{ ...plan.steps[1], providerId: id }, plan.steps[0]] });
    const { p, send } = await openWebview(browser.context, renderPlan({ plan: long, cspSource: "x", nonce: "bm9uY2U", providerName: (x) => names[x] ?? x }));
    await p.setViewportSize({ width: 650, height: 700 });
    await p.click("#approve");
    await send({ type: "progress", stepId: "st", state: "done", message: id, done: 1, total: 2 });
    assert.equal(await p.textContent("tr[data-step-id=st] .state .label"), `done: ${id}`);
    const cells = await p.locator("tr[data-step-id=st] td").evaluateAll((tds) =>
      tds.map((td) => {
        const r = td.getBoundingClientRect();
        const inner = Array.from(td.querySelectorAll("*")).map((e) => e.getBoundingClientRect());
        return { overflow: td.scrollWidth > td.clientWidth, inside: inner.every((b) => b.width === 0 || (b.left >= r.left - 0.5 && b.right <= r.right + 0.5)) };
      }),
    );
    assert.deepEqual(cells, cells.map(() => ({ overflow: false, inside: true })), "nothing sticks out of its cell");
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), "no horizontal overflow at 650 px");
    await p.screenshot({ path: path.join(artifacts, "plan-long-ids.png"), fullPage: true });
    await p.close();
  });

  it("cannot be approved when nothing changes", async () => {
    const empty = create(PlanSchema, { id: "p", environment: "local", steps: [{ id: "n", action: StepAction.NOOP, provider: "stripe", name: "x" }] });
    const { p } = await openWebview(browser.context, renderPlan({ plan: empty, cspSource: "x", nonce: "bm9uY2U", providerName: (id) => id }));
    assert.equal(await p.isDisabled("#approve"), true);
    assert.equal(await p.textContent("#approve"), "Nothing to change");
    await p.close();
  });
});
