import * as child_process from "node:child_process";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Event } from "../gen/patchbay/v1/daemon_pb";
import { BinaryNotFoundError, type ResolvedBinary } from "./binary";
import { checkDaemon, EXTENSION_API, readSpawnRecord, writeSpawnRecord, type DaemonMismatch, type ExpectedDaemon } from "./compat";
import { clientsFor, transportFor, type DaemonClients } from "./connection";
import { Emitter } from "./emitter";
import { DaemonInfoError, readDaemonInfo, type DaemonInfo } from "./home";
import { RestartPolicy } from "./restartPolicy";
import { ServerLoginError, serverTransport, type ServerLogin } from "./server";

export type DaemonState =
  | { kind: "stopped" }
  | { kind: "starting" }
  | {
      kind: "ready";
      version: string;
      pid: number;
      address: string;
      owned: boolean;
      /** Set when the daemon is not the one the extension expects (version or API); the extension reports it. */
      mismatch?: DaemonMismatch;
    }
  | { kind: "reconnecting"; reason: string; attempt: number; delayMs: number }
  | { kind: "failed"; reason: string };

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SupervisorOptions {
  /** PATCHBAY_HOME of the daemon to find or start. */
  home: string;
  /** Throws BinaryNotFoundError when no daemon binary can be found. */
  resolveBinary: () => ResolvedBinary;
  logger: Logger;
  policy?: RestartPolicy;
  /** Builds clients for a daemon; tests swap in an in-memory transport. */
  connect?: (info: DaemonInfo) => DaemonClients;
  spawn?: typeof child_process.spawn;
  /** How long a spawned daemon may take to write daemon.json and answer Version. */
  readyTimeoutMs?: number;
  /** Timeout of the Version probe that decides whether a daemon is alive. */
  probeTimeoutMs?: number;
  /** First delay before re-subscribing to a dropped event stream. */
  eventRetryMs?: number;
  /** Extra environment for the spawned daemon. */
  env?: NodeJS.ProcessEnv;
  /**
   * Set when the extension talks to a Patchbay server (patchbay.serverUrl)
   * instead of a local daemon: returns the login (throws ServerLoginError
   * when there is none). Nothing is spawned then.
   */
  server?: () => ServerLogin;
  /** Builds clients for a server login; tests swap it. */
  connectServer?: (login: ServerLogin) => DaemonClients;
  /**
   * The daemon the extension expects (API, bundled version). A running
   * daemon that differs is stopped and replaced once when an editor
   * extension started it (editor-daemon.json in PATCHBAY_HOME names its
   * pid); otherwise it is left running and reported in the ready state.
   */
  expected?: ExpectedDaemon;
}

interface Found {
  info: DaemonInfo;
  clients: DaemonClients;
  version: string;
  api: string;
}

/**
 * Owns the extension's link to the daemon: finds a running daemon through
 * daemon.json or spawns one, keeps the WatchEvents subscription alive, and
 * restarts a lost daemon within the bounds of a RestartPolicy. It holds no
 * domain logic; everything it reports comes from the daemon.
 */
export class DaemonSupervisor {
  private readonly opts: Required<Omit<SupervisorOptions, "env" | "server">> & Pick<SupervisorOptions, "env" | "server">;
  // A mismatched daemon is replaced at most once per start: two windows
  // with different extension versions must not take turns replacing it.
  private replacedMismatch = false;
  private stateValue: DaemonState = { kind: "stopped" };
  private clientsValue: DaemonClients | undefined;
  private child: child_process.ChildProcess | undefined;
  // Bumped on every (re)start and stop; async work started under an older
  // generation notices and backs off instead of clobbering newer state.
  private gen = 0;
  private timer: NodeJS.Timeout | undefined;
  private streamAbort: AbortController | undefined;
  private stopping = false;
  private stderrTail: string[] = [];

  readonly onState = new Emitter<DaemonState>();
  readonly onEvent = new Emitter<Event>();

  constructor(options: SupervisorOptions) {
    this.opts = {
      policy: new RestartPolicy(),
      connect: (info) => clientsFor(transportFor(info)),
      connectServer: (login) => clientsFor(serverTransport(login)),
      spawn: child_process.spawn,
      readyTimeoutMs: 15_000,
      probeTimeoutMs: 3_000,
      eventRetryMs: 500,
      ...options,
      expected: options.expected ?? { api: EXTENSION_API },
    };
  }

  get state(): DaemonState {
    return this.stateValue;
  }

