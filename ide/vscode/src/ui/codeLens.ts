import * as path from "node:path";
import * as vscode from "vscode";
import { provisionLenses, sdkLenses } from "../model/lenses";
import type { DaemonStore } from "../model/store";

/** Root of the analyzed workspace folder containing the document, and its relative path. */
export function locate(store: DaemonStore, fsPath: string): { root: string; rel: string } | undefined {
  let best: string | undefined;
  for (const root of store.roots()) {
    const rel = path.relative(root, fsPath);
    if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) continue;
    if (!best || root.length > best.length) best = root;
  }
  if (!best) return undefined;
  return { root: best, rel: path.relative(best, fsPath).split(path.sep).join("/") };
}

export class SdkCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly store: DaemonStore) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const where = locate(this.store, document.uri.fsPath);
    if (!where) return [];
    const analysis = this.store.analysis(where.root);
    if (!analysis) return [];
    const models = [...sdkLenses(analysis.findings, where.rel, this.store.catalog), ...provisionLenses(analysis.findings, where.rel, this.store.catalog, this.store.envView(where.root))];
    return models.map((l) => {
      const range = new vscode.Range(l.line, 0, l.line, 0);
      return new vscode.CodeLens(range, { title: l.title, command: l.command, arguments: [{ provider: l.provider, findingId: l.findingId, root: where.root }] });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
