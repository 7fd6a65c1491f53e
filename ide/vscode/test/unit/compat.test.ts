// The extension checks the daemon it connects to: DaemonService.Version's
// API and version against its own (src/client/compat.ts).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { BinaryNotFoundError } from "../../src/client/binary";
import { bundledVersionFile, checkDaemon, EXTENSION_API, expectedDaemon } from "../../src/client/compat";
import { RestartPolicy } from "../../src/client/restartPolicy";
import { DaemonSupervisor } from "../../src/client/supervisor";
import { activate, deactivate } from "../../src/extension";
import { mismatchMessage, statusView } from "../../src/ui/status";
import { FakeDaemon, waitFor, writeDaemonJson } from "../helpers/fakeDaemon";
import * as vscode from "../stubs/vscode";

function extensionDir(version?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pb-ext-"));
  if (version) {
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(bundledVersionFile(dir), JSON.stringify({ version, commit: "abc" }));
  }
  return dir;
}

describe("daemon compatibility", () => {
  it("speaks the API package of the generated clients", () => {
    assert.equal(EXTENSION_API, "patchbay.v1");
  });

  it("expects the bundled daemon's version, or only the API without one", () => {
    assert.deepEqual(expectedDaemon(extensionDir("v0.3.0")), { api: "patchbay.v1", version: "v0.3.0" });
    assert.deepEqual(expectedDaemon(extensionDir()), { api: "patchbay.v1" });
    assert.deepEqual(expectedDaemon(undefined), { api: "patchbay.v1" });
  });

  it("names what differs", () => {
    const expected = { api: "patchbay.v1", version: "v0.3.0" };
    assert.equal(checkDaemon(expected, { version: "v0.3.0", api: "patchbay.v1" }), undefined);
    assert.equal(checkDaemon({ api: "patchbay.v1" }, { version: "anything", api: "patchbay.v1" }), undefined);
    assert.equal(checkDaemon(expected, { version: "v0.2.0", api: "patchbay.v1" })?.reason, "it is version v0.2.0, this extension bundles v0.3.0");
    assert.equal(
      checkDaemon(expected, { version: "v0.2.0", api: "" })?.reason,
      "it serves API (none), this extension speaks patchbay.v1; it is version v0.2.0, this extension bundles v0.3.0",
    );
  });

  it("shows both versions in the status bar and the message", () => {
    const mismatch = checkDaemon({ api: "patchbay.v1", version: "v0.3.0" }, { version: "v0.2.0", api: "patchbay.v1" })!;
    const state = { kind: "ready" as const, version: "v0.2.0", pid: 7, address: "127.0.0.1:1", owned: false, mismatch };
    const v = statusView(state, 0);
    assert.equal(v.text, "$(warning) Patchbay v0.2.0");
    assert.match(v.tooltip, /is v0\.2\.0, API patchbay\.v1; this extension expects v0\.3\.0, API patchbay\.v1/);
    assert.match(mismatchMessage(state), /did not start it, so it was left running: Restart Daemon/);
    assert.match(mismatchMessage({ ...state, owned: true }), /started it from patchbay\.daemonPath or PATH/);
    assert.equal(mismatchMessage({ ...state, mismatch: undefined }), "");
  });
});

describe("a mismatched daemon in the window", () => {
  afterEach(async () => {
    await deactivate();
  });

  it("is reported once with both versions, and Restart Daemon replaces it", async () => {
    vscode.recorded.reset();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pb-compat-home-"));
    const daemon = new FakeDaemon();
    daemon.version = "v0.2.0";
    writeDaemonJson(home, { pid: daemon.pid });
    vscode.recorded.configuration.set("patchbay.home", home);
    const context = { subscriptions: [] as { dispose(): unknown }[], extensionPath: extensionDir("v0.3.0") };
    const api = activate(context as never, {
      createSupervisor: (o) =>
        new DaemonSupervisor({
          ...o,
          resolveBinary: () => {
            throw new BinaryNotFoundError("no binary in this test");
          },
          connect: () => daemon.clients(),
          policy: new RestartPolicy({ maxRestarts: 1, baseDelayMs: 10 }),
          probeTimeoutMs: 300,
          eventRetryMs: 10,
        }),
    });
    await api.supervisor.waitReady(2000);
    await waitFor(() => vscode.recorded.messages.some((m) => m.level === "warning"), 2000, "warning");
    const warnings = vscode.recorded.messages.filter((m) => m.level === "warning");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /the daemon \(pid 4242\) is v0\.2\.0, API patchbay\.v1; this extension expects v0\.3\.0, API patchbay\.v1/);
    assert.deepEqual(warnings[0].items, ["Restart Daemon", "Show details"]);
    assert.equal(vscode.recorded.statusItems[0].text, "$(warning) Patchbay v0.2.0");
    let replaced = 0;
    api.supervisor.replace = async () => void replaced++;
    warnings[0].choose("Restart Daemon");
    await waitFor(() => replaced === 1, 2000, "replace");
    assert.equal(daemon.shutdownCalls, 0, "left running until asked");
  });
});
