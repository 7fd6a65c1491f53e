// A small app that uses the official SDKs the way their docs show. Patchbay
// provides every variable it reads; the end-to-end test runs it with
// `patchbay run` against stripe-mock and the Auth0 fake.
const express = require("express");
const Stripe = require("stripe");
const { auth } = require("express-openid-connect");

// Tests point the SDK at stripe-mock; without it the SDK talks to Stripe.
const apiBase = process.env.STRIPE_API_BASE || "";
const target = apiBase ? new URL(apiBase) : null;
const stripe = new Stripe(
  process.env.STRIPE_SECRET_KEY,
  target ? { host: target.hostname, port: target.port, protocol: target.protocol.replace(":", "") } : {},
);

const app = express();

app.use(
  auth({
    authRequired: false,
    issuerBaseURL: process.env.AUTH0_ISSUER_BASE_URL,
    baseURL: process.env.APP_BASE_URL,
    clientID: process.env.AUTH0_CLIENT_ID,
    clientSecret: process.env.AUTH0_CLIENT_SECRET,
    secret: process.env.AUTH0_SECRET,
  }),
);

app.get("/health", (req, res) => {
  res.json({ ok: true });
});

app.post("/customers", express.json(), async (req, res) => {
  try {
    const customer = await stripe.customers.create({ email: req.body.email });
    res.json({ id: customer.id });
  } catch (err) {
    res.status(502).json({ error: err.message });
  }
});

app.post("/webhooks/stripe", express.raw({ type: "application/json" }), (req, res) => {
  let event;
  try {
    event = stripe.webhooks.constructEvent(req.body, req.headers["stripe-signature"], process.env.STRIPE_WEBHOOK_SECRET);
  } catch (err) {
    res.status(400).send(`Webhook Error: ${err.message}`);
    return;
  }
  switch (event.type) {
    case "customer.created":
    case "checkout.session.completed":
      res.json({ received: event.type });
      return;
    default:
      res.json({ received: "ignored" });
  }
});

const port = Number(process.env.PORT);
app.listen(port, "127.0.0.1", () => {
  console.log(`runapp listening on ${port}`);
});
