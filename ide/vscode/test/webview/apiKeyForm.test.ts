/// <reference lib="dom" />
// The API key pages in headless Chromium, the way a VS Code webview shows them.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ComponentKind, ComponentSchema } from "../../src/gen/patchbay/v1/action_pb";
import { ApiKeySchema } from "../../src/gen/patchbay/v1/apikey_pb";
import { CredentialProfileSchema } from "../../src/gen/patchbay/v1/credential_pb";
import { grantOptions } from "../../src/model/apiKeys";
import { renderApiKeyDetail, renderApiKeyForm } from "../../src/ui/apiKeyForm";
import { artifactsDir, chromiumSkip, darkTheme, launch, lightTheme, openWebview, type Browser } from "../helpers/browser";

const artifacts = artifactsDir("webview");
const nonce = "a2V5LWZvcm0tbm9uY2U=";
const TOKEN = "pbk_k1abcdef_0123456789abcdefghijklmn";

const components = [
  { provider: "stripe", id: "create_customer", kind: ComponentKind.ACTION, description: "Create a customer" },
  { provider: "stripe", id: "events", kind: ComponentKind.TRIGGER, description: "Stripe events <img src=x onerror=alert(1)>" },
  { provider: "slack", id: "post_message", kind: ComponentKind.ACTION, description: "Post a message" },
  { provider: "github", id: "create_issue", kind: ComponentKind.ACTION, description: "Open an issue" },
].map((c) => create(ComponentSchema, c));
const profiles = [
  create(CredentialProfileSchema, { provider: "stripe", profile: "default" }),
  create(CredentialProfileSchema, { provider: "stripe", profile: "live" }),
  create(CredentialProfileSchema, { provider: "slack", profile: "default" }),
];
const names: Record<string, string> = { stripe: "Stripe", slack: "Slack", github: "GitHub" };
const options = grantOptions(components, profiles, (p) => names[p]!, (p) => (p.profile === "live" ? "ok" : ""));

const formPage = (key?: Parameters<typeof renderApiKeyForm>[0]["key"]) => renderApiKeyForm({ options, key, cspSource: "vscode-webview://test", nonce });

