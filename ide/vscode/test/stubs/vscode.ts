// A small, recording stand-in for the `vscode` module, aliased in by
// esbuild.mjs for unit tests. It implements just what the extension uses and
// records UI calls so tests can assert on them.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as path from "node:path";

type Listener<T> = (e: T) => any;

export class Disposable {
  constructor(private readonly fn: () => void = () => {}) {}
  static from(...ds: { dispose(): any }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (l: Listener<T>) => {
    this.listeners.add(l);
    return new Disposable(() => this.listeners.delete(l));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
    readonly raw?: string,
  ) {}
  static file(p: string): Uri {
    return new Uri("file", path.resolve(p));
  }
  static parse(s: string): Uri {
    const scheme = s.split(":")[0];
    return new Uri(scheme, "", s);
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return this.raw ?? `file://${this.fsPath}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number | Position, b: number | Position, c?: number, d?: number) {
    if (typeof a === "number") {
      this.start = new Position(a, b as number);
      this.end = new Position(c!, d!);
    } else {
      this.start = a;
      this.end = b as Position;
    }
  }
}

export class CodeLens {
  constructor(
    readonly range: Range,
    readonly command?: { title: string; command: string; arguments?: any[] },
  ) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string;
  iconPath?: ThemeIcon;
  contextValue?: string;
  resourceUri?: Uri;
  command?: any;
  constructor(
    readonly label: string,
    readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

export class CodeActionKind {
  static readonly QuickFix = new CodeActionKind("quickfix");
  constructor(readonly value: string) {}
}

export class CodeAction {
  diagnostics?: Diagnostic[];
  command?: any;
  isPreferred?: boolean;
  constructor(
    readonly title: string,
    readonly kind?: CodeActionKind,
  ) {}
}

/** Code action providers the extension registered. */
export const codeActionProviders: any[] = [];

export class MarkdownString {
  isTrusted = false;
  constructor(readonly value: string = "") {}
}

export class Hover {
  constructor(
    readonly contents: MarkdownString,
    readonly range?: Range,
  ) {}
}

export class FakeDiagnosticCollection {
  entries = new Map<string, Diagnostic[]>();
  constructor(readonly name: string) {}
  set(uri: Uri, diags: Diagnostic[]): void {
    this.entries.set(uri.fsPath, diags);
  }
  delete(uri: Uri): void {
    this.entries.delete(uri.fsPath);
  }
  clear(): void {
    this.entries.clear();
  }
  dispose(): void {
    this.entries.clear();
  }
}

/** A text document over a string, enough for hover providers. */
export class FakeTextDocument {
  readonly uri: Uri;
  private readonly lines: string[];
  constructor(fsPath: string, text: string) {
    this.uri = Uri.file(fsPath);
    this.lines = text.split("\n");
  }
  getWordRangeAtPosition(pos: Position, re: RegExp): Range | undefined {
    const line = this.lines[pos.line] ?? "";
    const g = new RegExp(re.source, "g");
    for (let m = g.exec(line); m; m = g.exec(line)) {
      if (m.index <= pos.character && pos.character <= m.index + m[0].length) return new Range(pos.line, m.index, pos.line, m.index + m[0].length);
    }
    return undefined;
  }
  getText(r: Range): string {
    return (this.lines[r.start.line] ?? "").slice(r.start.character, r.end.character);
  }
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

// ---- recorded state -------------------------------------------------------

export interface RecordedMessage {
  level: "info" | "warning" | "error";
  message: string;
  items: string[];
  /** Resolves the notification as if the user clicked `item`. */
  choose(item: string | undefined): void;
}

export class FakeOutputChannel {
  lines: string[] = [];
  shown = 0;
  constructor(readonly name: string) {}
  appendLine(s: string): void {
    this.lines.push(s);
  }
  append(s: string): void {
    this.lines.push(s);
  }
  show(): void {
    this.shown++;
  }
  dispose(): void {}
}

export class FakeStatusBarItem {
  text = "";
  tooltip: string | undefined;
  command: string | undefined;
  name: string | undefined;
  backgroundColor: ThemeColor | undefined;
  visible = false;
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {}
}

export class FakeWebview {
  html = "";
  cspSource = "vscode-webview://test";
  posted: any[] = [];
  private receive = new EventEmitter<any>();
  onDidReceiveMessage = this.receive.event;
  postMessage(m: any): Promise<boolean> {
    this.posted.push(m);
    return Promise.resolve(true);
  }
  /** Test helper: deliver a message as if the page posted it. */
  simulate(m: any): void {
    this.receive.fire(m);
  }
}

export class FakeWebviewPanel {
  webview = new FakeWebview();
  disposed = false;
  private disposeEmitter = new EventEmitter<void>();
  onDidDispose = this.disposeEmitter.event;
  constructor(
    readonly viewType: string,
    readonly title: string,
    readonly options: any,
  ) {}
  reveal(): void {}
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

export const recorded = {
  outputChannels: [] as FakeOutputChannel[],
  statusItems: [] as FakeStatusBarItem[],
  messages: [] as RecordedMessage[],
  panels: [] as FakeWebviewPanel[],
  codeLensProviders: [] as any[],
  hoverProviders: [] as any[],
  diagnostics: [] as FakeDiagnosticCollection[],
  chatHandlers: new Map<string, (...args: any[]) => any>(),
  openedDocuments: [] as { language?: string; content?: string }[],
  treeProviders: new Map<string, any>(),
  commands: new Map<string, (...args: any[]) => any>(),
  configuration: new Map<string, any>(),
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  saveListeners: new EventEmitter<any>(),
  openedExternal: [] as Uri[],
  /** showTextDocument calls with a Uri: the file and the selection's 0-based start line. */
  shownFiles: [] as { fsPath: string; line: number }[],
  /** Everything written to the clipboard, in order. */
  clipboard: [] as string[],
  /** Content providers by scheme. */
  contentProviders: new Map<string, any>(),
  /** Tools registered with lm.registerTool. */
  lmTools: new Map<string, any>(),
  /** Answers for showInputBox, in order; undefined when empty (user pressed Escape). */
  inputs: [] as (string | undefined)[],
  inputOptions: [] as any[],
  reset(): void {
    this.lmTools = new Map();
    this.contentProviders = new Map();
    this.inputs = [];
    this.inputOptions = [];
    this.outputChannels = [];
    this.statusItems = [];
    this.messages = [];
    this.panels = [];
    this.codeLensProviders = [];
    this.hoverProviders = [];
    this.diagnostics = [];
    this.chatHandlers = new Map();
    this.openedDocuments = [];
    this.shownFiles = [];
    this.treeProviders = new Map();
    this.commands = new Map();
    this.configuration = new Map();
    this.workspaceFolders = [];
    this.saveListeners = new EventEmitter<any>();
    this.openedExternal = [];
    this.clipboard = [];
  },
};

function message(level: RecordedMessage["level"]) {
  return (msg: string, ...rest: any[]): Promise<string | undefined> => {
    const items = rest.filter((x) => typeof x === "string");
    return new Promise((resolve) => {
      recorded.messages.push({ level, message: msg, items, choose: resolve });
    });
  };
}

export const window = {
  createOutputChannel(name: string) {
    const c = new FakeOutputChannel(name);
    recorded.outputChannels.push(c);
    return c;
  },
  createStatusBarItem() {
    const s = new FakeStatusBarItem();
    recorded.statusItems.push(s);
    return s;
  },
  showInformationMessage: message("info"),
  showWarningMessage: message("warning"),
  showErrorMessage: message("error"),
  showQuickPick: async () => undefined,
  showInputBox: async (opts: any) => {
    recorded.inputOptions.push(opts);
    return recorded.inputs.shift();
  },
  registerTreeDataProvider(id: string, p: any) {
    recorded.treeProviders.set(id, p);
    return new Disposable();
  },
  createWebviewPanel(viewType: string, title: string, _column: any, options: any) {
    const p = new FakeWebviewPanel(viewType, title, options);
    recorded.panels.push(p);
    return p;
  },
  showTextDocument(doc: any, opts?: any) {
    if (doc instanceof Uri) recorded.shownFiles.push({ fsPath: doc.fsPath, line: opts?.selection?.start?.line ?? 0 });
    return Promise.resolve(doc);
  },
  withProgress<T>(_opts: any, task: (p: any, token: any) => Promise<T>): Promise<T> {
    return task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => new Disposable() });
  },
};

export const workspace = {
  get workspaceFolders() {
    return recorded.workspaceFolders;
  },
  getConfiguration(section: string) {
    return {
      get<T>(key: string, def?: T): T | undefined {
        const k = `${section}.${key}`;
        return recorded.configuration.has(k) ? recorded.configuration.get(k) : def;
      },
      update(key: string, value: any): Promise<void> {
        recorded.configuration.set(`${section}.${key}`, value);
        return Promise.resolve();
      },
    };
  },
  getWorkspaceFolder(uri: Uri) {
    return recorded.workspaceFolders.find((f) => {
      const rel = path.relative(f.uri.fsPath, uri.fsPath);
      return rel && !rel.startsWith("..") && !path.isAbsolute(rel);
    });
  },
  registerTextDocumentContentProvider(scheme: string, p: any) {
    recorded.contentProviders.set(scheme, p);
    return new Disposable(() => recorded.contentProviders.delete(scheme));
  },
  openTextDocument(opts: { language?: string; content?: string }) {
    recorded.openedDocuments.push(opts);
    return Promise.resolve({ uri: Uri.parse("untitled:1"), ...opts });
  },
  onDidSaveTextDocument(l: Listener<any>) {
    return recorded.saveListeners.event(l);
  },
  onDidChangeWorkspaceFolders(_l: Listener<any>) {
    return new Disposable();
  },
};

export class LanguageModelTextPart {
  constructor(public value: string) {}
}

export class LanguageModelToolResult {
  constructor(public content: any[]) {}
}

export const lm = {
  registerTool(name: string, tool: any) {
    recorded.lmTools.set(name, tool);
    return new Disposable(() => recorded.lmTools.delete(name));
  },
};

export const chat = {
  createChatParticipant(id: string, handler: (...args: any[]) => any) {
    recorded.chatHandlers.set(id, handler);
    return { iconPath: undefined as any, dispose() {} };
  },
};

export const languages = {
  registerHoverProvider(_selector: any, p: any) {
    recorded.hoverProviders.push(p);
    return new Disposable();
  },
  createDiagnosticCollection(name: string) {
    const c = new FakeDiagnosticCollection(name);
    recorded.diagnostics.push(c);
    return c;
  },
  registerCodeLensProvider(_selector: any, p: any) {
    recorded.codeLensProviders.push(p);
    return new Disposable();
  },
  registerCodeActionsProvider(_selector: any, p: any) {
    codeActionProviders.push(p);
    return new Disposable();
  },
};

export const commands = {
  registerCommand(id: string, fn: (...args: any[]) => any) {
    recorded.commands.set(id, fn);
    return new Disposable(() => recorded.commands.delete(id));
  },
  executeCommand(id: string, ...args: any[]) {
    const fn = recorded.commands.get(id);
    if (!fn) return Promise.reject(new Error(`command ${id} not registered`));
    return Promise.resolve(fn(...args));
  },
};

export const env = {
  clipboard: {
    async writeText(text: string): Promise<void> {
      recorded.clipboard.push(text);
    },
    async readText(): Promise<string> {
      return recorded.clipboard.at(-1) ?? "";
    },
  },
  openExternal(uri: Uri) {
    recorded.openedExternal.push(uri);
    return Promise.resolve(true);
  },
};
