import os
import stripe
from flask import Blueprint, request

bp = Blueprint("hooks", __name__, url_prefix="/hooks")


@bp.route("/stripe", methods=["POST"])
def stripe_webhook():
    event = stripe.Webhook.construct_event(request.data, request.headers["Stripe-Signature"], os.environ["STRIPE_WEBHOOK_SECRET"])
    if event["type"] == "payment_intent.succeeded":
        pass
    elif event.type == "charge.refunded":
        pass
    return "", 200


@bp.get("/health")
def health():
    return "ok"