describe("API key pages in headless Chromium", { skip: chromiumSkip }, () => {
  let browser: Browser;

  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  const open = (html: string, theme = darkTheme) => openWebview(browser.context, html, theme);

  it("renders the form from the catalogue: every component unticked, connections per provider, text escaped", async () => {
    const { p, posted, errors } = await open(formPage());
    assert.deepEqual(errors, []);
    assert.deepEqual(await posted(), [{ type: "ready" }]);
    assert.deepEqual(await p.locator("fieldset legend").allTextContents(), ["GitHub", "Slack", "Stripe"]);
    const boxes = p.locator("input[type=checkbox][data-component]");
    assert.equal(await boxes.count(), 4);
    for (let i = 0; i < 4; i++) assert.equal(await boxes.nth(i).isChecked(), false, "deny by default");
    assert.equal(await p.inputValue("#team"), "default");
    assert.deepEqual(await p.locator("#profile-stripe option").allTextContents(), ["default", "live (ok)"]);
    assert.equal(await p.isDisabled("#profile-github"), true, "no connection, nothing to choose");
    assert.equal(await p.locator("img").count(), 0);
    assert.match((await p.textContent("label[for=c-stripe-events]"))!, /<img src=x/);
    assert.equal(await p.isHidden("#token"), true);
    await p.screenshot({ path: path.join(artifacts, "apikey-form-dark.png"), fullPage: true });
    await p.close();
  });

  it("blocks scripts without the nonce (CSP)", async () => {
    const { p, violations } = await open(formPage());
    await p.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.body.appendChild(s);
    });
    assert.equal(await p.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined);
    assert.ok(violations.length > 0, "Chromium reports the violation");
    await p.close();
  });

  it("posts only the chosen grants, with the chosen connection", async () => {
    const { p, posted } = await open(formPage(), lightTheme);
    await p.click("#save");
    assert.equal(await p.textContent("#name-error"), "Required.");
    assert.deepEqual(await posted(), [{ type: "ready" }], "nothing posted without a name");
    await p.fill("#name", "Production");
    assert.equal(await p.textContent("#name-error"), "", "typing clears the error");
    await p.fill("#rateLimit", "120");
    await p.fill("#expires", "2031-03-04");
    await p.check("#c-stripe-create_customer");
    await p.selectOption("#profile-stripe", "live");
    // Ticked then unticked: not granted.
    await p.check("#c-slack-post_message");
    await p.uncheck("#c-slack-post_message");
    await p.screenshot({ path: path.join(artifacts, "apikey-form-filled-light.png"), fullPage: true });
    await p.click("#save");
    assert.equal(await p.isDisabled("#save"), true, "no second submit while the daemon works");
    assert.deepEqual((await posted()).slice(1), [
      {
        type: "submit",
        spec: { name: "Production", team: "default", expires: "2031-03-04", rateLimit: "120", grants: [{ provider: "stripe", components: ["create_customer"], profile: "live" }] },
      },
    ]);
    await p.close();
  });

  it("keeps what was typed when the daemon refuses, and marks the field", async () => {
    const { p, send } = await open(formPage());
    await p.fill("#name", "Production");
    await p.check("#c-stripe-events");
    await p.click("#save");
    await send({ type: "error", message: 'the stripe connection "default" cannot be used: invalid: key expired', field: "profile-stripe" });
    await p.waitForSelector("#status.bad");
    assert.match((await p.textContent("#status"))!, /cannot be used: invalid: key expired/);
    assert.match((await p.textContent("#profile-stripe-error"))!, /key expired/);
    assert.equal(await p.inputValue("#name"), "Production");
    assert.equal(await p.isChecked("#c-stripe-events"), true);
    assert.equal(await p.isDisabled("#save"), false, "can retry");
    await p.screenshot({ path: path.join(artifacts, "apikey-form-refused.png"), fullPage: true });
    await p.close();
  });

  it("shows the token once with Copy, never persists it, and forgets it on Done", async () => {
    const html = formPage();
    // VS Code persists setState across reloads; the page must never use it (or web storage).
    assert.doesNotMatch(html, /setState|localStorage|sessionStorage/);
    const { p, posted, send } = await open(html);
    await send({ type: "token", token: TOKEN, heading: "Token of “Production”" });
    await p.waitForSelector("#token:not([hidden])");
    assert.equal(await p.isHidden("#form"), true);
    assert.equal(await p.textContent("#token-value"), TOKEN);
    assert.match((await p.textContent("#token .once"))!, /shown only now/);
    assert.equal(await p.textContent("#token-heading"), "Token of “Production”");
    await p.screenshot({ path: path.join(artifacts, "apikey-token.png"), fullPage: true });
    await p.click("#copy");
    assert.deepEqual((await posted()).at(-1), { type: "copy", token: TOKEN });
    await send({ type: "copied" });
    await p.waitForSelector("#status.ok");
    assert.equal(await p.evaluate(() => localStorage.length + sessionStorage.length), 0);
    await p.click("#done");
    assert.deepEqual((await posted()).at(-1), { type: "close" });
    assert.equal(await p.textContent("#token-value"), "");
    assert.ok(!(await p.content()).includes(TOKEN), "the token is gone from the page");
    await p.close();
  });

  it("key detail: settings, grants, audit log; regenerate shows the new token", async () => {
    const key = create(ApiKeySchema, {
      id: "k1abcdef",
      team: "acme",
      name: "Staging <script>",
      tokenHint: "pbk_k1abcdef_0123…",
      grants: [{ provider: "stripe", components: ["events"], profile: "live" }],
      createdAt: timestampFromDate(new Date("2026-06-01T10:00:00Z")),
      rateLimitPerMinute: 60,
    });
    const html = renderApiKeyDetail({
      key,
      audit: [{ keyId: "k1abcdef", call: "RunAction", provider: "stripe", component: "create_customer", profile: "live", outcome: "permission_denied", at: timestampFromDate(new Date("2026-06-01T11:00:00Z")) } as never],
      providerName: (id) => names[id] ?? id,
      cspSource: "vscode-webview://test",
      nonce,
    });
    const { p, posted, send, errors } = await open(html);
    assert.deepEqual(errors, []);
    assert.equal(await p.textContent("h1"), "API key “Staging <script>”");
    assert.deepEqual(await p.locator("#audit tbody td").allTextContents(), ["2026-06-01 11:00:00 UTC", "RunAction", "stripe", "create_customer", "live", "permission_denied"]);
    assert.match((await p.textContent("ul"))!, /Stripe via live: events/);
    await p.click("#regenerate");
    assert.deepEqual((await posted()).at(-1), { type: "regenerate" });
    await send({ type: "token", token: TOKEN, heading: "New token of “Staging”" });
    await p.waitForSelector("#token:not([hidden])");
    assert.equal(await p.textContent("#token-value"), TOKEN);
    await p.screenshot({ path: path.join(artifacts, "apikey-detail.png"), fullPage: true });
    await p.close();
  });

  it("edit form is prefilled and the team is fixed", async () => {
    const key = create(ApiKeySchema, { id: "k1", team: "acme", name: "Staging", grants: [{ provider: "stripe", components: ["events"], profile: "live" }], rateLimitPerMinute: 5 });
    const { p } = await open(formPage(key));
    assert.equal(await p.inputValue("#name"), "Staging");
    assert.equal(await p.getAttribute("#team", "readonly"), "");
    assert.equal(await p.isChecked("#c-stripe-events"), true);
    assert.equal(await p.isChecked("#c-stripe-create_customer"), false);
    assert.equal(await p.inputValue("#profile-stripe"), "live");
    assert.equal(await p.inputValue("#rateLimit"), "5");
    await p.close();
  });
});