  /** The clients of the current daemon, or undefined while it is not ready. */
  get clients(): DaemonClients | undefined {
    return this.clientsValue;
  }

  /** Pid of the daemon this supervisor spawned, if it is running. */
  get ownedPid(): number | undefined {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  start(): void {
    this.stopping = false;
    const gen = ++this.gen;
    this.setState({ kind: "starting" });
    void this.establish(gen);
  }

  /** Manual restart: forgets earlier crashes and starts over. */
  async restart(): Promise<void> {
    await this.stop();
    this.opts.policy.reset();
    this.replacedMismatch = false;
    this.start();
  }

  /**
   * Replaces the daemon with the extension's own: a daemon this supervisor
   * did not start is asked to shut down (DaemonService.Shutdown), then the
   * extension's binary is started. For the "Restart Daemon" answer to a
   * version mismatch.
   */
  async replace(): Promise<void> {
    const s = this.stateValue;
    const clients = this.clientsValue;
    await this.stop();
    if (s.kind === "ready" && !s.owned && clients && !this.opts.server) {
      try {
        await this.shutdownDaemon(clients, s.pid);
      } catch (err) {
        this.opts.logger.warn(`stopping daemon pid ${s.pid}: ${errorMessage(err)}`);
      }
    }
    this.opts.policy.reset();
    this.replacedMismatch = true;
    this.start();
  }

  /** Stops watching and terminates a daemon this supervisor spawned. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.gen++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.streamAbort?.abort();
    this.clientsValue = undefined;
    await this.terminateChild();
    this.setState({ kind: "stopped" });
  }

  /** Resolves with the next ready state, or rejects on failure or timeout. */
  waitReady(timeoutMs: number): Promise<Extract<DaemonState, { kind: "ready" }>> {
    return new Promise((resolve, reject) => {
      const check = (s: DaemonState) => {
        if (s.kind === "ready") {
          done();
          resolve(s);
        } else if (s.kind === "failed") {
          done();
          reject(new Error(s.reason));
        }
      };
      const sub = this.onState.on(check);
      const t = setTimeout(() => {
        done();
        reject(new Error(`daemon not ready after ${timeoutMs} ms (state: ${this.stateValue.kind})`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(t);
        sub.dispose();
      };
      check(this.stateValue);
    });
  }

  private setState(s: DaemonState): void {
    this.stateValue = s;
    this.onState.fire(s);
  }

  private async establish(gen: number): Promise<void> {
    if (this.opts.server) return this.establishServer(gen, this.opts.server);
    try {
      const existing = await this.tryExisting();
      if (gen !== this.gen) return;
      if (existing) {
        const mismatch = checkDaemon(this.opts.expected, existing);
        if (!mismatch) {
          this.becomeReady(gen, existing.info, existing.clients, existing.version, false);
          return;
        }
        const editors = readSpawnRecord(this.opts.home)?.pid === existing.info.pid;
        if (!editors || this.replacedMismatch) {
          this.opts.logger.warn(
            `daemon ${existing.version} (pid ${existing.info.pid}) is not the one this extension expects: ${mismatch.reason}; ${
              editors ? "it was replaced once already" : "it was not started by the editor (e.g. `patchbay daemon` in a terminal)"
            }, so it is left running`,
          );
          this.becomeReady(gen, existing.info, existing.clients, existing.version, false, mismatch);
          return;
        }
        this.replacedMismatch = true;
        this.opts.logger.warn(`daemon ${existing.version} (pid ${existing.info.pid}) was started by the editor, but ${mismatch.reason}: replacing it`);
        await this.shutdownDaemon(existing.clients, existing.info.pid);
        if (gen !== this.gen) return;
      }
      const bin = this.opts.resolveBinary();
      const child = this.spawnDaemon(bin);
      const started = await this.waitForChild(child, gen);
      if (gen !== this.gen) return;
      const mismatch = checkDaemon(this.opts.expected, started);
      if (mismatch) this.opts.logger.warn(`daemon started from ${bin.path} (${bin.source}) is not the one this extension expects: ${mismatch.reason}`);
      writeSpawnRecord(this.opts.home, { pid: started.info.pid, binary: bin.path, expected: this.opts.expected.version });
      this.becomeReady(gen, started.info, started.clients, started.version, true, mismatch);
    } catch (err) {
      if (gen !== this.gen) return;
      if (err instanceof BinaryNotFoundError) {
        // Retrying cannot find a binary that is not there.
        this.fail(err.message);
        return;
      }
      this.lost(errorMessage(err));
    }
  }

  /** Connects to a Patchbay server; a lost server is retried like a daemon, never spawned. */
  private async establishServer(gen: number, login: () => ServerLogin): Promise<void> {
    try {
      const l = login();
      const clients = this.opts.connectServer(l);
      const v = await clients.daemon.version({}, { timeoutMs: this.opts.probeTimeoutMs });
      if (gen !== this.gen) return;
      // A server is not ours to restart and has its own release cycle: only
      // an API the generated clients do not speak stops the connection.
      const mismatch = checkDaemon({ api: this.opts.expected.api }, v);
      if (mismatch) {
        this.fail(`the Patchbay server at ${l.url} (${v.version}) is not one this extension can use: ${mismatch.reason}; update the extension or the server`);
        return;
      }
      this.opts.logger.info(`connected to Patchbay server ${v.version} at ${l.url}${l.user ? ` as ${l.user}` : ""}`);
      this.clientsValue = clients;
      this.setState({ kind: "ready", version: v.version, pid: Number(v.pid), address: l.url, owned: false });
      void this.watchEvents(gen, clients);
    } catch (err) {
      if (gen !== this.gen) return;
      const code = err instanceof ConnectError ? err.code : undefined;
      if (err instanceof ServerLoginError || code === Code.Unauthenticated || code === Code.PermissionDenied) {
        // Retrying does not log anyone in.
        this.fail(errorMessage(err));
        return;
      }
      this.lost(`server unreachable: ${errorMessage(err)}`);
    }
  }

  /** Asks a daemon to shut down and waits until it no longer answers. */
  private async shutdownDaemon(clients: DaemonClients, pid: number): Promise<void> {
    await clients.daemon.shutdown({}, { timeoutMs: this.opts.probeTimeoutMs });
    const deadline = Date.now() + this.opts.readyTimeoutMs;
    for (;;) {
      try {
        await clients.daemon.version({}, { timeoutMs: this.opts.probeTimeoutMs });
      } catch {
        this.opts.logger.info(`daemon pid ${pid} stopped`);
        return;
      }
      if (Date.now() > deadline) throw new Error(`daemon pid ${pid} still answers ${this.opts.readyTimeoutMs} ms after Shutdown`);
      await sleep(100);
    }
  }

  private async tryExisting(): Promise<Found | undefined> {
    let info: DaemonInfo | undefined;
    try {
      info = readDaemonInfo(this.opts.home);
    } catch (err) {
      if (!(err instanceof DaemonInfoError)) throw err;
      this.opts.logger.warn(`ignoring ${err.file}: ${err.message}`);
      return undefined;
    }
    if (!info) return undefined;
    const clients = this.opts.connect(info);
    try {
      const v = await clients.daemon.version({}, { timeoutMs: this.opts.probeTimeoutMs });
      this.opts.logger.info(`connected to running daemon ${v.version} (pid ${v.pid}) at ${info.address}`);
      return { info, clients, version: v.version, api: v.api };
    } catch (err) {
      this.opts.logger.info(`daemon.json names pid ${info.pid} at ${info.address}, but it does not answer (${errorMessage(err)}); starting a new daemon`);
      return undefined;
    }
  }

  private spawnDaemon(bin: ResolvedBinary): child_process.ChildProcess {
    this.opts.logger.info(`starting ${bin.path} daemon (from ${bin.source}), PATCHBAY_HOME=${this.opts.home}`);
    this.stderrTail = [];
    const child = this.opts.spawn(bin.path, ["daemon"], {
      env: { ...process.env, ...this.opts.env, PATCHBAY_HOME: this.opts.home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const relay = (stream: NodeJS.ReadableStream | null, isErr: boolean) => {
      if (!stream) return;
      let buf = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, i).trimEnd();
          buf = buf.slice(i + 1);
          if (!line) continue;
          this.opts.logger.info(`[daemon] ${line}`);
          if (isErr) {
            this.stderrTail.push(line);
            if (this.stderrTail.length > 10) this.stderrTail.shift();
          }
        }
      });
    };
    relay(child.stdout, false);
    relay(child.stderr, true);
    return child;
  }

  private waitForChild(
    child: child_process.ChildProcess,
    gen: number,
  ): Promise<Found> {
    const deadline = Date.now() + this.opts.readyTimeoutMs;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, value?: Found) => {
        if (settled) return;
        settled = true;
        child.off("exit", onExit);
        child.off("error", onError);
        if (err) reject(err);
        else resolve(value!);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        const tail = this.stderrTail.length ? `: ${this.stderrTail.join(" | ")}` : "";
        finish(new Error(`daemon exited during start-up (${describeExit(code, signal)})${tail}`));
      };
      const onError = (err: Error) => finish(new Error(`cannot start daemon: ${err.message}`));
      child.once("exit", onExit);
      child.once("error", onError);
      const poll = async () => {
        if (settled) return;
        if (gen !== this.gen) return finish(new Error("superseded"));
        if (Date.now() > deadline) {
          child.kill("SIGKILL");
          return finish(new Error(`daemon did not become ready within ${this.opts.readyTimeoutMs} ms`));
        }
        try {
          const info = readDaemonInfo(this.opts.home);
          if (info && info.pid === child.pid) {
            const clients = this.opts.connect(info);
            const v = await clients.daemon.version({}, { timeoutMs: this.opts.probeTimeoutMs });
            this.opts.logger.info(`daemon ${v.version} (pid ${v.pid}) ready at ${info.address}`);
            return finish(undefined, { info, clients, version: v.version, api: v.api });
          }
        } catch {
          // Not ready yet: daemon.json half written or listener not accepting.
        }
        setTimeout(poll, 100);
      };
      setTimeout(poll, 50);
    });
  }

