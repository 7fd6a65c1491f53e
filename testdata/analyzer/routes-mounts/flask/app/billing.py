import os

import stripe
from flask import Blueprint, request

bp = Blueprint("billing", __name__, url_prefix="/ignored-when-registered-with-a-prefix")


@bp.post("/webhook")
def webhook():
    event = stripe.Webhook.construct_event(request.data, request.headers["Stripe-Signature"], os.environ["STRIPE_WEBHOOK_SECRET"])
    if event["type"] == "customer.created":
        return "", 200
