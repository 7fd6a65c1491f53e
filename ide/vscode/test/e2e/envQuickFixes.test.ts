/// <reference lib="dom" />
// The missing-variable diagnostics' quick fixes in a real VS Code host:
// code-server (VS Code 1.100 in a browser, from npm) with the packaged .vsix
// installed, driven by Debian's Chromium through Ctrl+. on each diagnostic.
// Each fix is checked in the editor (the diagnostic goes away) and at the
// daemon (`patchbay env check` shows the variable satisfied). Everything
// runs on loopback with throw-away directories.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { readDaemonInfo } from "../../src/client/home";
import { extensionRoot, patchbayBin, skipReason, startSession, type Session } from "./harness";

const artifacts = path.join(extensionRoot, "test-results", "e2e-quick-fixes");

// The app: Stripe's SDK with its key from the environment, a token of a
// partner API nothing provisions (a secret: Generate secret) and a support
// address (not a secret: Set value…).
const appSource = `const express = require("express");
const Stripe = require("stripe");

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
const partnerToken = process.env.PARTNER_API_TOKEN;
const supportEmail = process.env.SUPPORT_EMAIL;

const app = express();
app.get("/health", (_req, res) => res.json({ ok: true, support: supportEmail, partner: !!partnerToken, stripe: !!stripe }));
app.listen(process.env.PORT || 3000);
`;
const appPackage = JSON.stringify({ name: "partner-app", private: true, dependencies: { express: "^4.21.0", stripe: "^17.0.0" } }, null, 2);

/** The app under test, written to dir/app. */
function writeApp(dir: string): string {
  const w = path.join(dir, "app");
  fs.mkdirSync(w, { recursive: true });
  fs.writeFileSync(path.join(w, "package.json"), appPackage);
  fs.writeFileSync(path.join(w, "index.js"), appSource);
  return w;
}

const skip = skipReason({ fakes: true, sample: false });



/** 1-based line and a column inside the first read of name in the app. */
function readOf(name: string): { line: number; column: number } {
  const lines = appSource.split("\n");
  const i = lines.findIndex((l) => l.includes(`process.env.${name}`));
  assert.ok(i >= 0, `the app reads ${name}`);
  return { line: i + 1, column: lines[i].indexOf(name) + 2 };
}

