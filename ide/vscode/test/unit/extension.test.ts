import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { BinaryNotFoundError } from "../../src/client/binary";
import { RestartPolicy } from "../../src/client/restartPolicy";
import { DaemonSupervisor } from "../../src/client/supervisor";
import { activate, deactivate, type PatchbayApi } from "../../src/extension";
import { FindingKind } from "../../src/gen/patchbay/v1/common_pb";
import { FieldKind } from "../../src/gen/patchbay/v1/credential_pb";
import { VariableSource } from "../../src/gen/patchbay/v1/environment_pb";
import { OperationState, StepAction, StepState } from "../../src/gen/patchbay/v1/provision_pb";
import { FakeDaemon, waitFor, writeDaemonJson } from "../helpers/fakeDaemon";
import * as vscode from "../stubs/vscode";

const { recorded } = vscode;

function sdkFinding(id: string, provider: string, file: string, line: number) {
  return {
    id,
    kind: FindingKind.SDK_USAGE,
    provider,
    service: ".",
    location: { path: file, startLine: line, startColumn: 1, endLine: line, endColumn: 20 },
    evidence: `import ${provider}`,
    detail: { case: "sdk" as const, value: { ecosystem: "npm", package: provider } },
  };
}

interface Setup {
  api: PatchbayApi;
  daemon: FakeDaemon;
  root: string;
  home: string;
}

function setup(opts: { daemon?: FakeDaemon; noBinary?: boolean } = {}): Setup {
  recorded.reset();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pb-ext-home-"));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pb-ext-ws-"));
  const daemon = opts.daemon ?? new FakeDaemon();
  writeDaemonJson(home, { pid: daemon.pid });
  recorded.configuration.set("patchbay.home", home);
  recorded.workspaceFolders.push({ uri: vscode.Uri.file(root), name: "ws", index: 0 });
  const context = { subscriptions: [] as { dispose(): unknown }[], extensionPath: "/nonexistent-ext" };
  const api = activate(context as never, {
    createSupervisor: (o) =>
      new DaemonSupervisor({
        ...o,
        resolveBinary: () => {
          throw new BinaryNotFoundError("cannot find the patchbay daemon (test)");
        },
        connect: () => daemon.clients(),
        policy: new RestartPolicy({ maxRestarts: 1, baseDelayMs: 10 }),
        probeTimeoutMs: 300,
        eventRetryMs: 10,
      }),
  });
  return { api, daemon, root, home };
}

function doc(root: string, rel: string) {
  return { uri: vscode.Uri.file(path.join(root, rel)) } as never;
}

