import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";
import { VariableSource } from "../gen/patchbay/v1/environment_pb";
import type { EnvView } from "./envVars";
import { credentialState, displayName, type ProviderCatalog } from "./providers";

export interface LensModel {
  /** 0-based line for the editor. */
  line: number;
  title: string;
  /** Command the lens runs and its single argument. */
  command: "patchbay.connectProvider" | "patchbay.checkCredentials" | "patchbay.provision";
  provider: string;
  findingId: string;
}

/** The findings of kinds in the file at relPath, in line order, grouped by provider (first seen first). */
function byProvider(findings: readonly Finding[], relPath: string, kinds: readonly FindingKind[]): Map<string, Finding[]> {
  const inFile = findings
    .filter((f) => kinds.includes(f.kind) && f.location?.path === relPath)
    .sort((a, b) => a.location!.startLine - b.location!.startLine || a.location!.startColumn - b.location!.startColumn);
  const out = new Map<string, Finding[]>();
  for (const f of inFile) {
    const list = out.get(f.provider);
    if (list) list.push(f);
    else out.set(f.provider, [f]);
  }
  return out;
}

/**
 * One lens per provider with SDK_USAGE findings in the file at relPath, on
 * its first finding (an import and a constructor make one lens, not two).
 * The title names the provider and the next action the credentials state
 * calls for.
 */
export function sdkLenses(findings: readonly Finding[], relPath: string, catalog: ProviderCatalog): LensModel[] {
  const out: LensModel[] = [];
  for (const [provider, fs] of byProvider(findings, relPath, [FindingKind.SDK_USAGE])) {
    const f = fs[0];
    const name = displayName(catalog, provider);
    const state = provider ? credentialState(catalog, provider) : "none";
    let title: string;
    let command: LensModel["command"] = "patchbay.connectProvider";
    switch (state) {
      case "ok":
        title = `${name} · Credentials OK ✓`;
        command = "patchbay.checkCredentials";
        break;
      case "invalid":
        title = `${name} · Credentials invalid ✗`;
        break;
      case "unchecked":
        title = `${name} · Check credentials`;
        command = "patchbay.checkCredentials";
        break;
      default:
        title = `${name} · Connect`;
    }
    out.push({ line: Math.max(0, f.location!.startLine - 1), title, command, provider, findingId: f.id });
  }
  out.sort((a, b) => a.line - b.line || a.title.localeCompare(b.title));
  return out;
}

/**
 * Environments of view where what the daemon provisions for provider is in
 * place: it binds at least one resource output of provider to a variable
 * of service, and provides every such variable. Read from the variables'
 * sources ("stripe webhook_endpoint we_123 webhook_secret"); an environment
 * the store has no variables for is not claimed either way.
 */
export function provisionedIn(view: EnvView | undefined, provider: string, service = ""): string[] {
  if (!view || !provider) return [];
  const out: string[] = [];
  for (const e of view.environments) {
    const outputs = e.variables.filter(
      (v) => v.kind === VariableSource.OUTPUT && v.source.startsWith(`${provider} `) && (!service || !v.service || v.service === service),
    );
    if (outputs.length && outputs.every((v) => v.provided)) out.push(e.name);
  }
  return out;
}

/**
 * One lens per provider with webhook handlers or OAuth callback routes in
 * the file, on its first one. The command plans the whole environment (the
 * daemon plans environments, not single resources), so the title says so;
 * once the store knows the provider's resources are provisioned (from the
 * environments' variables), the title says where.
 */
export function provisionLenses(findings: readonly Finding[], relPath: string, catalog: ProviderCatalog, env?: EnvView): LensModel[] {
  const out: LensModel[] = [];
  for (const [provider, fs] of byProvider(findings, relPath, [FindingKind.WEBHOOK_HANDLER, FindingKind.OAUTH_CALLBACK])) {
    if (!provider) continue;
    const name = displayName(catalog, provider);
    const hooks = fs.filter((f) => f.kind === FindingKind.WEBHOOK_HANDLER && f.detail.case === "webhook");
    const callbacks = fs.filter((f) => f.kind === FindingKind.OAUTH_CALLBACK && f.detail.case === "callback");
    const first = fs.find((f) => hooks.includes(f) || callbacks.includes(f));
    if (!first) continue;
    const parts: string[] = [];
    if (callbacks.length) {
      const routes = [...new Set(callbacks.map((f) => (f.detail.case === "callback" ? f.detail.value.route : "")).filter(Boolean))];
      parts.push(`Connect ${name} · callback${routes.length ? ` ${routes.join(", ")}` : ""}`);
    }
    if (hooks.length) {
      const events = new Set(hooks.flatMap((f) => (f.detail.case === "webhook" ? f.detail.value.events : [])));
      const n = events.size;
      parts.push(`${callbacks.length ? "webhook" : `${name} webhook`}${n ? ` · ${n} event${n === 1 ? "" : "s"}` : ""}`);
    }
    const done = provisionedIn(env, provider, first.service);
    if (done.length) parts.push(`provisioned in ${done.join(", ")} ✓`);
    parts.push("Plan environment");
    out.push({ line: Math.max(0, first.location!.startLine - 1), title: parts.join(" · "), command: "patchbay.provision", provider, findingId: first.id });
  }
  out.sort((a, b) => a.line - b.line || a.title.localeCompare(b.title));
  return out;
}
