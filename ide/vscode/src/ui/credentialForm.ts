import { CheckStatus, FieldKind, type CheckResult, type ProviderInfo } from "../gen/patchbay/v1/credential_pb";
import { permissionLines, statusLabel, verdictLabel, verdictMarks } from "../model/providers";
import { escapeHtml, renderPage } from "./page";

export { escapeHtml };

/** Data needed to render a credential form; nothing secret is in here. */
export interface CredentialFormInput {
  provider: ProviderInfo;
  profile: string;
  /** The webview's CSP source (webview.cspSource). */
  cspSource: string;
  /** A fresh random nonce per render. */
  nonce: string;
  /** Set when the form answers a daemon CredentialRequest. */
  request?: { id: string; reason: string; problem?: CheckResult };
  /** Masked hints of an existing profile (field -> "sk_test_…abcd"). */
  hints?: Record<string, string>;
}

/** Messages the page posts to the extension. */
export type FormMessage =
  | { type: "submit"; values: Record<string, string>; force: boolean }
  | { type: "cancel" }
  | { type: "oauth"; values: Record<string, string> }
  | { type: "ready" };

/** Messages the extension posts to the page. */
export type PanelMessage =
  | { type: "busy"; busy: boolean; text?: string }
  | {
      type: "result";
      ok: boolean;
      saved: boolean;
      status: string;
      summary: string;
      fix: string;
      field: string;
      /** What the check proved per permission; text only, shown with textContent. */
      permissions?: { name: string; verdict: string; mark: string; detail: string }[];
    };

export function checkToMessage(check: CheckResult | undefined, saved: boolean): PanelMessage {
  return {
    type: "result",
    ok: check?.status === CheckStatus.OK,
    saved,
    status: check ? statusLabel(check.status) : "not checked",
    summary: check?.summary ?? "",
    fix: check?.fix ?? "",
    field: check?.field ?? "",
    permissions: (check?.permissions ?? []).map((p) => {
      const verdict = verdictLabel(p.verdict);
      return { name: p.name, verdict, mark: verdictMarks[verdict] ?? "·", detail: p.detail };
    }),
  };
}

/**
 * Keeps only the values of fields the schema declares, so a tampered page
 * cannot smuggle extra keys to the daemon.
 */
export function sanitizeValues(provider: ProviderInfo, values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof values !== "object" || values === null) return out;
  const v = values as Record<string, unknown>;
  for (const f of provider.fields) {
    const x = v[f.name];
    if (typeof x === "string" && x !== "") out[f.name] = x;
  }
  return out;
}

/** Write-only fields: the daemon's flag, or a kind that is secret by nature. */
export function isSecret(f: ProviderInfo["fields"][number]): boolean {
  return f.secret || f.kind === FieldKind.SECRET;
}

function fieldHtml(f: ProviderInfo["fields"][number], hint: string | undefined): string {
  const id = `f-${f.name}`;
  const name = escapeHtml(f.name);
  const secret = isSecret(f);
  const common = `id="${escapeHtml(id)}" name="${name}" data-field="${name}" data-kind="${f.kind}"${secret ? " data-secret" : ""}${
    f.required && !hint ? " required" : ""
  }${f.pattern ? ` data-pattern="${escapeHtml(f.pattern)}"` : ""}${
    f.patternMessage ? ` data-pattern-message="${escapeHtml(f.patternMessage)}"` : ""
  } aria-describedby="${escapeHtml(id)}-help ${escapeHtml(id)}-error"`;
  const placeholder = hint ? `saved: ${hint} (leave empty to keep)` : f.placeholder;
  const ph = placeholder ? ` placeholder="${escapeHtml(placeholder)}"` : "";
  let control: string;
  switch (f.kind) {
    case FieldKind.SECRET:
    case FieldKind.TEXT:
    case FieldKind.UNSPECIFIED:
      if (!secret) {
        control = `<input type="text" spellcheck="false" ${common}${ph}${f.defaultValue ? ` value="${escapeHtml(f.defaultValue)}"` : ""}>`;
        break;
      }
      // Secret inputs never get a value attribute: the extension has no
      // secret to put there, and must not be made to hold one.
      control = `<input type="password" autocomplete="off" spellcheck="false" ${common}${ph}>`;
      break;
    case FieldKind.SELECT:
      control = `<select ${common}>${f.options
        .map((o) => `<option value="${escapeHtml(o)}"${o === f.defaultValue ? " selected" : ""}>${escapeHtml(o)}</option>`)
        .join("")}</select>`;
      break;
    case FieldKind.FILE:
      control = `<textarea rows="5" spellcheck="false" ${common}${ph}></textarea>
        <input type="file" class="file-picker" data-target="${escapeHtml(id)}" aria-label="Load ${escapeHtml(f.label || f.name)} from a file">`;
      break;
    case FieldKind.OAUTH:
      control = `<button type="button" class="oauth" data-oauth="${name}">Sign in with the browser</button>`;
      break;
    default:
      control = `<input type="text" spellcheck="false" ${common}${ph}${
        f.defaultValue ? ` value="${escapeHtml(f.defaultValue)}"` : ""
      }>`;
  }
  return `<div class="field">
      <label for="${escapeHtml(id)}">${escapeHtml(f.label || f.name)}${f.required ? ' <span class="req" aria-hidden="true">*</span>' : ""}</label>
      ${control}
      <div class="help" id="${escapeHtml(id)}-help">${escapeHtml(f.help)}</div>
      <div class="error" id="${escapeHtml(id)}-error" role="alert"></div>
    </div>`;
}

