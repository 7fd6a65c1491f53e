/**
 * Decides whether a lost daemon may be restarted, and after how long.
 * Bounded so that a daemon that crashes on start does not spin forever:
 * after `maxRestarts` losses inside `windowMs` the caller must give up and
 * tell the user.
 */
export interface RestartDecision {
  allowed: boolean;
  delayMs: number;
  /** Losses counted inside the window, including this one. */
  count: number;
}

export interface RestartPolicyOptions {
  maxRestarts?: number;
  windowMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class RestartPolicy {
  readonly maxRestarts: number;
  readonly windowMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private losses: number[] = [];

  constructor(opts: RestartPolicyOptions = {}) {
    this.maxRestarts = opts.maxRestarts ?? 3;
    this.windowMs = opts.windowMs ?? 3 * 60_000;
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 15_000;
  }

  recordLoss(now: number): RestartDecision {
    this.losses = this.losses.filter((t) => now - t < this.windowMs);
    this.losses.push(now);
    const count = this.losses.length;
    if (count > this.maxRestarts) return { allowed: false, delayMs: 0, count };
    const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (count - 1));
    return { allowed: true, delayMs, count };
  }

  reset(): void {
    this.losses = [];
  }
}
