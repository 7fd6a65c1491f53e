import type { Finding, Service } from "../gen/patchbay/v1/common_pb";
import type { AnalysisDelta, AnalyzeResponse } from "../gen/patchbay/v1/workspace_pb";

/**
 * Applying the daemon's Watch deltas (WorkspaceService.Watch with deltas):
 * the same rules as the daemon's analyzer.ApplyDelta, so the analysis the
 * extension holds is the one the daemon would send whole.
 */

/** Go compares strings by bytes; for the ASCII of paths and ids, UTF-16 order is the same. */
function cmpString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The analyzer's order of findings: path, line, column, kind, provider, then id. */
export function compareFindings(x: Finding, y: Finding): number {
  const a = x.location;
  const b = y.location;
  return (
    cmpString(a?.path ?? "", b?.path ?? "") ||
    (a?.startLine ?? 0) - (b?.startLine ?? 0) ||
    (a?.startColumn ?? 0) - (b?.startColumn ?? 0) ||
    x.kind - y.kind ||
    cmpString(x.provider, y.provider) ||
    cmpString(x.id, y.id)
  );
}

function compareServices(x: Service, y: Service): number {
  return cmpString(x.path, y.path);
}

/** The index of the first item of xs[from:] that x sorts before (xs sorted). */
function upperBound<T>(xs: readonly T[], from: number, x: T, cmp: (a: T, b: T) => number): number {
  let lo = from;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(x, xs[mid]) < 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Drops the items of have whose key is removed or upserted and merges the
 * upserts in, sorted: one pass over have (a key lookup and a comparison
 * with the item before, to notice a list not in order) and a binary search
 * per upsert, so a small delta to tens of thousands of findings costs next
 * to nothing. The daemon's analyzer.ApplyDelta does the same.
 */
function applyKeyed<T>(have: T[], upserts: readonly T[], removed: readonly string[], key: (t: T) => string, cmp: (a: T, b: T) => number): T[] {
  if (upserts.length === 0 && removed.length === 0) {
    for (let i = 1; i < have.length; i++) if (cmp(have[i - 1], have[i]) > 0) return [...have].sort(cmp);
    return have;
  }
  const drop = new Set<string>(removed);
  for (const u of upserts) drop.add(key(u));
  let kept: T[] = [];
  let sorted = true;
  for (let i = 0; i < have.length; i++) {
    if (sorted && i > 0 && cmp(have[i - 1], have[i]) > 0) sorted = false;
    if (!drop.has(key(have[i]))) kept.push(have[i]);
  }
  if (!sorted) kept = kept.sort(cmp);
  const add = [...upserts].sort(cmp);
  const out: T[] = [];
  let i = 0;
  for (const u of add) {
    const j = upperBound(kept, i, u, cmp);
    for (; i < j; i++) out.push(kept[i]);
    out.push(u);
  }
  for (; i < kept.length; i++) out.push(kept[i]);
  return out;
}

/** Turns a into the next analysis, in place. */
export function applyDelta(a: AnalyzeResponse, d: AnalysisDelta): void {
  a.findings = applyKeyed(a.findings, d.findings, d.removedFindings, (f) => f.id, compareFindings);
  a.services = applyKeyed(a.services, d.services, d.removedServices, (s) => s.path, compareServices);
  if (d.diagnosticsChanged) a.diagnostics = d.diagnostics;
  if (d.stats) a.stats = d.stats;
}
