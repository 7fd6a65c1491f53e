import * as path from "node:path";
import * as vscode from "vscode";

/**
 * The absolute path of rel inside root, or undefined when rel is not a
 * relative path that stays inside it: pages only ever open files of the
 * workspace they show.
 */
export function insideRoot(root: string, rel: unknown): string | undefined {
  if (typeof rel !== "string" || !rel || !root || path.isAbsolute(rel)) return undefined;
  const abs = path.resolve(root, rel);
  const back = path.relative(root, abs);
  if (!back || back.startsWith("..") || path.isAbsolute(back)) return undefined;
  return abs;
}

/** Opens a workspace file at a 1-based line, beside the panel that asked (which stays visible). */
export async function openAtLine(root: string, rel: unknown, line: unknown): Promise<boolean> {
  const abs = insideRoot(root, rel);
  if (!abs) return false;
  const n = typeof line === "number" && Number.isFinite(line) && line >= 1 ? Math.floor(line) - 1 : 0;
  const pos = new vscode.Position(n, 0);
  await vscode.window.showTextDocument(vscode.Uri.file(abs), { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos), preview: true });
  return true;
}