describe("extension with a stubbed vscode", () => {
  let s: Setup;
  beforeEach(() => {
    const daemon = new FakeDaemon();
    daemon.providers = [
      {
        id: "stripe",
        displayName: "Stripe",
        fields: [{ name: "secret_key", label: "Secret key", kind: FieldKind.SECRET, required: true }],
      },
    ];
    s = setup({ daemon });
    s.daemon.analyses.set(s.root, { root: s.root, findings: [sdkFinding("f1", "stripe", "src/pay.ts", 3)], services: [{ path: ".", name: "shop", language: "typescript" }] });
  });
  afterEach(async () => {
    await deactivate();
  });

  it("shows the daemon state in the status bar and logs to the Patchbay channel", async () => {
    await s.api.supervisor.waitReady(2000);
    const item = recorded.statusItems[0];
    assert.equal(item.text, "$(plug) Patchbay 1.2.3-test");
    assert.equal(item.command, "patchbay.showOutput");
    assert.equal(item.visible, true);
    assert.equal(recorded.outputChannels[0].name, "Patchbay");
    assert.ok(recorded.outputChannels[0].lines.some((l) => l.includes("connected to running daemon 1.2.3-test")));
  });

  it("analyzes each folder and shows one lens per SDK finding, refreshing on save", async () => {
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.analysis(s.root) !== undefined, 2000, "analysis");
    const lensProvider = recorded.codeLensProviders[0];
    let lenses = lensProvider.provideCodeLenses(doc(s.root, "src/pay.ts"));
    assert.deepEqual(
      lenses.map((l: vscode.CodeLens) => [l.range.start.line, l.command!.title, l.command!.command]),
      [[2, "Stripe · Connect", "patchbay.connectProvider"]],
    );
    assert.deepEqual(lensProvider.provideCodeLenses(doc(s.root, "src/other.ts")), []);

    let changes = 0;
    lensProvider.onDidChangeCodeLenses(() => changes++);
    s.daemon.analyses.set(s.root, {
      root: s.root,
      findings: [sdkFinding("f1", "stripe", "src/pay.ts", 3), sdkFinding("f2", "auth0", "src/pay.ts", 10)],
      services: [{ path: ".", name: "shop", language: "typescript" }],
    });
    recorded.saveListeners.fire(doc(s.root, "src/pay.ts"));
    await s.api.refreshing();
    assert.deepEqual(s.daemon.analyzeCalls.at(-1)?.changedPaths, ["src/pay.ts"]);
    assert.ok(changes > 0, "lenses must be refreshed after a save");
    lenses = lensProvider.provideCodeLenses(doc(s.root, "src/pay.ts"));
    assert.deepEqual(
      lenses.map((l: vscode.CodeLens) => l.command!.title),
      ["Stripe · Connect", "Auth0 · Connect"],
    );
    const tree = recorded.treeProviders.get("patchbay.services");
    const top = tree.getChildren();
    assert.deepEqual(top.map((n: { label: string }) => n.label), ["shop"]);
  });

  it("holds each folder's analysis from the daemon's Watch stream: deltas applied, no Analyze on save, reopened after a drop", async () => {
    s.daemon.watchEnabled = true;
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.analysis(s.root) !== undefined, 2000, "first analysis");
    assert.deepEqual(s.daemon.watchCalls.map((c) => [c.root, c.deltas]), [[s.root, true]]);
    const lensProvider = recorded.codeLensProviders[0];
    const titles = () => lensProvider.provideCodeLenses(doc(s.root, "src/pay.ts")).map((l: vscode.CodeLens) => l.command!.title);
    assert.deepEqual(titles(), ["Stripe · Connect"]);
    const analyzeCalls = s.daemon.analyzeCalls.length;

    // The daemon's watcher saw a save: one finding added, none removed.
    s.daemon.watchPush(s.root, { changedPaths: ["src/pay.ts"], delta: { findings: [sdkFinding("f2", "auth0", "src/pay.ts", 10)] } });
    await waitFor(() => titles().length === 2, 2000, "the delta's lens");
    assert.deepEqual(titles(), ["Stripe · Connect", "Auth0 · Connect"]);
    recorded.saveListeners.fire(doc(s.root, "src/pay.ts"));
    // A removal, then a finding that moved (same id, new line).
    s.daemon.watchPush(s.root, { delta: { removedFindings: ["f1"], findings: [sdkFinding("f2", "auth0", "src/pay.ts", 12)] } });
    await waitFor(() => s.api.store.analysis(s.root)!.findings.length === 1, 2000, "the removal");
    assert.deepEqual(s.api.store.analysis(s.root)!.findings.map((f) => [f.id, f.location?.startLine]), [["f2", 12]]);
    assert.equal(s.daemon.analyzeCalls.length, analyzeCalls, "a watched folder is not analyzed on save");

    // A dropped stream is opened again, and its first message is whole.
    s.daemon.analyses.set(s.root, { root: s.root, findings: [sdkFinding("f9", "stripe", "src/pay.ts", 1)], services: [] });
    s.daemon.dropStreams();
    await waitFor(() => s.daemon.watchCalls.length === 2, 5000, "the reopened stream");
    await waitFor(() => s.api.store.analysis(s.root)!.findings[0]?.id === "f9", 2000, "the whole analysis of the new stream");
  });

  it("opens the credential form for a daemon credential request and answers it", async () => {
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.catalog.providers.length === 1, 2000, "catalogue");
    s.daemon.publish({ case: "credentialRequest", value: { id: "req-1", provider: "stripe", profile: "default", reason: "Provisioning the Stripe webhook needs a secret key" } });
    await waitFor(() => recorded.panels.length === 1, 2000, "panel");
    const panel = recorded.panels[0];
    assert.match(panel.webview.html, /Provisioning the Stripe webhook needs a secret key/);
    assert.equal(recorded.statusItems[0].text, "$(plug) Patchbay 1.2.3-test $(key) 1");
    panel.webview.simulate({ type: "submit", values: { secret_key: "sk_test_SECRET123", injected: "x" }, force: false });
    await waitFor(() => panel.webview.posted.some((m) => m.type === "result"), 2000, "result");
    assert.deepEqual(s.daemon.answerCalls.map((c) => [c.requestId, { ...c.values }, c.cancel]), [["req-1", { secret_key: "sk_test_SECRET123" }, false]]);
    assert.ok(!JSON.stringify(panel.webview.posted).includes("SECRET123"), "secrets are never posted back to the page");
    assert.ok(!recorded.outputChannels[0].lines.join("\n").includes("SECRET123"), "secrets are never logged");
    s.daemon.publish({ case: "credentialRequestClosed", value: { id: "req-1", outcome: "answered" } });
    await waitFor(() => panel.disposed, 2000, "panel closed");
    assert.equal(recorded.statusItems[0].text, "$(plug) Patchbay 1.2.3-test");
  });

  it("offers to answer requests that were already waiting when it subscribed", async () => {
    await deactivate();
    const daemon = new FakeDaemon();
    daemon.providers = [{ id: "stripe", displayName: "Stripe", fields: [{ name: "secret_key", kind: FieldKind.SECRET }] }];
    daemon.pendingRequests = [{ id: "old-1", provider: "stripe", reason: "apply needs Stripe" }];
    s = setup({ daemon });
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => recorded.messages.some((m) => /1 credential request is waiting/.test(m.message)), 2000, "notification");
    assert.equal(recorded.panels.length, 0, "no form pops up by itself for old requests");
    recorded.messages.find((m) => /waiting/.test(m.message))!.choose("Answer");
    await waitFor(() => recorded.panels.length === 1, 2000, "panel");
    assert.match(recorded.panels[0].webview.html, /apply needs Stripe/);
  });

  it("saves credentials from the Connect lens command", async () => {
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.catalog.providers.length === 1, 2000, "catalogue");
    await vscode.commands.executeCommand("patchbay.connectProvider", { provider: "stripe", findingId: "f1" });
    const panel = recorded.panels[0];
    assert.equal(panel.title, "Stripe credentials");
    assert.deepEqual(panel.options.localResourceRoots, []);
    panel.webview.simulate({ type: "submit", values: { secret_key: "sk_test_abc" }, force: true });
    await waitFor(() => s.daemon.saveCalls.length === 1, 2000, "save");
    assert.equal(s.daemon.saveCalls[0].provider, "stripe");
    assert.equal(s.daemon.saveCalls[0].force, true);
    await waitFor(() => panel.webview.posted.some((m) => m.type === "result" && m.saved), 2000, "saved result");
  });
});

