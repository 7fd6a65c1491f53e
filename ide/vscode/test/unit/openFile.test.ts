import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { insideRoot, openAtLine } from "../../src/ui/openFile";
import { linkFileRefs } from "../../src/ui/page";
import { recorded } from "../stubs/vscode";

describe("file references from webviews", () => {
  const root = path.resolve("/w/shop");
  it("only opens relative paths inside the workspace", () => {
    assert.equal(insideRoot(root, "app/api/auth/[auth0]/route.ts"), path.join(root, "app/api/auth/[auth0]/route.ts"));
    for (const bad of ["../etc/passwd", "/etc/passwd", "", ".", 42, undefined, "a/../../x"]) assert.equal(insideRoot(root, bad), undefined, String(bad));
  });
  it("opens the file beside the panel at the 1-based line", async () => {
    recorded.reset();
    assert.equal(await openAtLine(root, "api/webhooks.ts", 12), true);
    assert.equal(await openAtLine(root, "../x.ts", 1), false);
    assert.deepEqual(recorded.shownFiles, [{ fsPath: path.join(root, "api/webhooks.ts"), line: 11 }]);
  });
  it("links path:line references and escapes the rest", () => {
    assert.equal(
      linkFileRefs("callback at app/api/[a]/route.ts:3 <b>"),
      'callback at <a href="#" data-open-path="app/api/[a]/route.ts" data-open-line="3" title="Open app/api/[a]/route.ts at line 3">app/api/[a]/route.ts:3</a> &lt;b&gt;',
    );
    assert.equal(linkFileRefs("see https://example.com:443/x"), "see https://example.com:443/x");
  });
});
