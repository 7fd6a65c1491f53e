const express = require("express");
const { verifyStripe } = require("../lib/stripe");

const router = express.Router();

router.post("/webhooks/stripe", express.raw({ type: "application/json" }), (req, res) => {
  const event = verifyStripe(req);
  switch (event.type) {
    case "invoice.paid":
      break;
    case "customer.subscription.updated":
      break;
  }
  res.sendStatus(200);
});

router.get("/invoices", (req, res) => res.json([]));

module.exports = router;
