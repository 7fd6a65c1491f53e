import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { BinaryNotFoundError, resolveDaemonBinary } from "../../src/client/binary";
import { defaultHome, isLoopbackAddress, parseDaemonInfo, readDaemonInfo, DaemonInfoError } from "../../src/client/home";
import { RestartPolicy } from "../../src/client/restartPolicy";
import { FindingKind, FindingSchema } from "../../src/gen/patchbay/v1/common_pb";
import { CheckStatus, CredentialProfileSchema, FieldKind, ProviderInfoSchema } from "../../src/gen/patchbay/v1/credential_pb";
import { AnalyzeResponseSchema } from "../../src/gen/patchbay/v1/workspace_pb";
import { EnvironmentVariableSchema, VariableSource } from "../../src/gen/patchbay/v1/environment_pb";
import { envDiagnostics, envHoverMarkdown, selectedEnvironment, type EnvView } from "../../src/model/envVars";
import { provisionedIn, provisionLenses, sdkLenses } from "../../src/model/lenses";
import { credentialRows, detectedProviders, emptyCatalog, type ProviderCatalog } from "../../src/model/providers";
import { servicesTree } from "../../src/model/services";
import { escapeHtml, renderCredentialForm, sanitizeValues } from "../../src/ui/credentialForm";
import { statusView } from "../../src/ui/status";

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "patchbay-unit-"));
}

describe("defaultHome", () => {
  const cases: { name: string; env: NodeJS.ProcessEnv; platform: NodeJS.Platform; want: string }[] = [
    { name: "PATCHBAY_HOME wins", env: { PATCHBAY_HOME: "/srv/pb", XDG_CONFIG_HOME: "/x" }, platform: "linux", want: "/srv/pb" },
    { name: "XDG_CONFIG_HOME", env: { XDG_CONFIG_HOME: "/x/cfg" }, platform: "linux", want: "/x/cfg/patchbay" },
    { name: "relative XDG ignored like Go", env: { XDG_CONFIG_HOME: "cfg" }, platform: "linux", want: "/home/u/.config/patchbay" },
    { name: "linux default", env: {}, platform: "linux", want: "/home/u/.config/patchbay" },
    { name: "darwin", env: {}, platform: "darwin", want: "/home/u/Library/Application Support/patchbay" },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(defaultHome(c.env, c.platform, "/home/u"), c.want));
  }
});

describe("daemon.json", () => {
  const ok = { address: "127.0.0.1:4000", token: "tok", pid: 12, socket: "/s", version: "v1" };
  const bad: { name: string; data: unknown; want: RegExp }[] = [
    { name: "not an object", data: 3, want: /expected a JSON object/ },
    { name: "no address", data: { ...ok, address: "" }, want: /missing "address"/ },
    { name: "non-loopback address", data: { ...ok, address: "10.0.0.2:4000" }, want: /not a loopback/ },
    { name: "no token", data: { ...ok, token: undefined }, want: /missing "token"/ },
    { name: "bad pid", data: { ...ok, pid: -1 }, want: /pid/ },
  ];
  it("parses a valid file", () => assert.deepEqual(parseDaemonInfo(ok), ok));
  for (const c of bad) {
    it(`rejects ${c.name}`, () => assert.throws(() => parseDaemonInfo(c.data), c.want));
  }
  it("returns undefined when absent and explains a corrupt file", () => {
    const home = tmp();
    assert.equal(readDaemonInfo(home), undefined);
    fs.writeFileSync(path.join(home, "daemon.json"), "{not json");
    assert.throws(() => readDaemonInfo(home), (e: unknown) => e instanceof DaemonInfoError && /not valid JSON/.test(e.message));
  });
  const addrs: [string, boolean][] = [
    ["127.0.0.1:1", true],
    ["127.3.4.5:65535", true],
    ["[::1]:80", true],
    ["localhost:9", true],
    ["0.0.0.0:80", false],
    ["example.com:80", false],
    ["127.0.0.1:0", false],
    ["127.0.0.1", false],
  ];
  for (const [a, want] of addrs) it(`isLoopbackAddress(${a}) = ${want}`, () => assert.equal(isLoopbackAddress(a), want));
});

