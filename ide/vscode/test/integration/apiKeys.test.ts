// The API key panel's client calls (src/model/apiKeys.ts) against a real
// `patchbay daemon` built from this repository, and the resulting tokens
// against ActionService with plain fetch, as a CI job would use them.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { DaemonClients } from "../../src/client/connection";
import { readDaemonInfo, type DaemonInfo } from "../../src/client/home";
import { DaemonSupervisor, type Logger } from "../../src/client/supervisor";
import { checkSubmission, createKey, keyDetail, loadGrantOptions, refusedField, regenerateKey, updateKey } from "../../src/model/apiKeys";

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

/**
 * ActionService.ListComponents the way curl would call it: Connect JSON with
 * a bearer token. node:http, not fetch: Node's fetch adds Sec-Fetch-Mode,
 * which the daemon refuses as a browser request.
 */
function listComponents(info: DaemonInfo, token: string): Promise<{ status: number; body: { code?: string; components?: { id: string }[] } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `http://${info.address}/patchbay.v1.ActionService/ListComponents`,
      { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, timeout: 10_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch (err) {
            reject(new Error(`status ${res.statusCode}, body ${text}: ${err}`));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("ListComponents timed out")));
    req.on("error", reject);
    req.end("{}");
  });
}

describe("API key panel calls against a real daemon", { skip }, () => {
  let home: string;
  let log: MemLogger;
  let sup: DaemonSupervisor;
  let c: DaemonClients;
  let info: DaemonInfo;

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "pbk-"));
    log = new MemLogger();
    sup = new DaemonSupervisor({
      home,
      logger: log,
      resolveBinary: () => ({ path: bin, source: "setting" }),
      readyTimeoutMs: 20_000,
      // A throw-away file keyring: the test must not touch the user's.
      env: { PATCHBAY_KEYRING_BACKEND: "file", PATCHBAY_KEYRING_PASSPHRASE: "api key panel test" },
    });
    sup.start();
    await sup.waitReady(25_000).catch((err: Error) => {
      throw new Error(`${err.message}\nlog:\n${log.lines.join("\n")}`);
    });
    c = sup.clients!;
    info = readDaemonInfo(home)!;
  });

  after(async () => {
    await sup?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("serves the component catalogue to the daemon token, and the form is built from it", async () => {
    const options = await loadGrantOptions(c, (p) => p);
    const ids = options.flatMap((o) => o.components.map((x) => `${o.provider}/${x.id}`));
    for (const want of ["stripe/create_customer", "slack/post_message", "github/create_issue", "twilio/send_sms"]) {
      assert.ok(ids.includes(want), `${want} in ${ids.join(", ")}`);
    }
    assert.ok(options.every((o) => o.profiles.length === 0), "a fresh keyring has no connections");
  });

  it("creates, refuses an unusable connection with the reason, regenerates, and the old token stops working", async () => {
    const options = await loadGrantOptions(c, (p) => p);

    // A connection that does not exist: refused by the daemon with the reason.
    const offered = options.map((o) => (o.provider === "stripe" ? { ...o, profiles: [{ name: "live", status: "" }] } : o));
    const bad = checkSubmission(offered, { name: "Production", grants: [{ provider: "stripe", components: ["create_customer"], profile: "live" }] });
    await assert.rejects(createKey(c, bad), (err: unknown) => {
      const e = ConnectError.from(err);
      return e.code === Code.FailedPrecondition && /"live"/.test(e.rawMessage) && refusedField(e) === "profile-stripe";
    });

    // Nothing ticked: a key that may do nothing (deny by default).
    const spec = checkSubmission(options, { name: "CI", team: "panel-test", rateLimit: "30", expires: "2099-12-31", grants: [] });
    const first = await createKey(c, spec);
    assert.match(first.token, /^pbk_/);
    assert.equal(first.key.team, "panel-test");
    assert.equal(first.key.rateLimitPerMinute, 30);
    assert.ok(!first.key.tokenHint.includes(first.token.slice(-8)), "the hint does not carry the secret's end");

    const ok = await listComponents(info, first.token);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.components ?? [], [], "nothing is allowed by default");

    const listed = await c.apiKey.listApiKeys({ team: "panel-test" });
    assert.deepEqual(listed.keys.map((k) => k.name), ["CI"]);
    assert.ok(!JSON.stringify(listed.keys.map((k) => ({ ...k, createdAt: undefined, expiresAt: undefined, lastUsedAt: undefined }))).includes(first.token), "list never returns the token");

    const updated = await updateKey(c, first.key.id, { ...spec, name: "CI nightly" });
    assert.equal(updated.name, "CI nightly");
    assert.equal((await listComponents(info, first.token)).status, 200, "an update keeps the token");

    const second = await regenerateKey(c, first.key);
    assert.notEqual(second.token, first.token);
    const old = await listComponents(info, first.token);
    assert.equal(old.status, 401, JSON.stringify(old.body));
    assert.equal(old.body.code, "unauthenticated");
    assert.equal((await listComponents(info, second.token)).status, 200);

    const { key, audit } = await keyDetail(c, first.key);
    assert.equal(key.name, "CI nightly");
    const calls = audit.map((e) => `${e.call}:${e.outcome}`);
    for (const want of ["CreateApiKey:ok", "UpdateApiKey:ok", "RegenerateApiKey:ok"]) assert.ok(calls.includes(want), `${want} in ${calls.join(", ")}`);

    await c.apiKey.deleteApiKey({ team: "panel-test", id: first.key.id });
    assert.equal((await listComponents(info, second.token)).status, 401);
  });
});
