import * as path from "node:path";
import * as vscode from "vscode";
import { displayName } from "../model/providers";
import { nodeCodeRefs } from "../model/systemMap";
import { ask } from "../ui/chat";
import { openAtLine } from "../ui/openFile";
import { newNonce } from "../ui/page";
import { renderSystemMap } from "../ui/systemMap";
import { envArg, rootArg, type CommandContext, type CommandTable } from "./context";

/** Output, daemon restart, re-analysis, Ask… and the system map. */
export const generalCommands: CommandTable = {
  "patchbay.showOutput": (ctx) => ctx.output.show(true),
  "patchbay.restartDaemon": (ctx) => ctx.supervisor.restart(),
  "patchbay.refresh": (ctx) => ctx.refreshAll(true),
  "patchbay.ask": (ctx, question?: unknown) => askInPalette(ctx, typeof question === "string" ? question : undefined),
  "patchbay.showSystemMap": (ctx, arg?: unknown) => showSystemMap(ctx, rootArg(arg) ?? ctx.primaryRoot() ?? "", envArg(arg) ?? ""),
};

async function askInPalette(ctx: CommandContext, question?: string): Promise<void> {
  const c = ctx.supervisor.clients;
  if (!c) {
    void vscode.window.showErrorMessage("Patchbay: the daemon is not ready yet.");
    return;
  }
  const q = question || (await vscode.window.showInputBox({ title: "Ask Patchbay", prompt: "e.g. what credentials do I have configured?", ignoreFocusOut: true }));
  if (!q) return;
  try {
    const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Patchbay is thinking…", cancellable: true }, (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return ask(c, q, ctx.primaryRoot() ?? "", ac.signal);
    });
    // A read-only document (no "Save changes?"), rendered as markdown.
    const uri = ctx.answers.add(q, `# ${q}\n\n${res.markdown}\n`);
    try {
      await vscode.commands.executeCommand("markdown.showPreview", uri);
    } catch {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
    if (res.commands.length) {
      const pick = await vscode.window.showInformationMessage(`Patchbay suggests:`, ...res.commands.slice(0, 3).map((x) => x.title));
      const cmd = res.commands.find((x) => x.title === pick);
      if (cmd) await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    }
  } catch (err) {
    ctx.showError("asking Patchbay", err);
  }
}

async function showSystemMap(ctx: CommandContext, root: string, environment: string): Promise<void> {
  const c = ctx.supervisor.clients;
  if (!c || !root) return;
  try {
    const map = await c.provision.getSystemMap({ workspaceRoot: root, environment });
    const title = `System map · ${path.basename(root)}${environment ? ` · ${environment}` : ""}`;
    const panel = vscode.window.createWebviewPanel("patchbay.systemMap", title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
    const providerName = (id: string) => displayName(ctx.store.catalog, id);
    panel.webview.onDidReceiveMessage((m: { type?: string; path?: unknown; line?: unknown }) => {
      // Jump to code from the details pane: only files of this workspace.
      if (m?.type === "open") void openAtLine(root, m.path, m.line).catch((err) => ctx.showError(`opening ${String(m.path)}`, err));
    });
    panel.webview.html = renderSystemMap({
      nodes: map.nodes,
      edges: map.edges,
      title,
      nonce: newNonce(),
      cspSource: panel.webview.cspSource,
      providerName,
      codeRefs: nodeCodeRefs(map.nodes, map.edges, ctx.store.analysis(root)?.findings ?? [], providerName),
    });
  } catch (err) {
    ctx.showError("loading the system map", err);
  }
}
