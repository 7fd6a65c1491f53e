package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/gosvc/internal/api"
)

func main() {
	r := chi.NewRouter()
	r.Mount("/api", api.Routes())
	http.ListenAndServe(":8080", r)
}
