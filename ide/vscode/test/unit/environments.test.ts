import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { BinaryNotFoundError } from "../../src/client/binary";
import { RestartPolicy } from "../../src/client/restartPolicy";
import { DaemonSupervisor } from "../../src/client/supervisor";
import { activate, deactivate, type PatchbayApi } from "../../src/extension";
import { OperationState, StepAction, StepState } from "../../src/gen/patchbay/v1/provision_pb";
import { approvalQuestion } from "../../src/ui/approvals";
import { parseOrigins, validateUrl } from "../../src/ui/environments";
import { FakeDaemon, waitFor, writeDaemonJson } from "../helpers/fakeDaemon";
import * as vscode from "../stubs/vscode";

const { recorded } = vscode;

function setup(): { api: PatchbayApi; daemon: FakeDaemon; root: string } {
  recorded.reset();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pb-env-home-"));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pb-env-ws-"));
  const daemon = new FakeDaemon();
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
  return { api, daemon, root };
}

/** The environment status-bar item (the daemon's is the first). */
function envStatus() {
  return recorded.statusItems.find((s) => s.name === "Patchbay environment");
}

describe("environments in the editor", () => {
  afterEach(async () => {
    await deactivate();
  });

  it("validates URLs and splits origins", () => {
    assert.equal(validateUrl("", true), undefined);
    assert.equal(validateUrl("", false), "A URL is required");
    assert.match(validateUrl("ftp://x", true)!, /http/);
    assert.match(validateUrl("localhost:3000", true)!, /http:\/\/ or https:\/\//);
    assert.equal(validateUrl("https://shop.example.dev", false), undefined);
    assert.deepEqual(parseOrigins(" https://a.dev, https://b.dev  https://c.dev,"), ["https://a.dev", "https://b.dev", "https://c.dev"]);
  });

  it("creates, edits, selects and deletes environments; the status bar shows the selected one", async () => {
    const s = setup();
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => envStatus()?.text === "$(server-environment) No environment", 2000, "no-environment status");
    assert.equal(envStatus()!.command, "patchbay.createEnvironment");

    recorded.inputs.push("local", "http://localhost:3000", "https://abc.tunnel.example", "https://admin.example.dev");
    const created = vscode.commands.executeCommand("patchbay.createEnvironment");
    await waitFor(() => recorded.messages.some((m) => /environment "local" created/.test(m.message)), 2000, "created message");
    recorded.messages.find((m) => /created/.test(m.message))!.choose(undefined);
    await created;
    assert.deepEqual(s.daemon.envWrites, [
      { op: "create", name: "local", frontendUrl: "http://localhost:3000", apiUrl: "https://abc.tunnel.example", extraOrigins: ["https://admin.example.dev"] },
    ]);
    assert.equal(recorded.inputOptions[0].validateInput("has space"), "A name without spaces or slashes");
    assert.equal(recorded.inputOptions[1].validateInput("nope"), "Not a URL: nope");
    assert.equal(envStatus()!.text, "$(server-environment) local");
    assert.equal(envStatus()!.command, "patchbay.selectEnvironment");
    assert.equal(s.api.environmentCommands.selected(s.root), "local", "local is selected by default");

    // An environment made elsewhere (the CLI) shows up through the event stream.
    await waitFor(() => s.daemon.openStreams > 0, 2000, "event stream");
    s.daemon.environments.push({ name: "staging", frontendUrl: "https://staging.example.dev" });
    s.daemon.publish({ case: "environmentChanged", value: { workspaceRoot: s.root, name: "staging" } });
    await waitFor(() => s.api.store.envView(s.root).environments.length === 2, 2000, "staging in the store");

    await vscode.commands.executeCommand("patchbay.selectEnvironment", { root: s.root, env: { name: "staging" } });
    assert.equal(envStatus()!.text, "$(server-environment) staging");

    recorded.inputs.push("https://staging2.example.dev", "", "");
    const edited = vscode.commands.executeCommand("patchbay.editEnvironment", { root: s.root, env: { name: "staging" } });
    await waitFor(() => recorded.messages.some((m) => /staging updated/.test(m.message)), 2000, "updated message");
    recorded.messages.find((m) => /staging updated/.test(m.message))!.choose(undefined);
    await edited;
    assert.deepEqual(s.daemon.envWrites.at(-1), { op: "update", name: "staging", frontendUrl: "https://staging2.example.dev", apiUrl: "", extraOrigins: [] });

    const removed = vscode.commands.executeCommand("patchbay.deleteEnvironment", { root: s.root, env: { name: "staging" } });
    await waitFor(() => recorded.messages.some((m) => /Delete environment “staging”/.test(m.message)), 2000, "delete confirmation");
    recorded.messages.find((m) => /Delete environment/.test(m.message))!.choose("Delete");
    await removed;
    assert.deepEqual(s.daemon.envWrites.at(-1), { op: "delete", name: "staging" });
    assert.equal(envStatus()!.text, "$(server-environment) local", "the selection falls back to local");
  });
});

