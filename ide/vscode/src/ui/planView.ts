import { StepAction, type Plan } from "../gen/patchbay/v1/provision_pb";
import { escapeHtml, linkFileRefs, openLinksScript, renderPage } from "./page";

export type PlanFormMessage = { type: "approve" } | { type: "cancel" } | { type: "ready" } | { type: "open"; path: string; line: number };

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

/** "2 to create, 1 to update" — the page's one-line summary (the steps are the table). */
export function planCounts(plan: Plan): string {
  const by = new Map<string, number>();
  for (const s of plan.steps) {
    if (s.action === StepAction.NOOP || s.action === StepAction.UNSPECIFIED) continue;
    const a = actionLabel(s.action);
    by.set(a, (by.get(a) ?? 0) + 1);
  }
  const unchanged = plan.steps.filter((s) => s.action === StepAction.NOOP).length;
  const parts = [...by].map(([a, n]) => `${n} to ${a}`);
  if (unchanged) parts.push(`${unchanged} unchanged`);
  return parts.length ? parts.join(", ") : "nothing to change";
}

const styles = `
  header { position: sticky; top: 0; z-index: 1; background: var(--vscode-editor-background); padding: 1px 0 10px; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,.35)); }
  header h1 { margin: 12px 0 4px; }
  .summary { margin: 0; }
  .actions { margin-top: 10px; }
  .warnings { border-left: 3px solid var(--vscode-inputValidation-warningBorder, #b89500); padding: 4px 10px; margin-top: 12px; }
  table { border-collapse: collapse; width: 100%; margin-top: 8px; table-layout: fixed; }
  col.action { width: 6.5em; } col.state { width: 7.5em; }
  th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,.35)); overflow-wrap: anywhere; }
  th { font-weight: 600; }
  .badge { display: inline-block; padding: 0 6px; border-radius: 3px; border: 1px solid var(--vscode-badge-background); color: var(--vscode-foreground); white-space: nowrap; }
  .action-create .badge { border-color: var(--vscode-gitDecoration-addedResourceForeground, #388a34); }
  .action-update .badge, .action-rotate .badge { border-color: var(--vscode-gitDecoration-modifiedResourceForeground, #895503); }
  .action-delete .badge, .action-forget .badge { border-color: var(--vscode-gitDecoration-deletedResourceForeground, #c74e39); }
  .name { font-weight: 600; }
  .type, .deps, .reason { color: var(--vscode-descriptionForeground); }
  .changes { margin: 4px 0 0; padding-left: 18px; }
  del { text-decoration: line-through; }
  ins { text-decoration: none; font-weight: 600; }
  .icon { display: inline-block; width: 1.1em; font-weight: 700; }
  /* charts.green, not testing.iconPassed: Light+ draws the latter #73c991, 2:1 on white. */
  tr.state-done .icon { color: var(--vscode-charts-green, #388a34); }
  tr.state-failed .icon { color: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
  tr.state-running .label { font-weight: 600; }
  progress { width: 12em; }
  #outcome { margin-top: 10px; padding: 4px 10px; border-left: 3px solid var(--vscode-badge-background); }
  #outcome.completed { border-left-color: var(--vscode-testing-iconPassed, #388a34); }
  #outcome.failed, #outcome.canceled { border-left-color: var(--vscode-inputValidation-errorBorder, #be1100); }
`;