describe("browser sign-in and keyring", () => {
  let s: Setup;
  beforeEach(() => {
    const daemon = new FakeDaemon();
    daemon.providers = [
      {
        id: "netlify",
        displayName: "Netlify",
        oauth: true,
        fields: [
          { name: "client_id", label: "OAuth client ID", kind: FieldKind.TEXT },
          { name: "client_secret", label: "OAuth client secret", kind: FieldKind.FILE, secret: true },
          { name: "token", label: "Token", kind: FieldKind.OAUTH, secret: true },
        ],
      },
    ];
    daemon.locked = true;
    s = setup({ daemon });
  });
  afterEach(async () => {
    await deactivate();
  });

  it("starts OAuth with the typed app settings, opens the browser, and completes on CredentialsChanged", async () => {
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.catalog.providers.length === 1, 2000, "catalogue");
    await vscode.commands.executeCommand("patchbay.connectProvider", { provider: "netlify" });
    const panel = recorded.panels[0];
    assert.match(panel.webview.html, /data-field="client_secret" data-kind="3" data-secret/, "FILE fields flagged secret are write-only");
    panel.webview.simulate({ type: "oauth", values: { client_id: "cid", client_secret: "shh", other: "x" } });
    await waitFor(() => recorded.openedExternal.length === 1, 2000, "browser opened");
    assert.deepEqual({ ...s.daemon.oauthCalls[0].values }, { client_id: "cid", client_secret: "shh" });
    assert.equal(recorded.openedExternal[0].toString(), "https://auth.example.test/authorize?state=st-1");
    s.daemon.publish({ case: "credentialsChanged", value: { provider: "netlify", profile: "default" } });
    await waitFor(() => panel.webview.posted.some((m) => m.type === "result"), 2000, "result");
    assert.deepEqual(panel.webview.posted.filter((m) => m.type === "result").map((m) => [m.ok, m.status]), [[true, "signed in"]]);

    panel.webview.simulate({ type: "oauth", values: {} });
    await waitFor(() => recorded.openedExternal.length === 2, 2000, "second sign-in");
    s.daemon.publish({ case: "credentialRequestClosed", value: { id: "st-2", outcome: "oauth_failed" } });
    await waitFor(() => panel.webview.posted.filter((m) => m.type === "result").length === 2, 2000, "failure result");
    assert.equal(panel.webview.posted.at(-1).status, "oauth failed");
    assert.equal(panel.disposed, false);
  });

  it("offers to unlock a locked file keyring and never logs the passphrase", async () => {
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.catalog.locked === true, 2000, "locked catalogue");
    const tree = recorded.treeProviders.get("patchbay.credentials");
    const first = tree.getChildren()[0];
    const item = tree.getTreeItem(first);
    assert.match(item.label, /Keyring \(file\) is locked/);
    assert.equal(item.command.command, "patchbay.unlockKeyring");
    recorded.inputs.push("wrong");
    await vscode.commands.executeCommand("patchbay.unlockKeyring");
    assert.equal(recorded.inputOptions[0].password, true);
    assert.match(recorded.messages.at(-1)!.message, /unlocking the keyring failed: PermissionDenied: wrong passphrase/);
    recorded.inputs.push("right");
    await vscode.commands.executeCommand("patchbay.unlockKeyring");
    assert.deepEqual(s.daemon.unlockCalls, ["wrong", "right"]);
    assert.equal(s.api.store.catalog.locked, false);
    assert.doesNotMatch(tree.getTreeItem(tree.getChildren()[0]).label, /locked/);
    const log = recorded.outputChannels[0].lines.join("\n");
    assert.ok(!/\bright\b|\bwrong\b(?! passphrase)/.test(log), "the passphrase must not be logged");
  });
});

