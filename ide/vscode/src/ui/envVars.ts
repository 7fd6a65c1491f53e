import * as path from "node:path";
import * as vscode from "vscode";
import { FindingKind } from "../gen/patchbay/v1/common_pb";
import type { DaemonClients } from "../client/connection";
import { envDiagnostics, envHoverMarkdown, selectedEnvironment, type EnvDiagnostic } from "../model/envVars";
import { displayName } from "../model/providers";
import { findingHoverMarkdown } from "../model/findingHover";
import type { DaemonStore } from "../model/store";
import { locate } from "./codeLens";

/** The environment chosen for terminals ("patchbay.terminalEnvironment"). */
function chosenEnvironment(): string {
  return (vscode.workspace.getConfiguration("patchbay").get<string>("terminalEnvironment", "") ?? "").trim();
}

/** Hover on an env-var read: where each environment's value comes from, or that it is missing. */
export class EnvHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: DaemonStore) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const where = locate(this.store, document.uri.fsPath);
    if (!where) return undefined;
    const analysis = this.store.analysis(where.root);
    if (!analysis) return undefined;
    const wordRange = document.getWordRangeAtPosition(position, /[A-Za-z_][A-Za-z0-9_]*/);
    if (!wordRange) return undefined;
    const word = document.getText(wordRange);
    // Match by line and name rather than by column: finding columns count
    // bytes, the editor counts UTF-16 units.
    const f = analysis.findings.find(
      (x) =>
        x.kind === FindingKind.ENV_REFERENCE &&
        x.detail.case === "envVar" &&
        x.detail.value.name === word &&
        x.location?.path === where.rel &&
        x.location.startLine - 1 <= position.line &&
        position.line <= x.location.endLine - 1,
    );
    if (!f || f.detail.case !== "envVar") return undefined;
    const md = new vscode.MarkdownString(envHoverMarkdown(f.detail.value.name, f.detail.value.hasDefault, this.store.envView(where.root), f.service || "."));
    md.isTrusted = false;
    return new vscode.Hover(md, wordRange);
  }
}

/** Hover on a webhook handler or OAuth callback: the evidence behind the finding. */
export class FindingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: DaemonStore) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const where = locate(this.store, document.uri.fsPath);
    if (!where) return undefined;
    const analysis = this.store.analysis(where.root);
    if (!analysis) return undefined;
    const parts: string[] = [];
    for (const f of analysis.findings) {
      if (f.location?.path !== where.rel || position.line !== f.location.startLine - 1) continue;
      const md = findingHoverMarkdown(f, (id) => displayName(this.store.catalog, id));
      if (md) parts.push(md);
    }
    if (parts.length === 0) return undefined;
    const md = new vscode.MarkdownString(parts.join("\n\n---\n\n"));
    md.isTrusted = false;
    return new vscode.Hover(md);
  }
}

/** Keeps the "patchbay" diagnostics in step with analyses and environments. */
export class EnvDiagnostics {
  private readonly collection = vscode.languages.createDiagnosticCollection("patchbay");
  private readonly owned = new Map<string, vscode.Uri[]>();
  /** The model behind each diagnostic, for the quick fixes. */
  readonly details = new WeakMap<vscode.Diagnostic, EnvDiagnostic & { root: string }>();

  constructor(private readonly store: DaemonStore) {}

  update(root: string): void {
    for (const uri of this.owned.get(root) ?? []) this.collection.delete(uri);
    const analysis = this.store.analysis(root);
    if (!analysis) {
      this.owned.delete(root);
      return;
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const ds = envDiagnostics(analysis.findings, this.store.envView(root), { chosen: chosenEnvironment(), providerDisplay: (id) => displayName(this.store.catalog, id) });
    for (const d of ds) {
      const severity = d.env ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
      const diag = new vscode.Diagnostic(new vscode.Range(d.line, d.startColumn, d.line, Math.max(d.endColumn, d.startColumn + 1)), d.message, severity);
      diag.source = "patchbay";
      diag.code = "env-not-provided";
      this.details.set(diag, { ...d, root });
      let list = byFile.get(d.path);
      if (!list) byFile.set(d.path, (list = []));
      list.push(diag);
    }
    const uris: vscode.Uri[] = [];
    for (const [rel, diags] of byFile) {
      const uri = vscode.Uri.file(path.join(root, ...rel.split("/")));
      this.collection.set(uri, diags);
      uris.push(uri);
    }
    this.owned.set(root, uris);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** Quick fixes on "env-not-provided" diagnostics. */
export class EnvQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: EnvDiagnostics) {}

  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      const d = this.diagnostics.details.get(diag);
      if (!d) continue;
      const target = { root: d.root, env: d.env, service: d.service, name: d.name };
      for (const fix of d.fixes) {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [diag];
        switch (fix.kind) {
          case "generate":
            a.command = { command: "patchbay.generateVariable", title: fix.title, arguments: [target] };
            a.isPreferred = true;
            break;
          case "set":
            a.command = { command: "patchbay.setVariable", title: fix.title, arguments: [{ ...target, secret: fix.secret }] };
            break;
          case "connect":
            a.command = { command: "patchbay.connectProvider", title: fix.title, arguments: [{ provider: fix.provider }] };
            a.isPreferred = true;
            break;
          case "createEnvironment":
            a.command = { command: "patchbay.createEnvironment", title: fix.title, arguments: [{ root: d.root }] };
            break;
        }
        out.push(a);
      }
    }
    return out;
  }
}

interface VariableTarget {
  root: string;
  env: string;
  service: string;
  name: string;
  secret?: boolean;
}

/**
 * The commands behind the quick fixes; values go to the daemon's keyring,
 * never to settings. "Create environment" is the Environments view's
 * patchbay.createEnvironment.
 */
export function registerEnvCommands(clients: () => DaemonClients | undefined, store: DaemonStore, showError: (what: string, err: unknown) => void): vscode.Disposable[] {
  const client = () => {
    const c = clients();
    if (!c) throw new Error("the Patchbay daemon is not connected");
    return c;
  };
  return [
    vscode.commands.registerCommand("patchbay.generateVariable", async (t: VariableTarget) => {
      try {
        await client().environment.setVariable({ workspaceRoot: t.root, environment: t.env, service: t.service, name: t.name, generate: true });
        await store.refreshEnv(t.root);
        void vscode.window.showInformationMessage(`Patchbay: generated ${t.name} for ${t.env}; it is kept in your keyring.`);
      } catch (err) {
        showError(`generating ${t.name}`, err);
      }
    }),
    vscode.commands.registerCommand("patchbay.setVariable", async (t: VariableTarget) => {
      const value = await vscode.window.showInputBox({ title: `${t.name} for environment ${t.env}`, prompt: `Service ${t.service}. Kept in your OS keyring.`, password: !!t.secret, ignoreFocusOut: true });
      if (value === undefined || value === "") return;
      try {
        await client().environment.setVariable({ workspaceRoot: t.root, environment: t.env, service: t.service, name: t.name, value, secret: !!t.secret });
        await store.refreshEnv(t.root);
      } catch (err) {
        showError(`setting ${t.name}`, err);
      }
    }),
  ];
}

export { selectedEnvironment };
