import * as vscode from "vscode";

/**
 * Answers of "Patchbay: Ask…" as read-only virtual documents: they render
 * as markdown and never ask "Save changes?" on close.
 */
export class AnswerDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = "patchbay-answer";
  private readonly docs = new Map<string, string>();
  private n = 0;

  add(title: string, markdown: string): vscode.Uri {
    const slug = title.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 48) || "answer";
    const uri = vscode.Uri.parse(`${AnswerDocuments.scheme}:/${++this.n}/${slug}.md`);
    this.docs.set(uri.toString(), markdown);
    // Keep the last few answers; older tabs show an empty page.
    if (this.docs.size > 20) this.docs.delete(this.docs.keys().next().value as string);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? "";
  }
}