describe("plan, approve, apply", () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
    s.daemon.environments = [{ name: "local", frontendUrl: "http://localhost:3000", apiUrl: "http://localhost:8080" }];
    s.daemon.plan = {
      id: "plan-1",
      summary: "1 to create",
      steps: [{ id: "s1", action: StepAction.CREATE, provider: "stripe", resourceType: "webhook_endpoint", name: "shop local", reason: "POST /api/webhooks/stripe handles 1 event" }],
    };
  });
  afterEach(async () => {
    await deactivate();
  });

  it("plans the only environment, shows the plan, and applies it on approval with progress", async () => {
    await s.api.supervisor.waitReady(2000);
    s.daemon.applyProgress = [
      { operationId: "op", state: OperationState.RUNNING, stepId: "s1", stepState: StepState.RUNNING, message: "creating webhook", done: 0, total: 1 },
      { operationId: "op", state: OperationState.RUNNING, stepId: "s1", stepState: StepState.DONE, message: "we_123", done: 1, total: 1 },
      { operationId: "op", state: OperationState.COMPLETED, message: "1 created", done: 1, total: 1 },
    ];
    await vscode.commands.executeCommand("patchbay.provision", { root: s.root, provider: "stripe" });
    assert.deepEqual(s.daemon.planCalls, [{ workspaceRoot: s.root, environment: "local" }]);
    const panel = recorded.panels[0];
    assert.equal(panel.title, "Patchbay plan · local");
    assert.equal(panel.options.retainContextWhenHidden, true, "progress must survive a hidden tab");
    assert.match(panel.webview.html, /data-step-id="s1"/);
    assert.match(panel.webview.html, /Approve and apply/);
    panel.webview.simulate({ type: "approve" });
    panel.webview.simulate({ type: "approve" }); // double click must not apply twice
    await waitFor(() => panel.webview.posted.some((m) => m.type === "finished"), 2000, "finished");
    assert.deepEqual(s.daemon.applyCalls, ["plan-1"]);
    assert.deepEqual(
      panel.webview.posted.map((m) => (m.type === "progress" ? `${m.stepId}:${m.state}` : `${m.type}:${m.state}`)),
      ["s1:running", "s1:done", ":pending", "finished:completed"],
    );
    await waitFor(() => recorded.messages.some((m) => m.message === "Patchbay: local is provisioned."), 2000, "info");
  });

  it("reports a failed apply with Show details", async () => {
    await s.api.supervisor.waitReady(2000);
    s.daemon.applyProgress = [{ operationId: "op", state: OperationState.FAILED, stepId: "s1", stepState: StepState.FAILED, message: "stripe: 401 invalid api key", done: 0, total: 1 }];
    await vscode.commands.executeCommand("patchbay.provision", { root: s.root });
    recorded.panels[0].webview.simulate({ type: "approve" });
    await waitFor(() => recorded.messages.some((m) => m.level === "error"), 2000, "error");
    const msg = recorded.messages.find((m) => m.level === "error")!;
    assert.match(msg.message, /applying the local plan failed: stripe: 401 invalid api key/);
    assert.deepEqual(msg.items, ["Show details"]);
  });

  it("explains when the workspace has no environment", async () => {
    await s.api.supervisor.waitReady(2000);
    s.daemon.environments = [];
    const done = vscode.commands.executeCommand("patchbay.provision", { root: s.root });
    await waitFor(() => recorded.messages.some((m) => /has no environments yet/.test(m.message)), 2000, "no-environment message");
    const msg = recorded.messages.find((m) => /has no environments yet/.test(m.message))!;
    assert.equal(msg.level, "info", "not an error: creating one is the next step");
    assert.deepEqual(msg.items, ["Create Environment…"]);
    msg.choose(undefined);
    await done;
    assert.equal(recorded.panels.length, 0);
  });
});

