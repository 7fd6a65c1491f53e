import { Code, ConnectError } from "@connectrpc/connect";
import type { DaemonClients } from "../client/connection";
import { Emitter } from "../client/emitter";
import { errorMessage, type Logger } from "../client/supervisor";
import { FindingKind } from "../gen/patchbay/v1/common_pb";
import type { CredentialRequest } from "../gen/patchbay/v1/credential_pb";
import type { Event } from "../gen/patchbay/v1/daemon_pb";
import { OperationState, type ApprovalOutcome, type ApprovalRequest } from "../gen/patchbay/v1/provision_pb";
import type { AnalyzeResponse, WatchResponse } from "../gen/patchbay/v1/workspace_pb";
import { applyDelta } from "./delta";
import type { EnvView } from "./envVars";
import { emptyCatalog, type ProviderCatalog } from "./providers";

/**
 * The extension's copy of daemon data: one analysis per workspace root, the
 * provider catalogue and pending credential requests. It only caches what the
 * daemon returns and decides nothing itself.
 */
export class DaemonStore {
  private analyses = new Map<string, AnalyzeResponse>();
  /** Per root, the analysis its Watch stream built: the one its next delta applies to. */
  private watched = new Map<string, AnalyzeResponse>();
  private envViews = new Map<string, EnvView>();
  private catalogValue: ProviderCatalog = emptyCatalog;
  private pending = new Map<string, CredentialRequest>();
  private approvals = new Map<string, ApprovalRequest>();
  private warnedUnimplemented = new Set<string>();

  readonly onAnalysis = new Emitter<string>();
  readonly onEnv = new Emitter<string>();
  readonly onCatalog = new Emitter<ProviderCatalog>();
  readonly onPending = new Emitter<CredentialRequest[]>();
  /** A credential request that arrived live (not from a snapshot). */
  readonly onNewRequest = new Emitter<CredentialRequest>();
  readonly onRequestClosed = new Emitter<{ id: string; outcome: string }>();
  /** A (re)subscription found requests already waiting: nobody opened a form for them in this window. */
  readonly onSnapshotPending = new Emitter<number>();
  readonly onCredentialsChanged = new Emitter<{ provider: string; profile: string; deleted: boolean }>();
  /** A tool (an MCP client, an agent) asks the user to approve a plan; also fired for requests a snapshot finds waiting. */
  readonly onApprovalRequest = new Emitter<ApprovalRequest>();
  readonly onApprovalClosed = new Emitter<{ id: string; outcome: ApprovalOutcome }>();

  constructor(
    private readonly clients: () => DaemonClients | undefined,
    private readonly log: Logger,
  ) {}

  analysis(root: string): AnalyzeResponse | undefined {
    return this.analyses.get(root);
  }

  envView(root: string): EnvView {
    return this.envViews.get(root) ?? { environments: [] };
  }

  /** Reloads which variables each environment of root provides (names and sources, never values). */
  async refreshEnv(root: string): Promise<void> {
    const c = this.clients();
    if (!c) return;
    const envs = await this.optional("EnvironmentService", "ListEnvironments", () => c.environment.listEnvironments({ workspaceRoot: root }));
    if (!envs) return;
    const environments = await Promise.all(
      envs.environments.map(async (e) => {
        const vars = await this.optional("EnvironmentService", "GetEnvironmentVariables", () =>
          c.environment.getEnvironmentVariables({ workspaceRoot: root, environment: e.name, includeValues: false }),
        );
        return { name: e.name, variables: vars?.variables ?? [] };
      }),
    );
    this.envViews.set(root, { environments });
    this.onEnv.fire(root);
  }

  roots(): string[] {
    return [...this.analyses.keys()];
  }

  get catalog(): ProviderCatalog {
    return this.catalogValue;
  }

  pendingRequests(): CredentialRequest[] {
    return [...this.pending.values()];
  }

  pendingApprovals(): ApprovalRequest[] {
    return [...this.approvals.values()];
  }

  forget(root: string): void {
    this.envViews.delete(root);
    this.watched.delete(root);
    if (this.analyses.delete(root)) this.onAnalysis.fire(root);
  }

  async analyze(root: string, changedPaths: string[] = [], signal?: AbortSignal): Promise<AnalyzeResponse | undefined> {
    const c = this.clients();
    if (!c) return undefined;
    const started = Date.now();
    const res = await c.workspace.analyze({ root, changedPaths }, { signal });
    const sdk = res.findings.filter((f) => f.kind === FindingKind.SDK_USAGE).length;
    this.log.info(
      `analyzed ${root}: ${res.services.length} services, ${res.findings.length} findings (${sdk} SDK), ${res.diagnostics.length} diagnostics in ${Date.now() - started} ms`,
    );
    this.analyses.set(root, res);
    this.onAnalysis.fire(root);
    return res;
  }

  /**
   * Keeps root's analysis current from WorkspaceService.Watch with deltas:
   * the first message is the whole analysis, each later one only what a
   * batch of file changes changed. Returns when the stream ends (signal
   * aborted, daemon gone); throws the stream's error.
   */
  async watch(root: string, signal: AbortSignal, onMessage?: (msg: WatchResponse) => void): Promise<void> {
    const c = this.clients();
    if (!c) return;
    for await (const msg of c.workspace.watch({ root, deltas: true }, { signal })) {
      this.applyWatch(root, msg);
      onMessage?.(msg);
    }
  }

