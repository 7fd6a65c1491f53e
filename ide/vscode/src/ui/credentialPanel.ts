import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import { errorMessage, type Logger } from "../client/supervisor";
import type { CredentialRequest, ProviderInfo } from "../gen/patchbay/v1/credential_pb";
import type { DaemonStore } from "../model/store";
import { newNonce } from "./page";
import { checkToMessage, renderCredentialForm, sanitizeValues, type FormMessage, type PanelMessage } from "./credentialForm";

export interface FormTarget {
  provider: ProviderInfo;
  profile: string;
  request?: CredentialRequest;
}

/**
 * Opens one webview per provider profile (or per credential request) and
 * forwards what the user types straight to the daemon. Values pass through
 * in memory only; nothing is logged or stored here.
 */
export class CredentialPanels {
  private panels = new Map<string, { panel: vscode.WebviewPanel; target: FormTarget }>();
  /** Browser sign-ins in flight: OAuth state -> panel key. */
  private oauth = new Map<string, string>();

  constructor(
    private readonly clients: () => DaemonClients | undefined,
    private readonly store: DaemonStore,
    private readonly log: Logger,
  ) {}

  open(target: FormTarget): vscode.WebviewPanel {
    const key = target.request ? `req:${target.request.id}` : `${target.provider.id}:${target.profile}`;
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing.panel;
    }
    const name = target.provider.displayName || target.provider.id;
    const panel = vscode.window.createWebviewPanel("patchbay.credentials", `${name} credentials`, vscode.ViewColumn.Active, {
      enableScripts: true,
      // Nothing from disk is needed; the page is self-contained.
      localResourceRoots: [],
      // What was typed (secrets included) must survive a tab switch, and
      // secrets are never put in webview state: keep the small page alive
      // while it is hidden. It goes when the panel closes.
      retainContextWhenHidden: true,
    });
    const profile = this.store.catalog.profiles.find((p) => p.provider === target.provider.id && p.profile === target.profile);
    panel.webview.html = renderCredentialForm({
      provider: target.provider,
      profile: target.profile,
      cspSource: panel.webview.cspSource,
      nonce: newNonce(),
      hints: profile?.hints,
      request: target.request
        ? { id: target.request.id, reason: target.request.reason, problem: target.request.problem }
        : undefined,
    });
    this.panels.set(key, { panel, target });
    panel.onDidDispose(() => {
      this.panels.delete(key);
      for (const [state, k] of this.oauth) if (k === key) this.oauth.delete(state);
    });
    panel.webview.onDidReceiveMessage((m: FormMessage) => this.onMessage(panel, key, target, !!profile, m));
    return panel;
  }

  /** Closes the panel of a request the daemon closed elsewhere (timeout, another window). */
  requestClosed(id: string, outcome: string): void {
    const oauthKey = this.oauth.get(id);
    if (oauthKey !== undefined) {
      // A browser sign-in that failed or timed out reports on the request channel.
      this.oauth.delete(id);
      const p = this.panels.get(oauthKey);
      if (p) this.post(p.panel, { type: "result", ok: false, saved: false, status: outcome.replace(/_/g, " "), summary: "The browser sign-in did not complete.", fix: "Try again, and finish the sign-in in the browser.", field: "" });
      return;
    }
    const entry = this.panels.get(`req:${id}`);
    if (!entry) return;
    if (outcome !== "answered") void vscode.window.showInformationMessage(`Patchbay: the credential request for ${entry.target.provider.displayName || entry.target.provider.id} was ${outcome}.`);
    entry.panel.dispose();
  }

  /** A profile was saved: completes a browser sign-in waiting on it. */
  credentialsChanged(provider: string, profile: string, deleted: boolean): void {
    for (const [state, key] of this.oauth) {
      const p = this.panels.get(key);
      if (!p || p.target.provider.id !== provider || (p.target.profile || "default") !== (profile || "default")) continue;
      this.oauth.delete(state);
      this.post(p.panel, { type: "result", ok: !deleted, saved: !deleted, status: deleted ? "deleted" : "signed in", summary: "", fix: "", field: "" });
    }
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
    this.panels.clear();
  }

  private post(panel: vscode.WebviewPanel, m: PanelMessage): void {
    void panel.webview.postMessage(m);
  }

  private async onMessage(panel: vscode.WebviewPanel, key: string, target: FormTarget, hasProfile: boolean, m: FormMessage): Promise<void> {
    const c = this.clients();
    if (!m || typeof m !== "object") return;
    if (m.type === "ready") return;
    if (!c) {
      this.post(panel, { type: "result", ok: false, saved: false, status: "daemon not ready", summary: "The Patchbay daemon is not connected.", fix: "Wait for the status bar to show it ready, then retry.", field: "" });
      return;
    }
    try {
      switch (m.type) {
        case "cancel":
          if (target.request) await c.credential.answerCredentialRequest({ requestId: target.request.id, cancel: true });
          panel.dispose();
          return;
        case "oauth": {
          const values = sanitizeValues(target.provider, m.values);
          const res = await c.credential.startOAuth({ provider: target.provider.id, profile: target.profile, values });
          const url = vscode.Uri.parse(res.authorizeUrl);
          if (url.scheme !== "https" && url.scheme !== "http") throw new Error(`refusing to open authorize URL with scheme ${url.scheme}`);
          this.oauth.set(res.state, key);
          this.post(panel, { type: "busy", busy: true, text: "Finish signing in in the browser…" });
          await vscode.env.openExternal(url);
          return;
        }
        case "submit": {
          const values = sanitizeValues(target.provider, m.values);
          const force = m.force === true;
          this.post(panel, { type: "busy", busy: true, text: "Checking with the provider…" });
          this.log.info(`submitting ${target.provider.id}/${target.profile} credentials (fields: ${Object.keys(values).join(", ") || "none"})`);
          if (target.request) {
            const res = await c.credential.answerCredentialRequest({ requestId: target.request.id, values, force });
            this.post(panel, checkToMessage(res.check, res.saved));
          } else {
            const res = await c.credential.saveCredentials({ provider: target.provider.id, profile: target.profile, values, force, merge: hasProfile });
            this.post(panel, checkToMessage(res.check, res.saved));
          }
          return;
        }
      }
    } catch (err) {
      const msg = errorMessage(err);
      this.log.warn(`credential form for ${target.provider.id}: ${msg}`);
      this.post(panel, { type: "result", ok: false, saved: false, status: "error", summary: msg, fix: "", field: "" });
    }
  }
}
