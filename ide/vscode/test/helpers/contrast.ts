/// <reference lib="dom" />
// WCAG 2.1 contrast of every piece of text a page shows against what is
// actually behind it (https://www.w3.org/TR/WCAG21/#contrast-minimum):
// 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold) and for icons
// hidden from assistive technology next to their text. Disabled controls
// are exempt, as WCAG says; backgrounds and opacity are composited up the
// tree, starting from the page's white canvas.
import type { Frame, Page } from "playwright-core";

export interface LowContrast {
  text: string;
  selector: string;
  ratio: number;
  needed: number;
  color: string;
  background: string;
}

/** Text below the contrast WCAG AA asks for, in a page or a frame (a webview inside VS Code). */
export async function lowContrast(p: Page | Frame, opts: { skip?: string } = {}): Promise<LowContrast[]> {
  return measure(p, { skip: opts.skip, all: false });
}

/**
 * The measured contrast of every piece of text inside the elements selector
 * matches, low or not (what a test asserts about one kind of text, e.g. a
 * plan step's "done" label, and shows in its failure message).
 */
export async function textContrast(p: Page | Frame, selector: string): Promise<LowContrast[]> {
  return measure(p, { within: selector, all: true });
}

async function measure(p: Page | Frame, o: { skip?: string; within?: string; all: boolean }): Promise<LowContrast[]> {
  return p.evaluate(({ skip, within, all }) => {
    type RGBA = [number, number, number, number];
    const parse = (c: string): RGBA => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
    };
    const over = (top: RGBA, below: [number, number, number], alpha = top[3]): [number, number, number] => [
      top[0] * alpha + below[0] * (1 - alpha),
      top[1] * alpha + below[1] * (1 - alpha),
      top[2] * alpha + below[2] * (1 - alpha),
    ];
    const lum = (c: [number, number, number]) => {
      const f = (x: number) => {
        const s = x / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const ratio = (a: [number, number, number], b: [number, number, number]) => {
      const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
      return (x + 0.05) / (y + 0.05);
    };
    const describe = (el: Element) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") + (el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : "");
    const out: LowContrast[] = [];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      if (el.closest("svg, script, style, title, [hidden]")) continue;
      if (skip && el.closest(skip)) continue;
      if (within && !el.closest(within)) continue;
      if ((el as HTMLButtonElement).disabled || el.closest(":disabled")) continue;
      const text = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? "")
        .join("")
        .trim();
      if (!text) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === "hidden" || cs.display === "none" || !el.getClientRects().length) continue;
      // Background: composite from the outermost ancestor down; opacity fades towards what is below.
      const chain: Element[] = [];
      for (let a: Element | null = el; a; a = a.parentElement) chain.unshift(a);
      let bg: [number, number, number] = [255, 255, 255];
      let opacity = 1;
      for (const a of chain) {
        const s = getComputedStyle(a);
        const below = bg;
        bg = over(parse(s.backgroundColor), bg);
        const o = Number(s.opacity);
        if (o < 1) bg = over([...bg, 1] as RGBA, below, o);
        opacity *= o;
      }
      const fg = over(parse(cs.color), bg, parse(cs.color)[3] * opacity);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      // A glyph hidden from assistive technology (a status icon next to its
      // text) is a graphic: 3:1 (https://www.w3.org/TR/WCAG21/#non-text-contrast).
      const graphic = !!el.closest('[aria-hidden="true"]');
      const needed = large || graphic ? 3 : 4.5;
      const r = ratio(fg, bg);
      if (all || r < needed) out.push({ text: text.slice(0, 60), selector: describe(el), ratio: Math.round(r * 100) / 100, needed, color: cs.color, background: `rgb(${bg.map(Math.round).join(", ")})` });
    }
    return out;
  }, o);
}
