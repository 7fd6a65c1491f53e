// Produces patchbay.vsix. When a daemon binary is available (PATCHBAY_BIN,
// default ../../bin/patchbay) it is copied to bin/ inside the package, which
// makes the .vsix platform-specific, so it is tagged with a vsce --target.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
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
  const target = targets[`${process.platform}-${process.arch}`];
  if (target) args.push("--target", target);
  console.log(`bundling daemon ${bin} (target ${target ?? "universal"})`);
} else {
  console.warn(`no daemon binary at ${bin}: the .vsix will use patchbay.daemonPath or patchbay on PATH`);
}
execFileSync(process.execPath, [join(here, "node_modules", "@vscode", "vsce", "vsce"), ...args], { stdio: "inherit", cwd: here });
