import sgMail from "@sendgrid/mail";

sgMail.setApiKey(process.env.SENDGRID_API_KEY!);

export async function welcome(to: string) {
  await sgMail.send({ to, from: "hello@example.com", subject: "Welcome", text: "Hi!" });
}
