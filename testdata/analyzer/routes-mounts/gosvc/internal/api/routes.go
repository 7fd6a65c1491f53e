package api

import (
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/google/go-github/v60/github"
)

// Routes is mounted under /api by main.go.
func Routes() http.Handler {
	r := chi.NewRouter()
	r.Post("/github/webhook", githubWebhook)
	return r
}

func githubWebhook(w http.ResponseWriter, r *http.Request) {
	payload, err := github.ValidatePayload(r, []byte(os.Getenv("GITHUB_WEBHOOK_SECRET")))
	if err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	_ = payload
	switch r.Header.Get("X-GitHub-Event") {
	case "push":
	case "workflow_run":
	}
}
