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
