/// <reference lib="dom" />
// The system map in a real VS Code host (code-server with the packaged
// .vsix, driven by Debian's Chromium), in the dark and the light theme:
// labels whole and apart, arrows, legend, zoom to fit, details with a link
// that opens the code at the line, and WCAG AA text contrast.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Frame, Page } from "playwright-core";
import { copySample, extensionRoot, patchbayBin, skipReason, runCommand, startSession, type Session } from "./harness";
import { lowContrast } from "../helpers/contrast";

const artifacts = path.join(extensionRoot, "test-results", "e2e");

const skip = skipReason({ fakes: false, sample: true });



type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("system map in code-server, dark and light", { skip }, () => {
  let session: Session;
  let home: string;
  let workspace: string;
  let page: Page;
  const settings = { "security.workspace.trust.enabled": false, "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "workbench.colorTheme": "Default Dark Modern" } as Record<string, unknown>;

  before(async () => {
    session = await startSession({ prefix: "pbsm-", workspace: (d) => copySample(d, "shop"), fakes: false, artifacts, settings: settings });
    ({ home, workspace, page } = session);
  });

  after(async () => {
    await session?.close();
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
    await runCommand(page, "Patchbay: Show System Map");
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
    await runCommand(page, "Preferences: Color Theme");
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
