import { StepAction, type Plan } from "../gen/patchbay/v1/provision_pb";
import { escapeHtml } from "./credentialForm";

export type PlanFormMessage = { type: "approve" } | { type: "cancel" } | { type: "ready" };

export type PlanPanelMessage =
  | { type: "progress"; stepId: string; state: string; message: string; done: number; total: number }
  | { type: "finished"; state: "completed" | "failed" | "canceled"; message: string };

const actionLabels: Record<number, string> = {
  [StepAction.CREATE]: "create",
  [StepAction.UPDATE]: "update",
  [StepAction.DELETE]: "delete",
  [StepAction.NOOP]: "no change",
  [StepAction.ROTATE]: "rotate",
  [StepAction.ADOPT]: "adopt",
  [StepAction.FORGET]: "forget",
};

export function actionLabel(a: StepAction): string {
  return actionLabels[a] ?? "change";
}

/** Steps that do something at a provider; a plan with none needs no approval. */
export function actionableSteps(plan: Plan): number {
  return plan.steps.filter((s) => s.action !== StepAction.NOOP && s.action !== StepAction.UNSPECIFIED).length;
}

export interface PlanViewInput {
  plan: Plan;
  cspSource: string;
  nonce: string;
  providerName: (id: string) => string;
}

/** The plan diff with an Approve button; pure so it can be tested in a browser. */
export function renderPlan(input: PlanViewInput): string {
  const { plan, nonce, cspSource } = input;
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "form-action 'none'",
  ].join("; ");
  const actionable = actionableSteps(plan);
  const title = `${plan.destroy ? "Destroy" : "Plan"} · ${plan.environment || "default"} environment`;
  const rows = plan.steps
    .map((s) => {
      const action = actionLabel(s.action);
      const changes = s.changes.length
        ? `<ul class="changes">${s.changes
            .map((c) => `<li><code>${escapeHtml(c.field)}</code>: <del>${escapeHtml(c.before || "∅")}</del> → <ins>${escapeHtml(c.after || "∅")}</ins></li>`)
            .join("")}</ul>`
        : "";
      const deps = s.dependsOn.length ? `<div class="deps">after ${s.dependsOn.map(escapeHtml).join(", ")}</div>` : "";
      return `<tr data-step-id="${escapeHtml(s.id)}" class="step action-${action.replace(/ /g, "-")}">
  <td><span class="badge">${escapeHtml(action)}</span></td>
  <td>${escapeHtml(input.providerName(s.provider))}</td>
  <td><div class="name">${escapeHtml(s.name)}</div><div class="type">${escapeHtml(s.resourceType)}${s.providerId ? ` · ${escapeHtml(s.providerId)}` : ""}</div>${changes}${deps}</td>
  <td class="reason">${escapeHtml(s.reason)}</td>
  <td class="state" aria-live="polite">${s.action === StepAction.NOOP ? "—" : "pending"}</td>
</tr>`;
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, "&quot;")}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 20px 20px; }
  h1 { font-size: 1.4em; font-weight: 600; }
  .summary { color: var(--vscode-descriptionForeground); white-space: pre-wrap; }
  .warnings { border-left: 3px solid var(--vscode-inputValidation-warningBorder, #b89500); padding: 4px 10px; }
  table { border-collapse: collapse; width: 100%; margin-top: 12px; }
  th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,.35)); }
  th { font-weight: 600; }
  .badge { display: inline-block; padding: 1px 6px; border-radius: 3px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
  .action-create .badge { background: var(--vscode-gitDecoration-addedResourceForeground, #388a34); color: var(--vscode-editor-background); }
  .action-delete .badge, .action-forget .badge { background: var(--vscode-gitDecoration-deletedResourceForeground, #c74e39); color: var(--vscode-editor-background); }
  .type, .deps, .reason { color: var(--vscode-descriptionForeground); }
  .changes { margin: 4px 0 0; padding-left: 18px; }
  del { color: var(--vscode-gitDecoration-deletedResourceForeground, #c74e39); }
  ins { color: var(--vscode-gitDecoration-addedResourceForeground, #388a34); text-decoration: none; }
  code { font-family: var(--vscode-editor-font-family); }
  tr.state-running .state { font-weight: 600; }
  tr.state-failed .state { color: var(--vscode-errorForeground); }
  tr.state-done .state { color: var(--vscode-testing-iconPassed, #388a34); }
  .actions { display: flex; gap: 8px; margin-top: 18px; align-items: center; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 6px 14px; cursor: pointer; font-family: inherit; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
  button:disabled { opacity: 0.6; cursor: default; }
  progress { width: 16em; }
  #outcome { margin-top: 14px; padding: 6px 10px; }
  #outcome.completed { border-left: 3px solid var(--vscode-testing-iconPassed, #388a34); }
  #outcome.failed, #outcome.canceled { border-left: 3px solid var(--vscode-inputValidation-errorBorder, #be1100); }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="summary">${escapeHtml(plan.summary || `${actionable} change${actionable === 1 ? "" : "s"} in ${plan.workspaceRoot}`)}</p>
${plan.warnings.length ? `<div class="warnings"><strong>Warnings</strong><ul>${plan.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul></div>` : ""}
${
  plan.steps.length
    ? `<table><thead><tr><th>Action</th><th>Provider</th><th>Resource</th><th>Why</th><th>Status</th></tr></thead><tbody>
${rows}
</tbody></table>`
    : ""
}
<div class="actions">
  <button id="approve"${actionable ? "" : " disabled"}>${actionable ? (plan.destroy ? "Approve and destroy" : "Approve and apply") : "Nothing to change"}</button>
  <button id="cancel" class="secondary">Close</button>
  <progress id="progress" max="${actionable || 1}" value="0" hidden></progress>
</div>
<div id="outcome" role="status" aria-live="polite" hidden></div>
<script nonce="${nonce}">
(function () {
  const vscode = acquireVsCodeApi();
  const approve = document.getElementById("approve");
  const progress = document.getElementById("progress");
  const outcome = document.getElementById("outcome");
  approve.addEventListener("click", function () {
    approve.disabled = true;
    approve.textContent = "Applying…";
    progress.hidden = false;
    vscode.postMessage({ type: "approve" });
  });
  document.getElementById("cancel").addEventListener("click", function () { vscode.postMessage({ type: "cancel" }); });
  window.addEventListener("message", function (ev) {
    const m = ev.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "progress") {
      if (m.total) { progress.max = m.total; progress.value = m.done; }
      if (!m.stepId) return;
      const row = Array.from(document.querySelectorAll("tr[data-step-id]")).find(function (r) { return r.dataset.stepId === m.stepId; });
      if (!row) return;
      row.className = row.className.replace(/ ?state-[a-z]+/g, "") + " state-" + m.state;
      row.querySelector(".state").textContent = m.state + (m.message ? ": " + m.message : "");
    } else if (m.type === "finished") {
      outcome.hidden = false;
      outcome.className = m.state;
      outcome.textContent = m.state + (m.message ? ": " + m.message : "");
      approve.textContent = m.state === "completed" ? "Applied" : "Not applied";
    }
  });
  vscode.postMessage({ type: "ready" });
})();
</script>
</body>
</html>`;
}
