import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";
import { CheckStatus } from "../gen/patchbay/v1/credential_pb";
import { OperationState, StepAction, StepState, type Plan } from "../gen/patchbay/v1/provision_pb";

/**
 * Language-model tools for agent mode: the same daemon calls the CLI and
 * `patchbay mcp` make, answered as text for the model. Nothing here asks the
 * daemon for values, so no answer carries a secret. apply and destroy plan
 * first and ask the user through VS Code's confirmation (prepareInvocation),
 * showing the diff; the plan the user saw is the one applied.
 */

export interface WorkspaceInput {
  workspace?: string;
}
export interface EnvInput extends WorkspaceInput {
  environment?: string;
}
export interface CredentialInput extends WorkspaceInput {
  provider?: string;
  check?: boolean;
}

const kindWords: Record<number, string> = {
  [FindingKind.SDK_USAGE]: "SDK",
  [FindingKind.ENV_REFERENCE]: "env",
  [FindingKind.WEBHOOK_HANDLER]: "webhook",
  [FindingKind.OAUTH_CALLBACK]: "OAuth callback",
  [FindingKind.MANIFEST_DEPENDENCY]: "dependency",
};

function detail(f: Finding): string {
  switch (f.detail.case) {
    case "sdk":
      return `${f.detail.value.package} ${f.detail.value.symbol}`.trim();
    case "envVar":
      return `reads ${f.detail.value.name}`;
    case "webhook":
      return `${f.detail.value.method} ${f.detail.value.route}`.trim() + (f.detail.value.events.length ? ` handling ${f.detail.value.events.join(", ")}` : "");
    case "callback":
      return `callback ${f.detail.value.route}`;
    case "dependency":
      return `${f.detail.value.package} ${f.detail.value.version}`.trim();
    default:
      return "";
  }
}

const checkWords: Record<number, string> = {
  [CheckStatus.OK]: "ok",
  [CheckStatus.INVALID]: "invalid",
  [CheckStatus.EXPIRED]: "expired",
  [CheckStatus.INSUFFICIENT_PERMISSIONS]: "insufficient permissions",
  [CheckStatus.WRONG_TARGET]: "wrong target",
  [CheckStatus.MALFORMED]: "malformed",
  [CheckStatus.NETWORK]: "network error",
  [CheckStatus.OUTAGE]: "provider outage",
  [CheckStatus.RATE_LIMITED]: "rate limited",
  [CheckStatus.MISSING]: "missing",
};

export function planHasChanges(p: Plan): boolean {
  return p.steps.some((s) => s.action !== StepAction.NOOP);
}

export class AgentTools {
  /** Plans shown in a confirmation, by root#env#destroy, applied by the following invoke. */
  private confirmed = new Map<string, Plan>();

  constructor(
    private readonly clients: () => DaemonClients | undefined,
    private readonly root: () => string,
    private readonly selectedEnv: (root: string) => string | undefined,
  ) {}

  private c(): DaemonClients {
    const c = this.clients();
    if (!c) throw new Error("the Patchbay daemon is not connected");
    return c;
  }

  private ws(input: WorkspaceInput): string {
    const r = input.workspace?.trim() || this.root();
    if (!r) throw new Error("no workspace folder is open");
    return r;
  }

  private env(root: string, input: EnvInput): string {
    return input.environment?.trim() || this.selectedEnv(root) || "local";
  }

  async scan(input: WorkspaceInput, signal?: AbortSignal): Promise<string> {
    const root = this.ws(input);
    const res = await this.c().workspace.analyze({ root, changedPaths: [] }, { signal });
    const lines = [`${res.services.length} services, ${res.findings.length} findings in ${root}`];
    for (const s of res.services) lines.push(`Service ${s.name} (${s.path}, ${s.language}): ${s.providers.join(", ") || "no providers"}`);
    for (const f of res.findings) lines.push(`- ${f.location?.path}:${f.location?.startLine} ${f.provider} ${kindWords[f.kind] ?? ""}: ${detail(f)}`);
    return lines.join("\n");
  }

