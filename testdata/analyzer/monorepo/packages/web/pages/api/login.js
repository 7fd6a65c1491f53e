import { OktaAuth } from "@okta/okta-auth-js";
export default function handler(req, res) {
  const auth = new OktaAuth({ issuer: process.env.OKTA_ISSUER });
  res.json({ ok: !!auth });
}
