import { Webhooks } from "@octokit/webhooks";

const webhooks = new Webhooks({ secret: process.env.GITHUB_WEBHOOK_SECRET! });

export async function POST({ request }) {
  const body = await request.text();
  const ok = await webhooks.verify(body, request.headers.get("x-hub-signature-256")!);
  if (request.headers.get("x-github-event") === "push") {
    return new Response("push");
  }
  return new Response(ok ? "ok" : "no");
}