describe("RestartPolicy", () => {
  it("allows maxRestarts losses with exponential backoff, then refuses", () => {
    const p = new RestartPolicy({ maxRestarts: 3, windowMs: 180_000, baseDelayMs: 1000, maxDelayMs: 3000 });
    const got = [0, 1, 2, 3].map((i) => p.recordLoss(1000 * i));
    assert.deepEqual(
      got.map((d) => [d.allowed, d.delayMs]),
      [
        [true, 1000],
        [true, 2000],
        [true, 3000],
        [false, 0],
      ],
    );
  });
  it("forgets losses outside the window", () => {
    const p = new RestartPolicy({ maxRestarts: 1, windowMs: 1000 });
    assert.equal(p.recordLoss(0).allowed, true);
    assert.equal(p.recordLoss(500).allowed, false);
    assert.equal(p.recordLoss(2000).allowed, true);
  });
  it("reset clears the count", () => {
    const p = new RestartPolicy({ maxRestarts: 1 });
    p.recordLoss(0);
    p.reset();
    assert.equal(p.recordLoss(1).allowed, true);
  });
});

describe("resolveDaemonBinary", () => {
  const dir = tmp();
  const ext = path.join(dir, "ext");
  const onPath = path.join(dir, "path");
  fs.mkdirSync(path.join(ext, "bin"), { recursive: true });
  fs.mkdirSync(onPath);
  const exe = (p: string) => fs.writeFileSync(p, "#!/bin/sh\n", { mode: 0o755 });
  exe(path.join(onPath, "patchbay"));
  const explicit = path.join(dir, "custom-patchbay");
  exe(explicit);

  it("prefers the setting", () => {
    assert.deepEqual(resolveDaemonBinary({ setting: explicit, extensionPath: ext, env: { PATH: onPath }, platform: "linux" }), { path: explicit, source: "setting" });
  });
  it("reports a setting that points nowhere instead of falling back", () => {
    assert.throws(() => resolveDaemonBinary({ setting: path.join(dir, "nope"), env: { PATH: onPath }, platform: "linux" }), /patchbay.daemonPath is set to/);
  });
  it("falls back to PATH when nothing is bundled", () => {
    assert.deepEqual(resolveDaemonBinary({ extensionPath: ext, env: { PATH: `/nonexistent:${onPath}` }, platform: "linux" }), {
      path: path.join(onPath, "patchbay"),
      source: "PATH",
    });
  });
  it("prefers the bundled binary over PATH, restoring a lost exec bit", () => {
    fs.writeFileSync(path.join(ext, "bin", "patchbay"), "#!/bin/sh\n", { mode: 0o644 });
    assert.equal(resolveDaemonBinary({ extensionPath: ext, env: { PATH: onPath }, platform: "linux" }).source, "bundled");
  });
  it("ignores non-executable files and explains what to do", () => {
    fs.writeFileSync(path.join(dir, "patchbay"), "", { mode: 0o644 });
    assert.throws(
      () => resolveDaemonBinary({ env: { PATH: dir }, platform: "linux" }),
      (e: unknown) => e instanceof BinaryNotFoundError && /set patchbay.daemonPath/.test(e.message),
    );
  });
});

function finding(id: string, kind: FindingKind, provider: string, file: string, line: number, service = ".") {
  return create(FindingSchema, {
    id,
    kind,
    provider,
    service,
    location: { path: file, startLine: line, startColumn: 1, endLine: line, endColumn: 10 },
    evidence: `import ${provider}`,
    detail: kind === FindingKind.SDK_USAGE ? { case: "sdk", value: { ecosystem: "npm", package: provider } } : { case: "envVar", value: { name: "X_KEY" } },
  });
}

const catalog: ProviderCatalog = {
  providers: [create(ProviderInfoSchema, { id: "stripe", displayName: "Stripe" }), create(ProviderInfoSchema, { id: "auth0", displayName: "Auth0" })],
  profiles: [
    create(CredentialProfileSchema, { provider: "auth0", profile: "default", lastCheck: { status: CheckStatus.OK } }),
    create(CredentialProfileSchema, { provider: "twilio", profile: "default", lastCheck: { status: CheckStatus.EXPIRED } }),
  ],
};

