Rails.application.routes.draw do
  post "/webhooks/stripe", to: "webhooks#stripe"
end
