// Drives the extension's client module (no vscode) against a real
// `patchbay daemon` built from this repository.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { clientsFor, transportFor } from "../../src/client/connection";
import { readSpawnRecord } from "../../src/client/compat";
import { readDaemonInfo } from "../../src/client/home";
import { RestartPolicy } from "../../src/client/restartPolicy";
import { DaemonSupervisor, type DaemonState, type Logger } from "../../src/client/supervisor";
import { FindingKind } from "../../src/gen/patchbay/v1/common_pb";
import { FieldKind } from "../../src/gen/patchbay/v1/credential_pb";
import type { Event } from "../../src/gen/patchbay/v1/daemon_pb";
import type { WatchResponse } from "../../src/gen/patchbay/v1/workspace_pb";
import { compareFindings } from "../../src/model/delta";
import { sdkLenses } from "../../src/model/lenses";
import { DaemonStore } from "../../src/model/store";
import { emptyCatalog } from "../../src/model/providers";

// out/test/integration/client.test.js -> ide/vscode
const extensionRoot = path.resolve(__dirname, "..", "..", "..");
const bin = path.resolve(process.env.PATCHBAY_BIN ?? path.join(extensionRoot, "..", "..", "bin", "patchbay"));
const skip = fs.existsSync(bin)
  ? false
  : `no daemon binary at ${bin}: build it with "go build -o bin/patchbay ./cmd/patchbay" at the repo root, or set PATCHBAY_BIN`;

class MemLogger implements Logger {
  lines: string[] = [];
  info = (m: string) => void this.lines.push(m);
  warn = (m: string) => void this.lines.push(`WARN ${m}`);
  error = (m: string) => void this.lines.push(`ERROR ${m}`);
}

