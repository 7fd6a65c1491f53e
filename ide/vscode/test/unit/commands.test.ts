// Command handlers live in src/commands/*.ts, registered from one table;
// activate() only wires.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { commandTable, registerCommands, type CommandContext } from "../../src/commands";
import * as vscode from "../stubs/vscode";

const root = path.resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();

function fakeContext(calls: unknown[][]): CommandContext {
  const record = (name: string) => (...args: unknown[]) => {
    calls.push([name, ...args]);
    return Promise.resolve(undefined);
  };
  return {
    provision: { run: record("provision.run") },
    envCommands: { create: record("env.create"), edit: record("env.edit"), remove: record("env.remove"), select: record("env.select") },
    environments: { refresh: record("environments.refresh") },
    supervisor: { restart: record("supervisor.restart") },
    refreshAll: record("refreshAll"),
    primaryRoot: () => "/w/shop",
  } as unknown as CommandContext;
}

describe("command table", () => {
  it("holds exactly the commands package.json contributes", () => {
    assert.deepEqual(Object.keys(commandTable).sort(), contributed);
  });

  it("activate() registers no command handler itself", () => {
    const src = fs.readFileSync(path.join(root, "src", "extension.ts"), "utf8");
    assert.doesNotMatch(src, /registerCommand\(/);
    assert.match(src, /registerCommands\(/);
  });

  it("passes view nodes and answer-button arguments through to the flows", async () => {
    vscode.recorded.reset();
    const calls: unknown[][] = [];
    const ds = registerCommands(fakeContext(calls));
    assert.equal(ds.length, contributed.length);
    await vscode.commands.executeCommand("patchbay.provision", { root: "/w/shop", env: { name: "staging" } });
    await vscode.commands.executeCommand("patchbay.provision", "/w/shop", "local");
    await vscode.commands.executeCommand("patchbay.destroy", { root: "/w/shop", env: { name: "staging" } });
    await vscode.commands.executeCommand("patchbay.destroy", "/w/other");
    await vscode.commands.executeCommand("patchbay.editEnvironment", { root: 7, env: { name: "local" } });
    await vscode.commands.executeCommand("patchbay.selectEnvironment");
    await vscode.commands.executeCommand("patchbay.refresh");
    await vscode.commands.executeCommand("patchbay.restartDaemon");
    assert.deepEqual(calls, [
      ["provision.run", "/w/shop", "staging", false],
      ["provision.run", "/w/shop", "local", false],
      ["provision.run", "/w/shop", "staging", true],
      ["provision.run", "/w/other", undefined, true],
      ["env.edit", undefined, "local"],
      ["env.select", undefined, undefined],
      ["environments.refresh"],
      ["refreshAll", true],
      ["supervisor.restart"],
    ]);
    for (const d of ds) d.dispose();
    assert.equal(vscode.recorded.commands.size, 0, "disposing unregisters");
  });
});
