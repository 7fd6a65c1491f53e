import twilio from "twilio";

export async function POST(request: Request) {
  const params = Object.fromEntries(await request.formData());
  const valid = twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN!, request.headers.get("X-Twilio-Signature")!, request.url, params);
  if (!valid) {
    return new Response("forbidden", { status: 403 });
  }
  return new Response(`<Response><Message>Sent from ${process.env.TWILIO_PHONE_NUMBER}</Message></Response>`, {
    headers: { "Content-Type": "text/xml" },
  });
}
