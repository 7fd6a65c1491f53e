/// <reference lib="dom" />
// Smoke test in a real VS Code host: code-server (VS Code 1.100 in a browser,
// from npm) with the packaged .vsix installed, driven by Debian's Chromium.
// Everything runs on loopback with throw-away directories.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { readDaemonInfo } from "../../src/client/home";
import { copySample, extensionRoot, patchbayBin, screenshot, skipReason, startSession, type Session } from "./harness";

const artifacts = path.join(extensionRoot, "test-results", "e2e");
// The frontend URL of the environment the test creates and provisions.
// A public https URL: Stripe refuses webhook URLs it cannot reach
// (localhost), and Patchbay plans none for them.
const frontendURL = "https://shop.example.net";

const skip = skipReason({ fakes: true, sample: true });



describe("extension in code-server", { skip }, () => {
  let session: Session;
  let home: string;
  let workspace: string;
  let page: Page;
  let fakeCreds: Record<string, Record<string, string>>;
  let fakeEnv: Record<string, string>;

  before(async () => {
    session = await startSession({ prefix: "pbe2e-", workspace: (d) => copySample(d, "shop"), fakes: true, artifacts });
    ({ home, workspace, page } = session);
    ({ fakeCreds, fakeEnv } = session);
  });

  after(async () => {
    await session?.close();
  });

  it("activates, starts the daemon and shows it ready in the status bar", async () => {
    const item = page.locator(".statusbar-item", { hasText: /Patchbay/ });
    await item.first().waitFor({ timeout: 60_000 });
    await page.locator(".statusbar-item", { hasText: /Patchbay dev|Patchbay v/ }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(artifacts, "1-status-ready.png") });
    const info = readDaemonInfo(home);
    assert.ok(info, `the extension must have started a daemon in ${home}\n${session.log()}`);
  });

  /** The content frame of the newest webview (code-server nests it in two iframes). */
  function webview() {
    return page.frameLocator("iframe.webview.ready >> nth=-1").frameLocator("#active-frame");
  }

  /** Quick Open, waiting for each stage: keystrokes sent too early go to the editor. */
  async function openFile(name: string, tab: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      if (!(await input.waitFor({ timeout: 5000 }).then(() => true, () => false))) continue;
      await input.fill(name);
      const row = page.locator(".quick-input-list .monaco-list-row", { hasText: path.basename(name) }).first();
      if (!(await row.waitFor({ timeout: 5000 }).then(() => true, () => false))) {
        await page.keyboard.press("Escape");
        continue;
      }
      await page.keyboard.press("Enter");
      await page.locator(".tab.active", { hasText: tab }).waitFor({ timeout: 10_000 });
      return;
    }
    throw new Error(`could not open ${name} with Quick Open`);
  }

  it("shows the Auth0 lenses on the sample app's Auth0 route", async () => {
    await openFile("app/api/auth/[auth0]/route.ts", "route.ts");
    await page.locator(".codelens-decoration a", { hasText: "Auth0 · Connect" }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(artifacts, "2-code-lens.png") });
  });

  it("clicking Connect opens the credential form, which saves credentials the fake accepts", async () => {
    await page.locator(".codelens-decoration a", { hasText: "Auth0 · Connect" }).first().click();
    await page.locator(".tab", { hasText: "Auth0 credentials" }).first().waitFor({ timeout: 30_000 });
    const form = webview();
    await form.locator("h1", { hasText: "Auth0 credentials" }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(artifacts, "3-credential-form.png") });
    const creds = fakeCreds.auth0;
    assert.ok(creds, "patchbay-fakes names Auth0 credentials");
    for (const [field, value] of Object.entries(creds)) {
      const input = form.locator(`[data-field="${field}"]`);
      if ((await input.count()) === 1) await input.fill(value);
    }
    await form.locator("#save").click();
    await form.locator("#result.ok").waitFor({ timeout: 30_000 });
    assert.match((await form.locator("#result").textContent())!, /\(saved\)$/);
    assert.equal(await form.locator('[data-secret]').first().inputValue(), "", "typed secrets leave the page once saved");
    await page.screenshot({ path: path.join(artifacts, "4-credentials-saved.png") });
    const list = execFileSync(patchbayBin, ["creds", "list", "--home", home], { encoding: "utf8", env: { ...process.env, PATCHBAY_HOME: home } });
    assert.match(list, /auth0/);
    assert.ok(!list.includes(creds.client_secret), "the CLI shows hints, not the secret");
  });

  it("the lens then reports the credentials as OK", async () => {
    await page.locator(".tab", { hasText: "route.ts" }).first().click();
    await page.locator(".codelens-decoration a", { hasText: "Auth0 · Credentials OK ✓" }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(artifacts, "5-lens-ok.png") });
  });

  it("the callback lens plans the Auth0 application for the environment's URLs", async () => {
    execFileSync(patchbayBin, ["env", "create", "local", "--workspace", workspace, "--frontend-url", frontendURL, "--home", home], {
      env: { ...process.env, PATCHBAY_HOME: home },
    });
    // nextjs-auth0 serves its callback by default, so the finding (and the
    // lens) sits on the file that mounts its handler: the Auth0 route.
    await page.locator(".tab", { hasText: "route.ts" }).first().click();
    const lens = page.locator(".codelens-decoration a", { hasText: /Connect Auth0 · callback/ });
    await lens
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(async (err: Error) => {
        await page.screenshot({ path: path.join(artifacts, "6-failed-no-callback-lens.png") });
        throw err;
      });
    await lens.first().click();
    // The app also handles Stripe webhooks and no Stripe credentials are
    // saved: the plan asks for them through a credential request (the form
    // opens with the reason), waits, and resumes once they are saved.
    await page.locator(".tab", { hasText: "Stripe credentials" }).first().waitFor({ timeout: 30_000 });
    const stripeForm = webview();
    await stripeForm.locator("h1", { hasText: "Stripe credentials" }).waitFor({ timeout: 30_000 });
    assert.match((await stripeForm.locator("body").textContent())!, /Planning environment "local"/);
    await page.screenshot({ path: path.join(artifacts, "6-credential-request.png") });
    const stripeCreds = fakeCreds.stripe;
    assert.ok(stripeCreds, "patchbay-fakes names Stripe credentials");
    for (const [field, value] of Object.entries(stripeCreds)) {
      const input = stripeForm.locator(`[data-field="${field}"]`);
      if ((await input.count()) === 1) await input.fill(value);
    }
    await stripeForm.locator("#save").click();
    await page.locator(".tab", { hasText: "Patchbay plan · local" }).first().waitFor({ timeout: 30_000 });
    const plan = webview();
    await plan.locator("tr[data-step-id]").first().waitFor({ timeout: 30_000 });
    const rows = await plan.locator("tr[data-step-id]").allTextContents();
    assert.ok(rows.some((r) => /create/.test(r) && /Auth0/.test(r)), `plan rows: ${rows.join(" | ")}`);
    assert.ok(rows.some((r) => /create/.test(r) && /Stripe/.test(r)), `the plan resumed with the Stripe credentials; rows: ${rows.join(" | ")}`);
    await page.screenshot({ path: path.join(artifacts, "6-plan.png") });
  });

  it("approving applies the plan with progress; the Auth0 fake then holds the environment's callback URLs", async () => {
    const plan = webview();
    await plan.locator("#approve").click();
    await plan.locator("#outcome:not([hidden])").waitFor({ timeout: 60_000 });
    const outcome = (await plan.locator("#outcome").textContent())!;
    const rows = await plan.locator("tr[data-step-id] .state .label").allTextContents();
    await page.screenshot({ path: path.join(artifacts, "7-apply.png") });
    assert.match(outcome, /^completed/, `apply outcome: ${outcome}; steps: ${rows.join(" | ")}`);
    assert.ok(rows.length > 0 && rows.every((r) => /^done/.test(r)), `step states after apply: ${rows.join(" | ")}`);

    // What the app should allow: the environment's frontend URL joined with
    // the callback and logout routes the analyzer detects in the workspace
    // (the same scan the daemon runs), plus the bare frontend URL for logout
    // and its origin for web origins, as the engine derives them.
    const scan = JSON.parse(execFileSync(patchbayBin, ["scan", "--json", workspace], { encoding: "utf8" })) as {
      findings: { kind: string; provider?: string; callback?: { route?: string; logoutRoutes?: string[] } }[];
    };
    const callbacks = scan.findings.filter((f) => f.kind === "OAUTH_CALLBACK" && f.provider === "auth0").map((f) => f.callback ?? {});
    assert.ok(callbacks.length > 0, "the scan detects the nextjs-auth0 callback");
    const sorted = (xs: string[]) => [...new Set(xs)].sort();
    const want = {
      callbacks: sorted(callbacks.map((c) => frontendURL + c.route)),
      allowed_logout_urls: sorted([frontendURL, ...callbacks.flatMap((c) => (c.logoutRoutes ?? []).map((r) => frontendURL + r))]),
      web_origins: [new URL(frontendURL).origin],
    };

    // Ask the fake itself, through the Management API with a token for the
    // credentials it printed, what the application now allows.
    const base = fakeEnv.PATCHBAY_ENDPOINT_AUTH0;
    const c = fakeCreds.auth0;
    const tokenResp = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: c.client_id, client_secret: c.client_secret, audience: `https://${c.domain}/api/v2/` }),
    });
    assert.equal(tokenResp.status, 200, `token: ${await tokenResp.clone().text()}`);
    const tok = (await tokenResp.json()) as { access_token: string };
    const listResp = await fetch(`${base}/api/v2/clients?per_page=100`, { headers: { authorization: `Bearer ${tok.access_token}` } });
    assert.equal(listResp.status, 200, `list clients: ${await listResp.clone().text()}`);
    type App = { client_id: string; name: string; callbacks: string[]; allowed_logout_urls: string[]; web_origins: string[] };
    const apps = (await listResp.json()) as App[];
    // Every application but the fake's own (whose credentials Patchbay uses) was made by the apply.
    const made = apps.filter((x) => x.client_id !== c.client_id);
    assert.equal(made.length, 1, `one application for the environment; applications at the fake: ${JSON.stringify(apps.map((x) => x.name))}`);
    const app = made[0];
    assert.match(app.name, /-local$/, "named after the environment");

    // And the Stripe fake holds one webhook endpoint at the environment's
    // URL (the API URL defaults to the frontend URL) + the detected route.
    const hooks = scan.findings.filter((f) => f.kind === "WEBHOOK_HANDLER" && f.provider === "stripe") as { webhook?: { route?: string } }[];
    assert.equal(hooks.length, 1, "the scan detects the Stripe webhook handler");
    const epResp = await fetch(`${fakeEnv.PATCHBAY_ENDPOINT_STRIPE}/v1/webhook_endpoints`, { headers: { authorization: `Bearer ${fakeCreds.stripe.secret_key}` } });
    assert.equal(epResp.status, 200, `list webhook endpoints: ${await epResp.clone().text()}`);
    const eps = ((await epResp.json()) as { data: { url: string }[] }).data;
    assert.deepEqual(eps.map((e) => e.url), [frontendURL + hooks[0].webhook?.route]);
    assert.deepEqual(
      { callbacks: sorted(app.callbacks), allowed_logout_urls: sorted(app.allowed_logout_urls), web_origins: sorted(app.web_origins) },
      want,
    );
  });

  it("the Environments view follows environments the CLI creates, and the status bar shows the selected one", async () => {
    // The Patchbay container: the activity-bar entry of the views.
    await page.locator('.activitybar [aria-label^="Patchbay"]').first().click();
    const view = page.locator(".pane", { has: page.locator(".pane-header", { hasText: /Environments/ }) });
    await view.locator(".monaco-list-row", { hasText: "local" }).first().waitFor({ timeout: 30_000 });
    await page.locator(".statusbar-item", { hasText: "local" }).first().waitFor({ timeout: 30_000 });
    // Made elsewhere, shown without a refresh: the daemon's EnvironmentChanged event.
    execFileSync(patchbayBin, ["env", "create", "staging", "--workspace", workspace, "--frontend-url", "https://staging.shop.example", "--home", home], {
      env: { ...process.env, PATCHBAY_HOME: home },
    });
    await view.locator(".monaco-list-row", { hasText: "staging" }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(artifacts, "8-environments.png") });
  });

  it("an agent's apply through patchbay mcp waits for the user's answer in an editor modal", async () => {
    const inspector = path.join(extensionRoot, "node_modules", ".bin", "mcp-inspector");
    assert.ok(fs.existsSync(inspector), "the MCP inspector is installed with the extension's packages");
    let out = "";
    const agent = spawn(inspector, ["--cli", patchbayBin, "mcp", "--workspace", workspace, "--method", "tools/call", "--tool-name", "apply", "--tool-arg", "environment=staging"], {
      env: { ...process.env, PATCHBAY_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    agent.stdout!.on("data", (d) => (out += d));
    agent.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => agent.once("exit", resolve));
    const dialog = page.locator(".monaco-dialog-box", { hasText: /asks to apply/ });
    await dialog.waitFor({ timeout: 60_000 });
    assert.match((await dialog.textContent())!, /\+ create auth0 client/, "the modal shows the plan");
    // The README's picture of the approval an agent waits for.
    await screenshot(page, "approval-dark");
    await dialog.locator(".monaco-button", { hasText: /^Deny$/ }).click();
    assert.equal(await exited, 0, out);
    assert.match(out, /"approval": "denied"/, out);
  });
});
