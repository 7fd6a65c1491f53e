import type * as vscode from "vscode";
import type { DaemonSupervisor, Logger } from "../client/supervisor";
import type { DaemonStore } from "../model/store";
import type { AnswerDocuments } from "../ui/answers";
import type { ApiKeyPanels } from "../ui/apiKeyPanel";
import type { ApprovalPrompts } from "../ui/approvals";
import type { CredentialPanels } from "../ui/credentialPanel";
import type { EnvironmentCommands } from "../ui/environments";
import type { ApiKeysTreeProvider, EnvironmentsTreeProvider } from "../ui/moreTrees";
import type { ProvisionFlow } from "../ui/provision";
import type { TerminalEnvironment } from "../ui/terminalEnv";

/**
 * What command handlers work with: the objects activate() builds. Handlers
 * live in src/commands/*.ts and get this instead of closing over activate's
 * locals, so activate() only wires.
 */
export interface CommandContext {
  supervisor: DaemonSupervisor;
  store: DaemonStore;
  output: vscode.OutputChannel;
  log: Logger;
  panels: CredentialPanels;
  keyPanels: ApiKeyPanels;
  apiKeys: ApiKeysTreeProvider;
  environments: EnvironmentsTreeProvider;
  envCommands: EnvironmentCommands;
  provision: ProvisionFlow;
  approvals: ApprovalPrompts;
  answers: AnswerDocuments;
  terminalEnv: TerminalEnvironment | undefined;
  /** Re-analyzes every folder; explicit: with a cancellable notification. */
  refreshAll: (explicit?: boolean) => Promise<void>;
  /** Logs and shows "Patchbay: <what> failed: <reason>" with Show details. */
  showError: (what: string, err: unknown) => void;
  /** The first file folder of the window, or undefined. */
  primaryRoot: () => string | undefined;
}

/** A command handler; VS Code passes whatever the caller (view, lens, palette, answer button) passed. */
export type CommandHandler = (ctx: CommandContext, ...args: any[]) => unknown;

/** Command id → handler. */
export type CommandTable = Record<string, CommandHandler>;

/** The workspace root a view node or an assistant answer names, if any. */
export function rootArg(arg: unknown): string | undefined {
  const a = arg as { root?: unknown } | undefined;
  return typeof a?.root === "string" ? a.root : undefined;
}

/** The environment name a view node ({ env: { name } }) names, if any. */
export function envArg(arg: unknown): string | undefined {
  const a = arg as { env?: { name?: unknown } } | undefined;
  return typeof a?.env?.name === "string" ? a.env.name : undefined;
}
