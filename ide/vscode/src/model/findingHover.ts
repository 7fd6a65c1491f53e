import { FindingKind, type Finding } from "../gen/patchbay/v1/common_pb";

/** Escapes text for a MarkdownString (routes and reasons are plain text). */
function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&");
}

/**
 * The hover of a webhook handler or OAuth callback finding: what it is and
 * the evidence the analyzer found (the finding's reasons), with how to
 * correct it. Undefined for other kinds.
 */
export function findingHoverMarkdown(f: Finding, providerDisplay: (id: string) => string = (id) => id): string | undefined {
  const provider = f.provider ? providerDisplay(f.provider) : "an unknown provider";
  let title: string;
  if (f.kind === FindingKind.WEBHOOK_HANDLER && f.detail.case === "webhook") {
    const w = f.detail.value;
    const route = w.route ? `${w.method ? w.method + " " : ""}${w.route}` : "route unknown";
    title = `**Patchbay** · ${esc(provider)} webhook handler · \`${route}\``;
  } else if (f.kind === FindingKind.OAUTH_CALLBACK && f.detail.case === "callback") {
    title = `**Patchbay** · ${esc(provider)} OAuth callback · \`${f.detail.value.route}\``;
  } else {
    return undefined;
  }
  const lines = [title, ""];
  for (const r of f.reasons) lines.push(`- because ${esc(r)}`);
  lines.push("", "_Wrong or missed? Declare or suppress it in the service's `patchbay.json` (`\"analyzer\"`)._");
  return lines.join("\n");
}
