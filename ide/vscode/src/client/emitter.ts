/** A minimal event emitter so the client module needs no `vscode` import. */
export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // One broken listener must not starve the others or the supervisor.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
