import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";
import { credentialState, displayName, type ProviderCatalog } from "./providers";

export interface LensModel {
  /** 0-based line for the editor. */
  line: number;
  title: string;
  /** Command the lens runs and its single argument. */
  command: "patchbay.connectProvider" | "patchbay.checkCredentials";
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
