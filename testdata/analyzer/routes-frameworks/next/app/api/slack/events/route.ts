import { verifySlackRequest } from "@slack/bolt";

export async function POST(req: Request) {
  const body = await req.text();
  verifySlackRequest({ signingSecret: process.env.SLACK_SIGNING_SECRET!, body, headers: {} as any });
  const payload = JSON.parse(body);
  if (payload.type === "url_verification") {
    return Response.json({ challenge: payload.challenge });
  }
  return new Response("ok");
}
