// Produces patchbay.vsix. When a daemon binary is available (PATCHBAY_BIN,
// default ../../bin/patchbay) it is copied to bin/ inside the package, which
// makes the .vsix platform-specific, so it is tagged with a vsce --target.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(process.env.PATCHBAY_BIN ?? join(here, "..", "..", "bin", "patchbay"));
const out = process.env.VSIX_OUT ?? "patchbay.vsix";
const exe = process.platform === "win32" ? "patchbay.exe" : "patchbay";

const targets = { "linux-x64": "linux-x64", "linux-arm64": "linux-arm64", "darwin-x64": "darwin-x64", "darwin-arm64": "darwin-arm64", "win32-x64": "win32-x64", "win32-arm64": "win32-arm64" };

execFileSync(process.execPath, [join(here, "esbuild.mjs"), "--production"], { stdio: "inherit", cwd: here });

rmSync(join(here, "bin"), { recursive: true, force: true });
const args = ["package", "--no-dependencies", "--skip-license", "-o", out];
if (existsSync(bin)) {
  mkdirSync(join(here, "bin"));
  copyFileSync(bin, join(here, "bin", exe));
  chmodSync(join(here, "bin", exe), 0o755);
  // The extension expects the daemon it bundles (src/client/compat.ts): record
  // that binary's version next to it. An empty home keeps `version` from
  // asking a running daemon.
  const home = mkdtempSync(join(tmpdir(), "patchbay-package-"));
  const v = JSON.parse(execFileSync(join(here, "bin", exe), ["version", "--json"], { env: { ...process.env, PATCHBAY_HOME: home }, encoding: "utf8" }));
  rmSync(home, { recursive: true, force: true });
  writeFileSync(join(here, "bin", "patchbay.version"), JSON.stringify({ version: v.version, commit: v.commit }) + "\n");
  const target = targets[`${process.platform}-${process.arch}`];
  if (target) args.push("--target", target);
  console.log(`bundling daemon ${bin} ${v.version} (target ${target ?? "universal"})`);
} else {
  console.warn(`no daemon binary at ${bin}: the .vsix will use patchbay.daemonPath or patchbay on PATH`);
}
execFileSync(process.execPath, [join(here, "node_modules", "@vscode", "vsce", "vsce"), ...args], { stdio: "inherit", cwd: here });
