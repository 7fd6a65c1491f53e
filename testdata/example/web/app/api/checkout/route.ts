import { auth0 } from "../../../lib/auth0";

export async function POST() {
  const session = await auth0.getSession();
  if (!session) {
    return new Response("unauthorized", { status: 401 });
  }
  const res = await fetch(`${process.env.NEXT_PUBLIC_API_URL}/api/checkout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: session.user.email }),
  });
  return Response.json(await res.json());
}