describe("env vars in the editor", () => {
  afterEach(async () => {
    await deactivate();
  });

  it("warns about unprovided reads and explains the source on hover", async () => {
    const s = setup();
    s.daemon.environments = [{ name: "local" }];
    s.daemon.envVars.set("local", [
      { name: "STRIPE_SECRET_KEY", service: ".", provided: true, satisfied: true, kind: VariableSource.CREDENTIAL, source: "stripe credentials default", secret: true },
      { name: "STRIPE_WEBHOOK_SECRET", service: ".", kind: VariableSource.UNSATISFIED, source: "nothing provides it", fix: "patchbay env set STRIPE_WEBHOOK_SECRET --env local" },
    ]);
    const envFinding = (id: string, name: string, line: number, p = "src/pay.ts", source = "code") => ({
      id,
      kind: FindingKind.ENV_REFERENCE,
      provider: "stripe",
      service: ".",
      location: { path: p, startLine: line, startColumn: 27, endLine: line, endColumn: 27 + name.length },
      detail: { case: "envVar" as const, value: { name, source } },
    });
    s.daemon.analyses.set(s.root, {
      root: s.root,
      findings: [envFinding("e1", "STRIPE_SECRET_KEY", 1), envFinding("e2", "STRIPE_WEBHOOK_SECRET", 2), envFinding("e3", "STRIPE_WEBHOOK_SECRET", 1, ".env.example", "dotenv")],
    });
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => (recorded.diagnostics[0]?.entries.size ?? 0) > 0, 2000, "diagnostics");
    assert.deepEqual(s.daemon.envVarCalls, [{ environment: "local", includeValues: false }], "values are never requested");
    assert.equal(recorded.diagnostics[0].entries.size, 1, "no diagnostics on example files");
    const diags = recorded.diagnostics[0].entries.get(path.join(s.root, "src", "pay.ts"))!;
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.range.start.character, d.severity, d.source, d.message]), [
      [1, 26, vscode.DiagnosticSeverity.Warning, "patchbay", "STRIPE_WEBHOOK_SECRET has no value in environment local: nothing provides it. Fix: patchbay env set STRIPE_WEBHOOK_SECRET --env local"],
    ]);
    const actions = vscode.codeActionProviders[vscode.codeActionProviders.length - 1].provideCodeActions(undefined, diags[0].range, { diagnostics: diags });
    assert.deepEqual(actions.map((a: any) => [a.title, a.command.command]), [
      ["Generate secret", "patchbay.generateVariable"],
      ["Set value…", "patchbay.setVariable"],
    ]);
    const text = "const key = process.env.STRIPE_SECRET_KEY;\nconst wh = process.env.STRIPE_WEBHOOK_SECRET;";
    const doc = new vscode.FakeTextDocument(path.join(s.root, "src", "pay.ts"), text);
    const hover = recorded.hoverProviders[0].provideHover(doc, new vscode.Position(0, 30));
    assert.match(hover.contents.value, /`local`: ✓ stripe credentials default \(from your connection\) \(secret\)/);
    assert.match(recorded.hoverProviders[0].provideHover(doc, new vscode.Position(1, 30)).contents.value, /`local`: ✗ nothing provides it — fix: `patchbay env set STRIPE_WEBHOOK_SECRET --env local`/);
    assert.equal(recorded.hoverProviders[0].provideHover(doc, new vscode.Position(0, 2)), undefined, "no hover off env reads");
  });
});

