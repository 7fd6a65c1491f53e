import assert from "node:assert/strict";
import type * as child_process from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { BinaryNotFoundError } from "../../src/client/binary";
import { readSpawnRecord, writeSpawnRecord, type ExpectedDaemon } from "../../src/client/compat";
import { RestartPolicy } from "../../src/client/restartPolicy";
import { DaemonSupervisor, type DaemonState, type Logger } from "../../src/client/supervisor";
import type { Event } from "../../src/gen/patchbay/v1/daemon_pb";
import { FakeChild, FakeDaemon, waitFor, writeDaemonJson } from "../helpers/fakeDaemon";

function tmpHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "patchbay-sup-"));
}

class MemLogger implements Logger {
  lines: string[] = [];
  info = (m: string) => void this.lines.push(`info ${m}`);
  warn = (m: string) => void this.lines.push(`warn ${m}`);
  error = (m: string) => void this.lines.push(`error ${m}`);
}

interface Harness {
  sup: DaemonSupervisor;
  states: DaemonState[];
  events: Event[];
  log: MemLogger;
  children: FakeChild[];
  daemons: FakeDaemon[];
}

const running: DaemonSupervisor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/**
 * Supervisor wired to in-memory daemons: each spawn creates a FakeChild and a
 * FakeDaemon with the child's pid and writes daemon.json for it, as the real
 * daemon does once it listens.
 */
function harness(
  home: string,
  opts: { existing?: FakeDaemon; failSpawn?: boolean; policy?: RestartPolicy; noBinary?: boolean; expected?: ExpectedDaemon; spawnVersion?: string } = {},
): Harness {
  const h: Harness = { sup: undefined!, states: [], events: [], log: new MemLogger(), children: [], daemons: [] };
  const byPid = new Map<number, FakeDaemon>();
  if (opts.existing) byPid.set(opts.existing.pid, opts.existing);
  let nextPid = 1000;
  const spawn = ((_cmd: string, _args: string[]) => {
    const child = new FakeChild(nextPid++);
    h.children.push(child);
    if (opts.failSpawn) {
      setTimeout(() => {
        child.stderr.write("listen: address already in use\n");
        setTimeout(() => child.die(1), 5);
      }, 5);
      return child;
    }
    const d = new FakeDaemon();
    d.pid = child.pid;
    d.version = opts.spawnVersion ?? `v-${child.pid}`;
    child.on("exit", () => d.crash());
    byPid.set(d.pid, d);
    h.daemons.push(d);
    setTimeout(() => writeDaemonJson(home, { pid: child.pid, address: `127.0.0.1:${child.pid}` }), 20);
    return child;
  }) as unknown as typeof child_process.spawn;
  h.sup = new DaemonSupervisor({
    home,
    logger: h.log,
    resolveBinary: () => {
      if (opts.noBinary) throw new BinaryNotFoundError("cannot find the patchbay daemon");
      return { path: "/fake/patchbay", source: "PATH" };
    },
    connect: (info) => {
      const d = byPid.get(info.pid);
      if (!d) throw new Error(`no fake daemon with pid ${info.pid}`);
      return d.clients();
    },
    spawn,
    policy: opts.policy ?? new RestartPolicy({ maxRestarts: 3, windowMs: 60_000, baseDelayMs: 10, maxDelayMs: 40 }),
    readyTimeoutMs: 2000,
    probeTimeoutMs: 500,
    eventRetryMs: 10,
    expected: opts.expected,
  });
  h.sup.onState.on((s) => h.states.push(s));
  h.sup.onEvent.on((e) => h.events.push(e));
  running.push(h.sup);
  return h;
}

