/// <reference lib="dom" />
// The system map in a real VS Code host (code-server with the packaged
// .vsix, driven by Debian's Chromium), in the dark and the light theme:
// labels whole and apart, arrows, legend, zoom to fit, WCAG AA text
// contrast, details of the selected node with a link that opens the code
// at the line — each saved as the README's picture system-map-*-<theme>.png
// (harness.ts: screenshot).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Frame, Page } from "playwright-core";
import { copySample, extensionRoot, patchbayBin, skipReason, runCommand, screenshot, startSession, type Session } from "./harness";
import { lowContrast } from "../helpers/contrast";

const artifacts = path.join(extensionRoot, "test-results", "e2e");

const skip = skipReason({ fakes: false, sample: true });

type Theme = "dark" | "light";
type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Box, b: Box, slack = 1) => a.x >= b.x - slack && a.y >= b.y - slack && a.x + a.width <= b.x + b.width + slack && a.y + a.height <= b.y + b.height + slack;

describe("system map in code-server, dark and light", { skip }, () => {
  let session: Session;
  let home: string;
  let workspace: string;
  let page: Page;

  before(async () => {
    session = await startSession({ prefix: "pbsm-", workspace: (d) => copySample(d, "shop"), fakes: false, artifacts, settings: { "workbench.colorTheme": "Default Dark Modern" } });
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

  const failed = (what: string) => (err: Error) => page.screenshot({ path: path.join(artifacts, `system-map-failed-${what}.png`) }).then(() => Promise.reject(err));

  /** Labels, arrows, legend, contrast; zoomed in, then Zoom to fit shows the whole map. */
  async function checkMap(f: Frame, theme: Theme): Promise<void> {
    await f.locator("#zoom-in").click();
    await f.locator("#zoom-in").click();
    const zoomed = (await f.locator("#zoom-level").textContent())!;
    await f.locator("#fit").click();
    const level = (await f.locator("#zoom-level").textContent())!;
    assert.match(level, /^\d+%$/);
    assert.notEqual(level, zoomed, "Zoom to fit changes the zoom");
    const vp = (await f.locator("#viewport").boundingBox())!;
    const map = (await f.locator("#canvas .columns").boundingBox())!;
    assert.ok(inside(map, vp, 2), `fitted map ${JSON.stringify(map)} inside the view ${JSON.stringify(vp)} (${theme})`);

    const boxes = await f.locator(".node").evaluateAll((ns) => ns.map((n) => ({ id: (n as HTMLElement).dataset.id!, text: n.textContent ?? "", box: n.getBoundingClientRect().toJSON() as Box, clipped: n.scrollWidth > n.clientWidth })));
    assert.ok(boxes.length >= 4, `nodes: ${boxes.map((b) => b.id).join(", ")}`);
    for (const b of boxes) {
      assert.ok(b.text.trim(), `${b.id} has a label`);
      assert.equal(b.clipped, false, `${b.id} clips its label`);
      for (const o of boxes) if (o !== b) assert.ok(!overlaps(b.box, o.box), `${b.id} overlaps ${o.id}`);
    }
    assert.ok((await f.locator("#edges path.edge[marker-end]").count()) > 0, "arrows");
    assert.ok(await f.locator("#legend").isVisible(), "legend");
    assert.ok((await f.locator("#legend").textContent())!.trim(), "the legend names the kinds");
    assert.deepEqual(await lowContrast(f, { skip: ".node.dim" }), [], `text contrast in the ${theme} theme`);
    await screenshot(page, `system-map-${theme}`);
  }

  /** A provider selected (in the fitted map): its details, then its code link opens the file at the line. */
  async function checkDetails(f: Frame, theme: Theme): Promise<void> {
    const provider = f.locator('.node[data-id^="provider:"]').first();
    const label = ((await provider.locator(".label").textContent()) ?? "").trim();
    await provider.click();
    await f.locator("#details h2", { hasText: label }).waitFor({ timeout: 10_000 }).catch(failed(`details-${theme}`));
    assert.ok(await f.locator("#details-empty").isHidden(), "the details replace the hint");
    assert.ok((await f.locator("#details .connections li").count()) > 0, "its connections");
    const link = f.locator("#details .refs a").first();
    await link.waitFor({ timeout: 10_000 });
    const target = (await link.getAttribute("data-open-path"))!;
    const text = (await link.textContent())!;
    const m = /:(\d+)$/.exec(text);
    assert.ok(m, `path:line, got ${text}`);
    assert.deepEqual(await lowContrast(f, { skip: ".node.dim" }), [], `text contrast with a selection, ${theme}`);
    await screenshot(page, `system-map-details-${theme}`);
    await link.click();
    await page.locator(".tab.active", { hasText: path.basename(target) }).first().waitFor({ timeout: 15_000 });
    // The cursor is on the line the link names (the status bar: "Ln 3, Col 1").
    await page.locator(".statusbar-item", { hasText: new RegExp(`^Ln ${m![1]}, Col \\d+`) }).first().waitFor({ timeout: 15_000 }).catch(failed(`jump-${theme}`));
    await screenshot(page, `system-map-jump-to-code-${theme}`);
  }

  it("dark: opens from the palette once the daemon is up; labels, arrows, legend, zoom to fit", async () => {
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
    await checkMap(f, "dark");
  });

  it("dark: a provider's details, with a link that opens the code at the line", async () => {
    await checkDetails(await mapFrame(), "dark");
  });

  it("light: the same map, details and jump to code", async () => {
    // From the editor the last test opened: keys typed in a webview stay in its frame.
    await runCommand(page, "Preferences: Color Theme");
    // The theme picker replaces the command palette; type once it lists themes.
    const light = page.locator(".quick-input-list .monaco-list-row", { hasText: /^Light Modern/ }).first();
    await light.waitFor({ timeout: 10_000 }).catch(failed("theme-picker"));
    await light.click();
    // The link opened the file beside the map: close it and the map, and
    // open the map again (nothing selected, as in the dark pictures).
    await page.locator(".tab.active", { hasNotText: "System map" }).locator(".codicon-close").first().click();
    await page.locator(".tab", { hasText: "System map" }).first().click();
    await page.locator(".tab.active", { hasText: "System map" }).locator(".codicon-close").first().click();
    await page.locator(".tab", { hasText: "System map" }).first().waitFor({ state: "detached", timeout: 10_000 });
    await runCommand(page, "Patchbay: Show System Map");
    await page.locator(".tab", { hasText: "System map" }).first().waitFor({ timeout: 30_000 });
    const f = await mapFrame();
    await f.locator(".node").first().waitFor({ timeout: 30_000 });
    // Webviews follow the theme.
    await f.waitForFunction(() => {
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(document.body).backgroundColor);
      return !!m && Number(m[1]) + Number(m[2]) + Number(m[3]) > 600;
    }, undefined, { timeout: 30_000 });
    await checkMap(f, "light");
    await checkDetails(f, "light");
  });
});
