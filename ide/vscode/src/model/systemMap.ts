import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";
import type { MapEdge, MapNode } from "../gen/patchbay/v1/provision_pb";

/** A place in the workspace's code a map node comes from. */
export interface CodeRef {
  /** Relative to the workspace root. */
  path: string;
  /** 1-based. */
  line: number;
  /** What is there: "Stripe SDK", "reads STRIPE_SECRET_KEY", "webhook handler". */
  what: string;
}

const kindWords: Partial<Record<FindingKind, string>> = {
  [FindingKind.SDK_USAGE]: "SDK",
  [FindingKind.ENV_REFERENCE]: "reads",
  [FindingKind.WEBHOOK_HANDLER]: "webhook handler",
  [FindingKind.OAUTH_CALLBACK]: "OAuth callback",
  [FindingKind.MANIFEST_DEPENDENCY]: "dependency",
};

const MAX_REFS = 20;

/**
 * Where in the code each node of the system map comes from, from the
 * analysis the extension already holds (the map itself carries no
 * locations): a service's findings, a provider's SDK uses, an env var's
 * reads, and for a resource the webhook handlers or callbacks of its
 * provider when it calls back into a service, else its provider's SDK uses.
 * Environments have none.
 */
export function nodeCodeRefs(
  nodes: readonly MapNode[],
  edges: readonly MapEdge[],
  findings: readonly Finding[],
  providerName: (id: string) => string,
): Record<string, CodeRef[]> {
  const ref = (f: Finding): CodeRef | undefined => {
    if (!f.location?.path) return undefined;
    const word = kindWords[f.kind] ?? "finding";
    const what =
      f.detail.case === "envVar"
        ? `reads ${f.detail.value.name}`
        : f.kind === FindingKind.SDK_USAGE || f.kind === FindingKind.MANIFEST_DEPENDENCY
          ? `${f.provider ? providerName(f.provider) : ""} ${word}`.trim()
          : `${f.provider ? `${providerName(f.provider)} ` : ""}${word}`;
    return { path: f.location.path, line: f.location.startLine || 1, what };
  };
  const pick = (fs: Finding[]) => {
    const seen = new Set<string>();
    const out: CodeRef[] = [];
    for (const f of [...fs].sort((a, b) => (a.location?.path ?? "").localeCompare(b.location?.path ?? "") || (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0))) {
      const r = ref(f);
      if (!r || seen.has(`${r.path}:${r.line}`)) continue;
      seen.add(`${r.path}:${r.line}`);
      out.push(r);
      if (out.length >= MAX_REFS) break;
    }
    return out;
  };
  const callsBack = new Set(edges.filter((e) => e.kind === "calls_back").map((e) => e.from));
  const out: Record<string, CodeRef[]> = {};
  for (const n of nodes) {
    let fs: Finding[] = [];
    if (n.kind === "service") {
      const svc = n.attributes.path ?? n.id.replace(/^service:/, "");
      fs = findings.filter((f) => f.service === svc);
    } else if (n.kind === "provider") {
      const p = n.provider || n.id.replace(/^provider:/, "");
      fs = findings.filter((f) => f.provider === p && (f.kind === FindingKind.SDK_USAGE || f.kind === FindingKind.MANIFEST_DEPENDENCY));
    } else if (n.kind === "env_var") {
      const name = n.label;
      fs = findings.filter((f) => f.kind === FindingKind.ENV_REFERENCE && f.detail.case === "envVar" && f.detail.value.name === name);
    } else if (n.kind === "resource" && n.provider) {
      const mine = findings.filter((f) => f.provider === n.provider);
      const hooks = mine.filter((f) => f.kind === FindingKind.WEBHOOK_HANDLER || f.kind === FindingKind.OAUTH_CALLBACK);
      fs = callsBack.has(n.id) && hooks.length ? hooks : mine.filter((f) => f.kind === FindingKind.SDK_USAGE);
    }
    const refs = pick(fs);
    if (refs.length) out[n.id] = refs;
  }
  return out;
}
