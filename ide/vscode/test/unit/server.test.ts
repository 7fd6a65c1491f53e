// The extension's link to a Patchbay server (patchbay.serverUrl): the login
// patchbay login writes, and the supervisor talking Connect over real TLS
// (a self-signed certificate made with openssl) with the user's token and
// team, spawning nothing.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ServerLoginError, readServerLogin } from "../../src/client/server";
import { DaemonSupervisor, type DaemonState, type Logger } from "../../src/client/supervisor";
import { DaemonService, EventSchema, type Event } from "../../src/gen/patchbay/v1/daemon_pb";

class MemLogger implements Logger {
  lines: string[] = [];
  info = (m: string) => void this.lines.push(`info ${m}`);
  warn = (m: string) => void this.lines.push(`warn ${m}`);
  error = (m: string) => void this.lines.push(`error ${m}`);
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function writeLogin(home: string, login: Record<string, string>): void {
  fs.writeFileSync(path.join(home, "server.json"), JSON.stringify(login), { mode: 0o600 });
}

describe("readServerLogin", () => {
  it("says how to log in when there is no login", () => {
    const home = tmp("patchbay-login-");
    assert.throws(() => readServerLogin(home, "https://pb.example.test"), (e: Error) => e instanceof ServerLoginError && /patchbay login --server https:\/\/pb\.example\.test/.test(e.message));
  });
  it("refuses a login to another server and a non-https URL", () => {
    const home = tmp("patchbay-login-");
    writeLogin(home, { url: "https://other.example.test", token: "pbu_x" });
    assert.throws(() => readServerLogin(home, "https://pb.example.test"), /logged in to https:\/\/other\.example\.test/);
    assert.throws(() => readServerLogin(home, "http://pb.example.test"), /not an https/);
  });
  it("reads the CLI's server.json", () => {
    const home = tmp("patchbay-login-");
    writeLogin(home, { url: "https://pb.example.test/", token: "pbu_x", ca_file: "/etc/ca.pem", team: "acme", user: "alice" });
    assert.deepEqual(readServerLogin(home, "https://pb.example.test"), { url: "https://pb.example.test", token: "pbu_x", caFile: "/etc/ca.pem", team: "acme", user: "alice" });
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
// make system-deps installs openssl; PATCHBAY_REQUIRE_TOOLS (make test) turns the skip into a failure.
const noOpenssl = !hasOpenssl() && !process.env.PATCHBAY_REQUIRE_TOOLS ? "openssl not installed (make system-deps)" : false;

describe("supervisor against a server over TLS", { skip: noOpenssl }, () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  const seen: { auth?: string; team?: string }[] = [];

  before(async () => {
    dir = tmp("patchbay-tls-");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    const handler = connectNodeAdapter({
      routes: (router) =>
        router.service(DaemonService, {
          version(_req, ctx) {
            const auth = ctx.requestHeader.get("Authorization") ?? undefined;
            seen.push({ auth, team: ctx.requestHeader.get("Patchbay-Team") ?? undefined });
            if (auth === "Bearer pbu_newer") return { version: "v10.0.0", api: "patchbay.v2", pid: 4242n };
            if (auth !== "Bearer pbu_good") throw new ConnectError("unknown or revoked token", Code.Unauthenticated);
            return { version: "v9.9.9", api: "patchbay.v1", pid: 4242n };
          },
          async *watchEvents(_req, ctx) {
            yield { event: create(EventSchema, { seq: 1n, payload: { case: "snapshot", value: { version: "v9.9.9" } } }) };
            await new Promise((r) => ctx.signal.addEventListener("abort", r));
          },
        }),
    });
    server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) }, handler);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  function supervisor(token: string) {
    const home = tmp("patchbay-srvhome-");
    writeLogin(home, { url, token, ca_file: path.join(dir, "cert.pem"), team: "acme" });
    const log = new MemLogger();
    const states: DaemonState[] = [];
    const events: Event[] = [];
    const sup = new DaemonSupervisor({
      home,
      logger: log,
      resolveBinary: () => {
        throw new Error("a server login must not spawn a daemon");
      },
      server: () => readServerLogin(home, url),
    });
    sup.onState.on((s) => void states.push(s));
    sup.onEvent.on((e) => void events.push(e));
    return { sup, states, events, log };
  }

  it("connects with the user's token and team, and follows the event stream", async () => {
    const h = supervisor("pbu_good");
    h.sup.start();
    try {
      const ready = await h.sup.waitReady(5000);
      assert.equal(ready.address, url);
      assert.equal(ready.owned, false);
      assert.equal(ready.version, "v9.9.9");
      assert.deepEqual(seen.at(-1), { auth: "Bearer pbu_good", team: "acme" });
      const deadline = Date.now() + 5000;
      while (h.events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(h.events[0]?.payload.case, "snapshot");
    } finally {
      await h.sup.stop();
    }
  });

  it("fails with both APIs named when the server speaks another API", async () => {
    const h = supervisor("pbu_newer");
    h.sup.start();
    await assert.rejects(h.sup.waitReady(5000), /server at https:\/\/127\.0\.0\.1:\d+ \(v10\.0\.0\) is not one this extension can use: it serves API patchbay\.v2, this extension speaks patchbay\.v1/);
    assert.ok(!h.states.some((s) => s.kind === "reconnecting"), JSON.stringify(h.states));
    await h.sup.stop();
  });

  it("fails without retrying when the token is refused", async () => {
    const h = supervisor("pbu_revoked");
    h.sup.start();
    await assert.rejects(h.sup.waitReady(5000), /Unauthenticated: unknown or revoked token/);
    assert.ok(!h.states.some((s) => s.kind === "reconnecting"), JSON.stringify(h.states));
    await h.sup.stop();
  });
});
