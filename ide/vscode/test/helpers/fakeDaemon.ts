// An in-memory daemon for unit tests: real generated service descriptors and
// a real Connect router, just no Go process. Integration tests use the real
// daemon instead.
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport, type Transport } from "@connectrpc/connect";
import { clientsFor, type DaemonClients } from "../../src/client/connection";
import type { DaemonInfo } from "../../src/client/home";
import {
  CheckStatus,
  CredentialService,
  type AnswerCredentialRequestRequest,
  type CredentialProfile,
  type ProviderInfo,
  type SaveCredentialsRequest,
  type StartOAuthRequest,
} from "../../src/gen/patchbay/v1/credential_pb";
import { ApiKeyService } from "../../src/gen/patchbay/v1/apikey_pb";
import { AssistantService, type AskResponse } from "../../src/gen/patchbay/v1/assistant_pb";
import { DaemonService, EventSchema, type Event } from "../../src/gen/patchbay/v1/daemon_pb";
import { EnvironmentService } from "../../src/gen/patchbay/v1/environment_pb";
import { OperationProgressSchema, PlanSchema, ProvisionService } from "../../src/gen/patchbay/v1/provision_pb";
import {
  AnalyzeResponseSchema,
  WatchResponseSchema,
  WorkspaceService,
  type AnalyzeRequest,
  type AnalyzeResponse,
  type WatchRequest,
} from "../../src/gen/patchbay/v1/workspace_pb";

class Queue<T> {
  private items: T[] = [];
  private waiter: ((v: T | undefined) => void) | undefined;
  closed: ConnectError | undefined;
  push(v: T) {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(v);
    } else this.items.push(v);
  }
  close(err: ConnectError) {
    this.closed = err;
    this.waiter?.(undefined);
  }
  next(signal: AbortSignal): Promise<T | undefined> {
    if (this.items.length) return Promise.resolve(this.items.shift());
    if (this.closed || signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
      signal.addEventListener("abort", () => resolve(undefined), { once: true });
    });
  }
}

export class FakeDaemon {
  alive = true;
  version = "1.2.3-test";
  /** VersionResponse.api. */
  api = "patchbay.v1";
  shutdownCalls = 0;
  pid = 4242;
  seq = 0n;
  analyses = new Map<string, MessageInitShape<typeof AnalyzeResponseSchema>>();
  analyzeCalls: AnalyzeRequest[] = [];
  /** When set, WorkspaceService.Watch streams: the root's analysis, then what watchPush sends. Otherwise Watch is Unimplemented, as on an older daemon. */
  watchEnabled = false;
  watchCalls: WatchRequest[] = [];
  private watchQueues = new Map<string, Set<Queue<MessageInitShape<typeof WatchResponseSchema>>>>();
  providers: MessageInitShape<typeof CredentialService.method.listProviders.output>["providers"] = [];
  profiles: MessageInitShape<typeof CredentialService.method.listCredentials.output>["profiles"] = [];
  /** When set, ListProviders/ListCredentials answer Unimplemented. */
  credentialsUnimplemented = false;
  saveCalls: SaveCredentialsRequest[] = [];
  answerCalls: AnswerCredentialRequestRequest[] = [];
  oauthCalls: StartOAuthRequest[] = [];
  unlockCalls: string[] = [];
  locked = false;
  subscriptions = 0;
  /** Requests the snapshot reports as already waiting. */
  pendingRequests: { id: string; provider: string; profile?: string; reason?: string }[] = [];
  environments: { name: string; frontendUrl?: string; apiUrl?: string; extraOrigins?: string[] }[] = [];
  envWrites: { op: "create" | "update" | "delete"; name: string; frontendUrl?: string; apiUrl?: string; extraOrigins?: string[] }[] = [];
  approvalAnswers: { id: string; approve: boolean }[] = [];
  /** Approval requests the snapshot reports as already waiting. */
  pendingApprovals: { id: string; planId: string; environment: string; requester: string; summary: string; destroy?: boolean }[] = [];
  /** Per environment name: the variables GetEnvironmentVariables returns. */
  envVars = new Map<string, { name: string; provided?: boolean; source?: string; secret?: boolean; service?: string; satisfied?: boolean; kind?: number; fix?: string }[]>();
  envVarCalls: { environment: string; includeValues: boolean }[] = [];
  plan: MessageInitShape<typeof PlanSchema> | undefined;
  /** Progress the Apply stream sends, in order. */
  applyProgress: MessageInitShape<typeof OperationProgressSchema>[] = [];
  planCalls: { workspaceRoot: string; environment: string }[] = [];
  applyCalls: string[] = [];
  askCalls: { question: string; workspaceRoot: string }[] = [];
  mapNodes: MessageInitShape<typeof ProvisionService.method.getSystemMap.output>["nodes"] = [];
  mapEdges: MessageInitShape<typeof ProvisionService.method.getSystemMap.output>["edges"] = [];
  apiKeys: MessageInitShape<typeof ApiKeyService.method.listApiKeys.output>["keys"] = [];
  deletedKeys: string[] = [];
  availableComponents: MessageInitShape<typeof ApiKeyService.method.listAvailableComponents.output>["components"] = [];
  answer: MessageInitShape<typeof AssistantService.method.ask.output>[] = [];
  private queues = new Set<Queue<Event>>();

