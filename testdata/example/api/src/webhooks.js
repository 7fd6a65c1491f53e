const express = require("express");
const { stripe, sgMail } = require("./clients");

const router = express.Router();

router.post("/webhooks/stripe", express.raw({ type: "application/json" }), async (req, res) => {
  let event;
  try {
    event = stripe.webhooks.constructEvent(
      req.body,
      req.headers["stripe-signature"],
      process.env.STRIPE_WEBHOOK_SECRET,
    );
  } catch (err) {
    return res.status(400).send(`Webhook Error: ${err.message}`);
  }

  switch (event.type) {
    case "checkout.session.completed":
      await sgMail.send({
        to: event.data.object.customer_details.email,
        from: process.env.RECEIPTS_FROM,
        subject: "Thanks for upgrading",
        text: "Your subscription is active.",
      });
      break;
    case "invoice.payment_failed":
      console.warn("payment failed for", event.data.object.customer);
      break;
    case "customer.subscription.deleted":
      console.info("subscription ended", event.data.object.id);
      break;
    default:
      break;
  }
  res.json({ received: true });
});

module.exports = router;
