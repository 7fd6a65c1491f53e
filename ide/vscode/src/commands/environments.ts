import * as vscode from "vscode";
import { envArg, rootArg, type CommandContext, type CommandTable } from "./context";

/** Environments view and palette: create, edit, delete, select, terminals, plan and provision or destroy, approvals. */
export const environmentCommands: CommandTable = {
  "patchbay.createEnvironment": (ctx) => ctx.envCommands.create(),
  "patchbay.editEnvironment": (ctx, arg?: unknown) => ctx.envCommands.edit(rootArg(arg), envArg(arg)),
  "patchbay.deleteEnvironment": (ctx, arg?: unknown) => ctx.envCommands.remove(rootArg(arg), envArg(arg)),
  "patchbay.selectEnvironment": async (ctx, arg?: unknown) => {
    const env = await ctx.envCommands.select(rootArg(arg), envArg(arg));
    const root = ctx.primaryRoot();
    if (env && root) await ctx.terminalEnv?.refresh(root);
    ctx.environments.refresh();
  },
  "patchbay.useEnvironmentInTerminals": (ctx) => useEnvironmentInTerminals(ctx),
  // From views and lenses an object; from assistant answers (string arguments) root and environment.
  "patchbay.provision": (ctx, arg?: unknown, envName?: unknown) => runPlan(ctx, arg, envName, false),
  "patchbay.destroy": (ctx, arg?: unknown, envName?: unknown) => runPlan(ctx, arg, envName, true),
  "patchbay.answerApprovalRequest": async (ctx) => {
    const pending = ctx.store.pendingApprovals();
    if (!pending.length) {
      void vscode.window.showInformationMessage("Patchbay: no approval request is waiting.");
      return;
    }
    for (const r of pending) await ctx.approvals.prompt(r);
  },
};

function runPlan(ctx: CommandContext, arg: unknown, envName: unknown, destroy: boolean): Promise<void> {
  return typeof arg === "string"
    ? ctx.provision.run(arg, typeof envName === "string" ? envName : undefined, destroy)
    : ctx.provision.run(rootArg(arg), envArg(arg), destroy);
}

async function useEnvironmentInTerminals(ctx: CommandContext): Promise<void> {
  const root = ctx.primaryRoot();
  const terminalEnv = ctx.terminalEnv;
  if (!root || !terminalEnv) return;
  const names = ctx.store.envView(root).environments.map((e) => e.name);
  if (!names.length) {
    void vscode.window.showInformationMessage("Patchbay: this workspace has no environments yet.", "Create Environment…").then((c) => {
      if (c) void ctx.envCommands.create(root);
    });
    return;
  }
  const none = "(none)";
  const pick = await vscode.window.showQuickPick([...names, none], { placeHolder: "Environment whose variables new terminals get" });
  if (!pick) return;
  await vscode.workspace.getConfiguration("patchbay").update("terminalEnvironment", pick === none ? "-" : pick, vscode.ConfigurationTarget.Workspace);
  const env = await terminalEnv.refresh(root);
  void vscode.window.showInformationMessage(env ? `Patchbay: new terminals get the variables of "${env}".` : "Patchbay: new terminals get no Patchbay variables.");
}
