import * as path from "node:path";
import * as vscode from "vscode";
import { resolveDaemonBinary } from "./client/binary";
import { expectedDaemon } from "./client/compat";
import { registerCommands } from "./commands";
import { defaultHome } from "./client/home";
import { DaemonSupervisor, errorMessage, type Logger, type SupervisorOptions } from "./client/supervisor";
import { readServerLogin } from "./client/server";
import { DaemonStore } from "./model/store";
import { FolderWatches } from "./model/watches";
import { SdkCodeLensProvider } from "./ui/codeLens";
import { CredentialPanels } from "./ui/credentialPanel";
import { registerChat } from "./ui/chat";
import { EnvDiagnostics, EnvHoverProvider, EnvQuickFixes, FindingHoverProvider, registerEnvCommands } from "./ui/envVars";
import { TerminalEnvironment } from "./ui/terminalEnv";
import { ApiKeyPanels } from "./ui/apiKeyPanel";
import { AnswerDocuments } from "./ui/answers";
import { ApprovalPrompts } from "./ui/approvals";
import { EnvironmentCommands } from "./ui/environments";
import { AgentTools, registerLmTools } from "./ui/lmTools";
import { ApiKeysTreeProvider, EnvironmentsTreeProvider } from "./ui/moreTrees";
import { ProvisionFlow } from "./ui/provision";
import { mismatchMessage, statusView } from "./ui/status";
import { CredentialsTreeProvider, ServicesTreeProvider } from "./ui/trees";

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
    expected: expectedDaemon(context.extensionPath),
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
  const reported = new Set<string>();
  const analyzeFolder = async (root: string, changed: string[] = [], signal?: AbortSignal) => {
    try {
      await store.analyze(root, changed, signal);
      await store.refreshEnv(root);
    } catch (err) {
      if (signal?.aborted) log.info(`analysis of ${root} canceled`);
      else log.error(`Analyze ${root} failed: ${errorMessage(err)}`);
    }
  };
  // The daemon's watcher keeps each folder's analysis current; the
  // extension asks (Analyze) only when told to, or when the daemon has no
  // Watch.
  const watches = new FolderWatches(store, log, (root) => void store.refreshEnv(root).catch(() => undefined));
  const fileRoots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
  // Automatic refreshes show in the status bar; an explicit one gets a
  // notification the user can cancel.
  const refreshAll = (explicit = false) => {
    const roots = fileRoots();
    inflight = Promise.resolve(
      vscode.window.withProgress(
        { location: explicit ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: "Patchbay: analyzing", cancellable: explicit },
        async (_p, token) => {
          const ac = new AbortController();
          token?.onCancellationRequested(() => ac.abort());
          if (explicit) {
            await Promise.all([store.refreshCatalog(), ...roots.map((root) => analyzeFolder(root, [], ac.signal))]);
            return;
          }
          await Promise.all([store.refreshCatalog(), watches.sync(roots)]);
          await Promise.all(roots.filter((root) => !watches.isWatching(root)).map((root) => analyzeFolder(root, [], ac.signal)));
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
        if (c) void vscode.commands.executeCommand("patchbay.answerCredentialRequest");
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
      else watches.dispose();
      if (s.kind === "ready" && s.mismatch) {
        const message = mismatchMessage(s);
        // Once per daemon and mismatch, not on every reconnect.
        if (message && !reported.has(`${s.pid} ${message}`)) {
          reported.add(`${s.pid} ${message}`);
          log.warn(message);
          const actions = s.owned ? ["Show details"] : ["Restart Daemon", "Show details"];
          void vscode.window.showWarningMessage(message, ...actions).then((choice) => {
            if (choice === "Show details") output.show(true);
            if (choice === "Restart Daemon") void supervisor.replace();
          });
        }
      }
      if (s.kind === "failed") {
        void vscode.window.showErrorMessage(`Patchbay daemon failed: ${s.reason}`, "Show details", "Restart").then((choice) => {
          if (choice === "Show details") output.show(true);
          if (choice === "Restart") void supervisor.restart();
        });
      }
    }),
    supervisor.onEvent.on((ev) => {
      const r = store.handleEvent(ev);
      // A watched folder's stream already carries others' changes.
      if (r.reanalyze && !watches.isWatching(r.reanalyze)) void analyzeFolder(r.reanalyze);
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
      // The daemon's watcher sees the save.
      if (watches.isWatching(folder.uri.fsPath)) return;
      const rel = path.relative(folder.uri.fsPath, doc.uri.fsPath).split(path.sep).join("/");
      inflight = analyzeFolder(folder.uri.fsPath, [rel]);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) {
        watches.stop(f.uri.fsPath);
        store.forget(f.uri.fsPath);
      }
      if (e.added.some((f) => f.uri.scheme === "file")) void refreshAll();
    }),
    ...registerLmTools(agentTools),
    envCommands,
    vscode.workspace.registerTextDocumentContentProvider(AnswerDocuments.scheme, answers),
    { dispose: () => provision.dispose() },
    { dispose: () => watches.dispose() },
  );

  context.subscriptions.push(
    ...registerCommands({
      supervisor,
      store,
      output,
      log,
      panels,
      keyPanels,
      apiKeys,
      environments,
      envCommands,
      provision,
      approvals,
      answers,
      terminalEnv,
      refreshAll,
      showError,
      primaryRoot,
    }),
  );

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

export async function deactivate(): Promise<void> {
  // Terminate a daemon this window spawned; others keep theirs.
  await active?.supervisor.stop();
  active = undefined;
}
