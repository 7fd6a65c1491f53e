const express = require("express");
const { stripe } = require("./clients");
const webhooks = require("./webhooks");

const app = express();
app.use("/api", webhooks);
app.use(express.json());

app.post("/api/checkout", async (req, res) => {
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer_email: req.body.email,
    line_items: [{ price: process.env.STRIPE_PRICE_ID, quantity: 1 }],
    success_url: `${process.env.WEB_URL || "http://localhost:3000"}/dashboard?upgraded=1`,
    cancel_url: `${process.env.WEB_URL || "http://localhost:3000"}/dashboard`,
  });
  res.json({ url: session.url });
});

const port = Number(process.env.PORT || 4000);
app.listen(port, () => console.log(`api listening on ${port}`));
