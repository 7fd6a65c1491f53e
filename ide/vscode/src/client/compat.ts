import * as fs from "node:fs";
import * as path from "node:path";
import { DaemonService } from "../gen/patchbay/v1/daemon_pb";

/**
 * The API package this extension's generated clients speak ("patchbay.v1"),
 * taken from the generated code so it cannot drift from src/gen/.
 */
export const EXTENSION_API = DaemonService.typeName.slice(0, DaemonService.typeName.lastIndexOf("."));

/** What the extension expects of a daemon. */
export interface ExpectedDaemon {
  /** The API package (VersionResponse.api). */
  api: string;
  /**
   * The version of the daemon bundled with this extension
   * (bin/patchbay.version, written by `npm run package`); unset when the
   * extension carries no daemon, and then only the API is compared.
   */
  version?: string;
}

/** A daemon that is not the one the extension expects. */
export interface DaemonMismatch {
  daemon: { version: string; api: string };
  expected: ExpectedDaemon;
  /** "API patchbay.v2, the extension speaks patchbay.v1" or "version v1 (bundled: v2)". */
  reason: string;
}

/** Compares a DaemonService.Version answer with what the extension expects. */
export function checkDaemon(expected: ExpectedDaemon, v: { version: string; api: string }): DaemonMismatch | undefined {
  const parts: string[] = [];
  if (v.api !== expected.api) parts.push(`it serves API ${v.api || "(none)"}, this extension speaks ${expected.api}`);
  if (expected.version && v.version !== expected.version) parts.push(`it is version ${v.version || "(unknown)"}, this extension bundles ${expected.version}`);
  return parts.length ? { daemon: { version: v.version, api: v.api }, expected, reason: parts.join("; ") } : undefined;
}

/** The file next to the bundled binary that names its version: bin/patchbay.version. */
export function bundledVersionFile(extensionPath: string): string {
  return path.join(extensionPath, "bin", "patchbay.version");
}

/** What the extension at extensionPath expects: its API and, when it bundles a daemon, that daemon's version. */
export function expectedDaemon(extensionPath: string | undefined): ExpectedDaemon {
  if (!extensionPath) return { api: EXTENSION_API };
  try {
    const data = JSON.parse(fs.readFileSync(bundledVersionFile(extensionPath), "utf8")) as { version?: unknown };
    if (typeof data.version === "string" && data.version) return { api: EXTENSION_API, version: data.version };
  } catch {
    // No bundled daemon (a development build): compare the API only.
  }
  return { api: EXTENSION_API };
}

/**
 * The record of a daemon an editor extension started, kept in PATCHBAY_HOME
 * next to daemon.json so every window (VS Code, Cursor, other versions of
 * this extension) can tell such a daemon from one started in a terminal.
 * A daemon found running counts as the extension's only if its pid matches.
 */
export interface SpawnRecord {
  pid: number;
  binary: string;
  /** The daemon version the spawning extension expected (its bundled one), if any. */
  expected?: string;
}

export function spawnRecordPath(home: string): string {
  return path.join(home, "editor-daemon.json");
}

export function writeSpawnRecord(home: string, r: SpawnRecord): void {
  try {
    fs.writeFileSync(spawnRecordPath(home), JSON.stringify(r), { mode: 0o600 });
  } catch {
    // Only an optimisation for the next window; the daemon works without it.
  }
}

export function readSpawnRecord(home: string): SpawnRecord | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(spawnRecordPath(home), "utf8")) as Record<string, unknown>;
    if (typeof o.pid !== "number" || typeof o.binary !== "string") return undefined;
    return { pid: o.pid, binary: o.binary, expected: typeof o.expected === "string" ? o.expected : undefined };
  } catch {
    return undefined;
  }
}