  private checkAlive() {
    if (!this.alive) throw new ConnectError("connection refused", Code.Unavailable);
  }

  transport(): Transport {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const d = this;
    return createRouterTransport((router) => {
      router.service(DaemonService, {
        version() {
          d.checkAlive();
          return { version: d.version, api: d.api, pid: BigInt(d.pid) };
        },
        async *watchEvents(_req, ctx) {
          d.checkAlive();
          d.subscriptions++;
          const q = new Queue<Event>();
          d.queues.add(q);
          try {
            yield { event: create(EventSchema, { seq: ++d.seq, payload: { case: "snapshot", value: { version: d.version, pendingCredentialRequests: d.pendingRequests, pendingApprovalRequests: d.pendingApprovals } } }) };
            for (;;) {
              const ev = await q.next(ctx.signal);
              if (!ev) {
                if (q.closed) throw q.closed;
                return;
              }
              yield { event: ev };
            }
          } finally {
            d.queues.delete(q);
          }
        },
        shutdown() {
          // The real daemon answers, then stops serving.
          d.shutdownCalls++;
          setTimeout(() => d.crash(), 5);
          return {};
        },
      });
      router.service(WorkspaceService, {
        analyze(req) {
          d.checkAlive();
          d.analyzeCalls.push(req);
          const a = d.analyses.get(req.root);
          return a ?? { root: req.root };
        },
        async *watch(req, ctx) {
          d.checkAlive();
          if (!d.watchEnabled) throw new ConnectError("not implemented", Code.Unimplemented);
          d.watchCalls.push(req);
          const q = new Queue<MessageInitShape<typeof WatchResponseSchema>>();
          const qs = d.watchQueues.get(req.root) ?? new Set();
          d.watchQueues.set(req.root, qs.add(q));
          try {
            yield { analysis: d.analyses.get(req.root) ?? { root: req.root } };
            for (;;) {
              const m = await q.next(ctx.signal);
              if (!m) {
                if (q.closed) throw q.closed;
                return;
              }
              yield m;
            }
          } finally {
            qs.delete(q);
          }
        },
      });
      router.service(ApiKeyService, {
        listApiKeys() {
          d.checkAlive();
          return { keys: d.apiKeys };
        },
        listAvailableComponents() {
          d.checkAlive();
          return { components: d.availableComponents };
        },
        getApiKey(req) {
          const key = (d.apiKeys ?? []).find((k) => k.id === req.id && k.team === req.team);
          if (!key) throw new ConnectError(`api key ${req.id} not found`, Code.NotFound);
          return { key };
        },
        listApiKeyAudit: () => ({ entries: [] }),
        deleteApiKey(req) {
          d.deletedKeys.push(`${req.team}/${req.id}`);
          d.apiKeys = (d.apiKeys ?? []).filter((k) => k.id !== req.id);
          return {};
        },
      });
      router.service(AssistantService, {
        async *ask(req) {
          d.checkAlive();
          d.askCalls.push({ question: req.question, workspaceRoot: req.workspaceRoot });
          for (const a of d.answer) yield a;
        },
      });
      router.service(EnvironmentService, {
        listEnvironments(req) {
          d.checkAlive();
          return { environments: d.environments.map((e) => ({ workspaceRoot: req.workspaceRoot, ...e })) };
        },
        createEnvironment(req) {
          d.checkAlive();
          const e = req.environment!;
          if (d.environments.some((x) => x.name === e.name)) throw new ConnectError(`environment ${e.name} exists`, Code.AlreadyExists);
          d.environments.push({ name: e.name, frontendUrl: e.frontendUrl, apiUrl: e.apiUrl, extraOrigins: e.extraOrigins });
          d.envWrites.push({ op: "create", name: e.name, frontendUrl: e.frontendUrl, apiUrl: e.apiUrl, extraOrigins: e.extraOrigins });
          return { environment: e };
        },
        updateEnvironment(req) {
          d.checkAlive();
          const e = req.environment!;
          d.environments = d.environments.map((x) => (x.name === e.name ? { name: e.name, frontendUrl: e.frontendUrl, apiUrl: e.apiUrl, extraOrigins: e.extraOrigins } : x));
          d.envWrites.push({ op: "update", name: e.name, frontendUrl: e.frontendUrl, apiUrl: e.apiUrl, extraOrigins: e.extraOrigins });
          return { environment: e };
        },
        deleteEnvironment(req) {
          d.checkAlive();
          d.environments = d.environments.filter((x) => x.name !== req.name);
          d.envWrites.push({ op: "delete", name: req.name });
          return {};
        },
        getEnvironmentVariables(req) {
          d.checkAlive();
          d.envVarCalls.push({ environment: req.environment, includeValues: req.includeValues });
          return { variables: d.envVars.get(req.environment) ?? [] };
        },
      });
      router.service(ProvisionService, {
        plan(req) {
          d.checkAlive();
          d.planCalls.push({ workspaceRoot: req.workspaceRoot, environment: req.environment });
          if (!d.plan) throw new ConnectError("no engine", Code.Unimplemented);
          return { plan: { workspaceRoot: req.workspaceRoot, environment: req.environment, ...d.plan } };
        },
        getSystemMap() {
          d.checkAlive();
          return { nodes: d.mapNodes, edges: d.mapEdges };
        },
        answerApprovalRequest(req) {
          d.checkAlive();
          d.approvalAnswers.push({ id: req.id, approve: req.approve });
          return {};
        },
        async *apply(req) {
          d.checkAlive();
          d.applyCalls.push(req.planId);
          for (const p of d.applyProgress) yield { progress: p };
        },
      });
      router.service(CredentialService, {
        listProviders() {
          d.checkAlive();
          if (d.credentialsUnimplemented) throw new ConnectError("not implemented", Code.Unimplemented);
          return { providers: d.providers };
        },
        listCredentials() {
          d.checkAlive();
          if (d.credentialsUnimplemented) throw new ConnectError("not implemented", Code.Unimplemented);
          return { profiles: d.profiles, backend: "file", locked: d.locked };
        },
        saveCredentials(req) {
          d.saveCalls.push(req);
          return { saved: true, check: { status: CheckStatus.OK, summary: "acct_1 (test mode)" } };
        },
        startOAuth(req) {
          d.oauthCalls.push(req);
          return { authorizeUrl: `https://auth.example.test/authorize?state=st-${d.oauthCalls.length}`, state: `st-${d.oauthCalls.length}` };
        },
        unlockKeyring(req) {
          d.unlockCalls.push(req.passphrase);
          if (req.passphrase !== "right") throw new ConnectError("wrong passphrase", Code.PermissionDenied);
          d.locked = false;
          return { backend: "file" };
        },
        answerCredentialRequest(req) {
          d.answerCalls.push(req);
          return { saved: !req.cancel, check: { status: CheckStatus.OK, summary: "ok" } };
        },
      });
    });
  }

