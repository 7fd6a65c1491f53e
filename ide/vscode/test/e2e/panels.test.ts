/// <reference lib="dom" />
// Every Patchbay panel in a real VS Code host (code-server with the packaged
// .vsix, driven by Debian's Chromium, provider endpoints at the in-repo
// fakes), in Dark+ and then Light+. Each panel is checked and screenshotted
// into docs/screenshots/panel-<name>-<theme>.png, the README's pictures:
// code lenses (one per provider per file), a credential form (focus on its
// first field), the plan (one rendering, file references that open the
// file), the API key form, the Services, Credentials and Environments views
// with the status bar, and an "Ask…" answer (the daemon's assistant; no
// language model needed).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Frame, Locator, Page } from "playwright-core";
import { readDaemonInfo } from "../../src/client/home";
import { copySample, extensionRoot, patchbayBin, skipReason, runCommand, startSession, type Session } from "./harness";

// The README's screenshots; failures go with the other e2e artifacts.
const screenshots = path.join(extensionRoot, "..", "..", "docs", "screenshots");
const artifacts = path.join(extensionRoot, "test-results", "e2e-panels");
// A public https URL: Stripe refuses webhook URLs it cannot reach (localhost).
const frontendURL = "https://shop.example.net";
const stripeRoute = "app/api/webhooks/stripe/route.ts";
const auth0Route = "app/api/auth/[auth0]/route.ts";
const question = "what credentials do I have configured?";

const skip = skipReason({ fakes: true, sample: true });



type Theme = "dark" | "light";

