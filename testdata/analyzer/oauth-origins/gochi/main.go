package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/cors"
)

func main() {
	r := chi.NewRouter()
	r.Use(cors.Handler(cors.Options{
		AllowedOrigins: []string{"https://web.example.com", "https://*.web.example.com", "*"},
		AllowedMethods: []string{"GET", "POST"},
	}))
	r.Get("/oauth/callback", func(w http.ResponseWriter, r *http.Request) {})
	http.ListenAndServe(":8080", r)
}
