import { Webhook } from "svix";

export async function POST(req: Request) {
  const wh = new Webhook(process.env.CLERK_WEBHOOK_SECRET!);
  const evt = wh.verify(await req.text(), Object.fromEntries(req.headers)) as { type: string };
  if (evt.type === "user.created") {
    console.log("new user");
  } else if (evt.type === "user.deleted") {
    console.log("bye");
  }
  return new Response("ok");
}
