module example.com/shop/api

go 1.22

require (
	github.com/aws/aws-sdk-go-v2/config v1.33.15
	github.com/go-chi/chi/v5 v5.2.1
	github.com/sendgrid/sendgrid-go v3.16.1+incompatible
	github.com/stripe/stripe-go/v82 v82.5.1
	github.com/twilio/twilio-go v1.31.0
)