describe("sdkLenses", () => {
  const findings = [
    finding("a", FindingKind.SDK_USAGE, "stripe", "src/pay.ts", 3),
    finding("b", FindingKind.ENV_REFERENCE, "stripe", "src/pay.ts", 4),
    finding("c", FindingKind.SDK_USAGE, "auth0", "src/pay.ts", 1),
    finding("d", FindingKind.SDK_USAGE, "twilio", "src/pay.ts", 9),
    finding("e", FindingKind.SDK_USAGE, "stripe", "src/other.ts", 2),
  ];
  it("makes one lens per provider in the file, on its first finding", () => {
    const dup = [
      finding("imp", FindingKind.SDK_USAGE, "stripe", "app.ts", 1),
      finding("ctor", FindingKind.SDK_USAGE, "stripe", "app.ts", 3),
      finding("imp2", FindingKind.SDK_USAGE, "auth0", "app.ts", 2),
      finding("ctor2", FindingKind.SDK_USAGE, "auth0", "app.ts", 6),
    ];
    assert.deepEqual(
      sdkLenses([dup[1], dup[3], dup[0], dup[2]], "app.ts", catalog).map((l) => [l.line, l.title, l.findingId]),
      [
        [0, "Stripe · Connect", "imp"],
        [1, "Auth0 · Credentials OK ✓", "imp2"],
      ],
    );
  });
  it("titles lenses from daemon data", () => {
    assert.deepEqual(
      sdkLenses(findings, "src/pay.ts", catalog).map((l) => [l.line, l.title, l.command, l.findingId]),
      [
        [0, "Auth0 · Credentials OK ✓", "patchbay.checkCredentials", "c"],
        [2, "Stripe · Connect", "patchbay.connectProvider", "a"],
        [8, "Twilio · Credentials invalid ✗", "patchbay.connectProvider", "d"],
      ],
    );
  });
  it("works without a catalogue", () => {
    assert.deepEqual(
      sdkLenses(findings, "src/other.ts", emptyCatalog).map((l) => l.title),
      ["Stripe · Connect"],
    );
  });
});

describe("provisionLenses", () => {
  const hook = (id: string, line: number, events: string[], provider = "stripe", route = "/api/webhooks/stripe") =>
    create(FindingSchema, { id, kind: FindingKind.WEBHOOK_HANDLER, provider, service: ".", location: { path: "api.ts", startLine: line }, detail: { case: "webhook", value: { route, events } } });
  const callback = (id: string, line: number, route = "/api/auth/callback") =>
    create(FindingSchema, { id, kind: FindingKind.OAUTH_CALLBACK, provider: "auth0", service: ".", location: { path: "api.ts", startLine: line }, detail: { case: "callback", value: { route } } });
  it("makes one lens per provider, says it plans the environment, keeps the callback title", () => {
    const findings = [
      hook("w", 8, ["a", "b", "c", "d"]),
      hook("w2", 12, ["d", "e"]),
      callback("c", 2),
      create(FindingSchema, { id: "x", kind: FindingKind.WEBHOOK_HANDLER, provider: "", location: { path: "api.ts", startLine: 9 }, detail: { case: "webhook", value: { route: "/hook" } } }),
      hook("elsewhere", 1, ["a"], "twilio"),
    ];
    findings[4].location!.path = "other.ts";
    assert.deepEqual(
      provisionLenses(findings, "api.ts", catalog).map((l) => [l.line, l.title, l.command, l.findingId]),
      [
        [1, "Connect Auth0 · callback /api/auth/callback · Plan environment", "patchbay.provision", "c"],
        [7, "Stripe webhook · 5 events · Plan environment", "patchbay.provision", "w"],
      ],
    );
  });
  it("says where the store knows the provider's resources are provisioned", () => {
    const out = (name: string, provided: boolean, source: string, service = ".") =>
      create(EnvironmentVariableSchema, { name, provided, satisfied: provided, kind: VariableSource.OUTPUT, source, service });
    const view: EnvView = {
      environments: [
        { name: "local", variables: [out("STRIPE_WEBHOOK_SECRET", false, 'stripe webhook_endpoint "shop/api/webhooks/stripe", not provisioned yet')] },
        { name: "staging", variables: [out("STRIPE_WEBHOOK_SECRET", true, "stripe webhook_endpoint we_1 webhook_secret"), out("AUTH0_CLIENT_ID", false, 'auth0 client "shop", not provisioned yet')] },
        { name: "prod", variables: [out("STRIPE_WEBHOOK_SECRET", false, "stripe webhook_endpoint we_2: secret lost")] },
      ],
    };
    assert.deepEqual(provisionedIn(view, "stripe", "."), ["staging"]);
    assert.deepEqual(provisionedIn(view, "stripe", "web"), [], "another service's variables say nothing");
    assert.deepEqual(provisionedIn(view, "auth0"), []);
    assert.deepEqual(provisionedIn(undefined, "stripe"), []);
    assert.deepEqual(
      provisionLenses([hook("w", 3, ["a"]), callback("c", 5)], "api.ts", catalog, view).map((l) => l.title),
      ["Stripe webhook · 1 event · provisioned in staging ✓ · Plan environment", "Connect Auth0 · callback /api/auth/callback · Plan environment"],
    );
  });
});