describe("@patchbay chat and Ask", () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
    s.daemon.answer = [
      { text: "You have **1** Stripe profile", intent: "list_credentials" },
      {
        text: " (default, ok).",
        commands: [
          { title: "Check Stripe", command: "patchbay.checkCredentials", arguments: ["stripe"] },
          { title: "Run in terminal", command: "workbench.action.terminal.sendSequence", arguments: ["rm -rf ~"] },
        ],
      },
    ];
  });
  afterEach(async () => {
    await deactivate();
  });

  it("streams the daemon's answer and offers only Patchbay commands", async () => {
    await s.api.supervisor.waitReady(2000);
    const handler = recorded.chatHandlers.get("patchbay.assistant")!;
    const parts: string[] = [];
    const buttons: { command: string; title: string; arguments?: unknown[] }[] = [];
    const stream = { markdown: (t: string) => parts.push(t), button: (c: (typeof buttons)[number]) => buttons.push(c) };
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    const result = await handler({ prompt: " stripe ", command: "credentials" }, { history: [] }, stream, token);
    assert.deepEqual(s.daemon.askCalls, [{ question: "/credentials stripe", workspaceRoot: s.root }]);
    assert.deepEqual(parts, ["You have **1** Stripe profile", " (default, ok)."]);
    assert.deepEqual(buttons, [{ title: "Check Stripe", command: "patchbay.checkCredentials", arguments: ["stripe"] }]);
    assert.deepEqual(result, { metadata: { intent: "list_credentials" } });
  });

  it("answers from the palette in a markdown document", async () => {
    await s.api.supervisor.waitReady(2000);
    recorded.inputs.push("what credentials do I have?");
    const done = vscode.commands.executeCommand("patchbay.ask");
    await waitFor(() => recorded.messages.some((m) => m.message === "Patchbay suggests:"), 2000, "suggestions");
    const msg = recorded.messages.find((m) => m.message === "Patchbay suggests:")!;
    assert.deepEqual(msg.items, ["Check Stripe"]);
    msg.choose(undefined);
    await done;
    // A read-only virtual document, not an Untitled file that asks to be saved.
    assert.equal(recorded.openedDocuments.length, 1);
    const uri = recorded.openedDocuments[0] as unknown as vscode.Uri;
    assert.equal(uri.scheme, "patchbay-answer");
    assert.equal(recorded.contentProviders.get("patchbay-answer").provideTextDocumentContent(uri), "# what credentials do I have?\n\nYou have **1** Stripe profile (default, ok).\n");
  });
});