  async plan(input: EnvInput & { destroy?: boolean }, signal?: AbortSignal): Promise<string> {
    const root = this.ws(input);
    const env = this.env(root, input);
    const res = await this.c().provision.plan({ workspaceRoot: root, environment: env, destroy: !!input.destroy }, { signal });
    const p = res.plan;
    if (!p) throw new Error("the daemon returned no plan");
    return `${p.summary}\n${planHasChanges(p) ? `Plan ${p.id}. The patchbay_apply tool applies ${env} once the user confirms.` : "Nothing to change."}`;
  }

  async envCheck(input: EnvInput, signal?: AbortSignal): Promise<string> {
    const root = this.ws(input);
    const env = this.env(root, input);
    const res = await this.c().environment.getEnvironmentVariables({ workspaceRoot: root, environment: env, includeValues: false }, { signal });
    const ok = (v: (typeof res.variables)[number]) => v.satisfied || v.provided;
    const missing = res.variables.filter((v) => !ok(v));
    const lines = [`Environment ${env}: ${res.variables.length} variables, ${missing.length} missing`];
    for (const v of res.variables) {
      const who = v.service && v.service !== "." ? `${v.service}: ${v.name}` : v.name;
      lines.push(
        ok(v)
          ? `- ${who}: provided by ${v.source}`
          : `- ${who}: missing — ${v.source || "the code reads it but nothing provides it"}${v.fix ? `. Fix: ${v.fix}` : ""}`,
      );
    }
    if (missing.length) lines.push("Missing variables come from planning and applying the environment or from connecting the provider (Patchbay: Connect Provider…).");
    return lines.join("\n");
  }

  async credentialStatus(input: CredentialInput, signal?: AbortSignal): Promise<string> {
    const c = this.c();
    const res = await c.credential.listCredentials({ provider: input.provider ?? "" }, { signal });
    const lines = [`Keyring: ${res.backend}${res.locked ? " (locked: Patchbay: Unlock Keyring)" : ""}`];
    const have = new Set<string>();
    for (const p of res.profiles) {
      have.add(p.provider);
      let r = p.lastCheck;
      if (input.check) r = (await c.credential.checkCredentials({ provider: p.provider, profile: p.profile }, { signal })).result;
      const status = r && r.status !== CheckStatus.UNSPECIFIED ? (checkWords[r.status] ?? "unknown") : "not checked";
      lines.push(`- ${p.provider}/${p.profile}: ${status}${r?.summary ? ` — ${r.summary}` : ""}${r?.fix && r.status !== CheckStatus.OK ? ` Fix: ${r.fix}` : ""}`);
    }
    if (!res.profiles.length) lines.push("- no credentials configured");
    try {
      const a = await c.workspace.analyze({ root: this.ws(input), changedPaths: [] }, { signal });
      const used = [...new Set(a.services.flatMap((s) => s.providers))].filter((p) => !have.has(p) && (!input.provider || input.provider === p)).sort();
      if (used.length) lines.push(`Used by the code but not connected: ${used.join(", ")}. The user connects them with Patchbay: Connect Provider… — never ask for credential values in chat.`);
    } catch {
      // No workspace: the list above is the answer.
    }
    return lines.join("\n");
  }

  async systemMap(input: EnvInput, signal?: AbortSignal): Promise<string> {
    const root = this.ws(input);
    const m = await this.c().provision.getSystemMap({ workspaceRoot: root, environment: input.environment ?? "" }, { signal });
    const label = new Map(m.nodes.map((n) => [n.id, `${n.kind} ${n.label}`]));
    const lines = m.nodes.map((n) => `${n.kind} ${n.label}`);
    for (const e of m.edges) lines.push(`${label.get(e.from) ?? e.from} —${e.kind}→ ${label.get(e.to) ?? e.to}`);
    return lines.join("\n");
  }

  private key(root: string, env: string, destroy: boolean): string {
    return `${root}#${env}#${destroy}`;
  }

  /** Plans and returns the confirmation to show, or undefined when nothing would change. */
  async prepare(input: EnvInput, destroy: boolean, signal?: AbortSignal): Promise<{ title: string; message: string } | undefined> {
    const root = this.ws(input);
    const env = this.env(root, input);
    const res = await this.c().provision.plan({ workspaceRoot: root, environment: env, destroy }, { signal });
    const p = res.plan;
    if (!p || !planHasChanges(p)) {
      this.confirmed.delete(this.key(root, env, destroy));
      return undefined;
    }
    this.confirmed.set(this.key(root, env, destroy), p);
    return {
      title: destroy ? `Destroy everything Patchbay created for “${env}”?` : `Apply this plan to “${env}”?`,
      message: "```\n" + p.summary + "\n```",
    };
  }

