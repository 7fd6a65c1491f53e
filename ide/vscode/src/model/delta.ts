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

function isSorted<T>(xs: readonly T[], cmp: (a: T, b: T) => number): boolean {
  for (let i = 1; i < xs.length; i++) if (cmp(xs[i - 1], xs[i]) > 0) return false;
  return true;
}

/**
 * Drops the items of have whose key is removed or upserted and merges the
 * upserts in, sorted: one pass over have, so a small delta to tens of
 * thousands of findings costs next to nothing.
 */
function applyKeyed<T>(have: T[], upserts: readonly T[], removed: readonly string[], key: (t: T) => string, cmp: (a: T, b: T) => number): T[] {
  if (!isSorted(have, cmp)) have = [...have].sort(cmp);
  if (upserts.length === 0 && removed.length === 0) return have;
  const drop = new Set<string>(removed);
  for (const u of upserts) drop.add(key(u));
  const add = [...upserts].sort(cmp);
  const out: T[] = [];
  let i = 0;
  for (const h of have) {
    if (drop.has(key(h))) continue;
    while (i < add.length && cmp(add[i], h) < 0) out.push(add[i++]);
    out.push(h);
  }
  while (i < add.length) out.push(add[i++]);
  return out;
}

/** Turns a into the next analysis, in place. */
export function applyDelta(a: AnalyzeResponse, d: AnalysisDelta): void {
  a.findings = applyKeyed(a.findings, d.findings, d.removedFindings, (f) => f.id, compareFindings);
  a.services = applyKeyed(a.services, d.services, d.removedServices, (s) => s.path, compareServices);
  if (d.diagnosticsChanged) a.diagnostics = d.diagnostics;
  if (d.stats) a.stats = d.stats;
}
