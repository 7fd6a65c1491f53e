import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import type { DaemonClients } from "../../src/client/connection";
import { EnvironmentSchema, EnvironmentVariableSchema } from "../../src/gen/patchbay/v1/environment_pb";
import { pickTerminalEnvironment, TerminalEnvironment, type TerminalVariables } from "../../src/ui/terminalEnv";

describe("pickTerminalEnvironment", () => {
  const cases: { name: string; names: string[]; setting: string; want: string | undefined }[] = [
    { name: "setting wins", names: ["local", "staging"], setting: "staging", want: "staging" },
    { name: "unknown setting is none", names: ["local"], setting: "prod", want: undefined },
    { name: "'-' turns it off", names: ["local"], setting: "-", want: undefined },
    { name: "local by default", names: ["staging", "local"], setting: "", want: "local" },
    { name: "the only one", names: ["dev"], setting: "", want: "dev" },
    { name: "ambiguous is none", names: ["dev", "prod"], setting: "", want: undefined },
    { name: "no environments", names: [], setting: "", want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(pickTerminalEnvironment(c.names, c.setting), c.want));
});

class FakeCollection implements TerminalVariables {
  persistent = true;
  description: string | undefined;
  vars = new Map<string, string>();
  replace(name: string, value: string) {
    this.vars.set(name, value);
  }
  clear() {
    this.vars.clear();
  }
}

const quiet = { info() {}, warn() {}, error() {} };

function fakeClients(envs: Record<string, { name: string; value: string; provided: boolean }[]>, calls: unknown[] = []) {
  return {
    environment: {
      listEnvironments: async () => ({ environments: Object.keys(envs).map((name) => create(EnvironmentSchema, { name })) }),
      getEnvironmentVariables: async (req: { environment: string; includeValues: boolean }) => {
        calls.push(req);
        return { variables: (envs[req.environment] ?? []).map((v) => create(EnvironmentVariableSchema, v)) };
      },
    },
  } as unknown as DaemonClients;
}

describe("TerminalEnvironment", () => {
  it("puts the provided variables of the chosen environment into a non-persistent collection", async () => {
    const col = new FakeCollection();
    const calls: unknown[] = [];
    const clients = fakeClients(
      {
        local: [
          { name: "STRIPE_WEBHOOK_SECRET", value: "whsec_local", provided: true },
          { name: "AUTH0_CLIENT_SECRET", value: "", provided: false },
        ],
        prod: [{ name: "STRIPE_WEBHOOK_SECRET", value: "whsec_prod", provided: true }],
      },
      calls,
    );
    const te = new TerminalEnvironment(col, () => clients, () => "", quiet);
    assert.equal(col.persistent, false, "values must not outlive the window");
    assert.equal(await te.refresh("/ws"), "local");
    assert.deepEqual([...col.vars], [["STRIPE_WEBHOOK_SECRET", "whsec_local"]]);
    assert.match(col.description ?? "", /local/);
    assert.deepEqual(calls, [{ workspaceRoot: "/ws", environment: "local", includeValues: true }]);
  });

  it("clears the variables when no environment applies or the daemon fails", async () => {
    const col = new FakeCollection();
    let setting = "";
    let clients: DaemonClients | undefined = fakeClients({ local: [{ name: "A", value: "1", provided: true }] });
    const te = new TerminalEnvironment(col, () => clients, () => setting, quiet);
    await te.refresh("/ws");
    assert.equal(col.vars.get("A"), "1");
    setting = "-";
    assert.equal(await te.refresh("/ws"), undefined);
    assert.equal(col.vars.size, 0);
    setting = "";
    await te.refresh("/ws");
    clients = { environment: { listEnvironments: async () => Promise.reject(new Error("daemon gone")) } } as unknown as DaemonClients;
    assert.equal(await te.refresh("/ws"), undefined);
    assert.equal(col.vars.size, 0, "stale values must not stay after a failure");
  });

  it("lets the newest refresh win", async () => {
    const col = new FakeCollection();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = {
      environment: {
        listEnvironments: async () => {
          await gate;
          return { environments: [create(EnvironmentSchema, { name: "local" })] };
        },
        getEnvironmentVariables: async () => ({ variables: [create(EnvironmentVariableSchema, { name: "OLD", value: "x", provided: true })] }),
      },
    } as unknown as DaemonClients;
    const fast = fakeClients({ local: [{ name: "NEW", value: "y", provided: true }] });
    let current = slow;
    const te = new TerminalEnvironment(col, () => current, () => "", quiet);
    const first = te.refresh("/ws");
    current = fast;
    await te.refresh("/ws");
    release();
    await first;
    assert.deepEqual([...col.vars.keys()], ["NEW"]);
  });
});
