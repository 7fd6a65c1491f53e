// Proto enums are compared and set by their generated names
// (CheckStatus.OK), never by number: a renumbered or inserted value in
// proto/ then fails the type check instead of silently changing meaning.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

// Fields of the API whose type is an enum (proto/patchbay/v1/*.proto); enum
// values are small, HTTP statuses (200) are not theirs.
const enumFields = ["status", "kind", "action", "state", "outcome", "category", "role"];
const numeric = new RegExp(`\\b(?:${enumFields.join("|")})\\s*(?:[!=]==?\\s*|:\\s*)\\d{1,2}\\b`);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "gen" && e.name !== "node_modules") out.push(...sources(f));
    } else if (f.endsWith(".ts")) out.push(f);
  }
  return out;
}

describe("proto enums", () => {
  it("are used by name in src/ and test/", () => {
    const root = path.resolve(__dirname, "..", "..", "..");
    const hits: string[] = [];
    for (const f of [...sources(path.join(root, "src")), ...sources(path.join(root, "test"))]) {
      if (f.endsWith(path.join("unit", "enums.test.ts"))) continue;
      fs.readFileSync(f, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (numeric.test(line)) hits.push(`${path.relative(root, f)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(hits, []);
  });
});