describe("approval requests and language-model tools", () => {
  afterEach(async () => {
    await deactivate();
  });

  it("asks the user about a tool's approval request in a modal and answers the daemon", async () => {
    const s = setup();
    await s.api.supervisor.waitReady(2000);
    await waitFor(() => s.daemon.openStreams > 0, 2000, "event stream");
    const req = { id: "apr_1", planId: "plan_1", environment: "local", requester: "MCP client Claude Code", summary: "+ create stripe webhook_endpoint", workspaceRoot: s.root };
    s.daemon.publish({ case: "approvalRequest", value: req });
    await waitFor(() => recorded.messages.some((m) => /asks to apply/.test(m.message)), 2000, "approval modal");
    const m = recorded.messages.find((x) => /asks to apply/.test(x.message))!;
    assert.equal(m.message, "MCP client Claude Code asks to apply a plan to “local”. Approve?");
    assert.deepEqual(m.items, ["Approve", "Deny"]);
    m.choose("Approve");
    await waitFor(() => s.daemon.approvalAnswers.length === 1, 2000, "answer");
    assert.deepEqual(s.daemon.approvalAnswers, [{ id: "apr_1", approve: true }]);

    // Dismissing the modal denies.
    s.daemon.publish({ case: "approvalRequest", value: { ...req, id: "apr_2", destroy: true } });
    await waitFor(() => recorded.messages.some((x) => /asks to destroy/.test(x.message)), 2000, "destroy modal");
    recorded.messages.find((x) => /asks to destroy/.test(x.message))!.choose(undefined);
    await waitFor(() => s.daemon.approvalAnswers.length === 2, 2000, "deny");
    assert.deepEqual(s.daemon.approvalAnswers[1], { id: "apr_2", approve: false });
    const q = approvalQuestion({ ...req, destroy: true } as never);
    assert.equal(q.approve, "Approve Destroy");
    assert.match(q.detail, /\+ create stripe webhook_endpoint/);
  });

  it("registers the tools package.json declares; apply plans, asks for confirmation, then applies that plan", async () => {
    const s = setup();
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));
    const declared = manifest.contributes.languageModelTools.map((t: { name: string }) => t.name).sort();
    assert.deepEqual([...recorded.lmTools.keys()].sort(), declared);
    await s.api.supervisor.waitReady(2000);
    s.daemon.environments = [{ name: "local", frontendUrl: "https://shop.example.dev" }];
    await s.api.store.refreshEnv(s.root);
    s.daemon.envVars.set("local", [
      { name: "STRIPE_SECRET_KEY", provided: true, source: "stripe credentials default", secret: true },
      { name: "STRIPE_WEBHOOK_SECRET", provided: false },
    ]);
    const token = { isCancellationRequested: false, onCancellationRequested: () => new vscode.Disposable() };
    const text = (r: { content: { value: string }[] }) => r.content.map((p) => p.value).join("");

    const env = text(await recorded.lmTools.get("patchbay_envCheck").invoke({ input: {} }, token));
    assert.match(env, /STRIPE_WEBHOOK_SECRET: missing/);
    assert.match(env, /STRIPE_SECRET_KEY: provided by stripe credentials default/);
    assert.deepEqual(s.daemon.envVarCalls.at(-1), { environment: "local", includeValues: false }, "values are never requested");

    s.daemon.plan = { id: "plan_9", summary: "+ create stripe webhook_endpoint", steps: [{ id: "s1", action: StepAction.CREATE }] };
    s.daemon.applyProgress = [
      { operationId: "op", state: OperationState.RUNNING, stepId: "s1", stepState: StepState.DONE, message: "created we_1", done: 1, total: 1 },
      { operationId: "op", state: OperationState.COMPLETED, message: "apply completed", done: 1, total: 1 },
    ];
    const applyTool = recorded.lmTools.get("patchbay_apply");
    const prepared = await applyTool.prepareInvocation({ input: {} }, token);
    assert.equal(prepared.confirmationMessages.title, "Apply this plan to “local”?");
    assert.match(prepared.confirmationMessages.message.value, /\+ create stripe webhook_endpoint/);
    assert.deepEqual(s.daemon.applyCalls, [], "nothing is applied before the user confirms");
    const out = text(await applyTool.invoke({ input: {} }, token));
    assert.deepEqual(s.daemon.applyCalls, ["plan_9"], "the plan the user saw is the one applied");
    assert.match(out, /apply of local completed/);
    assert.match(out, /s1: created we_1/);

    // Without a confirmation first, invoke applies nothing.
    assert.match(text(await applyTool.invoke({ input: {} }, token)), /Nothing to apply/);
    assert.equal(s.daemon.applyCalls.length, 1);
  });
});
