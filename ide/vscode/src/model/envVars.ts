import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";
import type { EnvironmentVariable } from "../gen/patchbay/v1/environment_pb";

/** What the daemon says each environment of a workspace injects. */
export interface EnvView {
  environments: { name: string; variables: EnvironmentVariable[] }[];
}

export interface EnvVarStatus {
  name: string;
  perEnv: { env: string; provided: boolean; source: string; secret: boolean }[];
  providedAnywhere: boolean;
}

export function envVarStatus(name: string, view: EnvView): EnvVarStatus {
  const perEnv = view.environments.map((e) => {
    const v = e.variables.find((x) => x.name === name);
    return { env: e.name, provided: !!v?.provided, source: v?.source ?? "", secret: !!v?.secret };
  });
  return { name, perEnv, providedAnywhere: perEnv.some((p) => p.provided) };
}

export interface EnvDiagnostic {
  path: string;
  /** 0-based line and columns for the editor. */
  line: number;
  startColumn: number;
  endColumn: number;
  name: string;
  message: string;
}

/**
 * Warnings for variables the code reads that no environment provides. Only
 * when the workspace has environments at all: without any, every read would
 * warn and the warnings would say nothing.
 */
export function envDiagnostics(findings: readonly Finding[], view: EnvView): EnvDiagnostic[] {
  if (view.environments.length === 0) return [];
  const out: EnvDiagnostic[] = [];
  for (const f of findings) {
    if (f.kind !== FindingKind.ENV_REFERENCE || f.detail.case !== "envVar" || !f.location) continue;
    const { name, hasDefault } = f.detail.value;
    const st = envVarStatus(name, view);
    if (st.providedAnywhere) continue;
    const envs = view.environments.map((e) => e.name).join(", ");
    out.push({
      path: f.location.path,
      line: Math.max(0, f.location.startLine - 1),
      startColumn: Math.max(0, f.location.startColumn - 1),
      endColumn: f.location.endLine === f.location.startLine ? Math.max(0, f.location.endColumn - 1) : Math.max(0, f.location.startColumn - 1 + name.length),
      name,
      message: `${name} is read here but no Patchbay environment provides it (${envs})${hasDefault ? "; the code falls back to a default" : ""}.`,
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

/** Hover text for an env-var read: where each environment gets its value, or that it is missing. */
export function envHoverMarkdown(name: string, hasDefault: boolean, view: EnvView): string {
  const lines = [`**${mdEscape(name)}**${hasDefault ? " (the code has a default)" : ""}`, ""];
  if (view.environments.length === 0) {
    lines.push("No Patchbay environment is defined for this workspace yet.");
    return lines.join("\n");
  }
  const st = envVarStatus(name, view);
  for (const p of st.perEnv) {
    lines.push(
      p.provided
        ? `- \`${codeSpan(p.env)}\`: ✓ ${p.source ? mdEscape(p.source) : "provided"}${p.secret ? " (secret)" : ""}`
        : `- \`${codeSpan(p.env)}\`: ✗ missing`,
    );
  }
  return lines.join("\n");
}
