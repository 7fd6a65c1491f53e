import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CredentialsChangedSchema, EnvironmentChangedSchema, EventSchema } from "../../src/gen/patchbay/v1/daemon_pb";
import { DaemonStore } from "../../src/model/store";

const quiet = { info() {}, warn() {}, error() {} };

describe("DaemonStore.handleEvent", () => {
  it("a saved or deleted connection reloads every workspace's variables (values derived from it), not only the catalogue", () => {
    const store = new DaemonStore(() => undefined, quiet);
    for (const deleted of [false, true]) {
      const ev = create(EventSchema, { payload: { case: "credentialsChanged", value: create(CredentialsChangedSchema, { provider: "stripe", profile: "default", deleted }) } });
      assert.deepEqual(store.handleEvent(ev), { refreshCatalog: true, refreshEnv: "*" });
    }
  });

  it("an environment edit (URLs, a value set or rotated) reloads that workspace's variables", () => {
    const store = new DaemonStore(() => undefined, quiet);
    const ev = create(EventSchema, { payload: { case: "environmentChanged", value: create(EnvironmentChangedSchema, { workspaceRoot: "/src/app", name: "local" }) } });
    assert.deepEqual(store.handleEvent(ev), { refreshEnv: "/src/app" });
  });
});
