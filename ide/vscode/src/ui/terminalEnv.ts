import type { DaemonClients } from "../client/connection";
import type { Logger } from "../client/supervisor";

/** The part of vscode.EnvironmentVariableCollection this feature uses. */
export interface TerminalVariables {
  persistent: boolean;
  // vscode's type also allows a MarkdownString; this feature only sets text.
  description: string | { value: string } | undefined;
  replace(name: string, value: string): void;
  clear(): void;
}

/**
 * Which environment's variables go into new terminals: the one the setting
 * names, else "local", else the only one there is. undefined means none.
 */
export function pickTerminalEnvironment(names: string[], setting: string): string | undefined {
  if (setting) return names.includes(setting) ? setting : undefined;
  if (names.includes("local")) return "local";
  return names.length === 1 ? names[0] : undefined;
}

/**
 * Puts an environment's variables (the provisioned secrets under the names
 * the code reads) into new integrated terminals. The collection is not
 * persistent, so nothing outlives the window, and the values live only in
 * the terminal environment VS Code hands to new shells; the extension keeps
 * no copy.
 */
export class TerminalEnvironment {
  private generation = 0;

  constructor(
    private readonly collection: TerminalVariables,
    private readonly clients: () => DaemonClients | undefined,
    private readonly setting: () => string,
    private readonly log: Logger,
  ) {
    collection.persistent = false;
  }

  /** Reloads the variables of root's chosen environment. Returns its name, if any. */
  async refresh(root: string | undefined): Promise<string | undefined> {
    const gen = ++this.generation;
    const c = this.clients();
    if (!root || !c) {
      this.apply(gen, undefined, []);
      return undefined;
    }
    try {
      const envs = await c.environment.listEnvironments({ workspaceRoot: root });
      const env = pickTerminalEnvironment(envs.environments.map((e) => e.name), this.setting());
      if (!env) {
        this.apply(gen, undefined, []);
        return undefined;
      }
      const res = await c.environment.getEnvironmentVariables({ workspaceRoot: root, environment: env, includeValues: true });
      this.apply(gen, env, res.variables.filter((v) => v.provided && v.value !== "").map((v) => [v.name, v.value] as const));
      return env;
    } catch (err) {
      this.log.warn(`terminal environment: ${err instanceof Error ? err.message : String(err)}`);
      this.apply(gen, undefined, []);
      return undefined;
    }
  }

  private apply(gen: number, env: string | undefined, vars: readonly (readonly [string, string])[]): void {
    // A slower, older refresh must not overwrite a newer one.
    if (gen !== this.generation) return;
    this.collection.clear();
    this.collection.description = env ? `Patchbay: variables of the "${env}" environment` : undefined;
    for (const [name, value] of vars) this.collection.replace(name, value);
    this.log.info(env ? `new terminals get ${vars.length} variable(s) of environment ${env}` : "new terminals get no Patchbay variables");
  }
}
