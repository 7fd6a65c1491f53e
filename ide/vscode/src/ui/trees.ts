import * as path from "node:path";
import * as vscode from "vscode";
import type { CredentialProfile } from "../gen/patchbay/v1/credential_pb";
import { CheckStatus } from "../gen/patchbay/v1/credential_pb";
import type { DaemonState } from "../client/supervisor";
import { credentialRows, describeCheck, detectedProviders, permissionLines, type DaemonAvailability } from "../model/providers";
import { servicesTree, type TreeNodeModel } from "../model/services";
import type { DaemonStore } from "../model/store";

const icons: Record<TreeNodeModel["kind"], string> = {
  workspace: "root-folder",
  service: "package",
  provider: "plug",
  finding: "symbol-reference",
  routes: "list-tree",
  route: "globe",
  message: "info",
};

/** Services view: findings grouped by workspace, service and provider. */
export class ServicesTreeProvider implements vscode.TreeDataProvider<TreeNodeModel> {
  private readonly changed = new vscode.EventEmitter<TreeNodeModel | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly store: DaemonStore) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: TreeNodeModel): TreeNodeModel[] {
    if (element) return element.children;
    const roots = this.store.roots().sort();
    const perRoot = roots.map((root) => {
      const a = this.store.analysis(root)!;
      return { root, nodes: servicesTree(a, this.store.catalog) };
    });
    if (perRoot.length === 1) return perRoot[0].nodes;
    return perRoot.map(({ root, nodes }) => ({ id: root, label: path.basename(root), description: root, kind: "workspace", children: nodes }));
  }

  getTreeItem(n: TreeNodeModel): vscode.TreeItem {
    const item = new vscode.TreeItem(
      n.label,
      n.children.length
        ? n.kind === "finding" || n.kind === "routes"
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon(icons[n.kind]);
    item.contextValue = n.kind;
    if ((n.kind === "finding" || n.kind === "route") && n.root && n.location) {
      const uri = vscode.Uri.file(path.join(n.root, ...n.location.path.split("/")));
      const pos = new vscode.Position(Math.max(0, n.location.line - 1), Math.max(0, n.location.column - 1));
      item.resourceUri = uri;
      item.command = { title: "Open", command: "vscode.open", arguments: [uri, { selection: new vscode.Range(pos, pos) }] };
    }
    return item;
  }
}

export type CredentialNode =
  | { type: "provider"; provider: string; label: string; profiles: CredentialProfile[]; description: string }
  | { type: "profile"; provider: string; profile: CredentialProfile }
  | { type: "message"; label: string; command?: string; icon?: string };

export function daemonAvailability(s: DaemonState | undefined): DaemonAvailability {
  if (!s || s.kind === "ready") return "up";
  return s.kind === "starting" ? "starting" : "down";
}

/** Credentials view: providers from the catalogue, their saved profiles and status. */
export class CredentialsTreeProvider implements vscode.TreeDataProvider<CredentialNode> {
  private readonly changed = new vscode.EventEmitter<CredentialNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /** daemon: the supervisor's state; the view shows it while the daemon is not up. */
  constructor(
    private readonly store: DaemonStore,
    private readonly daemon: () => DaemonState | undefined = () => undefined,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: CredentialNode): CredentialNode[] {
    const cat = this.store.catalog;
    if (!element) {
      const up = daemonAvailability(this.daemon());
      const head: CredentialNode[] =
        up === "down"
          ? [{ type: "message", label: "Patchbay daemon not running: click to restart", command: "patchbay.restartDaemon", icon: "debug-disconnect" }]
          : up === "starting"
            ? [{ type: "message", label: "Patchbay daemon starting…", icon: "loading~spin" }]
            : cat.locked
              ? [{ type: "message", label: `Keyring (${cat.backend || "file"}) is locked: click to unlock`, command: "patchbay.unlockKeyring", icon: "lock" }]
              : [];
      const detected = detectedProviders(this.store.roots().flatMap((r) => this.store.analysis(r)?.findings ?? []));
      const rows = credentialRows(cat, detected, up);
      if (rows.length === 0) return up === "up" ? [...head, { type: "message", label: "No provider catalogue from the daemon yet" }] : head;
      return [...head, ...rows.map((r) => ({ type: "provider" as const, provider: r.provider, label: r.label, profiles: r.profiles, description: r.description }))];
    }
    if (element.type === "provider") return element.profiles.map((profile) => ({ type: "profile", provider: element.provider, profile }));
    return [];
  }

  getTreeItem(n: CredentialNode): vscode.TreeItem {
    switch (n.type) {
      case "message": {
        const item = new vscode.TreeItem(n.label);
        item.iconPath = new vscode.ThemeIcon(n.icon ?? "info");
        if (n.command) item.command = { title: n.label, command: n.command };
        return item;
      }
      case "provider": {
        const item = new vscode.TreeItem(n.label, n.profiles.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `cred:${n.provider}`;
        item.description = n.description;
        item.iconPath = new vscode.ThemeIcon("plug");
        item.contextValue = "credentialProvider";
        return item;
      }
      case "profile": {
        const p = n.profile;
        const status = p.lastCheck?.status ?? CheckStatus.UNSPECIFIED;
        const item = new vscode.TreeItem(p.profile || "default");
        item.id = `cred:${n.provider}:${p.profile}`;
        item.description = describeCheck(p.lastCheck);
        // Hints are masked by the daemon; nothing secret reaches the tree.
        const hints = Object.entries(p.hints).map(([k, v]) => `${k}: ${v}`);
        item.tooltip = [describeCheck(p.lastCheck), p.lastCheck?.account ? `Account: ${p.lastCheck.account}` : "", ...permissionLines(p.lastCheck), ...hints].filter(Boolean).join("\n");
        item.iconPath =
          status === CheckStatus.OK
            ? new vscode.ThemeIcon("pass", new vscode.ThemeColor("testing.iconPassed"))
            : status === CheckStatus.UNSPECIFIED
              ? new vscode.ThemeIcon("circle-outline")
              : new vscode.ThemeIcon("error", new vscode.ThemeColor("errorForeground"));
        item.contextValue = "credentialProfile";
        return item;
      }
    }
  }
}
