require "sinatra"
require "stripe"

post "/webhooks/stripe" do
  payload = request.body.read
  event = Stripe::Webhook.construct_event(payload, request.env["HTTP_STRIPE_SIGNATURE"], ENV["STRIPE_WEBHOOK_SECRET"])
  case event.type
  when "invoice.paid"
    status 200
  when "invoice.payment_failed"
    status 200
  end
end