describe("credentialRows", () => {
  const cat: ProviderCatalog = {
    providers: ["twilio", "auth0", "aws", "stripe", "sendgrid", "vercel"].map((id) => create(ProviderInfoSchema, { id, displayName: id === "aws" ? "AWS" : id.charAt(0).toUpperCase() + id.slice(1) })),
    profiles: [
      create(CredentialProfileSchema, { provider: "vercel", profile: "default" }),
      create(CredentialProfileSchema, { provider: "auth0", profile: "default" }),
      create(CredentialProfileSchema, { provider: "auth0", profile: "work" }),
    ],
  };
  const detected = detectedProviders([{ provider: "stripe" }, { provider: "" }, { provider: "auth0" }, { provider: "sendgrid" }]);
  it("puts connected, then detected providers first, then the rest alphabetically", () => {
    assert.deepEqual(
      credentialRows(cat, detected).map((r) => [r.label, r.description]),
      [
        ["Auth0", "2 profiles · used in code"],
        ["Vercel", "1 profile"],
        ["Sendgrid", "used in code · not connected"],
        ["Stripe", "used in code · not connected"],
        ["AWS", "not connected"],
        ["Twilio", "not connected"],
      ],
    );
  });
  it("says the daemon is not running instead of not connected", () => {
    const rows = credentialRows(cat, detected, "down");
    assert.ok(rows.every((r) => !r.description.includes("not connected")), rows.map((r) => r.description).join("; "));
    assert.deepEqual(rows.map((r) => r.description).slice(0, 3), ["2 profiles · used in code · daemon not running", "1 profile · daemon not running", "used in code · daemon not running"]);
    assert.equal(rows.at(-1)!.description, "daemon not running");
    assert.equal(credentialRows(cat, new Set(), "starting").at(-1)!.description, "daemon starting");
  });
});

