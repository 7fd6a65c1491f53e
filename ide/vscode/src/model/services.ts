import { FindingKind, type Finding, type Route, type Service } from "../gen/patchbay/v1/common_pb";
import type { AnalyzeResponse } from "../gen/patchbay/v1/workspace_pb";
import { displayName, type ProviderCatalog } from "./providers";

/** A node of the Services tree: plain data, rendered by the view. */
export interface TreeNodeModel {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  kind: "workspace" | "service" | "provider" | "finding" | "routes" | "route" | "message";
  children: TreeNodeModel[];
  /** For findings: where to jump. */
  root?: string;
  location?: { path: string; line: number; column: number };
}

const kindLabels: Record<number, string> = {
  [FindingKind.SDK_USAGE]: "SDK",
  [FindingKind.ENV_REFERENCE]: "env",
  [FindingKind.WEBHOOK_HANDLER]: "webhook",
  [FindingKind.OAUTH_CALLBACK]: "callback",
  [FindingKind.MANIFEST_DEPENDENCY]: "dependency",
};

export function findingLabel(f: Finding): string {
  switch (f.detail.case) {
    case "sdk":
      return f.detail.value.package || f.evidence;
    case "envVar":
      return f.detail.value.name;
    case "webhook":
      return `${f.detail.value.method || "POST"} ${f.detail.value.route}`;
    case "callback":
      return f.detail.value.route;
    case "dependency":
      return `${f.detail.value.package}${f.detail.value.version ? "@" + f.detail.value.version : ""}`;
    default:
      return f.evidence || f.id;
  }
}

/**
 * Groups one workspace's findings by service, then by provider. Findings
 * whose service is not among the reported services land under a synthetic
 * node for their directory so nothing the daemon reports is hidden.
 */
export function servicesTree(analysis: AnalyzeResponse, catalog: ProviderCatalog): TreeNodeModel[] {
  const byService = new Map<string, Finding[]>();
  for (const f of analysis.findings) {
    const key = f.service || ".";
    let list = byService.get(key);
    if (!list) byService.set(key, (list = []));
    list.push(f);
  }
  const services = new Map<string, Service | undefined>();
  for (const s of analysis.services) services.set(s.path || ".", s);
  for (const key of byService.keys()) if (!services.has(key)) services.set(key, undefined);

  const nodes: TreeNodeModel[] = [];
  for (const [path, svc] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
    const findings = byService.get(path) ?? [];
    const byProvider = new Map<string, Finding[]>();
    for (const f of findings) {
      const p = f.provider || "";
      let list = byProvider.get(p);
      if (!list) byProvider.set(p, (list = []));
      list.push(f);
    }
    const providerNodes: TreeNodeModel[] = [...byProvider]
      .sort(([a], [b]) => (a === "") !== (b === "") ? (a === "" ? 1 : -1) : a.localeCompare(b))
      .map(([provider, fs]) => ({
        id: `${analysis.root}#${path}#${provider}`,
        label: provider ? displayName(catalog, provider) : "Unattributed",
        description: `${fs.length} finding${fs.length === 1 ? "" : "s"}`,
        kind: "provider" as const,
        children: fs
          .slice()
          .sort((a, b) => (a.location?.path ?? "").localeCompare(b.location?.path ?? "") || (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0))
          .map((f) => ({
            id: `${analysis.root}#${f.id}`,
            label: findingLabel(f),
            description: `${kindLabels[f.kind] ?? "finding"} · ${f.location?.path ?? ""}:${f.location?.startLine ?? 0}`,
            tooltip: f.evidence,
            kind: "finding" as const,
            children: [],
            root: analysis.root,
            location: f.location ? { path: f.location.path, line: f.location.startLine, column: f.location.startColumn } : undefined,
          })),
      }));
    const routes = svc?.routes.length ? [routesNode(analysis.root, path, svc.routes)] : [];
    const desc = svc ? [svc.language, ...svc.frameworks].filter(Boolean).join(" · ") : "";
    nodes.push({
      id: `${analysis.root}#${path}`,
      label: svc?.name || (path === "." ? "(workspace root)" : path),
      description: desc || path,
      tooltip: svc?.manifests.length ? `Manifests: ${svc.manifests.join(", ")}` : undefined,
      kind: "service",
      children: [
        ...(providerNodes.length
          ? providerNodes
          : [{ id: `${analysis.root}#${path}#none`, label: "No provider usage found", kind: "message" as const, children: [] }]),
        ...routes,
      ],
    });
  }
  return nodes;
}

const routeSources: Record<string, string> = { code: "declared in code", file: "file-system route", library: "served by a library" };

/** A service's routes: every route it serves, full path, where declared. */
function routesNode(root: string, service: string, routes: Route[]): TreeNodeModel {
  return {
    id: `${root}#${service}#routes`,
    label: "Routes",
    description: `${routes.length} route${routes.length === 1 ? "" : "s"}`,
    kind: "routes",
    children: routes.map((r, i) => {
      const at = r.location ? `${r.location.path}:${r.location.startLine}` : "";
      const mounts = r.mounts.map((m) => `${m.path}:${m.startLine}`);
      return {
        id: `${root}#${service}#route#${i}#${r.method} ${r.path}`,
        label: `${r.method || "ANY"} ${r.path}`,
        description: [routeSources[r.source] ?? r.source, at].filter(Boolean).join(" · "),
        tooltip: mounts.length ? `Mounted at ${mounts.join(", ")}` : undefined,
        kind: "route" as const,
        children: [],
        root,
        location: r.location ? { path: r.location.path, line: r.location.startLine, column: r.location.startColumn } : undefined,
      };
    }),
  };
}