  /** Applies the plan the user confirmed. */
  async apply(input: EnvInput, destroy: boolean, signal?: AbortSignal): Promise<string> {
    const root = this.ws(input);
    const env = this.env(root, input);
    const p = this.confirmed.get(this.key(root, env, destroy));
    this.confirmed.delete(this.key(root, env, destroy));
    if (!p) return destroy ? `Nothing to destroy in ${env}.` : `Nothing to apply: ${env} is up to date.`;
    const lines: string[] = [];
    let state = "ended without a result";
    for await (const r of this.c().provision.apply({ planId: p.id }, { signal })) {
      const pr = r.progress;
      if (!pr) continue;
      if (pr.message && (!pr.stepId || pr.stepState === StepState.DONE || pr.stepState === StepState.FAILED)) lines.push(pr.stepId ? `${pr.stepId}: ${pr.message}` : pr.message);
      if (pr.state === OperationState.COMPLETED) state = "completed";
      else if (pr.state === OperationState.FAILED) state = "failed";
      else if (pr.state === OperationState.CANCELED) state = "canceled";
    }
    return `The user confirmed; ${destroy ? "destroy" : "apply"} of ${env} ${state}.\n${lines.map((l) => `- ${l}`).join("\n")}`;
  }
}

type ToolFn<T> = (input: T, signal: AbortSignal) => Promise<string>;

function tool<T>(run: ToolFn<T>, prepare?: (input: T, signal: AbortSignal) => Promise<vscode.PreparedToolInvocation | undefined>): vscode.LanguageModelTool<T> {
  const withSignal = async <R>(token: vscode.CancellationToken, f: (s: AbortSignal) => Promise<R>): Promise<R> => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      return await f(ac.signal);
    } finally {
      sub.dispose();
    }
  };
  return {
    invoke: (options, token) =>
      withSignal(token, (s) => run(options.input, s)).then((text) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)])),
    ...(prepare ? { prepareInvocation: (options: vscode.LanguageModelToolInvocationPrepareOptions<T>, token: vscode.CancellationToken) => withSignal(token, (s) => prepare(options.input, s)) } : {}),
  };
}

/** Registers the tools package.json declares (contributes.languageModelTools); a host without vscode.lm gets none. */
export function registerLmTools(t: AgentTools): vscode.Disposable[] {
  if (!vscode.lm?.registerTool) return [];
  const confirm = (destroy: boolean) => async (input: EnvInput, s: AbortSignal): Promise<vscode.PreparedToolInvocation> => {
    const q = await t.prepare(input, destroy, s);
    if (!q) return { invocationMessage: "Nothing to change" };
    return {
      invocationMessage: destroy ? "Destroying with Patchbay…" : "Applying with Patchbay…",
      confirmationMessages: { title: q.title, message: new vscode.MarkdownString(q.message) },
    };
  };
  return [
    vscode.lm.registerTool<WorkspaceInput>("patchbay_scan", tool((i, s) => t.scan(i, s))),
    vscode.lm.registerTool<EnvInput & { destroy?: boolean }>("patchbay_plan", tool((i, s) => t.plan(i, s))),
    vscode.lm.registerTool<EnvInput>("patchbay_envCheck", tool((i, s) => t.envCheck(i, s))),
    vscode.lm.registerTool<CredentialInput>("patchbay_credentialStatus", tool((i, s) => t.credentialStatus(i, s))),
    vscode.lm.registerTool<EnvInput>("patchbay_systemMap", tool((i, s) => t.systemMap(i, s))),
    vscode.lm.registerTool<EnvInput>("patchbay_apply", tool((i, s) => t.apply(i, false, s), confirm(false))),
    vscode.lm.registerTool<EnvInput>("patchbay_destroy", tool((i, s) => t.apply(i, true, s), confirm(true))),
  ];
}
