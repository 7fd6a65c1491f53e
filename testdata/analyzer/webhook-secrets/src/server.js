const express = require("express");
const Stripe = require("stripe");
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
const app = express();

function verifyBilling(req) {
  return stripe.webhooks.constructEvent(req.body, req.headers["stripe-signature"], process.env.STRIPE_BILLING_WEBHOOK_SECRET);
}

app.post("/webhooks/billing", express.raw({ type: "application/json" }), (req, res) => {
  const event = verifyBilling(req);
  switch (event.type) { case "invoice.paid": break; }
  res.sendStatus(200);
});

app.post("/webhooks/stripe", express.raw({ type: "application/json" }), (req, res) => {
  const event = stripe.webhooks.constructEvent(req.body, req.headers["stripe-signature"], process.env.STRIPE_WEBHOOK_SECRET);
  if (event.type === "checkout.session.completed") {}
  res.sendStatus(200);
});
app.listen(process.env.PORT || 4000);

// A secret read at the top of the file, used inside the handler.
const connectSecret = process.env.STRIPE_CONNECT_WEBHOOK_SECRET;
app.post("/webhooks/connect", express.raw({ type: "application/json" }), (req, res) => {
  const event = stripe.webhooks.constructEvent(req.body, req.headers["stripe-signature"], connectSecret);
  res.sendStatus(200);
});
