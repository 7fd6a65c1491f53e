// The API key pages: the create/edit form and the key detail with its audit
// log. Pure functions of daemon data (no vscode), so Chromium can load them
// directly. Neither page is ever rendered with a token in it: a token
// arrives later as a message and lives only in the page's DOM.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { ApiKey, ApiKeyAuditEntry } from "../gen/patchbay/v1/apikey_pb";
import { DEFAULT_TEAM, formatExpiry, type ProviderGrantOptions } from "../model/apiKeys";
import { escapeHtml, renderPage } from "./page";

/** Messages the API key pages post to the extension. */
export type KeyPageMessage =
  | { type: "ready" }
  | { type: "submit"; spec: unknown }
  | { type: "cancel" }
  | { type: "close" }
  | { type: "copy"; token: string }
  | { type: "edit" }
  | { type: "regenerate" };

/** Messages the extension posts to the API key pages. */
export type KeyPanelMessage =
  | { type: "busy"; text: string }
  | { type: "error"; message: string; field: string }
  | { type: "saved"; message: string }
  | { type: "token"; token: string; heading: string }
  | { type: "copied" };

export interface KeyFormInput {
  options: ProviderGrantOptions[];
  /** Set when editing: the form is prefilled from it and the team is fixed. */
  key?: ApiKey;
  cspSource: string;
  nonce: string;
}

export interface KeyDetailInput {
  key: ApiKey;
  audit: ApiKeyAuditEntry[];
  providerName: (id: string) => string;
  cspSource: string;
  nonce: string;
}

/** API key page styles, after the shared ones (page.ts). */
const styles = `
  body { max-width: 56em; }
  h2 { margin-top: 1.4em; }
  .help { font-size: 0.9em; }
  .field { margin: 12px 0; display: flex; flex-direction: column; gap: 4px; max-width: 28em; }
  label { font-weight: 600; }
  [aria-invalid=true] { border-color: var(--vscode-inputValidation-errorBorder, #be1100) !important; }
  .error { color: var(--vscode-errorForeground); font-size: 0.9em; }
  fieldset { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, #8884)); margin: 12px 0; padding: 8px 12px; }
  legend { font-weight: 600; padding: 0 4px; }
  .comp { display: flex; gap: 8px; align-items: baseline; margin: 4px 0; }
  .comp label { font-weight: normal; }
  .kind { font-size: 0.8em; padding: 0 5px; border-radius: 3px; color: var(--vscode-badge-foreground); background: var(--vscode-badge-background); }
  #status { margin-top: 14px; padding: 6px 10px; }
  #status.bad { border-left: 3px solid var(--vscode-inputValidation-errorBorder, #be1100); }
  #status.ok { border-left: 3px solid var(--vscode-testing-iconPassed, #388a34); }
  #token { border: 1px solid var(--vscode-inputValidation-warningBorder, #b89500); padding: 10px 14px; margin: 14px 0; }
  #token-value { display: block; font-family: var(--vscode-editor-font-family); word-break: break-all; padding: 6px; margin: 8px 0; background: var(--vscode-textCodeBlock-background, var(--vscode-input-background)); user-select: all; }
  .once { font-weight: 600; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
`;

/** The one-time token box; filled by script from a "token" message, never by the renderer. */
const tokenBox = `<section id="token" hidden aria-live="assertive">
  <h2 id="token-heading">API key token</h2>
  <p class="once">This token is shown only now. Copy it and store it where your job reads it (a CI secret, a secret manager); Patchbay keeps only a hash, and closing this panel forgets it.</p>
  <code id="token-value"></code>
  <p class="muted">Send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
  <div class="actions">
    <button type="button" id="copy">Copy</button>
    <button type="button" id="done" class="secondary">Done</button>
  </div>
</section>`;

/**
 * Shared page script: status messages, the token box and its Copy button.
 * The token is never passed to setState (VS Code would persist it with the
 * webview) and is wiped from the DOM on Done.
 */
const tokenScript = `
  const vscode = acquireVsCodeApi();
  const statusEl = document.getElementById("status");
  const tokenEl = document.getElementById("token");
  const tokenValue = document.getElementById("token-value");
  function status(text, cls) { statusEl.hidden = !text; statusEl.className = cls || ""; statusEl.textContent = text || ""; }
  document.getElementById("copy").addEventListener("click", function () {
    if (tokenValue.textContent) vscode.postMessage({ type: "copy", token: tokenValue.textContent });
  });
  document.getElementById("done").addEventListener("click", function () {
    tokenValue.textContent = "";
    tokenEl.hidden = true;
    vscode.postMessage({ type: "close" });
  });
  function onCommon(m) {
    if (m.type === "busy") { setBusy(true); status(m.text, ""); return true; }
    if (m.type === "error") { setBusy(false); status("✗ " + m.message, "bad"); return true; }
    if (m.type === "saved") { setBusy(false); status("✓ " + m.message, "ok"); return true; }
    if (m.type === "copied") { status("Copied to the clipboard.", "ok"); return true; }
    if (m.type === "token") {
      setBusy(false);
      status("", "");
      document.getElementById("token-heading").textContent = m.heading;
      tokenValue.textContent = m.token;
      tokenEl.hidden = false;
      onToken();
      document.getElementById("copy").focus();
      return true;
    }
    return false;
  }
`;