  clients(): DaemonClients {
    return clientsFor(this.transport());
  }

  publish(payload: MessageInitShape<typeof EventSchema>["payload"]): void {
    const ev = create(EventSchema, { seq: ++this.seq, payload });
    for (const q of this.queues) q.push(ev);
  }

  /** Ends every open stream with an error, as a daemon dropping a slow subscriber does. */
  dropStreams(code = Code.ResourceExhausted): void {
    for (const q of this.queues) q.close(new ConnectError("subscriber too slow", code));
    for (const qs of this.watchQueues.values()) for (const q of qs) q.close(new ConnectError("stream dropped", code));
  }

  /** Makes the daemon unreachable and breaks open streams. */
  crash(): void {
    this.alive = false;
    this.dropStreams(Code.Unavailable);
  }

  /** Sends m on every open Watch stream of root. */
  watchPush(root: string, m: MessageInitShape<typeof WatchResponseSchema>): void {
    for (const q of this.watchQueues.get(root) ?? []) q.push(m);
  }

  get openWatches(): number {
    let n = 0;
    for (const qs of this.watchQueues.values()) n += qs.size;
    return n;
  }

  get openStreams(): number {
    return this.queues.size;
  }
}

export function writeDaemonJson(home: string, info: Partial<DaemonInfo> = {}): DaemonInfo {
  const full: DaemonInfo = { address: "127.0.0.1:1", token: "t0ken", pid: 4242, version: "1.2.3-test", ...info };
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, "daemon.json"), JSON.stringify(full), { mode: 0o600 });
  return full;
}

/** A ChildProcess look-alike for the supervisor's injectable spawn. */
export class FakeChild extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  constructor(readonly pid: number) {
    super();
  }
  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    this.signalCode = signal;
    setImmediate(() => this.emit("exit", null, signal));
    return true;
  }
  /** Simulates a crash. */
  die(code = 2): void {
    this.exitCode = code;
    this.emit("exit", code, null);
  }
}


export type { AnalyzeResponse, AskResponse, CredentialProfile, ProviderInfo };

export function waitFor(cond: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
