/// <reference lib="dom" />
// Headless Chromium (Debian's, driven by playwright-core) showing pages the
// way a VS Code webview does: a real navigation, the page's own CSP, a fake
// acquireVsCodeApi, and theme variables set through the CSSOM.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumMissing = `no Chromium at ${chromiumPath}: apt-get install -y chromium, or set CHROMIUM_PATH`;
// make test sets PATCHBAY_REQUIRE_TOOLS: there a missing browser is a
// failure, not a skip.
if (!fs.existsSync(chromiumPath) && process.env.PATCHBAY_REQUIRE_TOOLS) {
  throw new Error(chromiumMissing);
}
export const chromiumSkip = fs.existsSync(chromiumPath) ? false : chromiumMissing;
export const artifactsDir = (name: string) => path.resolve(__dirname, "..", "..", "..", "test-results", name);

// Further variables of VS Code's Dark+ and Light+ themes (links, secondary
// buttons, widgets, charts), so pages are measured against real values.
const darkExtra = ` --vscode-textLink-foreground: #3794ff; --vscode-textLink-activeForeground: #3794ff; --vscode-button-secondaryBackground: #3a3d41; --vscode-button-secondaryForeground: #ffffff; --vscode-button-hoverBackground: #1177bb; --vscode-editorWidget-background: #252526; --vscode-editorWidget-border: #454545; --vscode-focusBorder: #007fd4; --vscode-input-border: #3c3c3c; --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #cca700; --vscode-charts-purple: #b180d7; --vscode-charts-green: #89d185; --vscode-charts-orange: #d18616; --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c; --vscode-inputValidation-errorBorder: #be1100; --vscode-textCodeBlock-background: #0a0a0a66;`;
const lightExtra = ` --vscode-textLink-foreground: #006ab1; --vscode-textLink-activeForeground: #006ab1; --vscode-button-secondaryBackground: #5f6a79; --vscode-button-secondaryForeground: #ffffff; --vscode-button-hoverBackground: #0062a3; --vscode-editorWidget-background: #f3f3f3; --vscode-editorWidget-border: #c8c8c8; --vscode-focusBorder: #0090f1; --vscode-input-border: #cecece; --vscode-charts-blue: #1a85ff; --vscode-charts-yellow: #bf8803; --vscode-charts-purple: #652d90; --vscode-charts-green: #388a34; --vscode-charts-orange: #d18616; --vscode-testing-iconPassed: #388a34; --vscode-testing-iconFailed: #e51400; --vscode-inputValidation-errorBorder: #be1100; --vscode-textCodeBlock-background: #dcdcdc66;`;
export const darkTheme = `--vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-input-background: #3c3c3c; --vscode-input-foreground: #cccccc; --vscode-button-background: #0e639c; --vscode-button-foreground: #ffffff; --vscode-errorForeground: #f48771; --vscode-badge-background: #4d4d4d; --vscode-badge-foreground: #ffffff; --vscode-descriptionForeground: #9d9d9d; --vscode-font-family: sans-serif; --vscode-font-size: 13px;` + darkExtra;
export const lightTheme = `--vscode-foreground: #616161; --vscode-editor-background: #ffffff; --vscode-input-background: #ffffff; --vscode-input-foreground: #616161; --vscode-button-background: #007acc; --vscode-button-foreground: #ffffff; --vscode-errorForeground: #a1260d; --vscode-badge-background: #c4c4c4; --vscode-badge-foreground: #333333; --vscode-descriptionForeground: #717171; --vscode-font-family: sans-serif; --vscode-font-size: 13px;` + lightExtra;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context on a fresh, throw-away profile directory. */
export async function launch(): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pb-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 900, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  p: Page;
  posted: () => Promise<unknown[]>;
  send: (m: unknown) => Promise<void>;
  violations: string[];
  errors: string[];
}

export async function openWebview(context: BrowserContext, html: string, theme = darkTheme): Promise<OpenedPage> {
  const p = await context.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  p.on("console", (m) => {
    if (/Content Security Policy/.test(m.text())) violations.push(m.text());
  });
  p.on("pageerror", (e) => errors.push(e.message));
  await p.addInitScript((style: string) => {
    const w = window as unknown as { __posted: unknown[]; acquireVsCodeApi: () => unknown };
    w.__posted = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__posted.push(m), getState: () => undefined, setState: () => undefined });
    // VS Code sets its theme variables through the CSSOM, which the page's
    // CSP allows (a style attribute would be blocked).
    document.addEventListener("DOMContentLoaded", () => {
      for (const decl of style.split(";")) {
        const i = decl.indexOf(":");
        if (i > 0) document.documentElement.style.setProperty(decl.slice(0, i).trim(), decl.slice(i + 1).trim());
      }
    });
  }, theme);
  await p.route("http://webview.test/", (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  await p.goto("http://webview.test/", { waitUntil: "load" });
  return {
    p,
    posted: () => p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    // Resolves once the page has handled the message: a second message from
    // the same window is delivered after it (messages keep their order), so
    // its arrival means the page's listeners have seen the first.
    send: (m: unknown) =>
      p.evaluate(
        (msg) =>
          new Promise<void>((resolve) => {
            const mark = { patchbayTestDelivered: Math.random() };
            const seen = (e: MessageEvent) => {
              if ((e.data as typeof mark | undefined)?.patchbayTestDelivered !== mark.patchbayTestDelivered) return;
              window.removeEventListener("message", seen);
              resolve();
            };
            window.addEventListener("message", seen);
            window.postMessage(msg, "*");
            window.postMessage(mark, "*");
          }),
        m,
      ),
    violations,
    errors,
  };
}
