// What every end-to-end test in a real VS Code host shares: the paths of
// the binaries it needs and why it cannot run without them, and a session —
// throw-away directories, the in-repo provider fakes, code-server with the
// packaged .vsix installed, and Debian's Chromium driving it — with the
// teardown that stops all of it, the daemon the extension started included.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { readDaemonInfo } from "../../src/client/home";

export const extensionRoot = path.resolve(__dirname, "..", "..", "..");
export const codeServer = process.env.CODE_SERVER ?? "";
export const vsix = path.resolve(process.env.PATCHBAY_VSIX ?? path.join(extensionRoot, "patchbay.vsix"));
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const patchbayBin = path.resolve(process.env.PATCHBAY_BIN ?? path.join(extensionRoot, "..", "..", "bin", "patchbay"));
export const fakesBin = path.resolve(process.env.PATCHBAY_FAKES_BIN ?? path.join(extensionRoot, "..", "..", "bin", "patchbay-fakes"));
export const sampleWorkspace = path.join(extensionRoot, "..", "..", "testdata", "provision", "shop");

/**
 * Where the README's pictures go: test-results/e2e/screenshots, so that a
 * plain run leaves the working tree as it was; docs/screenshots (the
 * committed pictures the README shows) with PATCHBAY_SCREENSHOTS=docs, which
 * `make screenshots` sets.
 */
export function screenshotDir(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.PATCHBAY_SCREENSHOTS ?? "";
  if (v === "docs") return path.join(extensionRoot, "..", "..", "docs", "screenshots");
  if (v !== "") throw new Error(`PATCHBAY_SCREENSHOTS=${v}: only "docs" (or unset) is known`);
  return path.join(extensionRoot, "test-results", "e2e", "screenshots");
}

/** Saves the README picture name.png (of the page, or of a part of it) into screenshotDir(). */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  const dir = screenshotDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await target.screenshot({ path: file });
  return file;
}

/** Copies the sample workspace (testdata/provision/shop) to dir/name. */
export function copySample(dir: string, name: string): string {
  const w = path.join(dir, name);
  fs.cpSync(sampleWorkspace, w, { recursive: true });
  return w;
}

/** Why the tests cannot run here (a missing binary or build), or false. */
export function skipReason(opts: { fakes: boolean; sample: boolean }): string | false {
  if (!codeServer || !fs.existsSync(codeServer)) return "set CODE_SERVER to a code-server 4.100.3 binary (see README: Test)";
  if (!fs.existsSync(vsix)) return `no ${vsix}: run "npm run package" first (with bin/patchbay built)`;
  if (!fs.existsSync(chromiumPath)) return `no Chromium at ${chromiumPath}`;
  if (!fs.existsSync(patchbayBin)) return `no ${patchbayBin}: go build -o bin/patchbay ./cmd/patchbay`;
  if (opts.fakes && !fs.existsSync(fakesBin)) return `no ${fakesBin}: go build -o bin/patchbay-fakes ./providers/providertest/cmd/patchbay-fakes`;
  if (opts.sample && !fs.existsSync(sampleWorkspace)) return `no sample workspace at ${sampleWorkspace}`;
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export async function waitHttp(url: string, timeoutMs: number): Promise<void> {
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

/** Runs a command from the palette by its title, clicking its own row
 * (Enter would take the best fuzzy match, which may be another command). */
export async function runCommand(page: Page, title: string): Promise<void> {
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
    await row.click();
    return;
  }
  throw new Error(`could not run ${title}`);
}

export interface SessionOptions {
  /** Prefix of the throw-away directory (short: the daemon's socket goes under it). */
  prefix: string;
  /** Makes the workspace under dir and returns its path. */
  workspace: (dir: string) => string;
  /** Start the provider fakes and point the daemon at them. */
  fakes: boolean;
  /** User settings beside the defaults (trust off, no start-up editor, no telemetry, patchbay.home). */
  settings?: Record<string, unknown>;
  /** Where screenshots and failure artifacts go (created). */
  artifacts: string;
}

export interface Session {
  dir: string;
  home: string;
  workspace: string;
  server: ChildProcess;
  context: BrowserContext;
  page: Page;
  /** The fakes' endpoints and working credentials; empty without fakes. */
  fakeEnv: Record<string, string>;
  fakeCreds: Record<string, Record<string, string>>;
  /** code-server's output so far, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

/** Starts the fakes (when asked), code-server with the .vsix, and Chromium on the workspace. */
export async function startSession(o: SessionOptions): Promise<Session> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix));
  const home = path.join(dir, "h");
  const userData = path.join(dir, "user");
  const extensions = path.join(dir, "ext");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  const workspace = o.workspace(dir);
  let fakes: ChildProcess | undefined;
  let fakeEnv: Record<string, string> = {};
  let fakeCreds: Record<string, Record<string, string>> = {};
  let server: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  let serverLog = "";
  const close = async () => {
    await context?.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    // The extension host may die before deactivate runs; stop the daemon it started.
    try {
      const info = readDaemonInfo(home);
      if (info) process.kill(info.pid, "SIGTERM");
    } catch {
      // no daemon or already stopped
    }
    fakes?.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (o.fakes) {
      // The in-repo provider fakes; their JSON names the endpoints and working credentials.
      const f = spawn(fakesBin, ["-json"], { stdio: ["ignore", "pipe", "pipe"] });
      fakes = f;
      const printed = await new Promise<string>((resolve, reject) => {
        let out = "";
        f.stdout!.on("data", (d) => {
          out += d;
          try {
            JSON.parse(out);
            resolve(out);
          } catch {
            // wait for the rest of the object
          }
        });
        f.once("exit", (code) => reject(new Error(`patchbay-fakes exited with ${code}`)));
      });
      ({ env: fakeEnv, credentials: fakeCreds } = JSON.parse(printed));
    }
    const settings = {
      "security.workspace.trust.enabled": false,
      "workbench.startupEditor": "none",
      "telemetry.telemetryLevel": "off",
      // code-server forwards the ports the daemon and fakes listen on and says so in a toast.
      "remote.autoForwardPorts": false,
      ...o.settings,
      "patchbay.home": home,
    };
    fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings));
    fs.writeFileSync(path.join(dir, "config.yaml"), "auth: none\n");
    const common = ["--config", path.join(dir, "config.yaml"), "--user-data-dir", userData, "--extensions-dir", extensions];
    execFileSync(codeServer, [...common, "--install-extension", vsix], { stdio: "pipe" });
    const port = await freePort();
    const s = spawn(codeServer, [...common, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check", workspace], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      // The extension host passes this on to the daemon it starts: provider
      // endpoints at the fakes and a file keyring with a known passphrase.
      env: { ...process.env, ...fakeEnv, PATCHBAY_KEYRING_BACKEND: "file", PATCHBAY_KEYRING_PASSPHRASE: "e2e-passphrase" },
    });
    server = s;
    s.stdout!.on("data", (d) => (serverLog += d));
    s.stderr!.on("data", (d) => (serverLog += d));
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
    fs.mkdirSync(o.artifacts, { recursive: true });
    context = await chromium.launchPersistentContext(path.join(dir, "chromium"), {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    return { dir, home, workspace, server: s, context, page, fakeEnv, fakeCreds, log: () => serverLog, close };
  } catch (err) {
    await close();
    throw err;
  }
}
