import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import { errorMessage, type Logger } from "../client/supervisor";
import type { ApiKey } from "../gen/patchbay/v1/apikey_pb";
import type { Environment } from "../gen/patchbay/v1/environment_pb";
import type { MapNode } from "../gen/patchbay/v1/provision_pb";
import { Code, ConnectError } from "@connectrpc/connect";
import { displayName } from "../model/providers";
import type { DaemonStore } from "../model/store";

export type EnvNode =
  | { type: "environment"; root: string; env: Environment; resources: MapNode[] }
  | { type: "url"; label: string; url: string }
  | { type: "resource"; node: MapNode }
  | { type: "message"; label: string };

function unimplemented(err: unknown): boolean {
  return ConnectError.from(err).code === Code.Unimplemented;
}

/** Environments & Resources: per environment its URLs and the resources the daemon recorded. */
export class EnvironmentsTreeProvider implements vscode.TreeDataProvider<EnvNode> {
  private readonly changed = new vscode.EventEmitter<EnvNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly clients: () => DaemonClients | undefined,
    private readonly store: DaemonStore,
    private readonly log: Logger,
    private readonly selected: (root: string) => string | undefined = () => undefined,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: EnvNode): Promise<EnvNode[]> {
    if (element?.type === "environment") {
      const urls: EnvNode[] = [
        ...(element.env.frontendUrl ? [{ type: "url" as const, label: "Frontend", url: element.env.frontendUrl }] : []),
        ...(element.env.apiUrl ? [{ type: "url" as const, label: "API", url: element.env.apiUrl }] : []),
        ...element.env.extraOrigins.map((o) => ({ type: "url" as const, label: "Origin", url: o })),
      ];
      return [...urls, ...element.resources.map((node) => ({ type: "resource" as const, node }))];
    }
    if (element) return [];
    const c = this.clients();
    if (!c) return [{ type: "message", label: "Daemon not connected" }];
    const out: EnvNode[] = [];
    try {
      for (const root of this.store.roots().sort()) {
        const envs = await c.environment.listEnvironments({ workspaceRoot: root });
        for (const env of envs.environments) {
          let resources: MapNode[] = [];
          try {
            const map = await c.provision.getSystemMap({ workspaceRoot: root, environment: env.name });
            resources = map.nodes.filter((n) => n.kind === "resource");
          } catch (err) {
            if (!unimplemented(err)) this.log.warn(`GetSystemMap ${root} ${env.name}: ${errorMessage(err)}`);
          }
          out.push({ type: "environment", root, env, resources });
        }
      }
    } catch (err) {
      if (unimplemented(err)) return [{ type: "message", label: "The daemon does not serve environments yet" }];
      this.log.warn(`ListEnvironments: ${errorMessage(err)}`);
      return [{ type: "message", label: `Cannot list environments: ${errorMessage(err)}` }];
    }
    return out.length ? out : [{ type: "message", label: "No environments yet — create one with + above" }];
  }

  getTreeItem(n: EnvNode): vscode.TreeItem {
    switch (n.type) {
      case "environment": {
        const item = new vscode.TreeItem(n.env.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `env:${n.root}#${n.env.name}`;
        const sel = this.selected(n.root) === n.env.name;
        item.description = `${n.resources.length} resource${n.resources.length === 1 ? "" : "s"}${sel ? " · selected" : ""}`;
        item.tooltip = n.root;
        item.iconPath = new vscode.ThemeIcon(sel ? "pass-filled" : "server-environment");
        item.contextValue = "environment";
        return item;
      }
      case "url": {
        const item = new vscode.TreeItem(n.label);
        item.description = n.url;
        item.iconPath = new vscode.ThemeIcon("link");
        if (/^https?:\/\//.test(n.url)) item.command = { title: "Open", command: "vscode.open", arguments: [vscode.Uri.parse(n.url)] };
        return item;
      }
      case "resource": {
        const item = new vscode.TreeItem(n.node.label);
        item.id = `res:${n.node.id}`;
        item.description = displayName(this.store.catalog, n.node.provider);
        item.tooltip = Object.entries(n.node.attributes)
          .map(([k, v]) => `${k}: ${v}`)
          .join("\n");
        item.iconPath = new vscode.ThemeIcon("cloud");
        return item;
      }
      case "message": {
        const item = new vscode.TreeItem(n.label);
        item.iconPath = new vscode.ThemeIcon("info");
        return item;
      }
    }
  }
}

export type KeyNode =
  | { type: "team"; team: string }
  | { type: "key"; key: ApiKey }
  | { type: "grant"; text: string }
  | { type: "message"; label: string };

/** API Keys: scoped keys with their grants; the token itself is never known here. */
export class ApiKeysTreeProvider implements vscode.TreeDataProvider<KeyNode> {
  private readonly changed = new vscode.EventEmitter<KeyNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /**
   * @param teams the teams to show: the daemon lists keys per team and has no
   * list of teams, so this is "default", the `patchbay.apiKeyTeams` setting and
   * teams used in this window.
   */
  constructor(
    private readonly clients: () => DaemonClients | undefined,
    private readonly store: DaemonStore,
    private readonly teams: () => string[] = () => ["default"],
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: KeyNode): Promise<KeyNode[]> {
    if (element?.type === "team") return this.keysOf(element.team);
    if (element?.type === "key") {
      return element.key.grants.map((g) => ({
        type: "grant" as const,
        text: `${displayName(this.store.catalog, g.provider)}${g.profile ? ` (${g.profile})` : ""}: ${g.components.join(", ") || "nothing"}`,
      }));
    }
    if (element) return [];
    if (!this.clients()) return [{ type: "message", label: "Daemon not connected" }];
    const teams = [...new Set(this.teams())];
    if (teams.length > 1) return teams.map((team) => ({ type: "team" as const, team }));
    return this.keysOf(teams[0] ?? "");
  }

  private async keysOf(team: string): Promise<KeyNode[]> {
    const c = this.clients();
    if (!c) return [{ type: "message", label: "Daemon not connected" }];
    try {
      const res = await c.apiKey.listApiKeys({ team });
      return res.keys.length ? res.keys.map((key) => ({ type: "key" as const, key })) : [{ type: "message", label: "No API keys" }];
    } catch (err) {
      if (unimplemented(err)) return [{ type: "message", label: "The daemon does not serve API keys yet" }];
      return [{ type: "message", label: `Cannot list API keys: ${errorMessage(err)}` }];
    }
  }

  getTreeItem(n: KeyNode): vscode.TreeItem {
    switch (n.type) {
      case "team": {
        const item = new vscode.TreeItem(n.team, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `team:${n.team}`;
        item.description = "team";
        item.iconPath = new vscode.ThemeIcon("organization");
        return item;
      }
      case "key": {
        const item = new vscode.TreeItem(n.key.name || n.key.id, n.key.grants.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `key:${n.key.team}/${n.key.id}`;
        item.description = [n.key.tokenHint, n.key.team].filter(Boolean).join(" · ");
        item.iconPath = new vscode.ThemeIcon("key");
        item.contextValue = "apiKey";
        item.command = { command: "patchbay.showApiKey", title: "Show API Key", arguments: [n] };
        return item;
      }
      case "grant": {
        const item = new vscode.TreeItem(n.text);
        item.iconPath = new vscode.ThemeIcon("shield");
        return item;
      }
      case "message": {
        const item = new vscode.TreeItem(n.label);
        item.iconPath = new vscode.ThemeIcon("info");
        return item;
      }
    }
  }
}
