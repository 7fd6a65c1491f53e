require "stripe"
require 'aws-sdk-s3'

class Billing
  def initialize
    Stripe.api_key = ENV["STRIPE_SECRET_KEY"]
    @client = Stripe::StripeClient.new(ENV.fetch("STRIPE_API_KEY"))
    @twilio = Twilio::REST::Client.new(ENV["TWILIO_ACCOUNT_SID"], ENV["TWILIO_AUTH_TOKEN"])
    @s3 = Aws::S3::Client.new(region: ENV.fetch("AWS_REGION", "us-east-1"))
    @url = ENV["APP_URL"] || "http://localhost:3000"
    @label = ENV["LABEL_#{Rails.env}"]
  end
end
