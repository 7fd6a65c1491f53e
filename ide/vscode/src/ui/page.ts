import { randomBytes } from "node:crypto";

/**
 * The one page helper every webview uses: the document, its Content
 * Security Policy (nothing loads but the page's own nonce'd style and
 * script), the shared theme-variable styles and the script wrapper. Pages
 * are pure functions of daemon data built on it, so they can be tested in a
 * browser directly.
 */
export interface PageInput {
  title: string;
  /** The webview's CSP source (webview.cspSource). */
  cspSource: string;
  /** A fresh random nonce per render (newNonce()). */
  nonce: string;
  /** Page-specific CSS, after the shared styles. */
  styles?: string;
  body: string;
  /** Page script (plain ES5/ES2015, no modules); runs after the body. */
  script?: string;
  /**
   * Data for the script, as JSON in <script type="application/json"
   * id="page-data"> (read with JSON.parse; never executed).
   */
  data?: unknown;
  /** Allow https images (provider logos in docs); default: only the webview's own and data: URLs. */
  httpsImages?: boolean;
}

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON safe to put inside a <script> element (no "</script>", no HTML comment openers). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function contentSecurityPolicy(cspSource: string, nonce: string, httpsImages = false): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource}${httpsImages ? " https:" : ""} data:`,
    `font-src ${cspSource}`,
    "form-action 'none'",
  ].join("; ");
}

/**
 * Styles every page shares. Colours are VS Code theme variables only, so
 * light, dark and high-contrast themes keep their contrast; status colours
 * (passed, failed) mark borders and icons, while text stays in the
 * foreground colours the theme guarantees to be readable.
 */
export const sharedStyles = `
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 20px 20px; }
  h1 { font-size: 1.4em; font-weight: 600; }
  h2 { font-size: 1.1em; font-weight: 600; }
  .muted, .help { color: var(--vscode-descriptionForeground); }
  a { color: var(--vscode-textLink-foreground); }
  a:hover { color: var(--vscode-textLink-activeForeground, var(--vscode-textLink-foreground)); }
  code { font-family: var(--vscode-editor-font-family); }
  input[type=text], input[type=password], input[type=number], input[type=date], select, textarea { color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 4px 6px; font-family: inherit; font-size: inherit; }
  input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 6px 14px; cursor: pointer; font-family: inherit; font-size: inherit; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
  button.secondary:hover { background: var(--vscode-button-secondaryHoverBackground, var(--vscode-button-secondaryBackground)); }
  button:disabled { opacity: 0.6; cursor: default; }
  .actions { display: flex; gap: 8px; margin-top: 18px; align-items: center; flex-wrap: wrap; }
`;

/**
 * Script shared by pages with file references: a click on
 * <a data-open-path="rel/path" data-open-line="12"> asks the extension to
 * open that file of the workspace at that line.
 */
export const openLinksScript = `
  document.addEventListener("click", function (e) {
    const a = e.target && e.target.closest ? e.target.closest("a[data-open-path]") : null;
    if (!a) return;
    e.preventDefault();
    vscode.postMessage({ type: "open", path: a.dataset.openPath, line: Number(a.dataset.openLine || "1") });
  });
`;

/** "path/to/file.ts:12" references in text, as links opening the file at the line; the rest escaped. */
export function linkFileRefs(text: string): string {
  const re = /((?:[\w.@+\-[\]]+\/)*[\w@+\-[\]][\w.@+\-[\]]*\.[A-Za-z0-9]+):(\d+)/g;
  let out = "";
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [whole, file, line] = m;
    // Not part of a URL ("https://host:443") or a longer word.
    const before = text.slice(0, m.index);
    if (/[\w/:]$/.test(before) || /:\/\/\S*$/.test(before)) continue;
    out += escapeHtml(text.slice(last, m.index)) + fileLink(file, Number(line), whole);
    last = m.index + whole.length;
  }
  return out + escapeHtml(text.slice(last));
}

export function fileLink(file: string, line: number, label = `${file}:${line}`): string {
  return `<a href="#" data-open-path="${escapeHtml(file)}" data-open-line="${line}" title="Open ${escapeHtml(file)} at line ${line}">${escapeHtml(label)}</a>`;
}

export function renderPage(p: PageInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.cspSource, p.nonce, p.httpsImages).replace(/"/g, "&quot;")}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(p.title)}</title>
<style nonce="${escapeHtml(p.nonce)}">${sharedStyles}${p.styles ?? ""}</style>
</head>
<body>
${p.body}
${p.data !== undefined ? `<script type="application/json" id="page-data" nonce="${escapeHtml(p.nonce)}">${scriptJson(p.data)}</script>\n` : ""}${p.script ? `<script nonce="${escapeHtml(p.nonce)}">\n(function () {\n${p.script}\n})();\n</script>` : ""}
</body>
</html>`;
}