describe("env vars", () => {
  const envRead = (name: string, line: number, hasDefault = false, path = "src/pay.ts", source = "code") =>
    create(FindingSchema, { id: name + path, kind: FindingKind.ENV_REFERENCE, provider: "stripe", service: ".", location: { path, startLine: line, startColumn: 5, endLine: line, endColumn: 5 + name.length }, detail: { case: "envVar", value: { name, source, hasDefault } } });
  const view: EnvView = {
    environments: [
      {
        name: "local",
        variables: [
          create(EnvironmentVariableSchema, { name: "STRIPE_SECRET_KEY", service: ".", provided: true, satisfied: true, secret: true, kind: VariableSource.CREDENTIAL, source: "stripe connection (profile default), secret_key" }),
          create(EnvironmentVariableSchema, { name: "STRIPE_WEBHOOK_SECRET", service: ".", kind: VariableSource.UNSATISFIED, source: "stripe webhook_endpoint, not provisioned yet", fix: "patchbay apply --env local" }),
          create(EnvironmentVariableSchema, { name: "MAPS_TOKEN", service: ".", kind: VariableSource.UNSATISFIED, source: "nothing provides it", fix: "patchbay env set MAPS_TOKEN --env local (asks for the value; --generate for a random secret)" }),
          create(EnvironmentVariableSchema, { name: "STRIPE_PUBLISHABLE_KEY", service: ".", kind: VariableSource.UNSATISFIED, source: "comes from the stripe connection", fix: "patchbay creds set stripe" }),
        ],
      },
      { name: "prod", variables: [] },
    ],
  };
  it("warns only where the selected environment has no value, with quick fixes", () => {
    const d = envDiagnostics(
      [envRead("STRIPE_SECRET_KEY", 4), envRead("STRIPE_WEBHOOK_SECRET", 9, true), envRead("MAPS_TOKEN", 12), envRead("STRIPE_PUBLISHABLE_KEY", 14)],
      view,
      { providerDisplay: (id) => (id === "stripe" ? "Stripe" : id) },
    );
    assert.deepEqual(
      d.map((x) => [x.name, x.line, x.startColumn, x.endColumn, x.env, x.fixes.map((f) => f.title)]),
      [
        ["STRIPE_WEBHOOK_SECRET", 8, 4, 25, "local", []],
        ["MAPS_TOKEN", 11, 4, 14, "local", ["Generate secret", "Set value…"]],
        ["STRIPE_PUBLISHABLE_KEY", 13, 4, 26, "local", ["Connect Stripe"]],
      ],
    );
    assert.equal(d[0].message, "STRIPE_WEBHOOK_SECRET has no value in environment local: stripe webhook_endpoint, not provisioned yet. Fix: patchbay apply --env local");
  });
  it("never warns on example, compose, Docker or CI files", () => {
    const reads = [
      envRead("MAPS_TOKEN", 1, false, ".env.example", "dotenv"),
      envRead("MAPS_TOKEN", 1, false, "docker-compose.yml", "compose"),
      envRead("MAPS_TOKEN", 1, false, "api/Dockerfile", "dockerfile"),
      envRead("MAPS_TOKEN", 1, false, ".github/workflows/ci.yml"),
    ];
    assert.deepEqual(envDiagnostics(reads, view), []);
  });
  it("uses the chosen environment", () => {
    assert.equal(selectedEnvironment(view, "prod"), "prod");
    assert.equal(selectedEnvironment(view, "gone"), "local");
    // prod has no contract entry for the read: nothing to say.
    assert.deepEqual(envDiagnostics([envRead("MAPS_TOKEN", 1)], view, { chosen: "prod" }), []);
  });
  it("offers to create an environment when there is none", () => {
    const d = envDiagnostics([envRead("X", 1)], { environments: [] });
    assert.deepEqual(d.map((x) => x.fixes.map((f) => f.kind)), [["createEnvironment"]]);
  });
  it("hover shows the source per environment, or why there is none and the fix", () => {
    assert.equal(
      envHoverMarkdown("STRIPE_SECRET_KEY", false, view, "."),
      "**STRIPE\\_SECRET\\_KEY**\n\n- `local`: ✓ stripe connection \\(profile default\\), secret\\_key (from your connection) (secret)\n- `prod`: ✗ missing",
    );
    assert.match(envHoverMarkdown("STRIPE_WEBHOOK_SECRET", false, view, "."), /✗ stripe webhook\\_endpoint, not provisioned yet — fix: `patchbay apply --env local`/);
    assert.match(envHoverMarkdown("X", true, { environments: [] }), /No Patchbay environment is defined/);
  });
});

describe("servicesTree", () => {
  it("groups findings by service and provider and keeps orphans", () => {
    const a = create(AnalyzeResponseSchema, {
      root: "/w",
      services: [{ path: "api", name: "api", language: "go", frameworks: ["chi"] }, { path: "web", name: "web", language: "typescript" }],
      findings: [
        finding("1", FindingKind.SDK_USAGE, "stripe", "api/main.go", 5, "api"),
        finding("2", FindingKind.ENV_REFERENCE, "", "api/main.go", 7, "api"),
        finding("3", FindingKind.SDK_USAGE, "auth0", "tools/x.js", 1, "tools"),
      ],
    });
    const tree = servicesTree(a, catalog);
    const shape = tree.map((s) => [s.label, s.description, s.children.map((p) => [p.label, p.children.map((f) => f.description)])]);
    assert.deepEqual(shape, [
      ["api", "go · chi", [["Stripe", ["SDK · api/main.go:5"]], ["Unattributed", ["env · api/main.go:7"]]]],
      ["tools", "tools", [["Auth0", ["SDK · tools/x.js:1"]]]],
      ["web", "typescript", [["No provider usage found", []]]],
    ]);
    assert.deepEqual(tree[0].children[0].children[0].location, { path: "api/main.go", line: 5, column: 1 });
  });
  it("lists a service's routes after its providers, each opening where it is declared", () => {
    const a = create(AnalyzeResponseSchema, {
      root: "/w",
      services: [
        {
          path: "api",
          name: "api",
          routes: [
            { method: "POST", path: "/api/webhooks/stripe", source: "code", location: { path: "api/hooks.js", startLine: 6, startColumn: 1 }, mounts: [{ path: "api/server.js", startLine: 4 }] },
            { method: "", path: "/api/auth/callback/github", source: "library", location: { path: "api/auth.js", startLine: 2, startColumn: 3 } },
          ],
        },
      ],
      findings: [],
    });
    const [api] = servicesTree(a, catalog);
    const routes = api.children[api.children.length - 1];
    assert.equal(routes.kind, "routes");
    assert.equal(routes.description, "2 routes");
    assert.deepEqual(
      routes.children.map((r) => [r.label, r.description, r.tooltip]),
      [
        ["POST /api/webhooks/stripe", "declared in code · api/hooks.js:6", "Mounted at api/server.js:4"],
        ["ANY /api/auth/callback/github", "served by a library · api/auth.js:2", undefined],
      ],
    );
    assert.deepEqual(routes.children[0].location, { path: "api/hooks.js", line: 6, column: 1 });
  });
});

