import os

import stripe


def stripe_webhook(request):
    event = stripe.Webhook.construct_event(request.body, request.headers["Stripe-Signature"], os.environ["STRIPE_WEBHOOK_SECRET"])
    if event["type"] == "invoice.payment_failed":
        pass