function waitFor(cond: () => boolean, timeoutMs: number, what: string, log?: MemLogger): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}${log ? `\nlog:\n${log.lines.join("\n")}` : ""}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("client module against a real daemon", { skip }, () => {
  let home: string;
  let workspace: string;
  let log: MemLogger;
  let sup: DaemonSupervisor;
  const states: DaemonState[] = [];
  const events: Event[] = [];

  before(async () => {
    // A short path: the daemon's Unix socket lives in home, and socket paths are length-limited.
    home = fs.mkdtempSync(path.join(os.tmpdir(), "pbx-"));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "pbws-"));
    fs.cpSync(path.join(extensionRoot, "test", "fixtures", "shop"), workspace, { recursive: true });
    log = new MemLogger();
    sup = new DaemonSupervisor({
      home,
      logger: log,
      resolveBinary: () => ({ path: bin, source: "setting" }),
      policy: new RestartPolicy({ maxRestarts: 3, windowMs: 60_000, baseDelayMs: 200, maxDelayMs: 1000 }),
      readyTimeoutMs: 20_000,
    });
    sup.onState.on((s) => states.push(s));
    sup.onEvent.on((e) => events.push(e));
    sup.start();
    await sup.waitReady(25_000).catch((err: Error) => {
      throw new Error(`${err.message}\nlog:\n${log.lines.join("\n")}`);
    });
  });

  after(async () => {
    const pid = sup?.ownedPid;
    await sup?.stop();
    if (pid) assert.equal(pidAlive(pid), false, "stop must terminate the spawned daemon");
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("spawns the daemon, which writes a private daemon.json naming it", () => {
    assert.equal(sup.state.kind, "ready");
    const s = sup.state as Extract<DaemonState, { kind: "ready" }>;
    assert.equal(s.owned, true);
    const info = readDaemonInfo(home)!;
    assert.equal(info.pid, sup.ownedPid);
    assert.equal(s.pid, info.pid);
    assert.equal(fs.statSync(path.join(home, "daemon.json")).mode & 0o777, 0o600);
    assert.ok(!log.lines.some((l) => l.includes(info.token)), "the token must never be logged");
  });

  it("answers Version with the bearer token and refuses a wrong one", async () => {
    const info = readDaemonInfo(home)!;
    const v = await sup.clients!.daemon.version({});
    assert.equal(v.api, "patchbay.v1");
    assert.equal(Number(v.pid), info.pid);
    const bad = clientsFor(transportFor({ ...info, token: "wrong" }));
    await assert.rejects(bad.daemon.version({}), (e: unknown) => ConnectError.from(e).code === Code.Unauthenticated);
  });

  it("analyzes a workspace and publishes the analysis on WatchEvents", async () => {
    await waitFor(() => events.some((e) => e.payload.case === "snapshot"), 5000, "snapshot event", log);
    const res = await sup.clients!.workspace.analyze({ root: workspace });
    assert.equal(res.root, workspace);
    // Each provider with SDK findings in a file gets exactly one lens there (an import and a constructor make one).
    const sdk = res.findings.filter((f) => f.kind === FindingKind.SDK_USAGE);
    for (const file of new Set(sdk.map((f) => f.location!.path))) {
      assert.equal(sdkLenses(res.findings, file, emptyCatalog).length, new Set(sdk.filter((f) => f.location!.path === file).map((f) => f.provider)).size);
    }
    // The fixture imports Stripe on line 1 of src/pay.ts.
    const lenses = sdkLenses(res.findings, "src/pay.ts", emptyCatalog);
    assert.ok(
      lenses.some((l) => l.line === 0 && l.title === "Stripe · Connect" && l.provider === "stripe"),
      `want a "Stripe · Connect" lens on the import, got ${JSON.stringify(lenses)}`,
    );
    await waitFor(
      () => events.some((e) => e.payload.case === "analysisUpdated" && e.payload.value.workspace?.root === workspace),
      5000,
      "analysisUpdated event",
      log,
    );
    await assert.rejects(sup.clients!.workspace.analyze({ root: "relative/path" }), (e: unknown) => ConnectError.from(e).code === Code.InvalidArgument);
  });

  it("keeps a store's analysis current from Watch deltas, equal to a whole Analyze", async () => {
    const store = new DaemonStore(() => sup.clients, log);
    const messages: WatchResponse[] = [];
    const ac = new AbortController();
    const watching = store.watch(workspace, ac.signal, (m) => messages.push(m)).catch((err: unknown) => {
      if (!ac.signal.aborted) throw err;
    });
    try {
      await waitFor(() => messages.length === 1, 20_000, "the first Watch message", log);
      assert.ok(messages[0].analysis, "the first message is the whole analysis");
      const file = path.join(workspace, "watched.js");
      fs.writeFileSync(file, "const key = process.env.WATCHED_BY_THE_STORE;\n");
      const has = (name: string) => store.analysis(workspace)!.findings.some((f) => f.detail.case === "envVar" && f.detail.value.name === name);
      await waitFor(() => has("WATCHED_BY_THE_STORE"), 20_000, "the new env read", log);
      assert.ok(messages.slice(1).some((m) => m.delta && !m.analysis), "changes arrive as deltas");
      fs.rmSync(file);
      await waitFor(() => !has("WATCHED_BY_THE_STORE"), 20_000, "the env read gone", log);
      const whole = await sup.clients!.workspace.analyze({ root: workspace });
      const ids = (fs_: { id: string }[]) => fs_.map((f) => f.id);
      assert.deepEqual(ids(store.analysis(workspace)!.findings), ids([...whole.findings].sort(compareFindings)));
      assert.deepEqual(store.analysis(workspace)!.services.map((x) => x.path), whole.services.map((x) => x.path));
    } finally {
      ac.abort();
      await watching;
    }
  });

  it("serves the provider catalogue the credential forms are rendered from", async (t) => {
    let providers;
    try {
      providers = (await sup.clients!.credential.listProviders({})).providers;
    } catch (err) {
      if (ConnectError.from(err).code === Code.Unimplemented) return t.skip("this daemon build has no CredentialService");
      throw err;
    }
    const stripe = providers.find((p) => p.id === "stripe");
    assert.ok(stripe, `providers: ${providers.map((p) => p.id).join(", ")}`);
    assert.ok(stripe.fields.some((f) => f.secret || f.kind === FieldKind.SECRET), "Stripe's form has a secret field");
    const res = await sup.clients!.workspace.analyze({ root: workspace });
    const lenses = sdkLenses(res.findings, "src/pay.ts", { providers, profiles: [] });
    assert.equal(lenses[0]?.title, `${stripe.displayName} · Connect`);
  });

  it("lets a second client find the same daemon through daemon.json", async () => {
    const other = new DaemonSupervisor({
      home,
      logger: new MemLogger(),
      resolveBinary: () => {
        throw new Error("must not spawn");
      },
    });
    other.start();
    try {
      const s = await other.waitReady(5000);
      assert.equal(s.owned, false);
      assert.equal(s.pid, sup.ownedPid);
    } finally {
      await other.stop();
    }
    assert.ok(sup.ownedPid && pidAlive(sup.ownedPid), "stopping a non-owning client must leave the daemon running");
  });

  it("restarts the daemon after it is killed and resubscribes to events", async () => {
    const oldPid = sup.ownedPid!;
    const snapshots = events.filter((e) => e.payload.case === "snapshot").length;
    states.length = 0;
    process.kill(oldPid, "SIGKILL");
    await waitFor(() => sup.state.kind === "ready" && sup.ownedPid !== undefined && sup.ownedPid !== oldPid, 20_000, "restarted daemon", log);
    assert.deepEqual(
      states.map((s) => s.kind),
      ["reconnecting", "ready"],
    );
    assert.match((states[0] as { reason: string }).reason, /signal SIGKILL|unreachable/);
    const v = await sup.clients!.daemon.version({});
    assert.equal(Number(v.pid), sup.ownedPid);
    await waitFor(() => events.filter((e) => e.payload.case === "snapshot").length > snapshots, 5000, "new snapshot", log);
  });
});

describe("a daemon of another version that an editor started, against a real daemon", { skip }, () => {
  it("is shut down and replaced; the window that started it follows the new one", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pbv-"));
    const log = new MemLogger();
    const make = (expected?: { api: string; version?: string }) =>
      new DaemonSupervisor({
        home,
        logger: log,
        resolveBinary: () => ({ path: bin, source: "bundled" }),
        policy: new RestartPolicy({ maxRestarts: 3, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 500 }),
        readyTimeoutMs: 20_000,
        expected,
      });
    const first = make();
    const second = make({ api: "patchbay.v1", version: "v-not-this-build" });
    try {
      first.start();
      const a = await first.waitReady(25_000);
      assert.equal(a.owned, true);
      assert.equal(readSpawnRecord(home)?.pid, a.pid);

      second.start();
      const b = await second.waitReady(25_000);
      assert.notEqual(b.pid, a.pid);
      assert.equal(b.owned, true, "the second window started its own daemon");
      await waitFor(() => !pidAlive(a.pid), 10_000, "the old daemon to exit after Shutdown", log);
      assert.equal(readSpawnRecord(home)?.pid, b.pid);
      // Same binary, so still not the version the second window expects: reported, not replaced again.
      assert.match(b.mismatch?.reason ?? "", /this extension bundles v-not-this-build/);
      await waitFor(() => first.state.kind === "ready" && (first.state as { pid: number }).pid === b.pid, 15_000, "the first window to reconnect", log);
      assert.equal((first.state as Extract<DaemonState, { kind: "ready" }>).owned, false);
    } finally {
      await first.stop();
      await second.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