  private becomeReady(gen: number, info: DaemonInfo, clients: DaemonClients, version: string, owned: boolean, mismatch?: DaemonMismatch): void {
    this.clientsValue = clients;
    if (owned && this.child) {
      const child = this.child;
      child.once("exit", (code, signal) => {
        if (gen !== this.gen || this.stopping) return;
        const tail = this.stderrTail.length ? `: ${this.stderrTail.join(" | ")}` : "";
        this.lost(`daemon (pid ${child.pid}) exited (${describeExit(code, signal)})${tail}`);
      });
    }
    this.setState({ kind: "ready", version, pid: info.pid, address: info.address, owned, ...(mismatch ? { mismatch } : {}) });
    void this.watchEvents(gen, clients);
  }

  private async watchEvents(gen: number, clients: DaemonClients): Promise<void> {
    let backoff = this.opts.eventRetryMs;
    while (gen === this.gen && !this.stopping) {
      const ac = new AbortController();
      this.streamAbort = ac;
      let reason: string;
      let immediate = false;
      try {
        for await (const res of clients.daemon.watchEvents({}, { signal: ac.signal })) {
          backoff = this.opts.eventRetryMs;
          if (res.event) this.onEvent.fire(res.event);
        }
        reason = "event stream ended";
      } catch (err) {
        if (gen !== this.gen || this.stopping) return;
        reason = errorMessage(err);
        // The daemon drops subscribers that fall behind; the next
        // subscription starts with a fresh snapshot, so resubscribe now.
        immediate = ConnectError.from(err).code === Code.ResourceExhausted;
      }
      if (gen !== this.gen || this.stopping) return;
      this.opts.logger.warn(`event stream dropped (${reason}); resubscribing`);
      try {
        await clients.daemon.version({}, { timeoutMs: this.opts.probeTimeoutMs });
      } catch (err) {
        if (gen !== this.gen || this.stopping) return;
        this.lost(`daemon unreachable: ${errorMessage(err)}`);
        return;
      }
      if (!immediate) {
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private lost(reason: string): void {
    const gen = ++this.gen;
    this.streamAbort?.abort();
    this.clientsValue = undefined;
    void this.terminateChild();
    const d = this.opts.policy.recordLoss(Date.now());
    if (!d.allowed) {
      const minutes = Math.round(this.opts.policy.windowMs / 60_000);
      this.fail(`${reason} — gave up after ${this.opts.policy.maxRestarts} restarts within ${minutes} min`);
      return;
    }
    this.opts.logger.warn(`${reason}; restart ${d.count}/${this.opts.policy.maxRestarts} in ${d.delayMs} ms`);
    this.setState({ kind: "reconnecting", reason, attempt: d.count, delayMs: d.delayMs });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.establish(gen);
    }, d.delayMs);
  }

  private fail(reason: string): void {
    this.gen++;
    this.clientsValue = undefined;
    this.opts.logger.error(reason);
    this.setState({ kind: "failed", reason });
  }

  private async terminateChild(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 5000))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.opts.logger.warn(`daemon pid ${child.pid} ignored SIGTERM; killing it`);
      child.kill("SIGKILL");
      await exited;
    }
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ConnectError) return `${Code[err.code] ?? err.code}: ${err.rawMessage}`;
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
