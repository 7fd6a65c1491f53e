import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";
import { VariableSource, type EnvironmentVariable } from "../gen/patchbay/v1/environment_pb";

/** What the daemon says each environment of a workspace injects. */
export interface EnvView {
  environments: { name: string; variables: EnvironmentVariable[] }[];
}

export interface EnvVarStatus {
  name: string;
  perEnv: { env: string; provided: boolean; satisfied: boolean; source: string; fix: string; secret: boolean; kind: VariableSource }[];
  providedAnywhere: boolean;
}

/** The variable of service (any service when undefined) in one environment. */
function lookup(vars: readonly EnvironmentVariable[], name: string, service?: string): EnvironmentVariable | undefined {
  return vars.find((x) => x.name === name && (service === undefined || x.service === service)) ?? (service === undefined ? undefined : vars.find((x) => x.name === name && !x.service));
}

export function envVarStatus(name: string, view: EnvView, service?: string): EnvVarStatus {
  const perEnv = view.environments.map((e) => {
    const v = lookup(e.variables, name, service);
    return {
      env: e.name,
      provided: !!v?.provided,
      satisfied: !!v?.satisfied || (!!v?.provided && v.kind === VariableSource.UNSPECIFIED),
      source: v?.source ?? "",
      fix: v?.fix ?? "",
      secret: !!v?.secret,
      kind: v?.kind ?? VariableSource.UNSPECIFIED,
    };
  });
  return { name, perEnv, providedAnywhere: perEnv.some((p) => p.provided) };
}

/**
 * The environment the editor works with: the one chosen for terminals, else
 * "local", else the first.
 */
export function selectedEnvironment(view: EnvView, chosen = ""): string | undefined {
  const names = view.environments.map((e) => e.name);
  if (chosen && names.includes(chosen)) return chosen;
  if (names.includes("local")) return "local";
  return names[0];
}

export interface EnvDiagnostic {
  path: string;
  /** 0-based line and columns for the editor. */
  line: number;
  startColumn: number;
  endColumn: number;
  name: string;
  message: string;
  /** Where the quick fixes act. */
  service: string;
  env: string;
  provider: string;
  /** The daemon's fix ("patchbay creds set stripe"). */
  fix: string;
  /** What the quick fixes offer. */
  fixes: EnvQuickFix[];
}

export type EnvQuickFix =
  | { kind: "generate"; title: string }
  | { kind: "set"; title: string; secret: boolean }
  | { kind: "connect"; title: string; provider: string }
  | { kind: "createEnvironment"; title: string };

