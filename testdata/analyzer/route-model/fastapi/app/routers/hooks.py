import stripe
from fastapi import APIRouter, Request

from app.core.config import settings

router = APIRouter()


@router.post("/webhooks/stripe")
async def stripe_webhook(request: Request):
    payload = await request.body()
    event = stripe.Webhook.construct_event(payload, request.headers["stripe-signature"], settings.STRIPE_WEBHOOK_SECRET)
    return {"received": event["type"]}
