import { newNonce } from "./ui/page";
import * as path from "node:path";
import * as vscode from "vscode";
import { resolveDaemonBinary } from "./client/binary";
import { defaultHome } from "./client/home";
import { DaemonSupervisor, errorMessage, type Logger, type SupervisorOptions } from "./client/supervisor";
import { readServerLogin } from "./client/server";
import { CheckStatus, type CredentialProfile } from "./gen/patchbay/v1/credential_pb";
import { describeCheck, displayName } from "./model/providers";
import { DaemonStore } from "./model/store";
import { SdkCodeLensProvider } from "./ui/codeLens";
import { CredentialPanels } from "./ui/credentialPanel";
import { ask, registerChat } from "./ui/chat";
import { EnvDiagnostics, EnvHoverProvider, EnvQuickFixes, FindingHoverProvider, registerEnvCommands } from "./ui/envVars";
import { TerminalEnvironment } from "./ui/terminalEnv";
import { ApiKeyPanels } from "./ui/apiKeyPanel";
import { AnswerDocuments } from "./ui/answers";
import { ApprovalPrompts } from "./ui/approvals";
import { EnvironmentCommands } from "./ui/environments";
import { AgentTools, registerLmTools } from "./ui/lmTools";
import { ApiKeysTreeProvider, EnvironmentsTreeProvider, type KeyNode } from "./ui/moreTrees";
import { ProvisionFlow } from "./ui/provision";
import { statusView } from "./ui/status";
import { renderSystemMap } from "./ui/systemMap";
import { CredentialsTreeProvider, ServicesTreeProvider, type CredentialNode } from "./ui/trees";

/** Seams for tests; VS Code calls activate(context) only. */
export interface ActivationDeps {
  createSupervisor?: (opts: SupervisorOptions) => DaemonSupervisor;
}

/** What activate returns, for tests and other extensions. */
export interface PatchbayApi {
  supervisor: DaemonSupervisor;
  store: DaemonStore;
  lenses: SdkCodeLensProvider;
  services: ServicesTreeProvider;
  credentials: CredentialsTreeProvider;
  environments: EnvironmentsTreeProvider;
  apiKeys: ApiKeysTreeProvider;
  keyPanels: ApiKeyPanels;
  panels: CredentialPanels;
  provision: ProvisionFlow;
  environmentCommands: EnvironmentCommands;
  agentTools: AgentTools;
  /** Resolves when the analyses started by the last refresh are done. */
  refreshing: () => Promise<void>;
}

let active: PatchbayApi | undefined;

function outputLogger(channel: vscode.OutputChannel): Logger {
  const line = (level: string, m: string) => channel.appendLine(`${new Date().toISOString()} [${level}] ${m}`);
  return { info: (m) => line("info", m), warn: (m) => line("warn", m), error: (m) => line("error", m) };
}

