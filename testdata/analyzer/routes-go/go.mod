module example.com/hooks

go 1.22

require (
	github.com/go-chi/chi/v5 v5.2.1
	github.com/google/go-github/v75 v75.0.0
	github.com/stripe/stripe-go/v82 v82.5.1
)