/** Renders the whole page. Pure, so it can be tested in a browser directly. */
export function renderCredentialForm(input: CredentialFormInput): string {
  const { provider, nonce, cspSource } = input;
  const title = `${provider.displayName || provider.id} credentials`;
  const problem = input.request?.problem;
  const steps = provider.steps.length
    ? `<details open><summary>How to get them</summary><ol>${provider.steps.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ol></details>`
    : "";
  const perms = provider.permissions.length
    ? `<details><summary>Permissions Patchbay needs</summary><ul>${provider.permissions.map((p) => `<li><code>${escapeHtml(p)}</code></li>`).join("")}</ul></details>`
    : "";
  const docs = /^https:\/\//.test(provider.docsUrl) ? `<p><a href="${escapeHtml(provider.docsUrl)}">Provider documentation</a></p>` : "";
  return renderPage({
    title,
    cspSource,
    nonce,
    httpsImages: true,
    styles: `  body { max-width: 46em; }
  .reason { color: var(--vscode-descriptionForeground); }
  .problem { border-left: 3px solid var(--vscode-inputValidation-errorBorder, #be1100); padding: 4px 10px; margin: 10px 0; background: var(--vscode-inputValidation-errorBackground, transparent); }
  .field { margin: 14px 0; display: flex; flex-direction: column; gap: 4px; }
  label { font-weight: 600; }
  .req { color: var(--vscode-errorForeground); }
  textarea { font-family: var(--vscode-editor-font-family); }
  input[aria-invalid=true], textarea[aria-invalid=true] { border-color: var(--vscode-inputValidation-errorBorder, #be1100); }
  .help { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
  .error { color: var(--vscode-errorForeground); font-size: 0.9em; min-height: 0; }
  #result { margin-top: 14px; padding: 6px 10px; }
  #result.ok { border-left: 3px solid var(--vscode-testing-iconPassed, #388a34); }
  #result.bad { border-left: 3px solid var(--vscode-inputValidation-errorBorder, #be1100); }
  table.verdicts { margin-top: 10px; border-collapse: collapse; }
  table.verdicts caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
  table.verdicts th, table.verdicts td { text-align: left; padding: 2px 8px; vertical-align: top; }
  tr.missing td { color: var(--vscode-errorForeground); }
  tr.excess td:nth-child(3), tr.unverifiable td:nth-child(3) { font-style: italic; }
`,
    body: `<h1>${escapeHtml(title)}</h1>
<p class="reason">${escapeHtml(input.request?.reason || `Profile “${input.profile}”. Secrets go to the OS keyring through the Patchbay daemon; the editor never stores them.`)}</p>
${problem ? `<div class="problem" id="problem"><strong>${escapeHtml(statusLabel(problem.status))}</strong>: ${escapeHtml(problem.summary)}${problem.fix ? `<br>${escapeHtml(problem.fix)}` : ""}${
      problem.permissions?.length ? `<ul class="verdicts" id="problem-permissions">${permissionLines(problem).map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>` : ""
    }</div>` : ""}
${steps}${perms}${docs}
<form id="form" novalidate>
${provider.fields.map((f) => fieldHtml(f, input.hints?.[f.name])).join("\n")}
<div class="actions">
  <button type="submit" id="save">${input.request ? "Connect" : "Save"}</button>
  <button type="button" id="force" class="secondary" hidden>Save anyway</button>
  <button type="button" id="cancel" class="secondary">Cancel</button>
</div>
</form>
<div id="result" role="status" aria-live="polite" hidden></div>
<table id="verdicts" class="verdicts" hidden><caption>What the check proved, per permission</caption>
<thead><tr><th scope="col"></th><th scope="col">Permission</th><th scope="col">Verdict</th><th scope="col">How it was proved, or how to verify it</th></tr></thead>
<tbody></tbody></table>
`,
    script: `  const vscode = acquireVsCodeApi();
  const form = document.getElementById("form");
  const result = document.getElementById("result");
  const save = document.getElementById("save");
  const force = document.getElementById("force");
  const fields = Array.from(form.querySelectorAll("[data-field]"));

  function setError(el, msg) {
    const err = document.getElementById(el.id + "-error");
    err.textContent = msg;
    if (msg) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
  }
  function validate() {
    let first = null;
    for (const el of fields) {
      const v = el.value;
      let msg = "";
      if (el.required && !v) msg = "Required.";
      else if (v && el.dataset.pattern) {
        let re = null;
        // The schema's pattern is RE2; the few constructs JS lacks are
        // left to the daemon, which validates again.
        try { re = new RegExp("^(?:" + el.dataset.pattern + ")$"); } catch (e) { re = null; }
        if (re && !re.test(v)) msg = el.dataset.patternMessage || "Does not have the expected format.";
      }
      setError(el, msg);
      if (msg && !first) first = el;
    }
    if (first) first.focus();
    return !first;
  }
  function values() {
    const out = {};
    for (const el of fields) if (el.value) out[el.name] = el.value;
    return out;
  }
  function submit(forceSave) {
    if (!validate()) return;
    result.hidden = true;
    vscode.postMessage({ type: "submit", values: values(), force: forceSave });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(false); });
  force.addEventListener("click", function () { submit(true); });
  document.getElementById("cancel").addEventListener("click", function () { vscode.postMessage({ type: "cancel" }); });
  for (const b of document.querySelectorAll("button.oauth")) b.addEventListener("click", function () {
    // The browser sign-in needs the OAuth app's settings typed so far, not a full form.
    result.hidden = true;
    vscode.postMessage({ type: "oauth", values: values() });
  });
  for (const picker of document.querySelectorAll("input.file-picker")) {
    picker.addEventListener("change", function () {
      const file = picker.files && picker.files[0];
      if (!file) return;
      file.text().then(function (t) { document.getElementById(picker.dataset.target).value = t; });
    });
  }
  window.addEventListener("message", function (ev) {
    const m = ev.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "busy") {
      save.disabled = m.busy; force.disabled = m.busy;
      if (m.busy) { result.hidden = false; result.className = ""; result.textContent = m.text || "Checking…"; }
    } else if (m.type === "result") {
      save.disabled = false; force.disabled = false;
      result.hidden = false;
      result.className = m.ok ? "ok" : "bad";
      result.textContent = (m.ok ? "✓ " : "✗ ") + m.status + (m.summary ? ": " + m.summary : "") + (m.fix ? " — " + m.fix : "") + (m.saved ? " (saved)" : " (not saved)");
      force.hidden = m.ok || m.saved;
      // Built with textContent: names and details come from providers.
      const table = document.getElementById("verdicts");
      const tbody = table.querySelector("tbody");
      tbody.textContent = "";
      for (const pc of m.permissions || []) {
        const tr = document.createElement("tr");
        tr.className = pc.verdict;
        for (const text of [pc.mark, pc.name, pc.verdict, pc.detail]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.appendChild(td);
        }
        tbody.appendChild(tr);
      }
      table.hidden = !(m.permissions && m.permissions.length);
      if (m.field) {
        const el = fields.find(function (f) { return f.name === m.field; });
        if (el) { setError(el, m.summary); el.focus(); }
      }
      if (m.saved) {
        // Typed secrets have done their job; do not keep them in the page.
        for (const el of fields) if (el.hasAttribute("data-secret")) el.value = "";
        saveState();
      }
    }
  });
  // What was typed survives a tab switch: the panel keeps its page while
  // hidden (retainContextWhenHidden), and the non-secret values are also in
  // the webview state, which outlives a reload of the page. Secret values
  // are never put in the state (VS Code may persist it).
  function saveState() {
    const kept = {};
    for (const el of fields) if (!el.hasAttribute("data-secret") && el.value) kept[el.name] = el.value;
    vscode.setState({ values: kept });
  }
  const saved = (vscode.getState() || {}).values || {};
  for (const el of fields) if (!el.hasAttribute("data-secret") && typeof saved[el.name] === "string") el.value = saved[el.name];
  form.addEventListener("input", saveState);
  form.addEventListener("change", saveState);
  // Focus lands on the first field to fill, so typing right after the form
  // opens goes into it; coming back to the tab returns to the last field.
  let lastFocused = fields.find(function (el) { return !el.value; }) || fields[0];
  for (const el of fields) el.addEventListener("focus", function () { lastFocused = el; });
  function focusField() {
    if (lastFocused && (document.activeElement === document.body || !document.activeElement)) lastFocused.focus();
  }
  focusField();
  window.addEventListener("focus", focusField);
  vscode.postMessage({ type: "ready" });
`,
  });
}