export function activate(context: vscode.ExtensionContext, deps: ActivationDeps = {}): PatchbayApi {
  const output = vscode.window.createOutputChannel("Patchbay");
  context.subscriptions.push(output);
  const log = outputLogger(output);
  const config = vscode.workspace.getConfiguration("patchbay");
  const home = config.get<string>("home")?.trim() || defaultHome();

  // A Patchbay server instead of the local daemon: same views, the login
  // (token) from `patchbay login --server URL`, never from a setting.
  const serverUrl = config.get<string>("serverUrl")?.trim() ?? "";
  const supervisorOptions: SupervisorOptions = {
    home,
    logger: log,
    server: serverUrl ? () => readServerLogin(home, serverUrl) : undefined,
    resolveBinary: () =>
      resolveDaemonBinary({ setting: vscode.workspace.getConfiguration("patchbay").get<string>("daemonPath") ?? "", extensionPath: context.extensionPath }),
  };
  const supervisor = (deps.createSupervisor ?? ((o) => new DaemonSupervisor(o)))(supervisorOptions);
  const store = new DaemonStore(() => supervisor.clients, log);
  const lenses = new SdkCodeLensProvider(store);
  const services = new ServicesTreeProvider(store);
  const credentials = new CredentialsTreeProvider(store, () => supervisor.state);
  const panels = new CredentialPanels(() => supervisor.clients, store, log);
  const environments = new EnvironmentsTreeProvider(() => supervisor.clients, store, log, (root) => envCommands.selected(root));
  // Teams whose keys were created or edited in this window, shown next to the configured ones.
  const keyTeams = new Set<string>();
  const apiKeys = new ApiKeysTreeProvider(() => supervisor.clients, store, () => [
    "default",
    ...(vscode.workspace.getConfiguration("patchbay").get<string[]>("apiKeyTeams", []) ?? []).filter((t) => typeof t === "string" && t.trim()).map((t) => t.trim()),
    ...keyTeams,
  ]);
  const keyPanels = new ApiKeyPanels(() => supervisor.clients, store, log, {
    changed: (team) => {
      keyTeams.add(team);
      apiKeys.refresh();
    },
  });
  const primaryRoot = () => (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === "file")?.uri.fsPath;
  const envCommands = new EnvironmentCommands({ clients: () => supervisor.clients, store, root: primaryRoot, showError: (what, err) => showError(what, err) });
  const provision = new ProvisionFlow({
    clients: () => supervisor.clients,
    store,
    log,
    showError: (what, err) => showError(what, err),
    selected: (root) => envCommands.selected(root),
    createEnvironment: (root) => envCommands.create(root),
  });
  const approvals = new ApprovalPrompts(() => supervisor.clients, log);
  const answers = new AnswerDocuments();
  const agentTools = new AgentTools(() => supervisor.clients, firstRoot, (root) => envCommands.selected(root));

  const envDiagnostics = new EnvDiagnostics(store);
  // New integrated terminals get the chosen environment's variables.
  const terminalEnv = context.environmentVariableCollection
    ? new TerminalEnvironment(
        context.environmentVariableCollection,
        () => supervisor.clients,
        () => vscode.workspace.getConfiguration("patchbay").get<string>("terminalEnvironment", "") ?? "",
        log,
      )
    : undefined;
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.name = "Patchbay";
  status.command = "patchbay.showOutput";
  const render = () => {
    const v = statusView(supervisor.state, store.pendingRequests().length);
    status.text = v.text;
    status.tooltip = v.tooltip;
    status.backgroundColor = v.error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  };
  render();
  status.show();

  let inflight: Promise<void> = Promise.resolve();
  const analyzeFolder = async (root: string, changed: string[] = [], signal?: AbortSignal) => {
    try {
      await store.analyze(root, changed, signal);
      await store.refreshEnv(root);
    } catch (err) {
      if (signal?.aborted) log.info(`analysis of ${root} canceled`);
      else log.error(`Analyze ${root} failed: ${errorMessage(err)}`);
    }
  };
  // Automatic refreshes show in the status bar; an explicit one gets a
  // notification the user can cancel.
  const refreshAll = (explicit = false) => {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file");
    inflight = Promise.resolve(
      vscode.window.withProgress(
        { location: explicit ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: "Patchbay: analyzing", cancellable: explicit },
        async (_p, token) => {
          const ac = new AbortController();
          token?.onCancellationRequested(() => ac.abort());
          await Promise.all([store.refreshCatalog(), ...folders.map((f) => analyzeFolder(f.uri.fsPath, [], ac.signal))]);
        },
      ),
    );
    return inflight;
  };

  context.subscriptions.push(
    status,
    vscode.languages.registerCodeLensProvider({ scheme: "file" }, lenses),
    vscode.languages.registerHoverProvider({ scheme: "file" }, new EnvHoverProvider(store)),
    vscode.languages.registerHoverProvider({ scheme: "file" }, new FindingHoverProvider(store)),
    envDiagnostics,
    vscode.languages.registerCodeActionsProvider({ scheme: "file" }, new EnvQuickFixes(envDiagnostics), { providedCodeActionKinds: EnvQuickFixes.kinds }),
    ...registerEnvCommands(() => supervisor.clients, store, (what, err) => showError(what, err)),
    vscode.window.registerTreeDataProvider("patchbay.services", services),
    vscode.window.registerTreeDataProvider("patchbay.credentials", credentials),
    vscode.window.registerTreeDataProvider("patchbay.environments", environments),
    vscode.window.registerTreeDataProvider("patchbay.apiKeys", apiKeys),
    lenses,
    { dispose: () => panels.dispose() },
    { dispose: () => keyPanels.dispose() },
    store.onAnalysis.on((root) => {
      lenses.refresh();
      services.refresh();
      credentials.refresh();
      envDiagnostics.update(root);
    }),
    store.onEnv.on((root) => {
      // Provision lenses say where their resources are provisioned.
      lenses.refresh();
      envDiagnostics.update(root);
      environments.refresh();
      envCommands.renderStatus();
      if (root === primaryRoot()) void terminalEnv?.refresh(root);
    }),
    store.onCatalog.on(() => {
      lenses.refresh();
      services.refresh();
      credentials.refresh();
    }),
    store.onPending.on(render),
    store.onSnapshotPending.on((n) => {
      void vscode.window.showInformationMessage(`Patchbay: ${n} credential request${n === 1 ? " is" : "s are"} waiting for an answer.`, "Answer").then((c) => {
        if (c) void answerPending();
      });
    }),
    store.onNewRequest.on(async (req) => {
      let provider = store.catalog.providers.find((p) => p.id === req.provider);
      if (!provider) {
        // The request may beat the catalogue on a fresh connection.
        await store.refreshCatalog();
        provider = store.catalog.providers.find((p) => p.id === req.provider);
      }
      if (!provider) {
        log.warn(`credential request ${req.id} for unknown provider ${req.provider}`);
        return;
      }
      panels.open({ provider, profile: req.profile || "default", request: req });
    }),
    store.onApprovalRequest.on((r) => void approvals.prompt(r)),
    store.onRequestClosed.on(({ id, outcome }) => panels.requestClosed(id, outcome)),
    store.onCredentialsChanged.on(({ provider, profile, deleted }) => panels.credentialsChanged(provider, profile, deleted)),
    supervisor.onState.on((s) => {
      render();
      credentials.refresh();
      if (s.kind === "ready") void refreshAll();
      if (s.kind === "failed") {
        void vscode.window.showErrorMessage(`Patchbay daemon failed: ${s.reason}`, "Show details", "Restart").then((choice) => {
          if (choice === "Show details") output.show(true);
          if (choice === "Restart") void supervisor.restart();
        });
      }
    }),
    supervisor.onEvent.on((ev) => {
      const r = store.handleEvent(ev);
      if (r.reanalyze) void analyzeFolder(r.reanalyze);
      if (r.refreshCatalog) void store.refreshCatalog();
      if (r.refreshEnv) {
        const roots = r.refreshEnv === "*" ? store.roots() : [r.refreshEnv];
        for (const root of roots) void store.refreshEnv(root).catch(() => undefined);
      }
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.uri.scheme !== "file") return;
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
      if (!folder) return;
      const rel = path.relative(folder.uri.fsPath, doc.uri.fsPath).split(path.sep).join("/");
      inflight = analyzeFolder(folder.uri.fsPath, [rel]);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) store.forget(f.uri.fsPath);
      for (const f of e.added) if (f.uri.scheme === "file") void analyzeFolder(f.uri.fsPath);
    }),
    vscode.commands.registerCommand("patchbay.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("patchbay.restartDaemon", () => supervisor.restart()),
    vscode.commands.registerCommand("patchbay.refresh", () => refreshAll(true)),
    vscode.commands.registerCommand("patchbay.showApiKeys", () => vscode.commands.executeCommand("patchbay.apiKeys.focus")),
    vscode.commands.registerCommand("patchbay.answerCredentialRequest", () => answerPending()),
    vscode.commands.registerCommand("patchbay.connectProvider", (arg?: { provider?: string } | CredentialNode) =>
      connectProvider(providerOf(arg), "default"),
    ),
    vscode.commands.registerCommand("patchbay.updateCredentials", (arg?: CredentialNode) => {
      const p = profileOf(arg);
      return connectProvider(p?.provider ?? providerOf(arg), p?.profile || "default");
    }),
    vscode.commands.registerCommand("patchbay.checkCredentials", (arg?: { provider?: string } | CredentialNode) => checkCredentials(arg)),
    vscode.commands.registerCommand("patchbay.deleteCredentials", (arg?: CredentialNode) => deleteCredentials(arg)),
    vscode.commands.registerCommand("patchbay.unlockKeyring", () => unlockKeyring()),
    vscode.commands.registerCommand("patchbay.refreshApiKeys", () => apiKeys.refresh()),
    vscode.commands.registerCommand("patchbay.showSystemMap", (arg?: { root?: string; env?: { name?: string } }) =>
      showSystemMap(typeof arg?.root === "string" ? arg.root : firstRoot(), typeof arg?.env?.name === "string" ? arg.env.name : ""),
    ),
    vscode.commands.registerCommand("patchbay.deleteApiKey", (n?: KeyNode) => deleteApiKey(n)),
    vscode.commands.registerCommand("patchbay.createApiKey", () => keyAction("opening the API key form", () => keyPanels.create())),
    vscode.commands.registerCommand("patchbay.editApiKey", (n?: KeyNode) =>
      n?.type === "key" ? keyAction("opening the API key form", () => keyPanels.edit(n.key)) : undefined,
    ),
    vscode.commands.registerCommand("patchbay.showApiKey", (n?: KeyNode) =>
      n?.type === "key" ? keyAction("loading the API key", () => keyPanels.detail(n.key)) : undefined,
    ),
    vscode.commands.registerCommand("patchbay.regenerateApiKey", (n?: KeyNode) =>
      n?.type === "key" ? keyAction(`regenerating API key ${n.key.name || n.key.id}`, () => keyPanels.regenerate(n.key)) : undefined,
    ),
    vscode.commands.registerCommand("patchbay.ask", (question?: string) => askInPalette(question)),
    vscode.commands.registerCommand("patchbay.useEnvironmentInTerminals", () => useEnvironmentInTerminals()),
    vscode.commands.registerCommand("patchbay.createEnvironment", () => envCommands.create()),
    vscode.commands.registerCommand("patchbay.editEnvironment", (arg?: { root?: string; env?: { name?: string } }) =>
      envCommands.edit(typeof arg?.root === "string" ? arg.root : undefined, typeof arg?.env?.name === "string" ? arg.env.name : undefined),
    ),
    vscode.commands.registerCommand("patchbay.deleteEnvironment", (arg?: { root?: string; env?: { name?: string } }) =>
      envCommands.remove(typeof arg?.root === "string" ? arg.root : undefined, typeof arg?.env?.name === "string" ? arg.env.name : undefined),
    ),
    vscode.commands.registerCommand("patchbay.selectEnvironment", async (arg?: { root?: string; env?: { name?: string } }) => {
      const env = await envCommands.select(typeof arg?.root === "string" ? arg.root : undefined, typeof arg?.env?.name === "string" ? arg.env.name : undefined);
      const root = primaryRoot();
      if (env && root) await terminalEnv?.refresh(root);
      environments.refresh();
    }),
    vscode.commands.registerCommand("patchbay.answerApprovalRequest", async () => {
      const pending = store.pendingApprovals();
      if (!pending.length) {
        void vscode.window.showInformationMessage("Patchbay: no approval request is waiting.");
        return;
      }
      for (const r of pending) await approvals.prompt(r);
    }),
    ...registerLmTools(agentTools),
    envCommands,
    vscode.commands.registerCommand("patchbay.showCredentials", () => vscode.commands.executeCommand("patchbay.credentials.focus")),
    // From views and lenses an object; from assistant answers (string arguments) root and environment.
    vscode.commands.registerCommand("patchbay.provision", (arg?: { root?: string; env?: { name?: string } } | string, envName?: string) =>
      typeof arg === "string"
        ? provision.run(arg, typeof envName === "string" ? envName : undefined)
        : provision.run(typeof arg?.root === "string" ? arg.root : undefined, typeof arg?.env?.name === "string" ? arg.env.name : undefined),
    ),
    vscode.commands.registerCommand("patchbay.destroy", (arg?: { root?: string; env?: { name?: string } } | string, envName?: string) =>
      typeof arg === "string"
        ? provision.run(arg, typeof envName === "string" ? envName : undefined, true)
        : provision.run(typeof arg?.root === "string" ? arg.root : undefined, typeof arg?.env?.name === "string" ? arg.env.name : undefined, true),
    ),
    vscode.workspace.registerTextDocumentContentProvider(AnswerDocuments.scheme, answers),
    { dispose: () => provision.dispose() },
  );

  async function useEnvironmentInTerminals(): Promise<void> {
    const root = primaryRoot();
    if (!root || !terminalEnv) return;
    const names = store.envView(root).environments.map((e) => e.name);
    if (!names.length) {
      void vscode.window.showInformationMessage("Patchbay: this workspace has no environments yet.", "Create Environment…").then((c) => {
        if (c) void envCommands.create(root);
      });
      return;
    }
    const none = "(none)";
    const pick = await vscode.window.showQuickPick([...names, none], { placeHolder: "Environment whose variables new terminals get" });
    if (!pick) return;
    await vscode.workspace.getConfiguration("patchbay").update("terminalEnvironment", pick === none ? "-" : pick, vscode.ConfigurationTarget.Workspace);
    const env = await terminalEnv.refresh(root);
    void vscode.window.showInformationMessage(env ? `Patchbay: new terminals get the variables of "${env}".` : "Patchbay: new terminals get no Patchbay variables.");
  }

  async function pickProvider(): Promise<string | undefined> {
    const items = store.catalog.providers.map((p) => ({ label: p.displayName || p.id, id: p.id }));
    if (!items.length) {
      void vscode.window.showErrorMessage("Patchbay: the daemon has not served a provider catalogue (CredentialService.ListProviders).", "Show details").then((c) => {
        if (c) output.show(true);
      });
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { placeHolder: "Provider" }))?.id;
  }

  async function connectProvider(providerId: string | undefined, profile: string): Promise<void> {
    if (!store.catalog.providers.length) await store.refreshCatalog();
    const id = providerId ?? (await pickProvider());
    if (!id) return;
    const provider = store.catalog.providers.find((p) => p.id === id);
    if (!provider) {
      void vscode.window.showErrorMessage(`Patchbay: no credential form for ${displayName(store.catalog, id)}: the daemon's provider catalogue does not list "${id}".`, "Show details").then((c) => {
        if (c) output.show(true);
      });
      return;
    }
    panels.open({ provider, profile });
  }

  async function checkCredentials(arg: unknown): Promise<void> {
    const c = supervisor.clients;
    const prof = profileOf(arg as CredentialNode);
    const provider = prof?.provider ?? providerOf(arg as CredentialNode) ?? (await pickProvider());
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
      else void vscode.window.showWarningMessage(text, "Update credentials").then((ch) => ch && connectProvider(provider, profile));
      await store.refreshCatalog();
    } catch (err) {
      showError(`checking ${provider} credentials`, err);
    }
  }

  async function deleteCredentials(arg?: CredentialNode): Promise<void> {
    const c = supervisor.clients;
    const p = profileOf(arg);
    if (!p || !c) return;
    const name = `${displayName(store.catalog, p.provider)} profile “${p.profile}”`;
    const ok = await vscode.window.showWarningMessage(`Delete ${name} from the keyring?`, { modal: true }, "Delete");
    if (ok !== "Delete") return;
    try {
      await c.credential.deleteCredentials({ provider: p.provider, profile: p.profile });
      await store.refreshCatalog();
    } catch (err) {
      showError(`deleting ${name}`, err);
    }
  }

  async function answerPending(): Promise<void> {
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
      showError(`answering the ${pick.provider} credential request`, new Error(`the provider catalogue does not list "${pick.provider}"`));
      return;
    }
    panels.open({ provider, profile: pick.profile || "default", request: pick });
  }

  async function askInPalette(question?: string): Promise<void> {
    const c = supervisor.clients;
    if (!c) {
      void vscode.window.showErrorMessage("Patchbay: the daemon is not ready yet.");
      return;
    }
    const q =
      typeof question === "string" && question
        ? question
        : await vscode.window.showInputBox({ title: "Ask Patchbay", prompt: "e.g. what credentials do I have configured?", ignoreFocusOut: true });
    if (!q) return;
    try {
      const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Patchbay is thinking…", cancellable: true }, (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return ask(c, q, firstRoot(), ac.signal);
      });
      // A read-only document (no "Save changes?"), rendered as markdown.
      const uri = answers.add(q, `# ${q}\n\n${res.markdown}\n`);
      try {
        await vscode.commands.executeCommand("markdown.showPreview", uri);
      } catch {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
      }
      if (res.commands.length) {
        const pick = await vscode.window.showInformationMessage(`Patchbay suggests:`, ...res.commands.slice(0, 3).map((x) => x.title));
        const cmd = res.commands.find((x) => x.title === pick);
        if (cmd) await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
      }
    } catch (err) {
      showError("asking Patchbay", err);
    }
  }

  async function showSystemMap(root: string, environment: string): Promise<void> {
    const c = supervisor.clients;
    if (!c || !root) return;
    try {
      const map = await c.provision.getSystemMap({ workspaceRoot: root, environment });
      const title = `System map · ${path.basename(root)}${environment ? ` · ${environment}` : ""}`;
      const panel = vscode.window.createWebviewPanel("patchbay.systemMap", title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
      panel.webview.html = renderSystemMap({
        nodes: map.nodes,
        edges: map.edges,
        title,
        nonce: newNonce(),
        cspSource: panel.webview.cspSource,
        providerName: (id) => displayName(store.catalog, id),
      });
    } catch (err) {
      showError("loading the system map", err);
    }
  }

  async function keyAction(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (err) {
      showError(what, err);
    }
  }

  async function deleteApiKey(n?: KeyNode): Promise<void> {
    const c = supervisor.clients;
    if (!c || n?.type !== "key") return;
    const ok = await vscode.window.showWarningMessage(
      `Delete API key “${n.key.name || n.key.id}”? Jobs using it stop working, and its triggers' webhooks are removed.`,
      { modal: true },
      "Delete",
    );
    if (ok !== "Delete") return;
    try {
      await c.apiKey.deleteApiKey({ team: n.key.team, id: n.key.id });
      apiKeys.refresh();
    } catch (err) {
      showError(`deleting API key ${n.key.name || n.key.id}`, err);
    }
  }

  async function unlockKeyring(): Promise<void> {
    const c = supervisor.clients;
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
      log.info(`keyring unlocked (${res.backend})`);
      await store.refreshCatalog();
    } catch (err) {
      showError("unlocking the keyring", err);
    }
  }

  function showError(what: string, err: unknown): void {
    const msg = errorMessage(err);
    log.error(`${what}: ${msg}`);
    void vscode.window.showErrorMessage(`Patchbay: ${what} failed: ${msg}`, "Show details").then((c) => {
      if (c) output.show(true);
    });
  }

  const chat = registerChat(() => supervisor.clients, firstRoot);
  if (chat) context.subscriptions.push(chat);

  log.info(`activating; PATCHBAY_HOME=${home}`);
  supervisor.start();
  context.subscriptions.push({ dispose: () => void supervisor.stop() });

  envCommands.renderStatus();
  active = {
    supervisor,
    store,
    lenses,
    services,
    credentials,
    environments,
    apiKeys,
    keyPanels,
    panels,
    provision,
    environmentCommands: envCommands,
    agentTools,
    refreshing: () => inflight,
  };
  return active;
}

function firstRoot(): string {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file")?.uri.fsPath ?? "";
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

export async function deactivate(): Promise<void> {
  // Terminate a daemon this window spawned; others keep theirs.
  await active?.supervisor.stop();
  active = undefined;
}
