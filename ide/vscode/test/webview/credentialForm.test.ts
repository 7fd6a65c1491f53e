/// <reference lib="dom" />
// Loads the credential form page in headless Chromium the way a VS Code
// webview would show it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CheckStatus, FieldKind, PermissionVerdict, ProviderInfoSchema } from "../../src/gen/patchbay/v1/credential_pb";
import { checkToMessage, renderCredentialForm, type CredentialFormInput } from "../../src/ui/credentialForm";
import { artifactsDir, chromiumSkip, darkTheme, launch, lightTheme, openWebview, type Browser } from "../helpers/browser";

const artifacts = artifactsDir("webview");

const provider = create(ProviderInfoSchema, {
  id: "auth0",
  displayName: "Auth0",
  steps: ["Open Applications → APIs → Auth0 Management API", "Create a machine-to-machine application"],
  permissions: ["create:clients", "update:clients"],
  docsUrl: "https://auth0.com/docs",
  fields: [
    { name: "domain", label: "Tenant domain", kind: FieldKind.TEXT, required: true, pattern: "[a-z0-9-]+\\.(us|eu|au|jp)\\.auth0\\.com", patternMessage: "Use your tenant domain, e.g. acme.us.auth0.com", placeholder: "acme.us.auth0.com" },
    { name: "client_id", label: "Client ID", kind: FieldKind.TEXT, required: true },
    { name: "client_secret", label: "Client secret", kind: FieldKind.SECRET, required: true, help: "Shown once in the Auth0 dashboard" },
    { name: "region", label: "Region <img src=x onerror=alert(1)>", kind: FieldKind.SELECT, options: ["us", "eu"], defaultValue: "eu" },
  ],
});

function page(input: Partial<CredentialFormInput> = {}): string {
  return renderCredentialForm({ provider, profile: "default", cspSource: "vscode-webview://test", nonce: "bm9uY2Utdjk4", ...input });
}


