package main

import (
	"cmp"
	"context"
	"log"
	"net/http"
	"os"

	awscfg "github.com/aws/aws-sdk-go-v2/config"
	"github.com/go-chi/chi/v5"
	"github.com/sendgrid/sendgrid-go"
	_ "github.com/twilio/twilio-go"
)

func main() {
	mail := sendgrid.NewSendClient(os.Getenv("SENDGRID_API_KEY"))
	_ = mail
	cfg, err := awscfg.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	_ = cfg
	addr := cmp.Or(os.Getenv("LISTEN_ADDR"), ":8080")
	if region, ok := os.LookupEnv("AWS_REGION"); ok {
		log.Print(region)
	}
	r := chi.NewRouter()
	log.Fatal(http.ListenAndServe(addr, r))
}
