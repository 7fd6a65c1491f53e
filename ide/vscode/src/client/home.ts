import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The daemon's record of where it listens. Written by `patchbay daemon` as
 * daemon.json (mode 0600) under PATCHBAY_HOME.
 */
export interface DaemonInfo {
  /** host:port of the loopback TCP listener, e.g. "127.0.0.1:41234". */
  address: string;
  socket?: string;
  /** Bearer token for TCP requests. Never log it. */
  token: string;
  pid: number;
  version?: string;
}

export class DaemonInfoError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = "DaemonInfoError";
  }
}

/**
 * Mirrors Go's os.UserConfigDir + "/patchbay" so the extension and the CLI
 * agree on where daemon.json lives without asking the daemon.
 */
export function defaultHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  homedir: string = os.homedir(),
): string {
  if (env.PATCHBAY_HOME) return env.PATCHBAY_HOME;
  let base: string;
  switch (platform) {
    case "win32":
      base = env.AppData || path.join(homedir, "AppData", "Roaming");
      break;
    case "darwin":
      base = path.join(homedir, "Library", "Application Support");
      break;
    default:
      base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir, ".config");
  }
  return path.join(base, "patchbay");
}

export function daemonInfoPath(home: string): string {
  return path.join(home, "daemon.json");
}

/**
 * Reads and checks daemon.json. Returns undefined when the file does not
 * exist (no daemon has run); throws DaemonInfoError when it exists but cannot
 * be used, so the caller can say why instead of silently spawning.
 */
export function readDaemonInfo(home: string): DaemonInfo | undefined {
  const file = daemonInfoPath(home);
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DaemonInfoError(`cannot read ${file}: ${(err as Error).message}`, file);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    // A daemon that is writing the file right now can leave it half written.
    throw new DaemonInfoError(`${file} is not valid JSON: ${(err as Error).message}`, file);
  }
  return parseDaemonInfo(data, file);
}

export function parseDaemonInfo(data: unknown, file = "daemon.json"): DaemonInfo {
  if (typeof data !== "object" || data === null) throw new DaemonInfoError(`${file}: expected a JSON object`, file);
  const o = data as Record<string, unknown>;
  if (typeof o.address !== "string" || !o.address) throw new DaemonInfoError(`${file}: missing "address"`, file);
  if (!isLoopbackAddress(o.address)) {
    // The token must never travel off the machine, whatever the file says.
    throw new DaemonInfoError(`${file}: address ${o.address} is not a loopback address`, file);
  }
  if (typeof o.token !== "string" || !o.token) throw new DaemonInfoError(`${file}: missing "token"`, file);
  if (typeof o.pid !== "number" || !Number.isInteger(o.pid) || o.pid <= 0) throw new DaemonInfoError(`${file}: missing or invalid "pid"`, file);
  return {
    address: o.address,
    token: o.token,
    pid: o.pid,
    socket: typeof o.socket === "string" ? o.socket : undefined,
    version: typeof o.version === "string" ? o.version : undefined,
  };
}

export function isLoopbackAddress(address: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  if (!m) return false;
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (!(port > 0 && port < 65536)) return false;
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
