import type { DaemonState } from "../client/supervisor";

export interface StatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

/** How the status-bar item shows a daemon state; pure for tests. */
export function statusView(state: DaemonState, pendingRequests: number): StatusView {
  const pending = pendingRequests > 0 ? ` $(key) ${pendingRequests}` : "";
  const pendingTip = pendingRequests > 0 ? `\n${pendingRequests} credential request(s) waiting for an answer` : "";
  switch (state.kind) {
    case "starting":
      return { text: "$(sync~spin) Patchbay: starting", tooltip: "Starting or connecting to the Patchbay daemon", error: false };
    case "ready":
      if (state.mismatch)
        return {
          text: `$(warning) Patchbay ${state.version}${pending}`,
          tooltip: `${mismatchMessage(state)}${pendingTip}\nClick to show the log.`,
          error: false,
        };
      return {
        text: `$(plug) Patchbay ${state.version}${pending}`,
        tooltip: `Patchbay daemon ${state.version} (pid ${state.pid}) at ${state.address}${state.owned ? ", started by this window" : ""}${pendingTip}\nClick to show the log.`,
        error: false,
      };
    case "reconnecting":
      return {
        text: "$(sync~spin) Patchbay: reconnecting",
        tooltip: `${state.reason}\nRestart ${state.attempt}, retrying in ${Math.round(state.delayMs / 100) / 10} s`,
        error: false,
      };
    case "failed":
      return { text: "$(error) Patchbay: failed", tooltip: `${state.reason}\nClick to show the log.`, error: true };
    case "stopped":
      return { text: "$(debug-stop) Patchbay: stopped", tooltip: "The Patchbay daemon is stopped", error: false };
  }
}

/**
 * What the window says about a daemon that is not the one the extension
 * expects: both versions and APIs, and why it was left running.
 */
export function mismatchMessage(state: Extract<DaemonState, { kind: "ready" }>): string {
  const m = state.mismatch;
  if (!m) return "";
  const expected = `${m.expected.version ?? "any version"}, API ${m.expected.api}`;
  const what = `Patchbay: the daemon (pid ${state.pid}) is ${m.daemon.version || "of unknown version"}, API ${m.daemon.api || "unknown"}; this extension expects ${expected}.`;
  return state.owned
    ? `${what} This window started it from patchbay.daemonPath or PATH: point patchbay.daemonPath at a matching build, or install the extension with its bundled daemon.`
    : `${what} This window did not start it, so it was left running: Restart Daemon stops it and starts the extension's.`;
}
