// Builds the extension bundle and the test bundles. Tests are bundled with
// esbuild too (not tsc) so that what runs under `node --test` is compiled the
// same way as what ships, and so that the `vscode` module can be swapped for
// a stub in unit tests.
import * as esbuild from "esbuild";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const args = new Set(process.argv.slice(2));
const production = args.has("--production");
const buildTests = args.has("--tests");

function walk(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, suffix));
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
};

await esbuild.build({
  ...common,
  entryPoints: ["src/extension.ts"],
  outfile: "dist/extension.js",
  // The host injects `vscode`; it is not on disk.
  external: ["vscode"],
});

if (buildTests) {
  rmSync("out", { recursive: true, force: true });
  const entries = walk("test", ".test.ts");
  await esbuild.build({
    ...common,
    entryPoints: entries,
    outdir: "out",
    outbase: ".",
    sourcemap: true,
    alias: { vscode: "./test/stubs/vscode.ts" },
    // playwright-core ships its own browser-driving code and data files that
    // must be loaded from node_modules, not inlined.
    external: ["playwright-core"],
  });
  console.log(`built ${entries.length} test files: ${entries.map((e) => relative("test", e)).join(", ")}`);
}
