package main

import (
	"io"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/google/go-github/v75/github"
	"github.com/stripe/stripe-go/v82/webhook"

	"example.com/hooks/config"
)

func stripeWebhook(w http.ResponseWriter, r *http.Request) {
	payload, _ := io.ReadAll(r.Body)
	event, err := webhook.ConstructEvent(payload, r.Header.Get("Stripe-Signature"), os.Getenv("STRIPE_WEBHOOK_SECRET"))
	if err != nil {
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	switch event.Type {
	case "checkout.session.completed", "invoice.paid":
	}
}

func githubHook(w http.ResponseWriter, r *http.Request) {
	if _, err := github.ValidatePayload(r, []byte(os.Getenv("GITHUB_WEBHOOK_SECRET"))); err != nil {
		return
	}
	if github.WebHookType(r) == "push" {
		return
	}
}

func githubCallback(w http.ResponseWriter, r *http.Request) {
	_ = r.URL.Query().Get("code")
	_ = r.Header.Get(config.HeaderRequestID)
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/stripe", stripeWebhook)
	r := chi.NewRouter()
	r.Route("/api", func(r chi.Router) {
		r.Post("/github", githubHook)
	})
	r.Get(config.GitHubCallbackPath, githubCallback)
	mux.Handle("/", r)
	http.ListenAndServe(":8080", mux)
}