describe("DaemonSupervisor", () => {
  it("connects to a running daemon found through daemon.json and streams its events", async () => {
    const home = tmpHome();
    const d = new FakeDaemon();
    writeDaemonJson(home, { pid: d.pid });
    const h = harness(home, { existing: d });
    h.sup.start();
    const ready = await h.sup.waitReady(2000);
    assert.deepEqual(ready, { kind: "ready", version: "1.2.3-test", pid: 4242, address: "127.0.0.1:1", owned: false });
    assert.equal(h.children.length, 0, "must not spawn when a daemon answers");
    await waitFor(() => h.events.length === 1, 2000, "snapshot");
    assert.equal(h.events[0].payload.case, "snapshot");
    d.publish({ case: "credentialsChanged", value: { provider: "stripe", profile: "default" } });
    await waitFor(() => h.events.length === 2, 2000, "live event");
    assert.equal(h.events[1].payload.case, "credentialsChanged");
  });

  it("resubscribes at once when the daemon drops a slow subscriber", async () => {
    const home = tmpHome();
    const d = new FakeDaemon();
    writeDaemonJson(home, { pid: d.pid });
    const h = harness(home, { existing: d });
    h.sup.start();
    await waitFor(() => d.openStreams === 1, 2000, "first subscription");
    d.dropStreams(Code.ResourceExhausted);
    await waitFor(() => d.subscriptions === 2 && d.openStreams === 1, 2000, "resubscription");
    assert.equal(h.sup.state.kind, "ready");
    assert.equal(h.events.filter((e) => e.payload.case === "snapshot").length, 2);
  });

  it("spawns a daemon when daemon.json is stale, and restarts it when it crashes", async () => {
    const home = tmpHome();
    writeDaemonJson(home, { pid: 99999 }); // nobody answers for this pid
    const h = harness(home, { existing: Object.assign(new FakeDaemon(), { pid: 99999, alive: false }) });
    h.sup.start();
    const first = await h.sup.waitReady(2000);
    assert.equal(first.owned, true);
    assert.equal(first.pid, 1000);
    assert.equal(h.sup.ownedPid, 1000);
    h.children[0].die(2);
    await waitFor(() => h.sup.state.kind === "ready" && (h.sup.state as { pid: number }).pid === 1001, 3000, "restarted daemon");
    const kinds = h.states.map((s) => s.kind);
    assert.deepEqual(kinds, ["starting", "ready", "reconnecting", "ready"]);
    const rec = h.states[2] as Extract<DaemonState, { kind: "reconnecting" }>;
    assert.match(rec.reason, /exited \(exit code 2\)/);
  });

  it("gives up after the bounded number of restarts and says why", async () => {
    const home = tmpHome();
    const h = harness(home, { failSpawn: true });
    h.sup.start();
    await assert.rejects(h.sup.waitReady(5000), /gave up after 3 restarts.*address already in use|address already in use.*gave up after 3 restarts/s);
    assert.equal(h.children.length, 4, "initial start plus 3 restarts");
    assert.deepEqual(
      h.states.map((s) => s.kind),
      ["starting", "reconnecting", "reconnecting", "reconnecting", "failed"],
    );
  });

  it("fails at once when no binary exists", async () => {
    const h = harness(tmpHome(), { noBinary: true });
    h.sup.start();
    await assert.rejects(h.sup.waitReady(2000), /cannot find the patchbay daemon/);
    assert.deepEqual(h.states.map((s) => s.kind), ["starting", "failed"]);
  });

  it("treats an unreachable unowned daemon as lost and starts its own", async () => {
    const home = tmpHome();
    const d = new FakeDaemon();
    writeDaemonJson(home, { pid: d.pid });
    const h = harness(home, { existing: d });
    h.sup.start();
    await h.sup.waitReady(2000);
    fs.rmSync(path.join(home, "daemon.json"));
    d.crash();
    await waitFor(() => h.sup.state.kind === "ready" && (h.sup.state as { owned: boolean }).owned, 3000, "own daemon");
    assert.ok(h.log.lines.some((l) => /daemon unreachable: Unavailable/.test(l)), h.log.lines.join("\n"));
  });

  it("stop terminates an owned daemon and restart resets the budget", async () => {
    const h = harness(tmpHome());
    h.sup.start();
    await h.sup.waitReady(2000);
    const child = h.children[0];
    await h.sup.stop();
    assert.equal(child.signalCode, "SIGTERM");
    assert.equal(h.sup.state.kind, "stopped");
    await h.sup.restart();
    await h.sup.waitReady(2000);
    assert.equal(h.children.length, 2);
  });

  describe("a daemon that is not the one the extension expects", () => {
    it("is left running and reported when the editor did not start it", async () => {
      const home = tmpHome();
      const d = new FakeDaemon();
      d.api = "patchbay.v2";
      writeDaemonJson(home, { pid: d.pid });
      const h = harness(home, { existing: d });
      h.sup.start();
      const ready = await h.sup.waitReady(2000);
      assert.equal(ready.owned, false);
      assert.deepEqual(ready.mismatch?.daemon, { version: "1.2.3-test", api: "patchbay.v2" });
      assert.equal(ready.mismatch?.expected.api, "patchbay.v1");
      assert.match(ready.mismatch!.reason, /API patchbay\.v2, this extension speaks patchbay\.v1/);
      assert.equal(d.shutdownCalls, 0);
      assert.equal(h.children.length, 0, "nothing spawned");
      assert.ok(h.log.lines.some((l) => /not started by the editor/.test(l)), h.log.lines.join("\n"));
    });

    it("is stopped and replaced by the extension's daemon when an editor started it", async () => {
      const home = tmpHome();
      const old = new FakeDaemon();
      old.version = "v0.0.0-old";
      writeDaemonJson(home, { pid: old.pid });
      writeSpawnRecord(home, { pid: old.pid, binary: "/old/ext/bin/patchbay", expected: "v0.0.0-old" });
      const h = harness(home, { existing: old, expected: { api: "patchbay.v1", version: "v0.0.0-new" }, spawnVersion: "v0.0.0-new" });
      h.sup.start();
      const ready = await h.sup.waitReady(2000);
      assert.equal(old.shutdownCalls, 1, "asked the old daemon to shut down");
      assert.equal(h.children.length, 1, "started the extension's daemon");
      assert.deepEqual({ version: ready.version, owned: ready.owned, pid: ready.pid, mismatch: ready.mismatch }, { version: "v0.0.0-new", owned: true, pid: h.children[0].pid, mismatch: undefined });
      assert.deepEqual(readSpawnRecord(home), { pid: h.children[0].pid, binary: "/fake/patchbay", expected: "v0.0.0-new" });
    });

    it("is replaced once, then reported: two windows of different versions do not take turns", async () => {
      const home = tmpHome();
      const old = new FakeDaemon();
      old.version = "v0.0.0-old";
      writeDaemonJson(home, { pid: old.pid });
      writeSpawnRecord(home, { pid: old.pid, binary: "/ext/bin/patchbay" });
      // The binary this window starts is not the version it bundles either.
      const h = harness(home, { existing: old, expected: { api: "patchbay.v1", version: "v0.0.0-new" }, spawnVersion: "v0.0.0-other" });
      h.sup.start();
      const ready = await h.sup.waitReady(2000);
      assert.equal(old.shutdownCalls, 1);
      assert.equal(ready.owned, true);
      assert.match(ready.mismatch!.reason, /version v0\.0\.0-other, this extension bundles v0\.0\.0-new/);
      assert.equal(h.daemons[0].shutdownCalls, 0, "its own daemon is not replaced again");
    });

    it("is replaced on request (Restart Daemon) although the editor did not start it", async () => {
      const home = tmpHome();
      const d = new FakeDaemon();
      d.version = "v0.0.0-cli";
      writeDaemonJson(home, { pid: d.pid });
      const h = harness(home, { existing: d, expected: { api: "patchbay.v1", version: "v0.0.0-ext" }, spawnVersion: "v0.0.0-ext" });
      h.sup.start();
      assert.ok((await h.sup.waitReady(2000)).mismatch);
      await h.sup.replace();
      await waitFor(() => h.sup.state.kind === "ready", 2000, "ready again");
      const s = h.sup.state as Extract<DaemonState, { kind: "ready" }>;
      assert.equal(d.shutdownCalls, 1);
      assert.deepEqual({ version: s.version, owned: s.owned, mismatch: s.mismatch }, { version: "v0.0.0-ext", owned: true, mismatch: undefined });
    });

    it("of the same version and API is used as it is", async () => {
      const home = tmpHome();
      const d = new FakeDaemon();
      writeDaemonJson(home, { pid: d.pid });
      writeSpawnRecord(home, { pid: d.pid, binary: "/ext/bin/patchbay" });
      const h = harness(home, { existing: d, expected: { api: "patchbay.v1", version: "1.2.3-test" } });
      h.sup.start();
      const ready = await h.sup.waitReady(2000);
      assert.equal(ready.mismatch, undefined);
      assert.equal(d.shutdownCalls, 0);
      assert.equal(h.children.length, 0);
    });
  });
});