describe("credential form webview in headless Chromium", { skip: chromiumSkip }, () => {
  let browser: Browser;

  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  const open = (html: string, theme = darkTheme) => openWebview(browser.context, html, theme);

  it("renders the schema: labels, secret inputs without values, select defaults, steps", async () => {
    const { p, posted, errors } = await open(page({ hints: { client_secret: "a1b2…wxyz", domain: "acme.eu.auth0.com" } }));
    assert.deepEqual(errors, []);
    assert.deepEqual(await posted(), [{ type: "ready" }], "the nonce'd script runs and says ready");
    assert.equal(await p.getAttribute("#f-client_secret", "type"), "password");
    assert.equal(await p.inputValue("#f-client_secret"), "");
    assert.equal(await p.getAttribute("#f-client_secret", "placeholder"), "saved: a1b2…wxyz (leave empty to keep)");
    assert.equal(await p.inputValue("#f-region"), "eu");
    assert.equal(await p.textContent("label[for=f-region]"), "Region <img src=x onerror=alert(1)>", "labels are text, not markup");
    assert.equal(await p.locator("img").count(), 0);
    assert.deepEqual(await p.locator("ol li").allTextContents(), provider.steps);
    await p.screenshot({ path: path.join(artifacts, "form-dark.png"), fullPage: true });
    await p.close();
  });

  it("blocks scripts without the nonce (CSP)", async () => {
    const { p, violations } = await open(page());
    await p.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.body.appendChild(s);
    });
    assert.equal(await p.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined);
    await assert.rejects(p.evaluate(() => new Promise((_, reject) => {
      document.addEventListener("securitypolicyviolation", (e) => reject(new Error(e.violatedDirective)));
      const s = document.createElement("script");
      s.textContent = "1";
      document.body.appendChild(s);
    })), /script-src/);
    assert.ok(violations.length > 0, "Chromium reports the violation");
    await p.close();
  });

  it("validates required fields and patterns before posting, then posts only values", async () => {
    const { p, posted } = await open(page());
    await p.click("#save");
    assert.equal(await p.textContent("#f-domain-error"), "Required.");
    assert.equal(await p.getAttribute("#f-domain", "aria-invalid"), "true");
    await p.fill("#f-domain", "not a domain");
    await p.fill("#f-client_id", "cid");
    await p.fill("#f-client_secret", "s3cr3t");
    await p.click("#save");
    assert.equal(await p.textContent("#f-domain-error"), "Use your tenant domain, e.g. acme.us.auth0.com");
    assert.deepEqual(await posted(), [{ type: "ready" }], "nothing is posted while the form is invalid");
    await p.screenshot({ path: path.join(artifacts, "form-invalid.png"), fullPage: true });
    await p.fill("#f-domain", "acme.eu.auth0.com");
    await p.click("#save");
    assert.equal(await p.textContent("#f-domain-error"), "");
    assert.deepEqual((await posted()).slice(1), [
      { type: "submit", values: { domain: "acme.eu.auth0.com", client_id: "cid", client_secret: "s3cr3t", region: "eu" }, force: false },
    ]);
    await p.close();
  });

  it("shows the daemon's diagnosis, offers Save anyway, and clears secrets once saved", async () => {
    const { p, posted } = await open(page());
    await p.fill("#f-domain", "acme.eu.auth0.com");
    await p.fill("#f-client_id", "cid");
    await p.fill("#f-client_secret", "s3cr3t");
    await p.evaluate((m) => window.postMessage(m, "*"), checkToMessage({ status: CheckStatus.INVALID, summary: "access_denied: Unauthorized", fix: "Re-copy the client secret", field: "client_secret" } as never, false));
    await p.waitForSelector("#result.bad");
    assert.equal(await p.textContent("#result"), "✗ invalid: access_denied: Unauthorized — Re-copy the client secret (not saved)");
    assert.equal(await p.textContent("#f-client_secret-error"), "access_denied: Unauthorized");
    assert.equal(await p.isVisible("#force"), true);
    await p.screenshot({ path: path.join(artifacts, "form-diagnosis.png"), fullPage: true });
    await p.click("#force");
    assert.deepEqual(((await posted()).at(-1) as { force: boolean }).force, true);
    await p.evaluate((m) => window.postMessage(m, "*"), checkToMessage({ status: CheckStatus.OK, summary: "acme (eu)" } as never, true));
    await p.waitForSelector("#result.ok");
    assert.equal(await p.inputValue("#f-client_secret"), "", "secrets leave the page once saved");
    assert.equal(await p.inputValue("#f-client_id"), "cid");
    await p.close();
  });

  it("lists what the check proved per permission, as text", async () => {
    const { p, errors } = await open(page());
    assert.equal(await p.isVisible("#verdicts"), false, "no table before a check");
    const check = {
      status: CheckStatus.INSUFFICIENT_PERMISSIONS, summary: "The client grant lacks create:clients.", fix: "Tick the missing scopes.", field: "",
      permissions: [
        { name: "read:clients", verdict: PermissionVerdict.VERIFIED, detail: "granted (in the token's scope claim)" },
        { name: "create:clients", verdict: PermissionVerdict.MISSING, detail: "not granted (in the token's scope claim)" },
        { name: "rak_product_write", verdict: PermissionVerdict.UNVERIFIABLE, detail: "only a write shows Write; see Developers → API keys" },
        { name: "<img src=x onerror=alert(1)>", verdict: PermissionVerdict.EXCESS, detail: "granted but unused" },
      ],
    };
    await p.evaluate((m) => window.postMessage(m, "*"), checkToMessage(check as never, false));
    await p.waitForSelector("#verdicts:not([hidden])");
    const rows = await p.locator("#verdicts tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.className, ...Array.from(tr.children).map((td) => td.textContent)]));
    assert.deepEqual(rows, [
      ["verified", "✓", "read:clients", "verified", "granted (in the token's scope claim)"],
      ["missing", "✗", "create:clients", "missing", "not granted (in the token's scope claim)"],
      ["unverifiable", "?", "rak_product_write", "unverifiable", "only a write shows Write; see Developers → API keys"],
      ["excess", "+", "<img src=x onerror=alert(1)>", "excess", "granted but unused"],
    ]);
    assert.equal(await p.locator("img").count(), 0, "names are text, not markup");
    await p.screenshot({ path: path.join(artifacts, "form-permissions.png"), fullPage: true });
    // A later check without verdicts hides the table again.
    await p.evaluate((m) => window.postMessage(m, "*"), checkToMessage({ status: CheckStatus.OK, summary: "ok" } as never, false));
    await p.waitForSelector("#verdicts[hidden]", { state: "attached" });
    assert.deepEqual(errors, []);
    await p.close();

    // A credential request's stored problem shows its verdicts too.
    const req = await open(page({ request: { id: "r2", reason: "Provision", problem: check as never } }));
    assert.deepEqual(await req.p.locator("#problem-permissions li").allTextContents(), [
      "✓ read:clients — verified (granted (in the token's scope claim))",
      "✗ create:clients — missing (not granted (in the token's scope claim))",
      "? rak_product_write — unverifiable (only a write shows Write; see Developers → API keys)",
      "+ <img src=x onerror=alert(1)> — excess (granted but unused)",
    ]);
    assert.equal(await req.p.locator("img").count(), 0);
    await req.p.close();
  });

  it("follows the VS Code theme variables", async () => {
    const colors: string[] = [];
    for (const [name, theme] of [["dark", darkTheme], ["light", lightTheme]] as const) {
      const { p } = await open(page(), theme);
      colors.push(await p.evaluate(() => getComputedStyle(document.body).backgroundColor));
      colors.push(await p.evaluate(() => getComputedStyle(document.querySelector("#save")!).backgroundColor));
      await p.screenshot({ path: path.join(artifacts, `form-${name}.png`), fullPage: true });
      await p.close();
    }
    assert.deepEqual(colors, ["rgb(30, 30, 30)", "rgb(14, 99, 156)", "rgb(255, 255, 255)", "rgb(0, 122, 204)"]);
  });

  it("shows the request reason and the stored credentials' problem", async () => {
    const { p } = await open(page({ request: { id: "r1", reason: "Provision the Auth0 app for web", problem: { status: CheckStatus.EXPIRED, summary: "token expired", fix: "Create a new secret" } as never } }));
    assert.equal(await p.textContent(".reason"), "Provision the Auth0 app for web");
    assert.equal(await p.textContent("#problem"), "expired: token expiredCreate a new secret");
    assert.equal(await p.textContent("#save"), "Connect");
    await p.close();
  });
});
