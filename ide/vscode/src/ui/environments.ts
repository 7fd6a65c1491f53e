import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import type { Environment } from "../gen/patchbay/v1/environment_pb";
import type { DaemonStore } from "../model/store";

/** Environment names the daemon accepts (no spaces or slashes); checked here to say so before the round trip. */
const namePattern = /^[^\s/\\]+$/;

export function validateUrl(v: string, optional: boolean): string | undefined {
  const s = v.trim();
  if (!s) return optional ? undefined : "A URL is required";
  try {
    const u = new URL(s);
    if (u.protocol !== "http:" && u.protocol !== "https:") return "Use an http:// or https:// URL";
    return undefined;
  } catch {
    return `Not a URL: ${s}`;
  }
}

export function parseOrigins(v: string): string[] {
  return v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface EnvironmentDeps {
  clients: () => DaemonClients | undefined;
  store: DaemonStore;
  root: () => string | undefined;
  showError: (what: string, err: unknown) => void;
}

/**
 * Environments from the editor: create, edit URLs and origins, delete and
 * select. The daemon validates and stores them; its EnvironmentChanged event
 * refreshes the views in every window.
 */
export class EnvironmentCommands {
  private statusItem?: vscode.StatusBarItem;

  constructor(private readonly deps: EnvironmentDeps) {}

  /** Created on first render, right of the daemon's item. */
  private get status(): vscode.StatusBarItem {
    if (!this.statusItem) {
      this.statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 49);
      this.statusItem.name = "Patchbay environment";
    }
    return this.statusItem;
  }

  /** The selected environment of root: the setting when it names one, else local, else the only one. */
  selected(root: string): string | undefined {
    const names = this.deps.store.envView(root).environments.map((e) => e.name);
    const setting = (vscode.workspace.getConfiguration("patchbay").get<string>("terminalEnvironment", "") ?? "").trim();
    if (setting === "-") return undefined;
    if (setting && names.includes(setting)) return setting;
    if (names.includes("local")) return "local";
    return names.length === 1 ? names[0] : undefined;
  }

  renderStatus(): void {
    const root = this.deps.root();
    const envs = root ? this.deps.store.envView(root).environments : [];
    if (!root || !envs.length) {
      this.status.text = "$(server-environment) No environment";
      this.status.tooltip = "Patchbay: this workspace has no environments yet. Click to create one.";
      this.status.command = "patchbay.createEnvironment";
      this.status.show();
      return;
    }
    const sel = this.selected(root);
    this.status.text = `$(server-environment) ${sel ?? "none"}`;
    this.status.tooltip = `Patchbay environment: ${sel ?? "none selected"}. New terminals get its variables; Plan and Provision uses it. Click to select another.`;
    this.status.command = "patchbay.selectEnvironment";
    this.status.show();
  }

  dispose(): void {
    this.statusItem?.dispose();
  }

  async create(root = this.deps.root()): Promise<string | undefined> {
    const c = this.deps.clients();
    if (!c || !root) {
      void vscode.window.showErrorMessage("Patchbay: the daemon is not ready yet.");
      return undefined;
    }
    const existing = new Set(this.deps.store.envView(root).environments.map((e) => e.name));
    const name = await vscode.window.showInputBox({
      title: "Create Patchbay environment (1/4): name",
      prompt: "e.g. local, staging, prod",
      value: existing.has("local") ? "" : "local",
      ignoreFocusOut: true,
      validateInput: (v) =>
        !namePattern.test(v.trim()) ? "A name without spaces or slashes" : existing.has(v.trim()) ? `"${v.trim()}" exists already` : undefined,
    });
    if (!name) return undefined;
    const urls = await this.askUrls(`Create Patchbay environment`, { frontendUrl: name.trim() === "local" ? "http://localhost:3000" : "", apiUrl: "", extraOrigins: [] });
    if (!urls) return undefined;
    try {
      await c.environment.createEnvironment({ environment: { workspaceRoot: root, name: name.trim(), ...urls } });
      await this.deps.store.refreshEnv(root);
      if (!this.selected(root)) await this.select(root, name.trim());
      this.renderStatus();
      void vscode.window.showInformationMessage(`Patchbay: environment "${name.trim()}" created. Plan and provision it next.`, "Plan and Provision").then((ch) => {
        if (ch) void vscode.commands.executeCommand("patchbay.provision", { root, env: { name: name.trim() } });
      });
      return name.trim();
    } catch (err) {
      this.deps.showError(`creating environment ${name.trim()}`, err);
      return undefined;
    }
  }

  async edit(root = this.deps.root(), name?: string): Promise<void> {
    const c = this.deps.clients();
    if (!c || !root) return;
    const env = await this.pick(root, name, "Environment to edit");
    if (!env) return;
    const urls = await this.askUrls(`Edit environment ${env.name}`, env);
    if (!urls) return;
    try {
      await c.environment.updateEnvironment({ environment: { workspaceRoot: root, name: env.name, ...urls } });
      await this.deps.store.refreshEnv(root);
      void vscode.window.showInformationMessage(`Patchbay: ${env.name} updated. Plan again to bring the providers in step.`, "Plan and Provision").then((ch) => {
        if (ch) void vscode.commands.executeCommand("patchbay.provision", { root, env: { name: env.name } });
      });
    } catch (err) {
      this.deps.showError(`updating environment ${env.name}`, err);
    }
  }

  async remove(root = this.deps.root(), name?: string): Promise<void> {
    const c = this.deps.clients();
    if (!c || !root) return;
    const env = await this.pick(root, name, "Environment to delete");
    if (!env) return;
    const ok = await vscode.window.showWarningMessage(
      `Delete environment “${env.name}”? Patchbay forgets its URLs; resources it created must be destroyed first.`,
      { modal: true },
      "Delete",
    );
    if (ok !== "Delete") return;
    try {
      await c.environment.deleteEnvironment({ workspaceRoot: root, name: env.name });
      await this.deps.store.refreshEnv(root);
      this.renderStatus();
    } catch (err) {
      this.deps.showError(`deleting environment ${env.name}`, err);
    }
  }

  /** Selects the environment terminals, Plan and Provision and the status bar use. */
  async select(root = this.deps.root(), name?: string): Promise<string | undefined> {
    if (!root) return undefined;
    let pick = name;
    if (!pick) {
      const envs = this.deps.store.envView(root).environments;
      if (!envs.length) {
        const ch = await vscode.window.showInformationMessage("Patchbay: this workspace has no environments yet.", "Create Environment…");
        if (ch) return this.create(root);
        return undefined;
      }
      const current = this.selected(root);
      const items = envs.map((e) => ({ label: e.name, description: e.name === current ? "selected" : undefined }));
      pick = (await vscode.window.showQuickPick(items, { placeHolder: "Environment for terminals and provisioning" }))?.label;
    }
    if (!pick) return undefined;
    await vscode.workspace.getConfiguration("patchbay").update("terminalEnvironment", pick, vscode.ConfigurationTarget.Workspace);
    this.renderStatus();
    return pick;
  }

  private async pick(root: string, name: string | undefined, placeHolder: string): Promise<Environment | undefined> {
    const c = this.deps.clients();
    if (!c) return undefined;
    try {
      const res = await c.environment.listEnvironments({ workspaceRoot: root });
      if (name) return res.environments.find((e) => e.name === name);
      if (res.environments.length <= 1) return res.environments[0];
      const label = (await vscode.window.showQuickPick(res.environments.map((e) => e.name), { placeHolder })) ?? "";
      return res.environments.find((e) => e.name === label);
    } catch (err) {
      this.deps.showError("listing environments", err);
      return undefined;
    }
  }

  private async askUrls(title: string, cur: { frontendUrl: string; apiUrl: string; extraOrigins: string[] }) {
    const frontendUrl = await vscode.window.showInputBox({
      title: `${title}: frontend URL`,
      prompt: "Where users open the app (OAuth callbacks and allowed origins are built from it)",
      value: cur.frontendUrl,
      ignoreFocusOut: true,
      validateInput: (v) => validateUrl(v, true),
    });
    if (frontendUrl === undefined) return undefined;
    const apiUrl = await vscode.window.showInputBox({
      title: `${title}: API URL`,
      prompt: "Where providers call the backend (webhooks); empty: the frontend URL. Providers cannot reach localhost.",
      value: cur.apiUrl,
      ignoreFocusOut: true,
      validateInput: (v) => validateUrl(v, true),
    });
    if (apiUrl === undefined) return undefined;
    const origins = await vscode.window.showInputBox({
      title: `${title}: extra origins`,
      prompt: "More origins allowed to sign in, comma-separated (optional)",
      value: cur.extraOrigins.join(", "),
      ignoreFocusOut: true,
      validateInput: (v) => parseOrigins(v).map((o) => validateUrl(o, false)).find(Boolean),
    });
    if (origins === undefined) return undefined;
    return { frontendUrl: frontendUrl.trim(), apiUrl: apiUrl.trim(), extraOrigins: parseOrigins(origins) };
  }
}
