import twilio from "twilio";

export async function action({ request }) {
  const params = Object.fromEntries(await request.formData());
  const valid = twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN, request.headers.get("X-Twilio-Signature"), request.url, params);
  return new Response(valid ? "<Response/>" : "forbidden");
}
