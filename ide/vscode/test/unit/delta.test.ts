import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { FindingKind, FindingSchema, type Finding } from "../../src/gen/patchbay/v1/common_pb";
import { AnalysisDeltaSchema, AnalyzeResponseSchema } from "../../src/gen/patchbay/v1/workspace_pb";
import { applyDelta, compareFindings } from "../../src/model/delta";

// A small deterministic generator (mulberry32), so a failure repeats.
function rng(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe("applyDelta", () => {
  it("orders findings as the analyzer does: path, line, column, kind, provider, id", () => {
    const f = (id: string, path: string, line: number, col: number, kind: FindingKind, provider: string) =>
      create(FindingSchema, { id, provider, kind, location: { path, startLine: line, startColumn: col } });
    const [k1, k2] = [FindingKind.SDK_USAGE, FindingKind.ENV_REFERENCE];
    const want = [
      f("5", "a.js", 1, 1, k1, "stripe"),
      f("4", "a.js", 1, 1, k2, "auth0"),
      f("3", "a.js", 1, 2, k1, "auth0"),
      f("2", "a.js", 2, 1, k1, "auth0"),
      f("0", "a.js", 2, 1, k1, "stripe"),
      f("1", "a.js", 2, 1, k1, "stripe"),
      f("6", "b.js", 0, 0, k1, "auth0"),
    ];
    for (const start of [[...want].reverse(), [want[3], want[6], want[0], want[5], want[1], want[4], want[2]]]) {
      assert.deepEqual(start.sort(compareFindings).map((x) => x.id), want.map((x) => x.id));
    }
  });

  it("gives what replacing, dropping and re-sorting everything gives, for random analyses and deltas", () => {
    const r = rng(7);
    const finding = (id: number): Finding =>
      create(FindingSchema, { id: String(id), provider: String(r(3)), kind: r(2) + 1, location: { path: `f${r(20)}.js`, startLine: r(5) } });
    for (let round = 0; round < 300; round++) {
      const byId = new Map<string, Finding>();
      let have: Finding[] = [];
      for (let i = 0, n = r(60); i < n; i++) {
        const f = finding(i);
        byId.set(f.id, f);
        have.push(f);
      }
      // Even rounds hold the analyzer's order; odd ones an order of their own.
      if (round % 2 === 0) have = have.sort(compareFindings);
      const d = create(AnalysisDeltaSchema, {});
      for (let i = 0, n = r(8); i < n; i++) {
        const f = finding(r(80));
        if (d.findings.some((g) => g.id === f.id)) continue;
        d.findings.push(f);
        byId.set(f.id, f);
      }
      for (const id of [...byId.keys()]) {
        if (r(10) === 0 && !d.findings.some((g) => g.id === id)) {
          d.removedFindings.push(id);
          byId.delete(id);
        }
      }
      const a = create(AnalyzeResponseSchema, { root: "/w", findings: have });
      applyDelta(a, d);
      assert.deepEqual(a.findings.map((f) => f.id), [...byId.values()].sort(compareFindings).map((f) => f.id), `round ${round}`);
      assert.deepEqual(a.findings, [...byId.values()].sort(compareFindings), `round ${round}`);
    }
  });

  it("replaces services by path, drops removed ones, and takes diagnostics only when they changed", () => {
    const a = create(AnalyzeResponseSchema, {
      root: "/w",
      services: [{ path: "api", name: "api" }, { path: "web", name: "web" }],
      diagnostics: [{ path: "x", message: "old" }],
    });
    applyDelta(a, create(AnalysisDeltaSchema, { services: [{ path: "jobs", name: "jobs" }, { path: "web", name: "site" }], removedServices: ["api"] }));
    assert.deepEqual(a.services.map((s) => [s.path, s.name]), [["jobs", "jobs"], ["web", "site"]]);
    assert.deepEqual(a.diagnostics.map((x) => x.message), ["old"], "diagnostics_changed unset keeps them");
    applyDelta(a, create(AnalysisDeltaSchema, { diagnosticsChanged: true }));
    assert.deepEqual(a.diagnostics, [], "diagnostics_changed with none clears them");
  });
});