function page(title: string, input: { cspSource: string; nonce: string }, body: string, script: string): string {
  return renderPage({
    title,
    cspSource: input.cspSource,
    nonce: input.nonce,
    styles,
    body: `${body}\n<div id="status" role="status" aria-live="polite" hidden></div>`,
    script: `${tokenScript}\n${script}\n  vscode.postMessage({ type: "ready" });`,
  });
}

function providerBlock(o: ProviderGrantOptions, granted: { components: string[]; profile: string } | undefined): string {
  const p = escapeHtml(o.provider);
  const comps = o.components
    .map((c) => {
      const id = `c-${o.provider}-${c.id}`;
      // Deny by default: only components the key already has are ticked.
      const checked = granted?.components.includes(c.id) ? " checked" : "";
      return `<div class="comp"><input type="checkbox" id="${escapeHtml(id)}" data-provider="${p}" data-component="${escapeHtml(c.id)}"${checked}>
        <label for="${escapeHtml(id)}"><code>${escapeHtml(c.id)}</code> <span class="kind">${c.kind}</span> <span class="muted">${escapeHtml(c.description)}</span></label></div>`;
    })
    .join("\n");
  const selected = granted?.profile ?? (o.profiles.some((x) => x.name === "default") ? "default" : o.profiles[0]?.name);
  const profileOptions = o.profiles.length
    ? o.profiles
        .map((x) => `<option value="${escapeHtml(x.name)}"${x.name === selected ? " selected" : ""}>${escapeHtml(x.name)}${x.status ? ` (${escapeHtml(x.status)})` : ""}</option>`)
        .join("")
    : `<option value="">no saved connection</option>`;
  return `<fieldset data-grant="${p}">
  <legend>${escapeHtml(o.displayName)}</legend>
  ${comps}
  <div class="field">
    <label for="profile-${p}">Connection (credential profile)</label>
    <select id="profile-${p}" data-profile="${p}"${o.profiles.length ? "" : " disabled"} aria-describedby="profile-${p}-error">${profileOptions}</select>
    ${o.profiles.length ? "" : `<div class="help">Connect ${escapeHtml(o.displayName)} first (Patchbay: Connect Provider…) to grant its components.</div>`}
    <div class="error" id="profile-${p}-error" role="alert"></div>
  </div>
  <div class="error" id="grant-${p}-error" role="alert"></div>
</fieldset>`;
}

