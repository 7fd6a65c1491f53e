import * as vscode from "vscode";
import { CheckStatus, type CredentialProfile } from "../gen/patchbay/v1/credential_pb";
import { describeCheck, displayName } from "../model/providers";
import type { CredentialNode } from "../ui/trees";
import type { CommandContext, CommandTable } from "./context";

/** Credentials view, lenses and palette: connect, update, check, delete, unlock, answer requests. */
export const credentialCommands: CommandTable = {
  "patchbay.connectProvider": (ctx, arg?: { provider?: string } | CredentialNode) => connectProvider(ctx, providerOf(arg), "default"),
  "patchbay.updateCredentials": (ctx, arg?: CredentialNode) => {
    const p = profileOf(arg);
    return connectProvider(ctx, p?.provider ?? providerOf(arg), p?.profile || "default");
  },
  "patchbay.checkCredentials": (ctx, arg?: { provider?: string } | CredentialNode) => checkCredentials(ctx, arg),
  "patchbay.deleteCredentials": (ctx, arg?: CredentialNode) => deleteCredentials(ctx, arg),
  "patchbay.unlockKeyring": (ctx) => unlockKeyring(ctx),
  "patchbay.answerCredentialRequest": (ctx) => answerPending(ctx),
  "patchbay.showCredentials": () => vscode.commands.executeCommand("patchbay.credentials.focus"),
};

async function pickProvider(ctx: CommandContext): Promise<string | undefined> {
  const items = ctx.store.catalog.providers.map((p) => ({ label: p.displayName || p.id, id: p.id }));
  if (!items.length) {
    void vscode.window.showErrorMessage("Patchbay: the daemon has not served a provider catalogue (CredentialService.ListProviders).", "Show details").then((c) => {
      if (c) ctx.output.show(true);
    });
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: "Provider" }))?.id;
}

export async function connectProvider(ctx: CommandContext, providerId: string | undefined, profile: string): Promise<void> {
  const { store } = ctx;
  if (!store.catalog.providers.length) await store.refreshCatalog();
  const id = providerId ?? (await pickProvider(ctx));
  if (!id) return;
  const provider = store.catalog.providers.find((p) => p.id === id);
  if (!provider) {
    void vscode.window
      .showErrorMessage(`Patchbay: no credential form for ${displayName(store.catalog, id)}: the daemon's provider catalogue does not list "${id}".`, "Show details")
      .then((c) => {
        if (c) ctx.output.show(true);
      });
    return;
  }
  ctx.panels.open({ provider, profile });
}

async function checkCredentials(ctx: CommandContext, arg: unknown): Promise<void> {
  const { store } = ctx;
  const c = ctx.supervisor.clients;
  const prof = profileOf(arg);
  const provider = prof?.provider ?? providerOf(arg) ?? (await pickProvider(ctx));
  if (!provider || !c) return;
  const profile = prof?.profile || "default";
  try {
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking ${displayName(store.catalog, provider)} credentials…`, cancellable: true },
      (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return c.credential.checkCredentials({ provider, profile }, { signal: ac.signal });
      },
    );
    const text = `${displayName(store.catalog, provider)} (${profile}): ${describeCheck(res.result)}${res.result?.fix ? ` — ${res.result.fix}` : ""}`;
    if (res.result?.status === CheckStatus.OK) void vscode.window.showInformationMessage(text);
    else void vscode.window.showWarningMessage(text, "Update credentials").then((ch) => ch && connectProvider(ctx, provider, profile));
    await store.refreshCatalog();
  } catch (err) {
    ctx.showError(`checking ${provider} credentials`, err);
  }
}

async function deleteCredentials(ctx: CommandContext, arg?: CredentialNode): Promise<void> {
  const c = ctx.supervisor.clients;
  const p = profileOf(arg);
  if (!p || !c) return;
  const name = `${displayName(ctx.store.catalog, p.provider)} profile “${p.profile}”`;
  const ok = await vscode.window.showWarningMessage(`Delete ${name} from the keyring?`, { modal: true }, "Delete");
  if (ok !== "Delete") return;
  try {
    await c.credential.deleteCredentials({ provider: p.provider, profile: p.profile });
    await ctx.store.refreshCatalog();
  } catch (err) {
    ctx.showError(`deleting ${name}`, err);
  }
}

async function answerPending(ctx: CommandContext): Promise<void> {
  const { store } = ctx;
  const pending = store.pendingRequests();
  if (!pending.length) {
    void vscode.window.showInformationMessage("Patchbay: no credential request is waiting.");
    return;
  }
  const pick =
    pending.length === 1
      ? pending[0]
      : (await vscode.window.showQuickPick(
          pending.map((r) => ({ label: displayName(store.catalog, r.provider), description: r.reason, req: r })),
          { placeHolder: "Credential request to answer" },
        ))?.req;
  if (!pick) return;
  if (!store.catalog.providers.length) await store.refreshCatalog();
  const provider = store.catalog.providers.find((p) => p.id === pick.provider);
  if (!provider) {
    ctx.showError(`answering the ${pick.provider} credential request`, new Error(`the provider catalogue does not list "${pick.provider}"`));
    return;
  }
  ctx.panels.open({ provider, profile: pick.profile || "default", request: pick });
}

async function unlockKeyring(ctx: CommandContext): Promise<void> {
  const c = ctx.supervisor.clients;
  if (!c) return;
  const passphrase = await vscode.window.showInputBox({
    title: "Unlock the Patchbay keyring",
    prompt: "Passphrase of the encrypted file keyring (used because no OS keyring service is available)",
    password: true,
    ignoreFocusOut: true,
  });
  if (!passphrase) return;
  try {
    const res = await c.credential.unlockKeyring({ passphrase });
    ctx.log.info(`keyring unlocked (${res.backend})`);
    await ctx.store.refreshCatalog();
  } catch (err) {
    ctx.showError("unlocking the keyring", err);
  }
}

function providerOf(arg: unknown): string | undefined {
  if (!arg || typeof arg !== "object") return undefined;
  const a = arg as { provider?: unknown };
  return typeof a.provider === "string" ? a.provider : undefined;
}

function profileOf(arg: unknown): { provider: string; profile: string } | undefined {
  if (!arg || typeof arg !== "object") return undefined;
  const a = arg as { type?: string; provider?: string; profile?: CredentialProfile };
  if (a.type === "profile" && a.profile && a.provider) return { provider: a.provider, profile: a.profile.profile };
  return undefined;
}