describe("every panel in code-server, Dark+ and Light+", { skip }, () => {
  let session: Session;
  let home: string;
  let workspace: string;
  let page: Page;
  let fakeCreds: Record<string, Record<string, string>>;

  before(async () => {
    session = await startSession({ prefix: "pbpn-", workspace: (d) => copySample(d, "shop"), fakes: true, artifacts, settings: { "workbench.colorTheme": "Default Dark+" } });
    ({ home, workspace, page } = session);
    ({ fakeCreds } = session);
    fs.mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await session?.close();
  });

  /** The README's picture of a panel in a theme. */
  const shot = (name: string, theme: Theme, part?: Locator) => (part ?? page).screenshot({ path: path.join(screenshots, `panel-${name}-${theme}.png`) });
  const failed = (what: string) => (err: Error) => page.screenshot({ path: path.join(artifacts, `failed-${what}.png`) }).then(() => Promise.reject(err));

  /** The content frame of the newest webview (code-server nests it in two iframes). */
  function webview() {
    return page.frameLocator("iframe.webview.ready >> nth=-1").frameLocator("#active-frame");
  }

  /** The webview frame holding selector (hidden webviews keep their frames). */
  async function frameWith(selector: string): Promise<Frame> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const f of page.frames()) {
        if (await f.locator(selector).count().catch(() => 0)) return f;
      }
      if (Date.now() > deadline) throw new Error(`no webview with ${selector}`);
      await page.waitForTimeout(250);
    }
  }

  /** Waits until the workbench and, given one, a webview frame show the theme. */
  async function themed(theme: Theme, f?: Frame): Promise<void> {
    await page.locator(theme === "dark" ? ".monaco-workbench.vs-dark" : ".monaco-workbench.vs").waitFor({ timeout: 30_000 });
    if (!f) return;
    // VS Code re-themes open webviews when the setting changes: their
    // theme variables follow (the markdown preview's body is transparent).
    await f.waitForFunction(
      (light) => {
        const bg = getComputedStyle(document.documentElement).getPropertyValue("--vscode-editor-background").trim();
        const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(bg);
        return !!m && (parseInt(m[1], 16) + parseInt(m[2], 16) + parseInt(m[3], 16) > 600) === light;
      },
      theme === "light",
      { timeout: 30_000 },
    );
  }


  /** Quick Open, waiting for each stage: keystrokes sent too early go to the editor. */
  async function openFile(name: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      if (!(await input.waitFor({ timeout: 5000 }).then(() => true, () => false))) continue;
      await input.fill(name);
      // Both sample files are route.ts: the row of the one in name's folder.
      const row = page
        .locator(".quick-input-list .monaco-list-row", { hasText: path.basename(name) })
        .filter({ hasText: path.basename(path.dirname(name)) })
        .first();
      if (!(await row.waitFor({ timeout: 5000 }).then(() => true, () => false))) {
        await page.keyboard.press("Escape");
        continue;
      }
      await row.click();
      await page.locator(".tab.active", { hasText: path.basename(name) }).waitFor({ timeout: 10_000 });
      return;
    }
    throw new Error(`could not open ${name} with Quick Open`);
  }

  /** The editor tab of a file or panel, brought to the front. */
  async function tab(title: string | RegExp): Promise<void> {
    await page.locator(".tab", { hasText: title }).first().click();
    await page.locator(".tab.active", { hasText: title }).first().waitFor({ timeout: 10_000 });
  }

  /** The route.ts tab of a folder (both sample files are route.ts). */
  const routeTab = (folder: string) => page.locator(".tab", { has: page.locator(".label-description", { hasText: folder }) }).first();

  const lensTitles = () => page.locator(".codelens-decoration a").allTextContents();
  const pane = (title: RegExp) => page.locator(".pane", { has: page.locator(".pane-header", { hasText: title }) });

  it("activates and the sample workspace gets an environment", async () => {
    await page.locator(".statusbar-item", { hasText: /Patchbay dev|Patchbay v/ }).first().waitFor({ timeout: 90_000 });
    assert.ok(readDaemonInfo(home), `the extension must have started a daemon in ${home}\n${session.log()}`);
    execFileSync(patchbayBin, ["env", "create", "local", "--workspace", workspace, "--frontend-url", frontendURL, "--home", home], {
      env: { ...process.env, PATCHBAY_HOME: home },
    });
    await themed("dark");
  });

  it("lenses: one per provider per file (import and constructor make one), Dark+", async () => {
    await openFile(stripeRoute);
    await page.locator(".codelens-decoration a", { hasText: "Stripe · Connect" }).first().waitFor({ timeout: 60_000 });
    await page.locator(".codelens-decoration a", { hasText: /^Stripe webhook · 2 events · Plan environment$/ }).first().waitFor({ timeout: 30_000 });
    // The file imports Stripe and constructs it: one SDK lens; and one webhook lens.
    const stripe = await lensTitles();
    assert.deepEqual(stripe.filter((t) => /^Stripe · /.test(t)), ["Stripe · Connect"], `lenses: ${stripe.join(" | ")}`);
    assert.equal(stripe.filter((t) => /^Stripe webhook/.test(t)).length, 1, `lenses: ${stripe.join(" | ")}`);
    assert.equal(stripe.length, 2, `lenses: ${stripe.join(" | ")}`);
    await shot("lenses", "dark");

    await openFile(auth0Route);
    await page.locator(".codelens-decoration a", { hasText: "Auth0 · Connect" }).first().waitFor({ timeout: 60_000 });
    await page.locator(".codelens-decoration a", { hasText: /^Connect Auth0 · callback/ }).first().waitFor({ timeout: 30_000 });
    const auth0 = await lensTitles();
    assert.deepEqual(auth0.filter((t) => /^Auth0 · /.test(t)), ["Auth0 · Connect"], `lenses: ${auth0.join(" | ")}`);
    assert.equal(auth0.filter((t) => /^Connect Auth0 · callback/.test(t)).length, 1, `lenses: ${auth0.join(" | ")}`);
    assert.equal(auth0.length, 2, `lenses: ${auth0.join(" | ")}`);
  });

  it("a credential form opens with focus on its first field, Dark+", async () => {
    await page.locator(".codelens-decoration a", { hasText: "Auth0 · Connect" }).first().click();
    await page.locator(".tab", { hasText: "Auth0 credentials" }).first().waitFor({ timeout: 30_000 });
    const form = webview();
    await form.locator("h1", { hasText: "Auth0 credentials" }).waitFor({ timeout: 30_000 });
    const f = await frameWith('h1:has-text("Auth0 credentials")');
    // Typing right after the form opens goes into the first field.
    await f
      .waitForFunction(() => !!document.activeElement && document.activeElement === document.querySelector("form [data-field]"), undefined, { timeout: 10_000 })
      .catch(failed("credential-form-focus"));
    const first = await f.evaluate(() => (document.activeElement as HTMLInputElement).dataset.field);
    assert.ok(first, "the focused element is a form field");
    await shot("credential-form", "dark");
    for (const [field, value] of Object.entries(fakeCreds.auth0)) {
      const input = form.locator(`[data-field="${field}"]`);
      if ((await input.count()) === 1) await input.fill(value);
    }
    await form.locator("#save").click();
    await form.locator("#result.ok").waitFor({ timeout: 30_000 });
  });

  it("the plan: rendered once, its file references open the file, Dark+", async () => {
    await routeTab("[auth0]").click();
    const lens = page.locator(".codelens-decoration a", { hasText: /^Connect Auth0 · callback/ });
    await lens.first().waitFor({ timeout: 30_000 });
    await lens.first().click();
    // No Stripe credentials yet: the plan asks for them with a credential request.
    await page.locator(".tab", { hasText: "Stripe credentials" }).first().waitFor({ timeout: 30_000 });
    const stripeForm = webview();
    await stripeForm.locator("h1", { hasText: "Stripe credentials" }).waitFor({ timeout: 30_000 });
    for (const [field, value] of Object.entries(fakeCreds.stripe)) {
      const input = stripeForm.locator(`[data-field="${field}"]`);
      if ((await input.count()) === 1) await input.fill(value);
    }
    await stripeForm.locator("#save").click();
    await page.locator(".tab", { hasText: "Patchbay plan · local" }).first().waitFor({ timeout: 30_000 });
    const plan = await frameWith("tr[data-step-id]");
    // One rendering: the table of steps, not the CLI's text of the same diff as well.
    assert.equal(await plan.locator("table").count(), 1, "one table");
    assert.equal(await plan.locator("pre").count(), 0, "no text block repeating the plan");
    const rows = await plan.locator("tr[data-step-id]").allTextContents();
    assert.ok(rows.some((r) => /Auth0/.test(r)) && rows.some((r) => /Stripe/.test(r)), `plan rows: ${rows.join(" | ")}`);
    const links = plan.locator("a[data-open-path]");
    assert.ok((await links.count()) > 0, `file references are links; rows: ${rows.join(" | ")}`);
    assert.match((await links.first().textContent())!, /:\d+$/, "path:line");
    await shot("plan", "dark");
    const target = (await links.first().getAttribute("data-open-path"))!;
    await links.first().click();
    const opened = page.locator(".tab.active", { hasText: path.basename(target) }).first();
    await opened.waitFor({ timeout: 15_000 });
    // It opened beside the plan; closing it leaves one editor group for the next panels.
    await opened.locator(".codicon-close").click();
    await page.locator(".tab.active", { hasText: "Patchbay plan · local" }).first().waitFor({ timeout: 10_000 });
  });

  it("the API key form, Dark+", async () => {
    await runCommand(page, "Patchbay: Create API Key…");
    const f = await frameWith('h1:has-text("New API key")');
    await f.locator("form").first().waitFor({ timeout: 30_000 });
    await shot("api-key-form", "dark");
  });

  it("the Services view (findings and routes), Credentials view and Environments view with the status bar, Dark+", async () => {
    await page.locator('.activitybar [aria-label^="Patchbay"]').first().click();
    const services = pane(/^Services/);
    await services.locator(".monaco-list-row", { hasText: "shop" }).first().waitFor({ timeout: 30_000 });
    // The providers' findings (with their counts) fold away so that the
    // service's routes, collapsed at first, fit in the small pane.
    for (const provider of ["Auth0", "Stripe"]) {
      const row = services.locator('.monaco-list-row[aria-expanded="true"]', { hasText: new RegExp(`^${provider}\\s*\\d+ findings`) }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.locator(".monaco-tl-twistie").click();
      await services.locator('.monaco-list-row[aria-expanded="false"]', { hasText: new RegExp(`^${provider}`) }).first().waitFor({ timeout: 10_000 });
    }
    const routes = services.locator(".monaco-list-row", { hasText: /^Routes\s*\d+ routes?/ }).first();
    await routes.waitFor({ timeout: 10_000 }).catch(failed("services-routes"));
    if ((await routes.getAttribute("aria-expanded")) === "false") await routes.locator(".monaco-tl-twistie").click();
    await services.locator(".monaco-list-row", { hasText: /^(POST|GET|ANY) \// }).first().waitFor({ timeout: 10_000 }).catch(failed("services-routes"));
    await shot("services", "dark", services);
    const creds = pane(/^Credentials/);
    await creds.locator(".monaco-list-row", { hasText: "Auth0" }).first().waitFor({ timeout: 30_000 });
    await creds.locator(".monaco-list-row", { hasText: "Stripe" }).first().waitFor({ timeout: 30_000 });
    await shot("credentials", "dark", creds);
    const envs = pane(/Environments/);
    await envs.locator(".monaco-list-row", { hasText: "local" }).first().waitFor({ timeout: 30_000 });
    await page.locator(".statusbar-item", { hasText: "local" }).first().waitFor({ timeout: 30_000 });
    await shot("environments", "dark");
  });

  it("an Ask… answer opens as rendered markdown, Dark+", async () => {
    await tab("Patchbay plan · local");
    await runCommand(page, "Patchbay: Ask…");
    await page.locator(".quick-input-widget .quick-input-title", { hasText: "Ask Patchbay" }).waitFor({ timeout: 10_000 });
    await page.locator(".quick-input-widget input").fill(question);
    await page.keyboard.press("Enter");
    await page.locator(".tab", { hasText: /^Preview / }).first().waitFor({ timeout: 30_000 }).catch(failed("ask"));
    const f = await frameWith(`h1:has-text("${question}")`);
    // The daemon's answer: the two profiles saved above, by provider.
    const answer = (await f.locator("body").textContent()) ?? "";
    assert.match(answer, /Auth0/, answer);
    assert.match(answer, /Stripe/, answer);
    await shot("ask", "dark");
  });

  it("every panel again in Light+", async () => {
    // From an editor: keys typed in a webview stay in its frame.
    await routeTab("stripe").click();
    await runCommand(page, "Preferences: Color Theme");
    const light = page.locator(".quick-input-list .monaco-list-row", { hasText: /^Light\+/ }).first();
    await light.waitFor({ timeout: 10_000 }).catch(failed("theme-picker"));
    await light.click();
    await themed("light");

    await routeTab("stripe").click();
    await page.locator(".codelens-decoration a", { hasText: /^Stripe webhook/ }).first().waitFor({ timeout: 30_000 });
    assert.equal((await lensTitles()).length, 2);
    await shot("lenses", "light");

    await tab("Auth0 credentials");
    await themed("light", await frameWith('h1:has-text("Auth0 credentials")'));
    await shot("credential-form", "light");

    await tab("Patchbay plan · local");
    await themed("light", await frameWith("tr[data-step-id]"));
    await shot("plan", "light");

    await tab(/API key/);
    await themed("light", await frameWith('h1:has-text("New API key")'));
    await shot("api-key-form", "light");

    await tab(/^Preview /);
    await themed("light", await frameWith(`h1:has-text("${question}")`));
    await shot("ask", "light");

    // The views: the Patchbay container is still open in the side bar.
    await pane(/^Services/).locator(".monaco-list-row", { hasText: /^(POST|GET|ANY) \// }).first().waitFor({ timeout: 10_000 });
    await shot("services", "light", pane(/^Services/));
    await shot("credentials", "light", pane(/^Credentials/));
    await page.locator(".statusbar-item", { hasText: "local" }).first().waitFor({ timeout: 10_000 });
    await shot("environments", "light");
  });
});
