import * as vscode from "vscode";
import type { KeyNode } from "../ui/moreTrees";
import type { CommandContext, CommandTable } from "./context";

/** API Keys view: create, show, edit, regenerate, delete, refresh. */
export const apiKeyCommands: CommandTable = {
  "patchbay.showApiKeys": () => vscode.commands.executeCommand("patchbay.apiKeys.focus"),
  "patchbay.refreshApiKeys": (ctx) => ctx.apiKeys.refresh(),
  "patchbay.createApiKey": (ctx) => keyAction(ctx, "opening the API key form", () => ctx.keyPanels.create()),
  "patchbay.editApiKey": (ctx, n?: KeyNode) => (n?.type === "key" ? keyAction(ctx, "opening the API key form", () => ctx.keyPanels.edit(n.key)) : undefined),
  "patchbay.showApiKey": (ctx, n?: KeyNode) => (n?.type === "key" ? keyAction(ctx, "loading the API key", () => ctx.keyPanels.detail(n.key)) : undefined),
  "patchbay.regenerateApiKey": (ctx, n?: KeyNode) =>
    n?.type === "key" ? keyAction(ctx, `regenerating API key ${n.key.name || n.key.id}`, () => ctx.keyPanels.regenerate(n.key)) : undefined,
  "patchbay.deleteApiKey": (ctx, n?: KeyNode) => deleteApiKey(ctx, n),
};

async function keyAction(ctx: CommandContext, what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    ctx.showError(what, err);
  }
}

async function deleteApiKey(ctx: CommandContext, n?: KeyNode): Promise<void> {
  const c = ctx.supervisor.clients;
  if (!c || n?.type !== "key") return;
  const ok = await vscode.window.showWarningMessage(
    `Delete API key “${n.key.name || n.key.id}”? Jobs using it stop working, and its triggers' webhooks are removed.`,
    { modal: true },
    "Delete",
  );
  if (ok !== "Delete") return;
  try {
    await c.apiKey.deleteApiKey({ team: n.key.team, id: n.key.id });
    ctx.apiKeys.refresh();
  } catch (err) {
    ctx.showError(`deleting API key ${n.key.name || n.key.id}`, err);
  }
}