/** The create form, or the edit form prefilled from input.key. */
export function renderApiKeyForm(input: KeyFormInput): string {
  const k = input.key;
  const editing = !!k;
  const title = editing ? `Edit API key “${k.name || k.id}”` : "New API key";
  const grantOf = (provider: string) => k?.grants.find((g) => g.provider === provider);
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="muted">A key lets a CI job, cron task or backend run the chosen provider actions and triggers through Patchbay, with your saved connection, without holding provider credentials. Nothing is allowed unless ticked.</p>
<form id="form" novalidate>
  <div class="field">
    <label for="name">Name</label>
    <input type="text" id="name" required maxlength="100" placeholder="Production" value="${escapeHtml(k?.name ?? "")}" aria-describedby="name-error">
    <div class="error" id="name-error" role="alert"></div>
  </div>
  <div class="field">
    <label for="team">Team</label>
    <input type="text" id="team" value="${escapeHtml(k?.team || DEFAULT_TEAM)}"${editing ? " readonly" : ""} aria-describedby="team-help team-error">
    <div class="help" id="team-help">Keys of one team are invisible to and unusable by another.</div>
    <div class="error" id="team-error" role="alert"></div>
  </div>
  <div class="field">
    <label for="expires">Expires (optional)</label>
    <input type="date" id="expires" value="${escapeHtml(formatExpiry(k?.expiresAt))}" aria-describedby="expires-help expires-error">
    <div class="help" id="expires-help">The key stops working at the end of this day (UTC). Empty: never.</div>
    <div class="error" id="expires-error" role="alert"></div>
  </div>
  <div class="field">
    <label for="rateLimit">Rate limit (requests per minute, optional)</label>
    <input type="number" id="rateLimit" min="0" step="1" placeholder="default" value="${k?.rateLimitPerMinute ? k.rateLimitPerMinute : ""}" aria-describedby="rateLimit-error">
    <div class="error" id="rateLimit-error" role="alert"></div>
  </div>
  <h2>Allowed components</h2>
  ${input.options.length ? input.options.map((o) => providerBlock(o, grantOf(o.provider))).join("\n") : `<p class="muted">The daemon offers no components.</p>`}
  <div class="actions">
    <button type="submit" id="save">${editing ? "Save" : "Create key"}</button>
    <button type="button" id="cancel" class="secondary">Cancel</button>
  </div>
</form>
${tokenBox}`;
  const script = `
  const form = document.getElementById("form");
  const save = document.getElementById("save");
  function setBusy(b) { save.disabled = b; }
  function onToken() { form.hidden = true; }
  function clearErrors() {
    for (const e of document.querySelectorAll(".error")) e.textContent = "";
    for (const e of document.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
  }
  function fieldError(field, message) {
    const err = field && document.getElementById(field + "-error");
    if (!err) return;
    err.textContent = message;
    const input = document.getElementById(field);
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
  }
  function spec() {
    const grants = [];
    for (const fs of document.querySelectorAll("fieldset[data-grant]")) {
      const provider = fs.dataset.grant;
      const components = Array.from(fs.querySelectorAll("input[data-component]:checked")).map(function (c) { return c.dataset.component; });
      // Only providers with something ticked are sent: access is denied by default.
      if (!components.length) continue;
      const sel = fs.querySelector("select[data-profile]");
      grants.push({ provider: provider, components: components, profile: sel && !sel.disabled ? sel.value : "" });
    }
    return {
      name: document.getElementById("name").value,
      team: document.getElementById("team").value,
      expires: document.getElementById("expires").value,
      rateLimit: document.getElementById("rateLimit").value,
      grants: grants,
    };
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearErrors();
    const s = spec();
    if (!s.name.trim()) { fieldError("name", "Required."); return; }
    for (const g of s.grants) if (!g.profile) { fieldError("profile-" + g.provider, "No saved connection to use."); return; }
    status("", "");
    // Until the daemon answers: a double click must not create two keys.
    setBusy(true);
    vscode.postMessage({ type: "submit", spec: s });
  });
  form.addEventListener("input", function (e) {
    const err = e.target.id && document.getElementById(e.target.id + "-error");
    if (err) { err.textContent = ""; e.target.removeAttribute("aria-invalid"); }
  });
  document.getElementById("cancel").addEventListener("click", function () { vscode.postMessage({ type: "cancel" }); });
  window.addEventListener("message", function (ev) {
    const m = ev.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "error") fieldError(m.field, m.message);
    onCommon(m);
  });`;
  return page(title, input, body, script);
}

function when(ts: Timestamp | undefined, none: string): string {
  return ts ? timestampDate(ts).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : none;
}

/** The key detail: settings, grants, audit log, Edit and Regenerate. */
export function renderApiKeyDetail(input: KeyDetailInput): string {
  const k = input.key;
  const title = `API key “${k.name || k.id}”`;
  const grants = k.grants.length
    ? `<ul>${k.grants
        .map((g) => `<li><strong>${escapeHtml(input.providerName(g.provider))}</strong> via <code>${escapeHtml(g.profile || "default")}</code>: ${g.components.map((c) => `<code>${escapeHtml(c)}</code>`).join(", ") || "nothing"}</li>`)
        .join("")}</ul>`
    : `<p class="muted">Nothing is allowed.</p>`;
  const audit = input.audit.length
    ? `<table id="audit"><thead><tr><th>When</th><th>Call</th><th>Provider</th><th>Component</th><th>Connection</th><th>Outcome</th></tr></thead><tbody>${input.audit
        .map(
          (e) =>
            `<tr><td>${escapeHtml(when(e.at, ""))}</td><td>${escapeHtml(e.call)}</td><td>${escapeHtml(e.provider)}</td><td>${escapeHtml(e.component)}</td><td>${escapeHtml(e.profile)}</td><td>${escapeHtml(e.outcome)}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : `<p class="muted" id="audit">No calls yet.</p>`;
  const body = `<h1>${escapeHtml(title)}</h1>
<table id="facts">
  <tr><th>Id</th><td><code>${escapeHtml(k.id)}</code></td></tr>
  <tr><th>Team</th><td>${escapeHtml(k.team)}</td></tr>
  <tr><th>Token</th><td><code>${escapeHtml(k.tokenHint)}</code> <span class="muted">(hint only; the token is never shown again)</span></td></tr>
  <tr><th>Created</th><td>${escapeHtml(when(k.createdAt, "—"))}</td></tr>
  <tr><th>Expires</th><td>${escapeHtml(when(k.expiresAt, "never"))}</td></tr>
  <tr><th>Last used</th><td>${escapeHtml(when(k.lastUsedAt, "never"))}</td></tr>
  <tr><th>Rate limit</th><td>${k.rateLimitPerMinute ? `${k.rateLimitPerMinute} / minute` : "default"}</td></tr>
</table>
<h2>Allowed components</h2>
${grants}
<div class="actions">
  <button type="button" id="edit">Edit…</button>
  <button type="button" id="regenerate" class="secondary">Regenerate token…</button>
</div>
${tokenBox}
<h2>Audit log</h2>
${audit}`;
  const script = `
  const buttons = [document.getElementById("edit"), document.getElementById("regenerate")];
  function setBusy(b) { for (const x of buttons) x.disabled = b; }
  function onToken() {}
  document.getElementById("edit").addEventListener("click", function () { vscode.postMessage({ type: "edit" }); });
  document.getElementById("regenerate").addEventListener("click", function () { vscode.postMessage({ type: "regenerate" }); });
  window.addEventListener("message", function (ev) {
    const m = ev.data;
    if (m && typeof m === "object") onCommon(m);
  });`;
  return page(title, input, body, script);
}