const script = `
  const vscode = acquireVsCodeApi();
  const approve = document.getElementById("approve");
  const progress = document.getElementById("progress");
  const outcome = document.getElementById("outcome");
  const icons = { done: "✓", failed: "✗", running: "…", skipped: "–", pending: "" };
  approve.addEventListener("click", function () {
    approve.disabled = true;
    approve.textContent = "Applying…";
    progress.hidden = false;
    vscode.postMessage({ type: "approve" });
  });
  document.getElementById("cancel").addEventListener("click", function () { vscode.postMessage({ type: "cancel" }); });
  ${openLinksScript}
  window.addEventListener("message", function (ev) {
    const m = ev.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "progress") {
      if (m.total) { progress.max = m.total; progress.value = m.done; }
      if (!m.stepId) return;
      const row = Array.from(document.querySelectorAll("tr[data-step-id]")).find(function (r) { return r.dataset.stepId === m.stepId; });
      if (!row) return;
      row.className = row.className.replace(/ ?state-[a-z]+/g, "") + " state-" + m.state;
      row.querySelector(".state .icon").textContent = icons[m.state] || "";
      row.querySelector(".state .label").textContent = m.state + (m.message ? ": " + m.message : "");
    } else if (m.type === "finished") {
      outcome.hidden = false;
      outcome.className = m.state;
      outcome.textContent = m.state + (m.message ? ": " + m.message : "");
      approve.textContent = m.state === "completed" ? "Applied" : "Not applied";
      progress.hidden = m.state === "completed";
    }
  });
  vscode.postMessage({ type: "ready" });
`;

/**
 * The plan, rendered once (a table of its steps; plan.summary is the CLI's
 * text of the same diff and is not repeated), with Approve, progress and the
 * outcome in a header that stays in view. File references in the reasons
 * ("at api/webhooks.ts:12") are links that open the file at the line.
 */
export function renderPlan(input: PlanViewInput): string {
  const { plan, nonce, cspSource } = input;
  const actionable = actionableSteps(plan);
  const title = `${plan.destroy ? "Destroy" : "Plan"} · ${plan.environment || "default"} environment`;
  const root = plan.workspaceRoot.split(/[\\/]/).filter(Boolean).pop() ?? plan.workspaceRoot;
  const rows = plan.steps
    .map((s) => {
      const action = actionLabel(s.action);
      const changes = s.changes.length
        ? `<ul class="changes">${s.changes
            .map((c) => `<li><code>${escapeHtml(c.field)}</code>: <del>${escapeHtml(c.before || "∅")}</del> → <ins>${escapeHtml(c.after || "∅")}</ins></li>`)
            .join("")}</ul>`
        : "";
      const deps = s.dependsOn.length ? `<div class="deps">after ${s.dependsOn.map(escapeHtml).join(", ")}</div>` : "";
      const noop = s.action === StepAction.NOOP;
      return `<tr data-step-id="${escapeHtml(s.id)}" class="step action-${action.replace(/ /g, "-")}">
  <td><span class="badge">${escapeHtml(action)}</span></td>
  <td><div class="name">${escapeHtml(input.providerName(s.provider))} · ${escapeHtml(s.name)}</div><div class="type">${escapeHtml(s.resourceType)}${s.providerId ? ` · ${escapeHtml(s.providerId)}` : ""}</div>${changes}${deps}</td>
  <td class="reason">${linkFileRefs(s.reason)}</td>
  <td class="state" aria-live="polite"><span class="icon" aria-hidden="true"></span><span class="label">${noop ? "—" : "pending"}</span></td>
</tr>`;
    })
    .join("\n");
  const body = `<header>
<h1>${escapeHtml(title)}</h1>
<p class="summary muted">${escapeHtml(planCounts(plan))} · ${escapeHtml(root)}</p>
<div class="actions">
  <button id="approve"${actionable ? "" : " disabled"}>${actionable ? (plan.destroy ? "Approve and destroy" : "Approve and apply") : "Nothing to change"}</button>
  <button id="cancel" class="secondary">Close</button>
  <progress id="progress" max="${actionable || 1}" value="0" hidden></progress>
</div>
<div id="outcome" role="status" aria-live="polite" hidden></div>
</header>
${plan.warnings.length ? `<div class="warnings"><strong>Warnings</strong><ul>${plan.warnings.map((w) => `<li>${linkFileRefs(w)}</li>`).join("")}</ul></div>` : ""}
${
  plan.steps.length
    ? `<table><colgroup><col class="action"><col class="resource"><col class="why"><col class="state"></colgroup>
<thead><tr><th>Action</th><th>Resource</th><th>Why</th><th>Status</th></tr></thead><tbody>
${rows}
</tbody></table>`
    : ""
}`;
  return renderPage({ title, cspSource, nonce, styles, body, script });
}
