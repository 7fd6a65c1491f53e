import * as fs from "node:fs";
import * as path from "node:path";
import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { bearerInterceptor } from "./connection";

/**
 * A login to a Patchbay server, as `patchbay login --server URL` writes it
 * to server.json (mode 0600) under PATCHBAY_HOME. The extension reads the
 * same file, so the token is never in a setting.
 */
export interface ServerLogin {
  url: string;
  /** The user's bearer token (pbu_…). Never log it. */
  token: string;
  /** PEM file trusted for the server's certificate; empty: system roots. */
  caFile?: string;
  /** Sent as Patchbay-Team with requests that name no team. */
  team?: string;
  user?: string;
}

export class ServerLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerLoginError";
  }
}

export function serverLoginPath(home: string): string {
  return path.join(home, "server.json");
}

function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** Reads the login for url; throws ServerLoginError saying how to log in. */
export function readServerLogin(home: string, url: string): ServerLogin {
  const file = serverLoginPath(home);
  const hint = `run "patchbay login --server ${url}" in a terminal (PATCHBAY_HOME=${home})`;
  if (!/^https:\/\/[^/]+/.test(url)) throw new ServerLoginError(`patchbay.serverUrl ${url} is not an https:// URL`);
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new ServerLoginError(`not logged in to ${url}: ${hint}`);
    throw new ServerLoginError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(raw) as Record<string, unknown>;
  } catch (err) {
    throw new ServerLoginError(`${file} is not valid JSON (${(err as Error).message}): ${hint}`);
  }
  if (typeof o.url !== "string" || typeof o.token !== "string" || !o.token) throw new ServerLoginError(`${file} has no login: ${hint}`);
  if (!sameServer(o.url, url)) throw new ServerLoginError(`logged in to ${o.url}, not ${url}: ${hint}`);
  return {
    url: o.url.replace(/\/+$/, ""),
    token: o.token,
    caFile: typeof o.ca_file === "string" && o.ca_file ? o.ca_file : undefined,
    team: typeof o.team === "string" && o.team ? o.team : undefined,
    user: typeof o.user === "string" ? o.user : undefined,
  };
}

function teamInterceptor(team: string): Interceptor {
  return (next) => async (req) => {
    if (!req.header.has("Patchbay-Team")) req.header.set("Patchbay-Team", team);
    return next(req);
  };
}

/** Connect over HTTPS to the server, trusting the login's CA file. */
export function serverTransport(login: ServerLogin): Transport {
  const interceptors = [bearerInterceptor(login.token)];
  if (login.team) interceptors.push(teamInterceptor(login.team));
  return createConnectTransport({
    baseUrl: login.url,
    httpVersion: "1.1",
    nodeOptions: login.caFile ? { ca: fs.readFileSync(login.caFile) } : {},
    interceptors,
  });
}
