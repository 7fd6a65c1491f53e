// API key panels with vscode stubbed and an in-memory daemon built on the
// real generated ApiKeyService/CredentialService descriptors.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { clientsFor, type DaemonClients } from "../../src/client/connection";
import type { Logger } from "../../src/client/supervisor";
import { ComponentKind, ComponentSchema } from "../../src/gen/patchbay/v1/action_pb";
import {
  ApiKeyService,
  ApiKeySchema,
  type ApiKey,
  type CreateApiKeyRequest,
  type RegenerateApiKeyRequest,
  type UpdateApiKeyRequest,
} from "../../src/gen/patchbay/v1/apikey_pb";
import { CheckStatus, CredentialProfileSchema, CredentialService } from "../../src/gen/patchbay/v1/credential_pb";
import { checkSubmission, createRequest, grantOptions, parseExpiry, SpecError } from "../../src/model/apiKeys";
import type { DaemonStore } from "../../src/model/store";
import { ApiKeyPanels } from "../../src/ui/apiKeyPanel";
import { ApiKeysTreeProvider, type KeyNode } from "../../src/ui/moreTrees";
import { waitFor } from "../helpers/fakeDaemon";
import * as vscode from "../stubs/vscode";

const { recorded } = vscode;

const components = [
  { provider: "stripe", id: "create_customer", kind: ComponentKind.ACTION, description: "Create a customer" },
  { provider: "stripe", id: "events", kind: ComponentKind.TRIGGER, description: "Stripe events" },
  { provider: "slack", id: "post_message", kind: ComponentKind.ACTION, description: "Post <b>a</b> message" },
  { provider: "github", id: "create_issue", kind: ComponentKind.ACTION, description: "Open an issue" },
].map((c) => create(ComponentSchema, c));

const profiles = [
  create(CredentialProfileSchema, { provider: "stripe", profile: "live", lastCheck: { status: CheckStatus.OK } }),
  create(CredentialProfileSchema, { provider: "stripe", profile: "default", lastCheck: { status: CheckStatus.INVALID } }),
  create(CredentialProfileSchema, { provider: "slack", profile: "default" }),
];

const names: Record<string, string> = { stripe: "Stripe", slack: "Slack", github: "GitHub" };
const options = grantOptions(components, profiles, (p) => names[p] ?? p, (p) => (p.lastCheck ? String(p.lastCheck.status) : ""));
const TOKEN = "pbk_k1abcdef_0123456789abcdefSECRET";
const TOKEN2 = "pbk_k1abcdef_fedcba9876543210SECRET";

describe("grantOptions", () => {
  it("groups the catalogue by provider, attaches only that provider's profiles, default first", () => {
    assert.deepEqual(
      options.map((o) => [o.provider, o.components.map((c) => `${c.id}:${c.kind}`), o.profiles.map((p) => p.name)]),
      [
        ["github", ["create_issue:action"], []],
        ["slack", ["post_message:action"], ["default"]],
        ["stripe", ["create_customer:action", "events:trigger"], ["default", "live"]],
      ],
    );
  });
});

