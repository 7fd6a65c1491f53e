import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import { errorMessage, type Logger } from "../client/supervisor";
import type { ApiKey } from "../gen/patchbay/v1/apikey_pb";
import type { CredentialProfile } from "../gen/patchbay/v1/credential_pb";
import {
  checkSubmission,
  createKey,
  keyDetail,
  loadGrantOptions,
  refusedField,
  regenerateKey,
  SpecError,
  updateKey,
  type ProviderGrantOptions,
} from "../model/apiKeys";
import { displayName, statusLabel } from "../model/providers";
import type { DaemonStore } from "../model/store";
import { renderApiKeyDetail, renderApiKeyForm, type KeyPageMessage, type KeyPanelMessage } from "./apiKeyForm";
import { newNonce } from "./page";

/** What a token looks like; anything else a page asks to copy is refused. */
const TOKEN_RE = /^pbk_[A-Za-z0-9_-]{8,200}$/;

export interface ApiKeyPanelHooks {
  /** A key of this team changed (created, updated, regenerated). */
  changed(team: string): void;
}

type KeyRef = Pick<ApiKey, "team" | "id"> & { name?: string };

/**
 * The API key panels: create, edit, and the detail with its audit log.
 * Tokens come from the daemon's Create/Regenerate answers and go straight to
 * the panel's page: they are never logged, stored, or kept here once
 * delivered, and a page that closes takes its token with it.
 */
