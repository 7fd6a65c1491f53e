// Every webview page is built by the one page helper (src/ui/page.ts): the
// same Content Security Policy, the per-render nonce on its only style and
// script elements, and the shared theme styles.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ApiKeySchema } from "../../src/gen/patchbay/v1/apikey_pb";
import { FieldKind, ProviderInfoSchema } from "../../src/gen/patchbay/v1/credential_pb";
import { MapNodeSchema, PlanSchema, StepAction } from "../../src/gen/patchbay/v1/provision_pb";
import { renderApiKeyDetail, renderApiKeyForm } from "../../src/ui/apiKeyForm";
import { renderCredentialForm } from "../../src/ui/credentialForm";
import { contentSecurityPolicy, sharedStyles } from "../../src/ui/page";
import { renderPlan } from "../../src/ui/planView";
import { renderSystemMap } from "../../src/ui/systemMap";

const cspSource = "vscode-webview://unit";
const nonce = "dW5pdC1ub25jZQ==";

const pages: Record<string, () => string> = {
  "credential form": () =>
    renderCredentialForm({
      provider: create(ProviderInfoSchema, { id: "stripe", displayName: "Stripe", fields: [{ name: "secret_key", label: "Secret key", kind: FieldKind.SECRET }] }),
      profile: "default",
      cspSource,
      nonce,
    }),
  plan: () =>
    renderPlan({
      plan: create(PlanSchema, { id: "p", environment: "local", steps: [{ id: "s", action: StepAction.CREATE, provider: "stripe", name: "hook" }] }),
      cspSource,
      nonce,
      providerName: (id) => id,
    }),
  "system map": () =>
    renderSystemMap({ nodes: [create(MapNodeSchema, { id: "svc:a", kind: "service", label: "a" })], edges: [], title: "map", cspSource, nonce, providerName: (id) => id }),
  "API key form": () => renderApiKeyForm({ options: [], cspSource, nonce }),
  "API key detail": () => renderApiKeyDetail({ key: create(ApiKeySchema, { id: "k1", name: "ci", team: "default" }), audit: [], providerName: (id) => id, cspSource, nonce }),
};

describe("webview pages", () => {
  for (const [name, render] of Object.entries(pages)) {
    it(`${name}: the helper's CSP, nonce and shared styles`, () => {
      const html = render();
      const csps = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)].map((m) => m[1].replace(/&quot;/g, '"'));
      // Only the credential form shows https images (provider logos from their docs).
      assert.deepEqual(csps, [contentSecurityPolicy(cspSource, nonce, name === "credential form")]);
      const styles = [...html.matchAll(/<style([^>]*)>/g)].map((m) => m[1]);
      assert.deepEqual(styles, [` nonce="${nonce}"`], "one style element, with the nonce");
      const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
      assert.deepEqual(scripts.filter((a) => !a.includes('type="application/json"')), [` nonce="${nonce}"`], "one page script, with the nonce");
      for (const a of scripts) assert.ok(a.endsWith(` nonce="${nonce}"`), `script element${a} has the nonce`);
      assert.ok(html.includes(sharedStyles), "shared theme styles");
      assert.doesNotMatch(html, /\son[a-z]+=/i, "no inline event handlers (the CSP blocks them)");
    });
  }

  it("no source file but page.ts writes a CSP, a document head or a nonce of its own", () => {
    const dir = path.resolve(__dirname, "..", "..", "..", "src");
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) {
          if (e.name !== "gen") walk(f);
        } else if (f.endsWith(".ts") && e.name !== "page.ts") {
          const src = fs.readFileSync(f, "utf8");
          if (/Content-Security-Policy|<!DOCTYPE|<style|<script|randomBytes\(16\)/.test(src)) offenders.push(path.relative(dir, f));
        }
      }
    };
    walk(dir);
    assert.deepEqual(offenders, []);
  });
});
