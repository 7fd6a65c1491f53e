import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import { errorMessage, type Logger } from "../client/supervisor";
import type { ApprovalRequest } from "../gen/patchbay/v1/provision_pb";

/** The question an approval request puts to the user; pure for tests. */
export function approvalQuestion(r: ApprovalRequest): { message: string; detail: string; approve: string } {
  const what = r.destroy ? `destroy everything Patchbay created for “${r.environment}”` : `apply a plan to “${r.environment}”`;
  return {
    message: `${r.requester || "A tool"} asks to ${what}. Approve?`,
    detail: `${r.summary}\nWorkspace: ${r.workspaceRoot}\nPlan ${r.planId} · request ${r.id}. Nothing changes unless you approve.`,
    approve: r.destroy ? "Approve Destroy" : "Approve",
  };
}

/**
 * Approval requests from tools that may not apply on their own (`patchbay
 * mcp` for agents): a modal shows the plan's diff; Approve lets the tool
 * apply it, anything else denies. A request answered elsewhere (the CLI,
 * another window) is already closed when this window answers; that is fine.
 */
export class ApprovalPrompts {
  private asking = new Set<string>();

  constructor(
    private readonly clients: () => DaemonClients | undefined,
    private readonly log: Logger,
  ) {}

  async prompt(r: ApprovalRequest): Promise<void> {
    if (this.asking.has(r.id)) return;
    this.asking.add(r.id);
    try {
      const q = approvalQuestion(r);
      const choice = await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, q.approve, "Deny");
      const approve = choice === q.approve;
      const c = this.clients();
      if (!c) return;
      await c.provision.answerApprovalRequest({ id: r.id, approve });
      this.log.info(`approval request ${r.id} (plan ${r.planId}, ${r.requester}): ${approve ? "approved" : "denied"} in the editor`);
    } catch (err) {
      this.log.warn(`answering approval request ${r.id}: ${errorMessage(err)}`);
    } finally {
      this.asking.delete(r.id);
    }
  }
}
