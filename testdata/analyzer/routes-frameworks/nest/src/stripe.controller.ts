import { Controller, Post, HttpCode, Req } from "@nestjs/common";
import Stripe from "stripe";

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);

@Controller("webhooks")
export class StripeController {
  @Post("stripe")
  @HttpCode(200)
  handle(@Req() req: any) {
    const event = stripe.webhooks.constructEvent(req.rawBody, req.headers["stripe-signature"], process.env.STRIPE_WEBHOOK_SECRET!);
    if (event.type === "invoice.paid") {
      return { ok: true };
    }
    return { ok: false };
  }
}
