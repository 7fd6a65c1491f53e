import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";
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

/**
 * One lens per SDK_USAGE finding in the file at relPath. The title names the
 * provider and the next action the credentials state calls for.
 */
export function sdkLenses(findings: readonly Finding[], relPath: string, catalog: ProviderCatalog): LensModel[] {
  const out: LensModel[] = [];
  for (const f of findings) {
    if (f.kind !== FindingKind.SDK_USAGE || !f.location || f.location.path !== relPath) continue;
    const name = displayName(catalog, f.provider);
    const state = f.provider ? credentialState(catalog, f.provider) : "none";
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
    out.push({
      line: Math.max(0, f.location.startLine - 1),
      title,
      command,
      provider: f.provider,
      findingId: f.id,
    });
  }
  out.sort((a, b) => a.line - b.line || a.title.localeCompare(b.title));
  return out;
}

/**
 * Lenses on webhook handlers and OAuth callback routes: they name the
 * resource the daemon would provision for them and run the plan flow.
 */
export function provisionLenses(findings: readonly Finding[], relPath: string, catalog: ProviderCatalog): LensModel[] {
  const out: LensModel[] = [];
  for (const f of findings) {
    if (!f.location || f.location.path !== relPath || !f.provider) continue;
    const name = displayName(catalog, f.provider);
    let title: string;
    if (f.kind === FindingKind.WEBHOOK_HANDLER && f.detail.case === "webhook") {
      const n = f.detail.value.events.length;
      title = `Provision ${name} webhook${n ? ` · ${n} event${n === 1 ? "" : "s"}` : ""}`;
    } else if (f.kind === FindingKind.OAUTH_CALLBACK && f.detail.case === "callback") {
      title = `Connect ${name} · callback ${f.detail.value.route}`;
    } else continue;
    out.push({ line: Math.max(0, f.location.startLine - 1), title, command: "patchbay.provision", provider: f.provider, findingId: f.id });
  }
  return out;
}