describe("checkSubmission", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const base = { name: " CI ", team: "", expires: "", rateLimit: "", grants: [] as unknown[] };
  const cases: { name: string; raw: unknown; want?: unknown; field?: string; error?: RegExp }[] = [
    { name: "nothing ticked grants nothing, team defaults", raw: base, want: { team: "default", name: "CI", grants: [], expiresAt: undefined, rateLimitPerMinute: 0 } },
    {
      name: "chosen grants, deduplicated and sorted; empty providers dropped",
      raw: { ...base, team: "acme", rateLimit: "30", expires: "2026-12-31", grants: [{ provider: "stripe", components: ["events", "create_customer", "events"], profile: "live" }, { provider: "slack", components: [], profile: "default" }] },
      want: { team: "acme", name: "CI", grants: [{ provider: "stripe", components: ["create_customer", "events"], profile: "live" }], expiresAt: new Date("2026-12-31T23:59:59Z"), rateLimitPerMinute: 30 },
    },
    { name: "name required", raw: { ...base, name: "  " }, field: "name", error: /name/ },
    { name: "team shape", raw: { ...base, team: "Acme Corp" }, field: "team", error: /team/i },
    { name: "expiry in the past", raw: { ...base, expires: "2026-05-31" }, field: "expires", error: /future/ },
    { name: "expiry not a date", raw: { ...base, expires: "2026-02-31" }, field: "expires", error: /date/ },
    { name: "negative rate limit", raw: { ...base, rateLimit: "-1" }, field: "rateLimit", error: /whole number/ },
    { name: "unknown component (tampered page)", raw: { ...base, grants: [{ provider: "stripe", components: ["refund_everything"], profile: "live" }] }, field: "grant-stripe", error: /no component/ },
    { name: "unknown provider", raw: { ...base, grants: [{ provider: "evil", components: ["x"], profile: "default" }] }, error: /Unknown/ },
    { name: "profile nobody offered", raw: { ...base, grants: [{ provider: "stripe", components: ["events"], profile: "staging" }] }, field: "profile-stripe", error: /connection/ },
    { name: "provider without a connection", raw: { ...base, grants: [{ provider: "github", components: ["create_issue"], profile: "" }] }, field: "profile-github", error: /connect it first/ },
    { name: "provider twice", raw: { ...base, grants: [{ provider: "slack", components: ["post_message"], profile: "default" }, { provider: "slack", components: ["post_message"], profile: "default" }] }, error: /repeated/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.want) {
        assert.deepEqual(checkSubmission(options, c.raw, now), c.want);
        return;
      }
      assert.throws(
        () => checkSubmission(options, c.raw, now),
        (err: unknown) => err instanceof SpecError && c.error!.test(err.message) && (c.field === undefined || err.field === c.field),
      );
    });
  }

  it("builds the CreateApiKey request the daemon gets", () => {
    const spec = checkSubmission(options, { ...base, expires: "2026-12-31", grants: [{ provider: "slack", components: ["post_message"], profile: "default" }] }, now);
    const req = createRequest(spec);
    assert.equal(req.name, "CI");
    assert.equal(req.team, "default");
    assert.deepEqual(req.grants.map((g) => [g.provider, g.components, g.profile]), [["slack", ["post_message"], "default"]]);
    assert.equal(req.expiresAt?.seconds, BigInt(Date.UTC(2026, 11, 31, 23, 59, 59) / 1000));
    assert.equal(parseExpiry("2026-13-01"), undefined);
  });
});

class MemLogger implements Logger {
  lines: string[] = [];
  info = (m: string) => void this.lines.push(m);
  warn = (m: string) => void this.lines.push(`WARN ${m}`);
  error = (m: string) => void this.lines.push(`ERROR ${m}`);
}

class KeyDaemon {
  keys: ApiKey[] = [create(ApiKeySchema, { id: "k1abcdef", team: "acme", name: "Staging", tokenHint: "pbk_k1abcdef_0123…", grants: [{ provider: "stripe", components: ["events"], profile: "live" }], rateLimitPerMinute: 60, expiresAt: timestampFromDate(new Date("2030-01-02T23:59:59Z")) })];
  creates: CreateApiKeyRequest[] = [];
  updates: UpdateApiKeyRequest[] = [];
  regenerates: RegenerateApiKeyRequest[] = [];
  /** The next CreateApiKey answers with this error. */
  refuse: ConnectError | undefined;

  clients(): DaemonClients {
    const d = this;
    const transport = createRouterTransport((router) => {
      router.service(ApiKeyService, {
        listAvailableComponents: () => ({ components }),
        listApiKeys: (req) => ({ keys: d.keys.filter((k) => k.team === (req.team || "default")) }),
        createApiKey(req) {
          d.creates.push(req);
          if (d.refuse) {
            const e = d.refuse;
            d.refuse = undefined;
            throw e;
          }
          const key = create(ApiKeySchema, { id: "k2", team: req.team, name: req.name, grants: req.grants, tokenHint: "pbk_k2…" });
          d.keys.push(key);
          return { key, token: TOKEN };
        },
        getApiKey(req) {
          const key = d.keys.find((k) => k.id === req.id && k.team === req.team);
          if (!key) throw new ConnectError("no such key", Code.NotFound);
          return { key };
        },
        updateApiKey(req) {
          d.updates.push(req);
          return { key: create(ApiKeySchema, { id: req.id, team: req.team, name: req.name, grants: req.grants }) };
        },
        regenerateApiKey(req) {
          d.regenerates.push(req);
          return { key: d.keys.find((k) => k.id === req.id), token: TOKEN2 };
        },
        listApiKeyAudit: (req) => ({ entries: [{ keyId: req.id, call: "RunAction", provider: "stripe", component: "create_customer", profile: "live", outcome: "permission_denied", at: timestampFromDate(new Date("2026-06-01T10:00:00Z")) }] }),
      });
      router.service(CredentialService, { listCredentials: () => ({ profiles }) });
    });
    return clientsFor(transport);
  }
}

const lastPanel = () => recorded.panels.at(-1)!;
const posted = (p: vscode.FakeWebviewPanel, type: string) => p.webview.posted.filter((m) => m.type === type);

