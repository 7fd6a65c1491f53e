import * as vscode from "vscode";
import type { DaemonClients } from "../client/connection";
import { errorMessage } from "../client/supervisor";
import type { SuggestedCommand } from "../gen/patchbay/v1/assistant_pb";

/** The slash commands of @patchbay; the daemon's assistant interprets them. */
export const chatCommands = ["connect", "credentials", "deploy", "keys", "why", "map"] as const;

/** The question sent to AssistantService.Ask for a chat request. */
export function questionFor(command: string | undefined, prompt: string): string {
  const p = prompt.trim();
  return command ? `/${command}${p ? ` ${p}` : ""}` : p;
}

/**
 * Only our own commands may be offered as buttons: the answer comes from the
 * daemon, and a button runs with the editor's full authority.
 */
export function safeCommand(c: SuggestedCommand): vscode.Command | undefined {
  if (!/^patchbay\.[A-Za-z]+$/.test(c.command)) return undefined;
  return { title: c.title || c.command, command: c.command, arguments: c.arguments.length ? [...c.arguments] : undefined };
}

export interface AskResult {
  markdown: string;
  commands: vscode.Command[];
  intent: string;
}

/** Streams one Ask; onText gets each markdown chunk as it arrives. */
export async function ask(
  clients: DaemonClients,
  question: string,
  workspaceRoot: string,
  signal: AbortSignal,
  onText: (chunk: string) => void = () => {},
): Promise<AskResult> {
  const out: AskResult = { markdown: "", commands: [], intent: "" };
  for await (const res of clients.assistant.ask({ question, workspaceRoot }, { signal })) {
    if (res.text) {
      out.markdown += res.text;
      onText(res.text);
    }
    for (const c of res.commands) {
      const cmd = safeCommand(c);
      if (cmd) out.commands.push(cmd);
    }
    if (res.intent) out.intent = res.intent;
  }
  return out;
}

export function registerChat(clients: () => DaemonClients | undefined, root: () => string): vscode.Disposable | undefined {
  // The chat API exists from VS Code 1.90; hosts without a chat view simply never call us.
  if (!(vscode as { chat?: typeof vscode.chat }).chat?.createChatParticipant) return undefined;
  const participant = vscode.chat.createChatParticipant("patchbay.assistant", async (request, _context, stream, token) => {
    const c = clients();
    if (!c) {
      stream.markdown("The Patchbay daemon is not connected yet; see the status bar.");
      return;
    }
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      const res = await ask(c, questionFor(request.command, request.prompt), root(), ac.signal, (t) => stream.markdown(t));
      for (const cmd of res.commands) stream.button(cmd);
      return { metadata: { intent: res.intent } };
    } catch (err) {
      stream.markdown(`\n\n_Patchbay could not answer: ${errorMessage(err)}_`);
      return { errorDetails: { message: errorMessage(err) } };
    }
  });
  participant.iconPath = new vscode.ThemeIcon("plug");
  return participant;
}
