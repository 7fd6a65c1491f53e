// The API key panel's client calls (src/model/apiKeys.ts) against a real
// `patchbay daemon` built from this repository, and the resulting tokens
// against ActionService with plain fetch, as a CI job would use them.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { DaemonClients } from "../../src/client/connection";
import { readDaemonInfo, type DaemonInfo } from "../../src/client/home";
import { DaemonSupervisor, type Logger } from "../../src/client/supervisor";
import { checkSubmission, createKey, keyDetail, loadGrantOptions, refusedField, regenerateKey, updateKey } from "../../src/model/apiKeys";

const extensionRoot = path.resolve(__dirname, "..", "..", "..");
const bin = path.resolve(process.env.PATCHBAY_BIN ?? path.join(extensionRoot, "..", "..", "bin", "patchbay"));
const fakesBin = path.resolve(process.env.PATCHBAY_FAKES_BIN ?? path.join(extensionRoot, "..", "..", "bin", "patchbay-fakes"));
const noFakes = fs.existsSync(fakesBin)
  ? false
  : `no provider fakes at ${fakesBin}: go build -o bin/patchbay-fakes ./providers/providertest/cmd/patchbay-fakes, or set PATCHBAY_FAKES_BIN`;
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
type ActionAnswer = { status: number; body: { code?: string; message?: string; components?: { id: string }[]; output?: Record<string, unknown> } };

function listComponents(info: DaemonInfo, token: string): Promise<ActionAnswer> {
  return action(info, token, "ListComponents", {});
}

function action(info: DaemonInfo, token: string, method: string, body: unknown): Promise<ActionAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `http://${info.address}/patchbay.v1.ActionService/${method}`,
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
    req.on("timeout", () => req.destroy(new Error(`${method} timed out`)));
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("API key panel calls against a real daemon", { skip }, () => {
  let home: string;
  let log: MemLogger;
  let sup: DaemonSupervisor;
  let c: DaemonClients;
  let info: DaemonInfo;
  let fakes: ChildProcess | undefined;
  let fakeCreds: Record<string, Record<string, string>> = {};

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "pbk-"));
    let fakeEnv: Record<string, string> = {};
    if (!noFakes) {
      // The in-repo provider fakes; their JSON names the endpoints and working credentials.
      const proc = spawn(fakesBin, ["-json"], { stdio: ["ignore", "pipe", "pipe"] });
      fakes = proc;
      const printed = await new Promise<string>((resolve, reject) => {
        let out = "";
        proc.stdout!.on("data", (d) => {
          out += d;
          try {
            JSON.parse(out);
            resolve(out);
          } catch {
            // wait for the rest of the object
          }
        });
        proc.once("exit", (code) => reject(new Error(`patchbay-fakes exited with ${code}`)));
      });
      ({ env: fakeEnv, credentials: fakeCreds } = JSON.parse(printed));
    }
    log = new MemLogger();
    sup = new DaemonSupervisor({
      home,
      logger: log,
      resolveBinary: () => ({ path: bin, source: "setting" }),
      readyTimeoutMs: 20_000,
      // A throw-away file keyring: the test must not touch the user's.
      env: { ...fakeEnv, PATCHBAY_KEYRING_BACKEND: "file", PATCHBAY_KEYRING_PASSPHRASE: "api key panel test" },
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
    fakes?.kill("SIGTERM");
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

  it("grants a component on a validated connection; the key runs it, and only until it is regenerated", { skip: noFakes }, async () => {
    // A Stripe connection the daemon validates live against the fake (whose
    // catalogue serves products, not customers).
    const saved = await c.credential.saveCredentials({ provider: "stripe", profile: "default", values: fakeCreds.stripe });
    assert.equal(saved.saved, true, `${saved.check?.status}: ${saved.check?.summary}`);
    const options = await loadGrantOptions(c, (p) => p);
    assert.deepEqual(options.find((o) => o.provider === "stripe")?.profiles.map((p) => p.name), ["default"]);

    const spec = checkSubmission(options, { name: "Billing", grants: [{ provider: "stripe", components: ["create_product"], profile: "default" }] });
    const first = await createKey(c, spec);
    assert.deepEqual(first.key.grants.map((g) => [g.provider, g.components, g.profile]), [["stripe", ["create_product"], "default"]]);

    const comps = await listComponents(info, first.token);
    assert.deepEqual(comps.body.components?.map((x) => x.id), ["create_product"]);
    const run = (token: string) => action(info, token, "RunAction", { provider: "stripe", action: "create_product", input: { name: "Patchbay panel test" } });
    const ok = await run(first.token);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.match(String(ok.body.output?.id), /^prod_/);
    const denied = await action(info, first.token, "RunAction", { provider: "slack", action: "post_message", input: { text: "hi" } });
    assert.equal(denied.body.code, "permission_denied", "a component not ticked is denied");

    const second = await regenerateKey(c, first.key);
    const old = await run(first.token);
    assert.equal(old.status, 401, JSON.stringify(old.body));
    assert.equal(old.body.code, "unauthenticated");
    assert.equal((await run(second.token)).status, 200);

    const { audit } = await keyDetail(c, first.key);
    assert.ok(audit.some((e) => e.call === "RunAction" && e.component === "create_product" && e.profile === "default" && e.outcome === "ok"), audit.map((e) => `${e.call}/${e.component}/${e.profile}:${e.outcome}`).join(", "));
    await c.apiKey.deleteApiKey({ team: first.key.team, id: first.key.id });
  });
});
