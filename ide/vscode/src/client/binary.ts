import * as fs from "node:fs";
import * as path from "node:path";

export interface ResolvedBinary {
  path: string;
  /** Where the path came from, for the log: "setting", "bundled" or "PATH". */
  source: "setting" | "bundled" | "PATH";
}

export class BinaryNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BinaryNotFoundError";
  }
}

export interface ResolveOptions {
  /** Value of the patchbay.daemonPath setting ("" when unset). */
  setting?: string;
  /** The extension's install directory; a packaged .vsix may carry bin/patchbay. */
  extensionPath?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * Picks the daemon binary: the explicit setting wins (and must exist, so a
 * typo is reported rather than silently replaced), then the binary bundled in
 * the extension, then `patchbay` on PATH.
 */
export function resolveDaemonBinary(opts: ResolveOptions): ResolvedBinary {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const exe = platform === "win32" ? "patchbay.exe" : "patchbay";
  const setting = opts.setting?.trim();
  if (setting) {
    if (!isExecutableFile(setting)) {
      throw new BinaryNotFoundError(`patchbay.daemonPath is set to ${setting}, which is not an executable file`);
    }
    return { path: setting, source: "setting" };
  }
  if (opts.extensionPath) {
    const bundled = path.join(opts.extensionPath, "bin", exe);
    if (platform !== "win32") restoreExecBit(bundled);
    if (isExecutableFile(bundled)) return { path: bundled, source: "bundled" };
  }
  const sep = platform === "win32" ? ";" : ":";
  for (const dir of (env.PATH ?? "").split(sep)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    if (isExecutableFile(candidate)) return { path: candidate, source: "PATH" };
  }
  throw new BinaryNotFoundError(
    `cannot find the patchbay daemon: set patchbay.daemonPath, install a .vsix that bundles bin/${exe}, or put ${exe} on PATH`,
  );
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform === "win32") return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Some unzip paths drop the executable bit of files inside a .vsix; the
// bundled binary is ours, so put it back rather than fall through to PATH.
function restoreExecBit(p: string): void {
  try {
    const st = fs.statSync(p);
    if (st.isFile() && (st.mode & 0o111) === 0) fs.chmodSync(p, st.mode | 0o755);
  } catch {
    // Absent or not ours to change: resolution simply moves on.
  }
}