describe("missing-variable quick fixes in code-server", { skip }, () => {
  let session: Session;
  let home: string;
  let workspace: string;
  let page: Page;
  let fakeCreds: Record<string, Record<string, string>>;
  let shot = 0;

  const snap = async (what: string) => page.screenshot({ path: path.join(artifacts, `${++shot}-${what}.png`) });

  /** `patchbay env check` against the editor's daemon: exit status and output. */
  function envCheck(): { status: number | null; out: string; kinds: Map<string, string> } {
    const r = spawnSync(patchbayBin, ["env", "check", "--workspace", workspace, "--env", "local", "--home", home], {
      encoding: "utf8",
      env: { ...process.env, PATCHBAY_HOME: home },
    });
    const out = `${r.stdout}${r.stderr}`;
    const kinds = new Map<string, string>();
    for (const line of out.split("\n")) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 3 && (f[0] === "✓" || f[0] === "✗")) kinds.set(f[1], `${f[0]} ${f[2]}`);
    }
    return { status: r.status, out, kinds };
  }

  before(async () => {
    session = await startSession({ prefix: "pbqf-", workspace: writeApp, fakes: true, artifacts });
    ({ home, workspace, page } = session);
    ({ fakeCreds } = session);
  });

  after(async () => {
    await session?.close();
  });

  /** The content frame of the newest webview (code-server nests it in two iframes). */
  function webview() {
    return page.frameLocator("iframe.webview.ready >> nth=-1").frameLocator("#active-frame");
  }

  /** The Problems panel's row for a variable's diagnostic. */
  function problem(name: string) {
    return page.locator(".markers-panel .monaco-list-row", { hasText: name });
  }

  async function editorFocused(): Promise<void> {
    await page.locator(".tab", { hasText: "index.js" }).first().click();
    await page.locator(".tab.active", { hasText: "index.js" }).waitFor({ timeout: 10_000 });
  }

  /** Go to Line/Column (Ctrl+G), waiting for each stage: keystrokes sent too early go to the editor. */
  async function goTo(line: number, column: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await editorFocused();
      await page.keyboard.press("Control+G");
      const input = page.locator(".quick-input-widget input");
      if (!(await input.waitFor({ timeout: 5000 }).then(() => true, () => false))) continue;
      // The widget can close again under us (the workbench moving focus
      // while it settles): open it again rather than wait on a hidden one.
      if (!(await input.fill(`:${line}:${column}`, { timeout: 5000 }).then(() => true, () => false))) {
        await page.keyboard.press("Escape");
        continue;
      }
      await page.keyboard.press("Enter");
      const at = page.locator(".statusbar-item", { hasText: `Ln ${line}, Col ${column}` });
      if (await at.first().waitFor({ timeout: 5000 }).then(() => true, () => false)) return;
      await page.keyboard.press("Escape");
    }
    await snap(`could-not-go-to-${line}-${column}`);
    throw new Error(`could not go to ${line}:${column}`);
  }

  /** Patchbay's quick fix titles; the menu also lists TypeScript's refactorings ("Move to file"). */
  const ours = (titles: string[]) => titles.filter((t) => /^(Generate secret|Set value…|Connect .+|Create environment)$/.test(t));

  /**
   * Puts the cursor on the read of name, opens the quick fix menu (Ctrl+.)
   * and returns Patchbay's titles in it; with choose, picks that one.
   */
  async function quickFix(name: string, choose?: string): Promise<string[]> {
    const at = readOf(name);
    for (let attempt = 0; ; attempt++) {
      await goTo(at.line, at.column);
      await page.keyboard.press("Control+.");
      const menu = page.locator(".action-widget");
      const rows = menu.locator(".monaco-list-row.action");
      if (await rows.first().waitFor({ timeout: 10_000 }).then(() => true, () => false)) {
        const titles = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""))).map((t) => t.trim());
        if (!choose) {
          await page.keyboard.press("Escape");
          return ours(titles);
        }
        if (titles.includes(choose)) {
          await snap(`menu-${name}`);
          // The keyboard, as a user would: the menu's pointer block takes clicks.
          for (let i = 0; i < titles.length; i++) {
            const focused = await menu.locator(".monaco-list-row.action.focused").getAttribute("aria-label");
            if (focused?.trim() === choose) break;
            await page.keyboard.press("ArrowDown");
          }
          assert.equal((await menu.locator(".monaco-list-row.action.focused").getAttribute("aria-label"))?.trim(), choose);
          await page.keyboard.press("Enter");
          await menu.waitFor({ state: "hidden", timeout: 10_000 });
          return ours(titles);
        }
      }
      await page.keyboard.press("Escape");
      if (attempt === 2) {
        await snap(`no-${name}-fix`);
        throw new Error(`no quick fix "${choose ?? "any"}" on ${name}`);
      }
    }
  }

  it("activates and shows the app's missing variables as diagnostics", async () => {
    await page.locator(".statusbar-item", { hasText: /Patchbay dev|Patchbay v/ }).first().waitFor({ timeout: 60_000 });
    assert.ok(readDaemonInfo(home), `the extension must have started a daemon in ${home}\n${session.log()}`);
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      if (!(await input.waitFor({ timeout: 5000 }).then(() => true, () => false))) continue;
      await input.fill("index.js");
      const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "index.js" }).first();
      if (!(await row.waitFor({ timeout: 5000 }).then(() => true, () => false))) {
        await page.keyboard.press("Escape");
        continue;
      }
      await page.keyboard.press("Enter");
      break;
    }
    await page.locator(".tab.active", { hasText: "index.js" }).waitFor({ timeout: 10_000 });
    await page.keyboard.press("Control+Shift+M"); // the Problems panel
    // No environment yet: the provider's variable gets the hint to create one.
    await problem("STRIPE_SECRET_KEY").first().waitFor({ timeout: 60_000 });
    assert.match((await problem("STRIPE_SECRET_KEY").first().textContent())!, /no Patchbay environment yet/);
    await snap("no-environment");
  });

  it("Create environment (from the quick fix) makes the environment the diagnostics are about", async () => {
    const titles = await quickFix("STRIPE_SECRET_KEY", "Create environment");
    assert.deepEqual(titles, ["Create environment"]);
    // Its four steps, each accepted as offered: local, http://localhost:3000, no API URL, no extra origins.
    for (const step of ["(1/4): name", "frontend URL", "API URL", "extra origins"]) {
      await page.locator(".quick-input-widget .quick-input-title", { hasText: step }).waitFor({ timeout: 10_000 });
      await page.keyboard.press("Enter");
    }
    await problem("PARTNER_API_TOKEN").first().waitFor({ timeout: 60_000 });
    assert.match((await problem("PARTNER_API_TOKEN").first().textContent())!, /PARTNER_API_TOKEN has no value in environment local/);
    assert.match((await problem("STRIPE_SECRET_KEY").first().textContent())!, /has no value in environment local/);
    await problem("SUPPORT_EMAIL").first().waitFor({ timeout: 10_000 });
    const check = envCheck();
    assert.equal(check.status, 3, `env check after creating the environment:\n${check.out}`);
    for (const name of ["STRIPE_SECRET_KEY", "PARTNER_API_TOKEN", "SUPPORT_EMAIL"]) assert.match(check.kinds.get(name) ?? "", /^✗/, check.out);
    await snap("environment-created");
  });

  it("Generate secret keeps a generated value for the token; the diagnostic goes away", async () => {
    const titles = await quickFix("PARTNER_API_TOKEN", "Generate secret");
    assert.deepEqual(titles, ["Generate secret", "Set value…"]);
    await problem("PARTNER_API_TOKEN").first().waitFor({ state: "detached", timeout: 30_000 });
    await page.locator(".notifications-toasts", { hasText: "generated PARTNER_API_TOKEN for local" }).first().waitFor({ timeout: 10_000 });
    assert.equal(await problem("SUPPORT_EMAIL").count(), 1, "the other diagnostics stay");
    const check = envCheck();
    assert.equal(check.kinds.get("PARTNER_API_TOKEN"), "✓ generated", check.out);
    await snap("generated");
  });

  it("Set value… asks for the address and keeps it; the diagnostic goes away", async () => {
    const titles = await quickFix("SUPPORT_EMAIL", "Set value…");
    assert.deepEqual(titles, ["Set value…"], "not a secret: nothing to generate");
    const input = page.locator(".quick-input-widget input");
    await page.locator(".quick-input-widget .quick-input-title", { hasText: "SUPPORT_EMAIL for environment local" }).waitFor({ timeout: 10_000 });
    await input.fill("help@partner.example");
    await page.keyboard.press("Enter");
    await problem("SUPPORT_EMAIL").first().waitFor({ state: "detached", timeout: 30_000 });
    const check = envCheck();
    assert.equal(check.kinds.get("SUPPORT_EMAIL"), "✓ user", check.out);
    const values = execFileSync(patchbayBin, ["env", "--workspace", workspace, "--env", "local", "--home", home], { encoding: "utf8", env: { ...process.env, PATCHBAY_HOME: home } });
    assert.match(values, /^SUPPORT_EMAIL=.*help@partner\.example/m, values);
    await snap("set-value");
  });

  it("Connect Stripe opens the credential form; once saved the key is satisfied and env check passes", async () => {
    const titles = await quickFix("STRIPE_SECRET_KEY", "Connect Stripe");
    assert.deepEqual(titles, ["Connect Stripe"]);
    await page.locator(".tab", { hasText: "Stripe credentials" }).first().waitFor({ timeout: 30_000 });
    const form = webview();
    await form.locator("h1", { hasText: "Stripe credentials" }).waitFor({ timeout: 30_000 });
    const creds = fakeCreds.stripe;
    assert.ok(creds, "patchbay-fakes names Stripe credentials");
    for (const [field, value] of Object.entries(creds)) {
      const input = form.locator(`[data-field="${field}"]`);
      if ((await input.count()) === 1) await input.fill(value);
    }
    await form.locator("#save").click();
    await form.locator("#result.ok").waitFor({ timeout: 30_000 });
    await editorFocused();
    await problem("STRIPE_SECRET_KEY")
      .first()
      .waitFor({ state: "detached", timeout: 30_000 })
      .catch(async (err: Error) => {
        await snap("stripe-diagnostic-stayed");
        throw err;
      });
    await snap("all-satisfied");
    const check = envCheck();
    assert.equal(check.kinds.get("STRIPE_SECRET_KEY"), "✓ credential", check.out);
    assert.equal(check.status, 0, check.out);
    assert.match(check.out, /environment local: all \d+ variables have a source/);
    assert.equal(await page.locator(".markers-panel .monaco-list-row", { hasText: "has no value" }).count(), 0, "no missing-variable diagnostic is left");
  });
});
