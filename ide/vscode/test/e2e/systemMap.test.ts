/// <reference lib="dom" />
// The system map in a real VS Code host (code-server with the packaged
// .vsix, driven by Debian's Chromium), in the dark and the light theme:
// labels whole and apart, arrows, legend, zoom to fit, details with a link
// that opens the code at the line, and WCAG AA text contrast.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";
import { readDaemonInfo } from "../../src/client/home";
import { lowContrast } from "../helpers/contrast";

const extensionRoot = path.resolve(__dirname, "..", "..", "..");
const codeServer = process.env.CODE_SERVER ?? "";
const vsix = path.resolve(process.env.PATCHBAY_VSIX ?? path.join(extensionRoot, "patchbay.vsix"));
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const patchbayBin = path.resolve(process.env.PATCHBAY_BIN ?? path.join(extensionRoot, "..", "..", "bin", "patchbay"));
const sampleWorkspace = path.join(extensionRoot, "..", "..", "testdata", "provision", "shop");
const artifacts = path.join(extensionRoot, "test-results", "e2e");

function why(): string | false {
  if (!codeServer || !fs.existsSync(codeServer)) return "set CODE_SERVER to a code-server 4.100.3 binary (see README: Test)";
  if (!fs.existsSync(vsix)) return `no ${vsix}: run "npm run package" first (with bin/patchbay built)`;
  if (!fs.existsSync(chromiumPath)) return `no Chromium at ${chromiumPath}`;
  if (!fs.existsSync(patchbayBin)) return `no ${patchbayBin}: go build -o bin/patchbay ./cmd/patchbay`;
  if (!fs.existsSync(sampleWorkspace)) return `no sample workspace at ${sampleWorkspace}`;
  return false;
}
const skip = why();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not up after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("system map in code-server, dark and light", { skip }, () => {
  let dir: string;
  let home: string;
  let workspace: string;
  let server: ChildProcess;
  let context: BrowserContext;
  let page: Page;
  let serverLog = "";
  const settings = { "security.workspace.trust.enabled": false, "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "workbench.colorTheme": "Default Dark Modern" } as Record<string, unknown>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbsm-"));
    home = path.join(dir, "h");
    workspace = path.join(dir, "shop");
    const userData = path.join(dir, "user");
    const extensions = path.join(dir, "ext");
    fs.mkdirSync(path.join(userData, "User"), { recursive: true });
    fs.cpSync(sampleWorkspace, workspace, { recursive: true });
    settings["patchbay.home"] = home;
    fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings));
    fs.writeFileSync(path.join(dir, "config.yaml"), "auth: none\n");
    const common = ["--config", path.join(dir, "config.yaml"), "--user-data-dir", userData, "--extensions-dir", extensions];
    execFileSync(codeServer, [...common, "--install-extension", vsix], { stdio: "pipe" });
    const port = await freePort();
    server = spawn(codeServer, [...common, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check", workspace], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env: { ...process.env, PATCHBAY_KEYRING_BACKEND: "file", PATCHBAY_KEYRING_PASSPHRASE: "e2e-passphrase" },
    });
    server.stdout!.on("data", (d) => (serverLog += d));
    server.stderr!.on("data", (d) => (serverLog += d));
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
    fs.mkdirSync(artifacts, { recursive: true });
    context = await chromium.launchPersistentContext(path.join(dir, "chromium"), {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
  });

  after(async () => {
    await context?.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    try {
      const info = home && readDaemonInfo(home);
      if (info) process.kill(info.pid, "SIGTERM");
    } catch {
      // no daemon or already stopped
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The frame of the system map page (code-server nests webviews in two iframes). */
  async function mapFrame(): Promise<Frame> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const f of page.frames()) {
        if (await f.locator("#legend").count().catch(() => 0)) return f;
      }
      if (Date.now() > deadline) throw new Error("no system map webview");
      await page.waitForTimeout(250);
    }
  }

  async function runCommand(title: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.keyboard.press("F1");
      const input = page.locator(".quick-input-widget input");
      if (!(await input.waitFor({ timeout: 5000 }).then(() => true, () => false))) continue;
      await input.fill(`>${title}`);
      const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
      if (!(await row.waitFor({ timeout: 5000 }).then(() => true, () => false))) {
        await page.keyboard.press("Escape");
        continue;
      }
      // The row itself: Enter takes the best fuzzy match, which may be another command.
      await row.click();
      return;
    }
    throw new Error(`could not run ${title}`);
  }

  async function checkMap(f: Frame, theme: string): Promise<void> {
    const boxes = await f.locator(".node").evaluateAll((ns) => ns.map((n) => ({ id: (n as HTMLElement).dataset.id!, text: n.textContent ?? "", box: n.getBoundingClientRect().toJSON() as Box, clipped: n.scrollWidth > n.clientWidth })));
    assert.ok(boxes.length >= 4, `nodes: ${boxes.map((b) => b.id).join(", ")}`);
    for (const b of boxes) {
      assert.ok(b.text.trim(), `${b.id} has a label`);
      assert.equal(b.clipped, false, `${b.id} clips its label`);
      for (const o of boxes) if (o !== b) assert.ok(!overlaps(b.box, o.box), `${b.id} overlaps ${o.id}`);
    }
    assert.ok((await f.locator("#edges path.edge[marker-end]").count()) > 0, "arrows");
    assert.ok(await f.locator("#legend").isVisible(), "legend");
    assert.deepEqual(await lowContrast(f, { skip: ".node.dim" }), [], `text contrast in the ${theme} theme`);
  }

  it("opens from the palette once the daemon is up, in the dark theme", async () => {
    await page.locator(".statusbar-item", { hasText: /Patchbay dev|Patchbay v/ }).first().waitFor({ timeout: 90_000 });
    execFileSync(patchbayBin, ["env", "create", "local", "--workspace", workspace, "--frontend-url", "https://shop.example.net", "--home", home], {
      env: { ...process.env, PATCHBAY_HOME: home },
    });
    // The analysis has to be there for the code links.
    await page.waitForTimeout(3000);
    await runCommand("Patchbay: Show System Map");
    await page.locator(".tab", { hasText: "System map" }).first().waitFor({ timeout: 30_000 });
    const f = await mapFrame();
    await f.locator(".node").first().waitFor({ timeout: 30_000 });
    await f.locator("#fit").click();
    await checkMap(f, "dark");
    await page.screenshot({ path: path.join(artifacts, "10-system-map-dark.png") });
  });

  it("shows a provider's details with a link that opens the code at the line", async () => {
    const f = await mapFrame();
    await f.locator("#zoom-reset").click();
    const provider = f.locator('.node[data-id^="provider:"]').first();
    await provider.click();
    await f.locator("#details h2").waitFor({ timeout: 10_000 });
    const link = f.locator("#details .refs a").first();
    await link.waitFor({ timeout: 10_000 });
    const target = (await link.getAttribute("data-open-path"))!;
    assert.match((await link.textContent())!, /:\d+$/, "path:line");
    await page.screenshot({ path: path.join(artifacts, "11-system-map-details.png") });
    await link.click();
    await page.locator(".tab.active", { hasText: path.basename(target) }).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(artifacts, "12-system-map-jump-to-code.png") });
  });

  it("keeps labels apart and text legible in the light theme", async () => {
    // From the editor the last test opened: keys typed in a webview stay in its frame.
    await runCommand("Preferences: Color Theme");
    // The theme picker replaces the command palette; type once it lists themes.
    const light = page.locator(".quick-input-list .monaco-list-row", { hasText: /^Light Modern/ }).first();
    await light.waitFor({ timeout: 10_000 }).catch(async (err: Error) => {
      await page.screenshot({ path: path.join(artifacts, "13-failed-theme-picker.png") });
      throw err;
    });
    await light.click();
    await page.locator(".tab", { hasText: "System map" }).first().click();
    const f = await mapFrame();
    // VS Code re-themes open webviews when the setting changes.
    await f.waitForFunction(() => {
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(document.body).backgroundColor);
      return !!m && Number(m[1]) + Number(m[2]) + Number(m[3]) > 600;
    }, undefined, { timeout: 30_000 });
    await f.locator("#fit").click();
    await checkMap(f, "light");
    await page.screenshot({ path: path.join(artifacts, "13-system-map-light.png") });
  });
});
