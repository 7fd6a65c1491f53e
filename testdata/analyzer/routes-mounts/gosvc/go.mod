module example.com/gosvc

go 1.22

require (
	github.com/go-chi/chi/v5 v5.0.12
	github.com/google/go-github/v60 v60.0.0
)