describe("environments and API keys views", () => {
  afterEach(async () => {
    await deactivate();
  });

  it("lists environments with URLs and recorded resources, and API keys with grants", async () => {
    const s = setup();
    s.daemon.environments = [{ name: "staging", frontendUrl: "https://staging.shop.test", apiUrl: "https://api.staging.shop.test" }];
    s.daemon.mapNodes = [
      { id: "svc", kind: "service", label: "shop" },
      { id: "r1", kind: "resource", label: "webhook_endpoint we_1", provider: "stripe", attributes: { url: "https://api.staging.shop.test/api/webhooks/stripe" } },
    ];
    s.daemon.apiKeys = [{ id: "k1", team: "ci", name: "ci deploy", tokenHint: "pbk_ab12…", grants: [{ provider: "stripe", components: ["create_customer"] }] }];
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.roots().length === 1, 2000, "analysis");
    const envTree = recorded.treeProviders.get("patchbay.environments");
    const [env] = await envTree.getChildren();
    assert.equal(envTree.getTreeItem(env).label, "staging");
    assert.equal(envTree.getTreeItem(env).description, "1 resource · selected", "the only environment is the selected one");
    const kids = await envTree.getChildren(env);
    assert.deepEqual(kids.map((k: never) => [envTree.getTreeItem(k).label, envTree.getTreeItem(k).description]), [
      ["Frontend", "https://staging.shop.test"],
      ["API", "https://api.staging.shop.test"],
      ["webhook_endpoint we_1", "Stripe"],
    ]);

    const keyTree = recorded.treeProviders.get("patchbay.apiKeys");
    const [key] = await keyTree.getChildren();
    assert.equal(keyTree.getTreeItem(key).description, "pbk_ab12… · ci");
    assert.deepEqual((await keyTree.getChildren(key)).map((g: never) => keyTree.getTreeItem(g).label), ["Stripe: create_customer"]);
    // Clicking a key opens its detail; the view's + opens the create form.
    const click = keyTree.getTreeItem(key).command;
    assert.equal(click.command, "patchbay.showApiKey");
    await vscode.commands.executeCommand(click.command, ...click.arguments);
    assert.equal(recorded.panels.at(-1)!.viewType, "patchbay.apiKeyDetail");
    assert.match(recorded.panels.at(-1)!.webview.html, /ci deploy/);
    s.daemon.availableComponents = [{ provider: "stripe", id: "create_customer", description: "Create a customer" }];
    await vscode.commands.executeCommand("patchbay.createApiKey");
    assert.equal(recorded.panels.at(-1)!.viewType, "patchbay.apiKeyForm");
    assert.match(recorded.panels.at(-1)!.webview.html, /data-component="create_customer"/);
    const del = vscode.commands.executeCommand("patchbay.deleteApiKey", key);
    await waitFor(() => recorded.messages.some((m) => m.items.includes("Delete")), 2000, "confirmation");
    recorded.messages.find((m) => m.items.includes("Delete"))!.choose("Delete");
    await del;
    assert.deepEqual(s.daemon.deletedKeys, ["ci/k1"]);
  });

  it("shows the system map with the analysis' code locations and opens them at the line", async () => {
    const s = setup();
    s.daemon.analyses.set(s.root, { root: s.root, findings: [sdkFinding("f1", "stripe", "src/pay.ts", 3)], services: [{ path: ".", name: "shop", language: "typescript" }] });
    s.daemon.mapNodes = [
      { id: "service:.", kind: "service", label: "shop", attributes: { path: "." } },
      { id: "provider:stripe", kind: "provider", label: "stripe", provider: "stripe" },
    ];
    s.daemon.mapEdges = [{ from: "service:.", to: "provider:stripe", kind: "uses" }];
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.api.store.analysis(s.root) !== undefined, 2000, "analysis");
    await vscode.commands.executeCommand("patchbay.showSystemMap");
    const panel = recorded.panels.at(-1)!;
    assert.equal(panel.viewType, "patchbay.systemMap");
    const data = JSON.parse(/<script type="application\/json" id="page-data"[^>]*>([^<]*)<\/script>/.exec(panel.webview.html)![1]);
    assert.deepEqual(data.nodes["provider:stripe"].refs, [{ path: "src/pay.ts", line: 3, what: "Stripe SDK" }]);
    panel.webview.simulate({ type: "open", path: "src/pay.ts", line: 3 });
    panel.webview.simulate({ type: "open", path: "../outside.ts", line: 1 });
    await waitFor(() => recorded.shownFiles.length > 0, 2000, "file shown");
    assert.deepEqual(recorded.shownFiles, [{ fsPath: path.join(s.root, "src/pay.ts"), line: 2 }], "only workspace files, at the line");
  });

  it("says so when the daemon serves no environments", async () => {
    const s = setup();
    s.daemon.plan = undefined;
    await s.api.supervisor.waitReady(2000);
    const envTree = recorded.treeProviders.get("patchbay.environments");
    const kids = await envTree.getChildren();
    assert.deepEqual(kids.map((k: never) => envTree.getTreeItem(k).label), ["No environments yet — create one with + above"]);
  });
});

describe("extension when the daemon fails", () => {
  afterEach(async () => {
    await deactivate();
  });

  it("reports failure with Show details that opens the output channel", async () => {
    const s = setup();
    await s.api.supervisor.waitReady(2000);
    s.daemon.crash();
    await waitFor(() => recorded.messages.some((m) => m.level === "error"), 3000, "error notification");
    const msg = recorded.messages.find((m) => m.level === "error")!;
    assert.match(msg.message, /^Patchbay daemon failed: cannot find the patchbay daemon \(test\)/);
    assert.deepEqual(msg.items, ["Show details", "Restart"]);
    assert.equal(recorded.statusItems[0].text, "$(error) Patchbay: failed");
    assert.ok(recorded.statusItems[0].backgroundColor);
    msg.choose("Show details");
    await waitFor(() => recorded.outputChannels[0].shown > 0, 1000, "output shown");
  });
});
