import { Code, ConnectError } from "@connectrpc/connect";
import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import { errorMessage, type Logger } from "../client/supervisor";
import { OperationState, StepState, type Plan } from "../gen/patchbay/v1/provision_pb";
import { displayName } from "../model/providers";
import type { DaemonStore } from "../model/store";
import { openAtLine } from "./openFile";
import { newNonce } from "./page";
import { actionableSteps, renderPlan, type PlanFormMessage, type PlanPanelMessage } from "./planView";

export interface ProvisionDeps {
  clients: () => DaemonClients | undefined;
  store: DaemonStore;
  log: Logger;
  showError: (what: string, err: unknown) => void;
  /** The environment selected in the editor (status bar), if any. */
  selected?: (root: string) => string | undefined;
  /** Creates an environment (the Create Environment flow); its name, or undefined when the user gave up. */
  createEnvironment?: (root: string) => Promise<string | undefined>;
}

const stepStates: Record<number, string> = {
  [StepState.PENDING]: "pending",
  [StepState.RUNNING]: "running",
  [StepState.DONE]: "done",
  [StepState.FAILED]: "failed",
  [StepState.SKIPPED]: "skipped",
};

/**
 * The plan → approve → apply flow a provisioning lens names. Every decision
 * (what to create, in which order) is the daemon's; this shows its plan and
 * relays the user's approval and the apply progress.
 */
export class ProvisionFlow {
  private panels = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly deps: ProvisionDeps) {}

  /** Plans (destroy: the removal of everything the environment created) and shows the plan to approve. */
  async run(root: string | undefined, environment?: string, destroy = false): Promise<void> {
    const c = this.deps.clients();
    if (!c) {
      void vscode.window.showErrorMessage("Patchbay: the daemon is not ready yet.");
      return;
    }
    const workspaceRoot = root ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!workspaceRoot) return;
    try {
      const env = environment ?? (await this.pickEnvironment(c, workspaceRoot));
      if (!env) return;
      const plan = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Patchbay: planning ${destroy ? "the removal of " : ""}${env}…`, cancellable: true },
        (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          // Missing or invalid credentials come back as a credential
          // request (the form opens) and the plan waits for the answer.
          return c.provision.plan({ workspaceRoot, environment: env, destroy, askForCredentials: true }, { signal: ac.signal });
        },
      );
      if (!plan.plan) throw new Error("the daemon returned no plan");
      this.deps.log.info(`plan ${plan.plan.id} for ${workspaceRoot} (${env}): ${actionableSteps(plan.plan)} change(s)`);
      this.show(plan.plan);
    } catch (err) {
      if (ConnectError.from(err).code === Code.Canceled) return;
      this.deps.showError("planning", err);
    }
  }

  private async pickEnvironment(c: DaemonClients, workspaceRoot: string): Promise<string | undefined> {
    const res = await c.environment.listEnvironments({ workspaceRoot });
    if (res.environments.length === 0) {
      const create = "Create Environment…";
      const ch = await vscode.window.showInformationMessage(`Patchbay: ${workspaceRoot} has no environments yet. Create one (e.g. "local" with its URLs) to provision it.`, create);
      return ch === create ? this.deps.createEnvironment?.(workspaceRoot) : undefined;
    }
    if (res.environments.length === 1) return res.environments[0].name;
    const sel = this.deps.selected?.(workspaceRoot);
    if (sel && res.environments.some((e) => e.name === sel)) return sel;
    const pick = await vscode.window.showQuickPick(
      res.environments.map((e) => ({ label: e.name, description: [e.frontendUrl, e.apiUrl].filter(Boolean).join(" · ") })),
      { placeHolder: "Environment to provision" },
    );
    return pick?.label;
  }

  /** Opens (or replaces) the plan panel for the plan's environment. */
  show(plan: Plan): vscode.WebviewPanel {
    const key = `${plan.workspaceRoot}#${plan.environment}`;
    this.panels.get(key)?.dispose();
    const panel = vscode.window.createWebviewPanel("patchbay.plan", `Patchbay plan · ${plan.environment}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
      // Apply progress arrives as messages; a hidden tab must keep the page
      // (and its step states) alive. The page holds no secrets.
      retainContextWhenHidden: true,
    });
    this.panels.set(key, panel);
    let apply: AbortController | undefined;
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    panel.webview.html = renderPlan({
      plan,
      cspSource: panel.webview.cspSource,
      nonce: newNonce(),
      providerName: (id) => displayName(this.deps.store.catalog, id),
    });
    panel.webview.onDidReceiveMessage((m: PlanFormMessage) => {
      if (m?.type === "open") {
        void openAtLine(plan.workspaceRoot, m.path, m.line).catch((err) => this.deps.showError(`opening ${String(m.path)}`, err));
      } else if (m?.type === "cancel") {
        apply?.abort();
        panel.dispose();
      } else if (m?.type === "approve" && !apply) {
        apply = new AbortController();
        void this.apply(plan, panel, apply);
      }
    });
    return panel;
  }

  private async apply(plan: Plan, panel: vscode.WebviewPanel, ac: AbortController): Promise<void> {
    const c = this.deps.clients();
    const post = (m: PlanPanelMessage) => void panel.webview.postMessage(m);
    if (!c) {
      post({ type: "finished", state: "failed", message: "the daemon is not connected" });
      return;
    }
    let final: PlanPanelMessage & { type: "finished" } = { type: "finished", state: "failed", message: "the apply stream ended without a result" };
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Patchbay: applying ${plan.environment}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => ac.abort());
        let lastDone = 0;
        try {
          for await (const res of c.provision.apply({ planId: plan.id }, { signal: ac.signal })) {
            const p = res.progress;
            if (!p) continue;
            post({ type: "progress", stepId: p.stepId, state: stepStates[p.stepState] ?? "pending", message: p.message, done: p.done, total: p.total });
            if (p.total) {
              progress.report({ message: p.message, increment: ((p.done - lastDone) / p.total) * 100 });
              lastDone = p.done;
            } else if (p.message) progress.report({ message: p.message });
            if (p.state === OperationState.COMPLETED) final = { type: "finished", state: "completed", message: p.message };
            else if (p.state === OperationState.FAILED) final = { type: "finished", state: "failed", message: p.message };
            else if (p.state === OperationState.CANCELED) final = { type: "finished", state: "canceled", message: p.message };
          }
        } catch (err) {
          final =
            ConnectError.from(err).code === Code.Canceled
              ? { type: "finished", state: "canceled", message: "canceled in the editor" }
              : { type: "finished", state: "failed", message: errorMessage(err) };
        }
      },
    );
    post(final);
    this.deps.log.info(`apply of plan ${plan.id}: ${final.state}${final.message ? ` (${final.message})` : ""}`);
    // Provisioning changes which variables the environment provides.
    void this.deps.store.refreshEnv(plan.workspaceRoot).catch(() => undefined);
    if (final.state === "completed") void vscode.window.showInformationMessage(`Patchbay: ${plan.environment} is provisioned.`);
    else if (final.state === "failed") this.deps.showError(`applying the ${plan.environment} plan`, new Error(final.message));
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