  /** Applies one Watch message: a whole analysis, or a delta against the stream's previous one. */
  applyWatch(root: string, msg: WatchResponse): void {
    if (msg.analysis) {
      this.watched.set(root, msg.analysis);
      const sdk = msg.analysis.findings.filter((f) => f.kind === FindingKind.SDK_USAGE).length;
      this.log.info(`watching ${root}: ${msg.analysis.services.length} services, ${msg.analysis.findings.length} findings (${sdk} SDK)`);
    } else if (msg.delta) {
      const have = this.watched.get(root);
      if (!have) throw new Error(`Watch ${root}: a delta arrived before the analysis it applies to`);
      applyDelta(have, msg.delta);
    } else {
      return;
    }
    // Newer than whatever an Analyze call left here.
    this.analyses.set(root, this.watched.get(root)!);
    this.onAnalysis.fire(root);
  }

  /** Reloads the provider catalogue and saved profiles. */
  async refreshCatalog(): Promise<void> {
    const c = this.clients();
    if (!c) return;
    const [providers, creds] = await Promise.all([
      this.optional("CredentialService", "ListProviders", () => c.credential.listProviders({}).then((r) => r.providers)),
      this.optional("CredentialService", "ListCredentials", () => c.credential.listCredentials({})),
    ]);
    this.catalogValue = { providers: providers ?? [], profiles: creds?.profiles ?? [], backend: creds?.backend, locked: creds?.locked ?? false };
    this.onCatalog.fire(this.catalogValue);
  }

  /** Applies one event from DaemonService.WatchEvents. */
  handleEvent(ev: Event): { reanalyze?: string; refreshCatalog?: boolean; refreshEnv?: string } {
    switch (ev.payload.case) {
      case "snapshot": {
        // A snapshot starts every subscription, including resubscriptions
        // after a drop: it replaces whatever we believed before.
        const fresh = ev.payload.value.pendingCredentialRequests.filter((r) => !this.pending.has(r.id));
        this.pending = new Map(ev.payload.value.pendingCredentialRequests.map((r) => [r.id, r]));
        this.onPending.fire(this.pendingRequests());
        if (fresh.length) this.onSnapshotPending.fire(fresh.length);
        const freshApprovals = ev.payload.value.pendingApprovalRequests.filter((r) => !this.approvals.has(r.id));
        this.approvals = new Map(ev.payload.value.pendingApprovalRequests.map((r) => [r.id, r]));
        for (const r of freshApprovals) this.onApprovalRequest.fire(r);
        return { refreshCatalog: true };
      }
      case "analysisUpdated": {
        const ws = ev.payload.value.workspace;
        const mine = ws && this.analyses.get(ws.root);
        // Our own Analyze calls publish this event too; refetch only when
        // someone else's analysis changed what we show, so we never loop.
        if (mine && (mine.findings.length !== ws.findings || mine.services.length !== ws.services)) {
          return { reanalyze: ws.root };
        }
        return {};
      }
      case "credentialRequest":
        this.pending.set(ev.payload.value.id, ev.payload.value);
        this.onPending.fire(this.pendingRequests());
        this.onNewRequest.fire(ev.payload.value);
        return {};
      case "credentialRequestClosed":
        this.pending.delete(ev.payload.value.id);
        this.onPending.fire(this.pendingRequests());
        this.onRequestClosed.fire({ id: ev.payload.value.id, outcome: ev.payload.value.outcome });
        return {};
      case "approvalRequest":
        this.approvals.set(ev.payload.value.id, ev.payload.value);
        this.onApprovalRequest.fire(ev.payload.value);
        return {};
      case "approvalRequestClosed":
        this.approvals.delete(ev.payload.value.id);
        this.onApprovalClosed.fire({ id: ev.payload.value.id, outcome: ev.payload.value.outcome });
        return {};
      case "environmentChanged":
        // Created, edited or deleted by anyone (CLI, agent, another window).
        return { refreshEnv: ev.payload.value.workspaceRoot };
      case "operation": {
        // A finished apply or destroy changes resources and provided variables.
        const { state, kind } = ev.payload.value;
        const finished = state === OperationState.COMPLETED || state === OperationState.FAILED || state === OperationState.CANCELED;
        return finished && (kind === "apply" || kind === "destroy") ? { refreshEnv: "*" } : {};
      }
      case "credentialsChanged":
        this.onCredentialsChanged.fire({ provider: ev.payload.value.provider, profile: ev.payload.value.profile, deleted: ev.payload.value.deleted });
        // Values derived from a connection (STRIPE_SECRET_KEY, AUTH0_DOMAIN…)
        // come and go with it: the diagnostics and hovers follow.
        return { refreshCatalog: true, refreshEnv: "*" };
      default:
        return {};
    }
  }

  private async optional<T>(service: string, method: string, call: () => Promise<T>): Promise<T | undefined> {
    const name = `${service}.${method}`;
    try {
      return await call();
    } catch (err) {
      if (ConnectError.from(err).code === Code.Unimplemented) {
        if (!this.warnedUnimplemented.has(name)) {
          this.warnedUnimplemented.add(name);
          this.log.warn(`daemon does not implement ${name} yet; what depends on it is not shown`);
        }
        return undefined;
      }
      this.log.warn(`${name} failed: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
