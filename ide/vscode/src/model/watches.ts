import { Code, ConnectError } from "@connectrpc/connect";
import { errorMessage, type Logger } from "../client/supervisor";
import type { DaemonStore } from "./store";

/**
 * One WorkspaceService.Watch stream per workspace folder, so the extension
 * holds each analysis as the daemon's watcher updates it (a saved file, a
 * git checkout, a file written by another tool) without asking. A stream
 * that fails is opened again after a pause; a daemon without Watch leaves
 * the extension on Analyze calls (isWatching says which).
 */
export class FolderWatches {
  private running = new Map<string, AbortController>();
  private unsupported = false;

  constructor(
    private readonly store: DaemonStore,
    private readonly log: Logger,
    /** Called after each (re)opened stream's first analysis. */
    private readonly onFirst: (root: string) => void = () => undefined,
    private readonly retryMs = 2000,
  ) {}

  /** Does a stream keep root's analysis current? */
  isWatching(root: string): boolean {
    return !this.unsupported && this.running.has(root);
  }

  /**
   * Opens a stream for each of roots that has none and closes the others.
   * Resolves when every new stream has delivered its first analysis or
   * failed once.
   */
  sync(roots: readonly string[]): Promise<void> {
    for (const root of [...this.running.keys()]) if (!roots.includes(root)) this.stop(root);
    if (this.unsupported) return Promise.resolve();
    return Promise.all(roots.filter((root) => !this.running.has(root)).map((root) => this.start(root))).then(() => undefined);
  }

  stop(root: string): void {
    this.running.get(root)?.abort();
    this.running.delete(root);
  }

  dispose(): void {
    for (const root of [...this.running.keys()]) this.stop(root);
  }

  private start(root: string): Promise<void> {
    this.running.get(root)?.abort();
    const ac = new AbortController();
    this.running.set(root, ac);
    let first!: () => void;
    const firstDone = new Promise<void>((resolve) => (first = resolve));
    const run = async () => {
      while (!ac.signal.aborted) {
        let opened = false;
        try {
          await this.store.watch(root, ac.signal, () => {
            if (opened) return;
            opened = true;
            first();
            this.onFirst(root);
          });
        } catch (err) {
          if (ac.signal.aborted) break;
          if (ConnectError.from(err).code === Code.Unimplemented) {
            this.unsupported = true;
            this.running.delete(root);
            this.log.warn("daemon does not implement WorkspaceService.Watch; analyzing on save instead");
            first();
            return;
          }
          this.log.warn(`watching ${root} failed: ${errorMessage(err)}; trying again in ${this.retryMs} ms`);
        }
        first();
        if (ac.signal.aborted) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.retryMs);
          ac.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
        });
      }
    };
    void run();
    return firstDone;
  }
}
