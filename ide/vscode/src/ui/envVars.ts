import * as path from "node:path";
import * as vscode from "vscode";
import { FindingKind } from "../gen/patchbay/v1/common_pb";
import { envDiagnostics, envHoverMarkdown } from "../model/envVars";
import type { DaemonStore } from "../model/store";
import { locate } from "./codeLens";

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
    const md = new vscode.MarkdownString(envHoverMarkdown(f.detail.value.name, f.detail.value.hasDefault, this.store.envView(where.root)));
    md.isTrusted = false;
    return new vscode.Hover(md, wordRange);
  }
}

/** Keeps the "patchbay" diagnostics in step with analyses and environments. */
export class EnvDiagnostics {
  private readonly collection = vscode.languages.createDiagnosticCollection("patchbay");
  private readonly owned = new Map<string, vscode.Uri[]>();

  constructor(private readonly store: DaemonStore) {}

  update(root: string): void {
    for (const uri of this.owned.get(root) ?? []) this.collection.delete(uri);
    const analysis = this.store.analysis(root);
    if (!analysis) {
      this.owned.delete(root);
      return;
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of envDiagnostics(analysis.findings, this.store.envView(root))) {
      const diag = new vscode.Diagnostic(new vscode.Range(d.line, d.startColumn, d.line, Math.max(d.endColumn, d.startColumn + 1)), d.message, vscode.DiagnosticSeverity.Warning);
      diag.source = "patchbay";
      diag.code = "env-not-provided";
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
