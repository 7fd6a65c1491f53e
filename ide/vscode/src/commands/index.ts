import * as vscode from "vscode";
import { apiKeyCommands } from "./apiKeys";
import type { CommandContext, CommandTable } from "./context";
import { credentialCommands } from "./credentials";
import { environmentCommands } from "./environments";
import { generalCommands } from "./general";

export type { CommandContext } from "./context";

/** Every command the extension registers from activate(), by id. */
export const commandTable: CommandTable = { ...generalCommands, ...credentialCommands, ...apiKeyCommands, ...environmentCommands };

/** Registers the table's handlers with ctx; the disposables unregister them. */
export function registerCommands(ctx: CommandContext, table: CommandTable = commandTable): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) => vscode.commands.registerCommand(id, (...args: unknown[]) => handler(ctx, ...args)));
}