describe("ApiKeyPanels", () => {
  let daemon: KeyDaemon;
  let log: MemLogger;
  let panels: ApiKeyPanels;
  let changed: string[];

  beforeEach(() => {
    recorded.reset();
    daemon = new KeyDaemon();
    log = new MemLogger();
    changed = [];
    const clients = daemon.clients();
    const store = { catalog: { providers: [], profiles: [], locked: false } } as unknown as DaemonStore;
    panels = new ApiKeyPanels(() => clients, store, log, { changed: (team) => void changed.push(team) });
  });

  it("creates: a refusal stays in the form, then the token is shown once, copied, and gone with the panel", async () => {
    await panels.create();
    const p = lastPanel();
    assert.equal(p.options.enableScripts, true);
    assert.deepEqual(p.options.localResourceRoots, []);
    assert.match(p.webview.html, /data-component="create_customer"/);
    assert.doesNotMatch(p.webview.html, /<b>a<\/b>/, "descriptions are escaped");
    assert.doesNotMatch(p.webview.html, / checked/, "nothing is granted by default");

    daemon.refuse = new ConnectError('the stripe connection "live" cannot be used: invalid: key expired', Code.FailedPrecondition);
    const spec = { name: "Prod", team: "acme", expires: "", rateLimit: "", grants: [{ provider: "stripe", components: ["create_customer"], profile: "live" }] };
    p.webview.simulate({ type: "submit", spec });
    await waitFor(() => posted(p, "error").length > 0, 5000, "the refusal");
    assert.match(posted(p, "error")[0].message, /connection "live" cannot be used: invalid: key expired/);
    assert.equal(posted(p, "error")[0].field, "profile-stripe", "the page marks the connection at fault");
    assert.equal(p.disposed, false, "the form stays open with what was typed");
    assert.equal(posted(p, "token").length, 0);

    p.webview.simulate({ type: "submit", spec });
    p.webview.simulate({ type: "submit", spec });
    await waitFor(() => posted(p, "token").length > 0, 5000, "the token");
    p.webview.simulate({ type: "submit", spec });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(posted(p, "token").length, 1, "one key per form, however often it is submitted");
    assert.deepEqual(posted(p, "token")[0], { type: "token", token: TOKEN, heading: "Token of “Prod”" });
    assert.equal(daemon.creates.length, 2);
    assert.deepEqual(daemon.creates[1].grants.map((g) => [g.provider, g.components, g.profile]), [["stripe", ["create_customer"], "live"]]);
    assert.equal(daemon.creates[1].team, "acme");
    assert.deepEqual(changed, ["acme"], "the tree refreshes and learns the team");

    p.webview.simulate({ type: "copy", token: "rm -rf / #not-a-token" });
    p.webview.simulate({ type: "copy", token: TOKEN });
    await waitFor(() => posted(p, "copied").length > 0, 5000, "copied");
    assert.deepEqual(recorded.clipboard, [TOKEN], "only a token-shaped value reaches the clipboard");

    p.webview.simulate({ type: "close" });
    await waitFor(() => p.disposed, 5000, "the panel to close");
    const logged = log.lines.join("\n");
    assert.match(logged, /created API key k2/);
    assert.ok(!logged.includes("SECRET"), `no token in the log:\n${logged}`);
    assert.ok(!JSON.stringify(recorded.outputChannels.map((c) => c.lines)).includes("SECRET"));
  });

  it("refuses a tampered grant before calling the daemon", async () => {
    await panels.create();
    const p = lastPanel();
    p.webview.simulate({ type: "submit", spec: { name: "x", grants: [{ provider: "stripe", components: ["drop_tables"], profile: "live" }] } });
    await waitFor(() => posted(p, "error").length > 0, 5000, "the error");
    assert.equal(posted(p, "error")[0].field, "grant-stripe");
    assert.equal(daemon.creates.length, 0);
  });

  it("edits: prefilled from the daemon, team fixed, UpdateApiKey with the new grants", async () => {
    await panels.edit({ team: "acme", id: "k1abcdef" });
    const p = lastPanel();
    assert.match(p.webview.html, /id="name"[^>]*value="Staging"/);
    assert.match(p.webview.html, /id="team"[^>]*value="acme" readonly/);
    assert.match(p.webview.html, /data-component="events" checked/);
    assert.doesNotMatch(p.webview.html, /data-component="create_customer" checked/);
    assert.match(p.webview.html, /value="2030-01-02"/);
    assert.match(p.webview.html, /<option value="live" selected>/);
    daemon.keys[0].grants[0].profile = "gone";
    await panels.edit({ team: "acme", id: "k1abcdef" });
    assert.equal(lastPanel(), p, "one edit form per key");
    p.dispose();
    await panels.edit({ team: "acme", id: "k1abcdef" });
    assert.match(lastPanel().webview.html, /<option value="gone" selected>gone \(not saved\)<\/option>/, "a deleted connection stays chosen, marked");
    daemon.keys[0].grants[0].profile = "live";
    const q = lastPanel();
    q.webview.simulate({ type: "submit", spec: { name: "Staging 2", team: "other", rateLimit: "10", grants: [{ provider: "slack", components: ["post_message"], profile: "default" }] } });
    await waitFor(() => posted(q, "saved").length > 0, 5000, "saved");
    assert.equal(daemon.updates.length, 1);
    const u = daemon.updates[0];
    assert.deepEqual([u.id, u.team, u.name, u.rateLimitPerMinute, u.expiresAt], ["k1abcdef", "acme", "Staging 2", 10, undefined]);
    assert.deepEqual(u.grants.map((g) => [g.provider, g.components, g.profile]), [["slack", ["post_message"], "default"]]);
    assert.equal(posted(q, "token").length, 0, "an update never issues a token");
  });

  it("regenerates only after confirmation, then shows the new token in the key detail once it is ready", async () => {
    const key = daemon.keys[0];
    const declined = panels.regenerate(key);
    await waitFor(() => recorded.messages.length > 0, 5000, "the confirmation");
    assert.match(recorded.messages[0].message, /old token stops working at once/);
    assert.deepEqual(recorded.messages[0].items, ["Regenerate"]);
    recorded.messages[0].choose(undefined);
    await declined;
    assert.equal(daemon.regenerates.length, 0);

    const accepted = panels.regenerate(key);
    await waitFor(() => recorded.messages.length > 1, 5000, "the second confirmation");
    recorded.messages[1].choose("Regenerate");
    await accepted;
    assert.equal(daemon.regenerates.length, 1);
    const p = lastPanel();
    assert.equal(p.viewType, "patchbay.apiKeyDetail");
    assert.ok(!p.webview.html.includes(TOKEN2), "the token is not rendered into the HTML");
    assert.match(p.webview.html, /permission_denied/, "the audit log is shown");
    assert.equal(posted(p, "token").length, 0, "nothing is posted before the page is ready");
    p.webview.simulate({ type: "ready" });
    await waitFor(() => posted(p, "token").length > 0, 5000, "the token");
    assert.equal(posted(p, "token")[0].token, TOKEN2);
    p.webview.simulate({ type: "ready" });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(posted(p, "token").length, 1, "a reloaded page does not get the token again");
    assert.ok(!log.lines.join("\n").includes("SECRET"));
    p.webview.simulate({ type: "close" });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(p.disposed, false, "Done dismisses the token, not the key detail");
  });

  it("key detail: Edit opens the prefilled form", async () => {
    await panels.detail({ team: "acme", id: "k1abcdef" });
    const detail = lastPanel();
    assert.match(detail.webview.html, /pbk_k1abcdef_0123…/);
    detail.webview.simulate({ type: "edit" });
    await waitFor(() => lastPanel() !== detail, 5000, "the edit form");
    assert.equal(lastPanel().viewType, "patchbay.apiKeyForm");
  });

  it("shows daemon errors in the page", async () => {
    await panels.detail({ team: "acme", id: "k1abcdef" });
    const p = lastPanel();
    daemon.keys = [];
    p.webview.simulate({ type: "edit" });
    await waitFor(() => posted(p, "error").length > 0, 5000, "the error");
    assert.match(posted(p, "error")[0].message, /no such key/);
  });
});

describe("ApiKeysTreeProvider teams", () => {
  const store = { catalog: { providers: [], profiles: [], locked: false } } as unknown as DaemonStore;
  const label = (t: ApiKeysTreeProvider, n: KeyNode) => String(t.getTreeItem(n).label);

  it("lists the default team flat, and groups by team when more are known", async () => {
    const daemon = new KeyDaemon();
    daemon.keys.push(create(ApiKeySchema, { id: "k9", team: "default", name: "Local" }));
    const clients = daemon.clients();
    const flat = new ApiKeysTreeProvider(() => clients, store, () => ["default"]);
    assert.deepEqual((await flat.getChildren()).map((n) => label(flat, n)), ["Local"]);

    const grouped = new ApiKeysTreeProvider(() => clients, store, () => ["default", "acme", "default"]);
    const teams = await grouped.getChildren();
    assert.deepEqual(teams.map((n) => label(grouped, n)), ["default", "acme"]);
    assert.deepEqual((await grouped.getChildren(teams[1])).map((n) => label(grouped, n)), ["Staging"]);
    const key = (await grouped.getChildren(teams[1]))[0];
    assert.deepEqual(grouped.getTreeItem(key).command?.arguments, [key], "a click opens that key's detail");
  });
});
