package com.acme;

import com.stripe.model.Event;
import com.stripe.net.Webhook;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api")
public class WebhookController {
    @PostMapping("/webhooks/stripe")
    public String stripe(@RequestBody String payload, @RequestHeader("Stripe-Signature") String sig) throws Exception {
        Event event = Webhook.constructEvent(payload, sig, System.getenv("STRIPE_WEBHOOK_SECRET"));
        switch (event.getType()) {
            case "invoice.paid":
                break;
            case "customer.created":
                break;
        }
        return "ok";
    }

    @GetMapping(value = "/status")
    public String status() {
        return "ok";
    }
}