export class ApiKeyPanels {
  private readonly open = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly clients: () => DaemonClients | undefined,
    private readonly store: DaemonStore,
    private readonly log: Logger,
    private readonly hooks: ApiKeyPanelHooks,
  ) {}

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
    this.open.clear();
  }

  private need(): DaemonClients {
    const c = this.clients();
    if (!c) throw new Error("The Patchbay daemon is not connected.");
    return c;
  }

  private name = (id: string) => displayName(this.store.catalog, id);
  private profileStatus = (p: CredentialProfile) => (p.lastCheck ? statusLabel(p.lastCheck.status) : "");

  private panel(key: string, viewType: string, title: string): { panel: vscode.WebviewPanel; fresh: boolean } {
    const existing = this.open.get(key);
    if (existing) {
      existing.reveal();
      return { panel: existing, fresh: false };
    }
    const panel = vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
      // A token on screen must survive switching tabs; it still goes with the panel.
      retainContextWhenHidden: true,
    });
    this.open.set(key, panel);
    panel.onDidDispose(() => this.open.delete(key));
    return { panel, fresh: true };
  }

  private post(panel: vscode.WebviewPanel, m: KeyPanelMessage): void {
    void panel.webview.postMessage(m);
  }

  /** Opens the create form. */
  async create(): Promise<vscode.WebviewPanel> {
    const options = await loadGrantOptions(this.need(), this.name, this.profileStatus);
    // Each create form is its own panel: two keys can be drafted at once.
    const { panel } = this.panel(`create:${randomBytes(6).toString("hex")}`, "patchbay.apiKeyForm", "New API key");
    panel.webview.html = renderApiKeyForm({ options, cspSource: panel.webview.cspSource, nonce: newNonce() });
    let creating = false;
    let created = false;
    this.wire(panel, async (m) => {
      if (m.type !== "submit") return false;
      // One key per form: a repeated or late submit is ignored.
      if (creating || created) return true;
      const spec = this.check(panel, options, m.spec);
      if (!spec) return true;
      this.post(panel, { type: "busy", text: "Checking the connections and creating the key…" });
      creating = true;
      let issued;
      try {
        issued = await createKey(this.need(), spec);
      } finally {
        creating = false;
      }
      created = true;
      this.log.info(`created API key ${issued.key.id} "${issued.key.name}" (team ${issued.key.team}, ${spec.grants.length} grant(s))`);
      this.hooks.changed(issued.key.team);
      this.post(panel, { type: "token", token: issued.token, heading: `Token of “${issued.key.name}”` });
      panel.title = `API key “${issued.key.name}”`;
      return true;
    });
    return panel;
  }

  /** Opens the edit form prefilled from the daemon's current view of the key. */
  async edit(ref: KeyRef): Promise<vscode.WebviewPanel> {
    const c = this.need();
    const [options, got] = await Promise.all([loadGrantOptions(c, this.name, this.profileStatus), c.apiKey.getApiKey({ team: ref.team, id: ref.id })]);
    const key = got.key;
    if (!key) throw new Error(`the daemon returned no key ${ref.id}`);
    // A granted connection whose credentials were deleted is still shown as
    // chosen, so saving cannot silently switch it; the daemon says why it fails.
    for (const g of key.grants) {
      const o = options.find((x) => x.provider === g.provider);
      const name = g.profile || "default";
      if (o && !o.profiles.some((p) => p.name === name)) o.profiles.push({ name, status: "not saved" });
    }
    const { panel, fresh } = this.panel(`edit:${key.team}/${key.id}`, "patchbay.apiKeyForm", `Edit API key “${key.name || key.id}”`);
    if (!fresh) return panel;
    panel.webview.html = renderApiKeyForm({ options, key, cspSource: panel.webview.cspSource, nonce: newNonce() });
    this.wire(panel, async (m) => {
      if (m.type !== "submit") return false;
      const spec = this.check(panel, options, m.spec);
      if (!spec) return true;
      // The team names the key; the form shows it read-only.
      spec.team = key.team;
      this.post(panel, { type: "busy", text: "Checking the connections and saving…" });
      const updated = await updateKey(this.need(), key.id, spec);
      this.log.info(`updated API key ${updated.id} "${updated.name}" (team ${updated.team})`);
      this.hooks.changed(updated.team);
      this.post(panel, { type: "saved", message: `Saved “${updated.name}”. Its token is unchanged.` });
      return true;
    });
    return panel;
  }

  /** Opens the key detail with its audit log; a token passed here is shown once the page is ready. */
  async detail(ref: KeyRef, token?: string): Promise<vscode.WebviewPanel> {
    const { key, audit } = await keyDetail(this.need(), ref);
    const id = `detail:${key.team}/${key.id}`;
    // A fresh token must land on a page that is showing this key now.
    this.open.get(id)?.dispose();
    const { panel } = this.panel(id, "patchbay.apiKeyDetail", `API key “${key.name || key.id}”`);
    panel.webview.html = renderApiKeyDetail({ key, audit, providerName: this.name, cspSource: panel.webview.cspSource, nonce: newNonce() });
    let pending = token;
    panel.onDidDispose(() => (pending = undefined));
    this.wire(panel, async (m) => {
      switch (m.type) {
        case "ready":
          if (pending) this.post(panel, { type: "token", token: pending, heading: `New token of “${key.name}”` });
          pending = undefined;
          return true;
        case "close":
          // Done on the detail only dismisses the token (the page wipes it); the detail stays.
          return true;
        case "edit":
          await this.edit(key);
          return true;
        case "regenerate": {
          const issued = await this.regenerateConfirmed(key);
          if (issued) this.post(panel, { type: "token", token: issued.token, heading: `New token of “${issued.key.name}”` });
          return true;
        }
      }
      return false;
    });
    return panel;
  }

  /** The context-menu command: confirm, regenerate, show the new token in the detail panel. */
  async regenerate(ref: KeyRef): Promise<void> {
    const issued = await this.regenerateConfirmed(ref);
    if (issued) await this.detail(issued.key, issued.token);
  }

  private async regenerateConfirmed(ref: KeyRef): Promise<{ key: ApiKey; token: string } | undefined> {
    const ok = await vscode.window.showWarningMessage(
      `Regenerate the token of API key “${ref.name || ref.id}”? The old token stops working at once: every job using it fails until it gets the new one.`,
      { modal: true },
      "Regenerate",
    );
    if (ok !== "Regenerate") return undefined;
    const issued = await regenerateKey(this.need(), ref);
    this.log.info(`regenerated the token of API key ${issued.key.id} (team ${issued.key.team})`);
    this.hooks.changed(issued.key.team);
    return issued;
  }

  private check(panel: vscode.WebviewPanel, options: ProviderGrantOptions[], raw: unknown) {
    try {
      return checkSubmission(options, raw);
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      this.post(panel, { type: "error", message: err.message, field: err.field });
      return undefined;
    }
  }

  /** Common messages (copy, close, cancel) and errors; `handle` does the rest. */
  private wire(panel: vscode.WebviewPanel, handle: (m: KeyPageMessage) => Promise<boolean>): void {
    panel.webview.onDidReceiveMessage(async (m: KeyPageMessage) => {
      if (!m || typeof m !== "object") return;
      try {
        if (await handle(m)) return;
        switch (m.type) {
          case "copy":
            if (typeof m.token !== "string" || !TOKEN_RE.test(m.token)) return;
            await vscode.env.clipboard.writeText(m.token);
            this.post(panel, { type: "copied" });
            return;
          case "cancel":
          case "close":
            panel.dispose();
            return;
        }
      } catch (err) {
        // The daemon's refusal (a connection that is invalid, expired or
        // lacks permissions) is shown in the page, whose inputs stay as typed.
        const msg = errorMessage(err);
        this.log.warn(`API key panel: ${msg}`);
        this.post(panel, { type: "error", message: msg, field: refusedField(err) });
      }
    });
  }
}