describe("statusView", () => {
  const cases = [
    { state: { kind: "starting" as const }, want: /starting/, error: false },
    { state: { kind: "ready" as const, version: "v1.2", pid: 3, address: "127.0.0.1:1", owned: true }, want: /^\$\(plug\) Patchbay v1\.2 \$\(key\) 2$/, error: false },
    { state: { kind: "reconnecting" as const, reason: "boom", attempt: 1, delayMs: 1000 }, want: /reconnecting/, error: false },
    { state: { kind: "failed" as const, reason: "boom" }, want: /failed/, error: true },
  ];
  for (const c of cases) {
    it(c.state.kind, () => {
      const v = statusView(c.state, 2);
      assert.match(v.text, c.want);
      assert.equal(v.error, c.error);
    });
  }
});

describe("credential form", () => {
  const provider = create(ProviderInfoSchema, {
    id: "stripe",
    displayName: "Stripe <b>",
    fields: [
      { name: "secret_key", label: "Secret key", kind: FieldKind.SECRET, required: true, pattern: "sk_(test|live)_[A-Za-z0-9]+" },
      { name: "account", label: "Account", kind: FieldKind.TEXT },
    ],
  });
  it("escapes text and never puts a secret hint into a value attribute", () => {
    const html = renderCredentialForm({ provider, profile: "default", cspSource: "vscode-webview://x", nonce: "abc", hints: { secret_key: "sk_test_…wxyz" } });
    assert.ok(html.includes("Stripe &lt;b&gt; credentials"));
    assert.ok(!html.includes("Stripe <b>"));
    assert.match(html, /script-src 'nonce-abc'/);
    assert.doesNotMatch(html, /type="password"[^>]*value=/);
    assert.match(html, /placeholder="saved: sk_test_…wxyz \(leave empty to keep\)"/);
  });
  it("drops values of fields the schema does not declare", () => {
    assert.deepEqual(sanitizeValues(provider, { secret_key: "sk_test_1", evil: "x", account: "" }), { secret_key: "sk_test_1" });
    assert.deepEqual(sanitizeValues(provider, "nope"), {});
  });
  it("escapeHtml", () => assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"));
});

describe("findingHoverMarkdown", () => {
  it("shows a webhook's route and the evidence behind it", async () => {
    const { findingHoverMarkdown } = await import("../../src/model/findingHover");
    const f = create(FindingSchema, {
      kind: FindingKind.WEBHOOK_HANDLER,
      provider: "stripe",
      reasons: ["its handling verifies stripe's signature with stripe.webhooks.constructEvent", "it handles invoice.paid"],
      detail: { case: "webhook", value: { route: "/api/webhooks/stripe", method: "POST" } },
    });
    const md = findingHoverMarkdown(f)!;
    assert.match(md, /webhook handler · `POST \/api\/webhooks\/stripe`/);
    assert.match(md, /because its handling verifies stripe's signature with stripe\\\.webhooks\\\.constructEvent/);
    assert.match(md, /patchbay\.json/);
  });
  it("has nothing to say about other kinds", async () => {
    const { findingHoverMarkdown } = await import("../../src/model/findingHover");
    assert.equal(findingHoverMarkdown(create(FindingSchema, { kind: FindingKind.SDK_USAGE })), undefined);
  });
});