/** Files that pass variables along rather than read them: never diagnosed. */
export function isInputFile(rel: string): boolean {
  const base = rel.split("/").pop() ?? rel;
  const lower = base.toLowerCase();
  return (
    base === ".env" ||
    base.startsWith(".env.") ||
    base.endsWith(".env") ||
    ((lower.startsWith("docker-compose") || lower.startsWith("compose")) && (lower.endsWith(".yml") || lower.endsWith(".yaml"))) ||
    base === "Dockerfile" ||
    base.startsWith("Dockerfile.") ||
    lower.endsWith(".dockerfile") ||
    rel.startsWith(".github/workflows/") ||
    rel.includes("/.github/workflows/") ||
    rel.startsWith(".circleci/") ||
    [".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".travis.yml"].includes(base)
  );
}

export function looksSecret(name: string): boolean {
  return /SECRET|TOKEN|PASSWORD|KEY|PRIVATE|CREDENTIAL/.test(name) && !/PUBLISHABLE|PUBLIC/.test(name);
}

function quickFixes(name: string, fix: string, kind: VariableSource, providerDisplay: (id: string) => string): EnvQuickFix[] {
  const out: EnvQuickFix[] = [];
  const creds = /patchbay creds set ([a-z0-9_-]+)/.exec(fix);
  if (creds) out.push({ kind: "connect", title: `Connect ${providerDisplay(creds[1])}`, provider: creds[1] });
  const userFix = /patchbay env set /.test(fix);
  if (kind === VariableSource.UNSATISFIED && userFix && looksSecret(name)) out.push({ kind: "generate", title: "Generate secret" });
  if (userFix) out.push({ kind: "set", title: "Set value…", secret: looksSecret(name) });
  return out;
}

/**
 * Warnings for code reads of variables that are not satisfied in the
 * selected environment (never on example, compose, Docker or CI files),
 * each with its quick fixes. Without any environment, provider variables
 * get one hint each to create one.
 */
export function envDiagnostics(
  findings: readonly Finding[],
  view: EnvView,
  opts: { chosen?: string; providerDisplay?: (id: string) => string } = {},
): EnvDiagnostic[] {
  const display = opts.providerDisplay ?? ((id: string) => id);
  const env = selectedEnvironment(view, opts.chosen);
  const out: EnvDiagnostic[] = [];
  for (const f of findings) {
    if (f.kind !== FindingKind.ENV_REFERENCE || f.detail.case !== "envVar" || !f.location) continue;
    const { name, source } = f.detail.value;
    if ((source && source !== "code") || isInputFile(f.location.path)) continue;
    const at = {
      path: f.location.path,
      line: Math.max(0, f.location.startLine - 1),
      startColumn: Math.max(0, f.location.startColumn - 1),
      endColumn: f.location.endLine === f.location.startLine ? Math.max(0, f.location.endColumn - 1) : Math.max(0, f.location.startColumn - 1 + name.length),
      name,
      service: f.service || ".",
      provider: f.provider,
    };
    if (!env) {
      if (!f.provider) continue;
      out.push({ ...at, env: "", fix: "", message: `${name}: this workspace has no Patchbay environment yet, so nothing provides it.`, fixes: [{ kind: "createEnvironment", title: "Create environment" }] });
      continue;
    }
    const vars = view.environments.find((e) => e.name === env)?.variables ?? [];
    const v = lookup(vars, name, at.service);
    if (!v || v.satisfied || (v.provided && v.kind === VariableSource.UNSPECIFIED)) continue;
    const why = v.source ? `: ${v.source}` : "";
    out.push({
      ...at,
      env,
      fix: v.fix,
      message: `${name} has no value in environment ${env}${why}.${v.fix ? ` Fix: ${v.fix}` : ""}`,
      fixes: quickFixes(name, v.fix, v.kind, display),
    });
  }
  return out;
}

function mdEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

function codeSpan(s: string): string {
  return s.replace(/`/g, "'");
}

const kindWords: Record<number, string> = {
  [VariableSource.OUTPUT]: "provisioned",
  [VariableSource.CREDENTIAL]: "from your connection",
  [VariableSource.GENERATED]: "generated",
  [VariableSource.URL]: "environment URL",
  [VariableSource.PLATFORM]: "platform",
  [VariableSource.USER]: "set by you",
  [VariableSource.DEFAULT]: "default",
  [VariableSource.LOCAL_FORWARD]: "local forwarding",
};

/** Hover text for an env-var read: where each environment's value comes from, or why it has none and the fix. */
export function envHoverMarkdown(name: string, hasDefault: boolean, view: EnvView, service?: string): string {
  const lines = [`**${mdEscape(name)}**${hasDefault ? " (the code has a default)" : ""}`, ""];
  if (view.environments.length === 0) {
    lines.push("No Patchbay environment is defined for this workspace yet.");
    return lines.join("\n");
  }
  const st = envVarStatus(name, view, service);
  for (const p of st.perEnv) {
    const kind = kindWords[p.kind] ? ` (${kindWords[p.kind]})` : "";
    if (p.satisfied || p.provided) {
      lines.push(`- \`${codeSpan(p.env)}\`: ✓ ${p.source ? mdEscape(p.source) : "provided"}${kind}${p.secret ? " (secret)" : ""}`);
    } else {
      lines.push(`- \`${codeSpan(p.env)}\`: ✗ ${p.source ? mdEscape(p.source) : "missing"}${p.fix ? ` — fix: \`${codeSpan(p.fix)}\`` : ""}`);
    }
  }
  return lines.join("\n");
}
