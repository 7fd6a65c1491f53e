class WebhooksController < ApplicationController
  def stripe
    event = Stripe::Webhook.construct_event(request.body.read, request.headers["Stripe-Signature"], ENV.fetch("STRIPE_WEBHOOK_SECRET"))
    case event.type
    when "customer.created"
      head :ok
    end
  end
end
