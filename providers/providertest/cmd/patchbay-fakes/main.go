// Command patchbay-fakes serves every in-repo provider fake on loopback
// until interrupted, for demos and editor end-to-end runs: point the daemon
// at them with the printed PATCHBAY_ENDPOINT_* variables and use the printed
// (fake) credentials.
//
//	go run ./providers/providertest/cmd/patchbay-fakes > fakes.env &   # export lines
//	go run ./providers/providertest/cmd/patchbay-fakes -json > fakes.json &
//
// With -state it also serves, on another loopback port named by
// PATCHBAY_FAKES_STATE (or "state" in -json), what the stateful fakes hold
// as JSON, secrets included, so a soak run can count duplicates, orphans
// and lost secrets from outside.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/aws"
	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
	"github.com/patchbay-dev/patchbay/providers/azure/azuretest"
	"github.com/patchbay-dev/patchbay/providers/digitalocean/digitaloceantest"
	"github.com/patchbay-dev/patchbay/providers/firebase/firebasetest"
	"github.com/patchbay-dev/patchbay/providers/gcp"
	"github.com/patchbay-dev/patchbay/providers/gcp/gcptest"
	"github.com/patchbay-dev/patchbay/providers/github/githubtest"
	"github.com/patchbay-dev/patchbay/providers/mailgun/mailguntest"
	"github.com/patchbay-dev/patchbay/providers/mongodb/mongodbtest"
	"github.com/patchbay-dev/patchbay/providers/netlify/netlifytest"
	"github.com/patchbay-dev/patchbay/providers/okta/oktatest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/redis/redistest"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
	"github.com/patchbay-dev/patchbay/providers/slack/slacktest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/providers/supabase/supabasetest"
	"github.com/patchbay-dev/patchbay/providers/twilio/twiliotest"
	"github.com/patchbay-dev/patchbay/providers/vercel/verceltest"
)

// Fakes is what the command prints: the endpoint variables and, per
// provider, form values the fakes accept.
type Fakes struct {
	Env         map[string]string            `json:"env"`
	Credentials map[string]map[string]string `json:"credentials"`
	// Existing provider objects that patchbay.json can name (Patchbay never
	// creates user pools or buys numbers): a Cognito user pool and a
	// Twilio number.
	Existing map[string]map[string]string `json:"existing"`
	// State is the URL of the -state listener, if any.
	State string `json:"state,omitempty"`

	stripe *stripetest.Server
	auth0  *auth0test.Server
}

// State is what GET on the -state listener answers: every Stripe webhook
// endpoint and Auth0 application the code under test created, with the
// secrets the providers hold for them.
type State struct {
	StripeEndpoints []StripeEndpoint `json:"stripe_endpoints"`
	Auth0Apps       []Auth0App       `json:"auth0_apps"`
}

// StripeEndpoint is one webhook endpoint and its signing secret.
type StripeEndpoint struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// Auth0App is one application and its client secret.
type Auth0App struct {
	ClientID     string   `json:"client_id"`
	Name         string   `json:"name"`
	Callbacks    []string `json:"callbacks"`
	ClientSecret string   `json:"client_secret"`
}

// Snapshot reads the stateful fakes.
func (f *Fakes) Snapshot() State {
	s := State{StripeEndpoints: []StripeEndpoint{}, Auth0Apps: []Auth0App{}}
	for id, e := range f.stripe.Endpoints() {
		s.StripeEndpoints = append(s.StripeEndpoints, StripeEndpoint{ID: id, URL: e.URL, Secret: f.stripe.Secret(id)})
	}
	for id, a := range f.auth0.Apps() {
		s.Auth0Apps = append(s.Auth0Apps, Auth0App{ClientID: id, Name: a.Name, Callbacks: a.Callbacks, ClientSecret: a.ClientSecret})
	}
	sort.Slice(s.StripeEndpoints, func(i, j int) bool { return s.StripeEndpoints[i].ID < s.StripeEndpoints[j].ID })
	sort.Slice(s.Auth0Apps, func(i, j int) bool { return s.Auth0Apps[i].ClientID < s.Auth0Apps[j].ClientID })
	return s
}

// serveState serves Snapshot on a loopback port until the process ends.
func (f *Fakes) serveState() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	f.State = "http://" + ln.Addr().String() + "/state"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(f.Snapshot())
	})
	go func() { _ = (&http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}).Serve(ln) }()
	return nil
}

// Seeded objects, for patchbay.json's cognito.user_pool_id and twilio.numbers.
const (
	UserPoolID  = "us-east-1_Patchbay1"
	PhoneNumber = "+15005550006"
)

// Start starts every fake, owned by p (a test or a Process).
func Start(p providertest.T) Fakes {
	f := Fakes{Env: map[string]string{}, Credentials: map[string]map[string]string{}, Existing: map[string]map[string]string{}}
	set := func(provider, url string, values map[string]string, keys ...string) {
		for _, k := range keys {
			f.Env[providertest.EndpointEnv(k)] = url
		}
		f.Credentials[provider] = values
	}
	// Stripe and Auth0 are stateful: provisioning through the daemon (an
	// editor run's apply) creates webhook endpoints and applications there.
	st := stripetest.New(p)
	set("stripe", st.URL, st.Credentials(), "STRIPE")
	a0 := auth0test.New(p)
	set("auth0", a0.URL, a0.Credentials(), "AUTH0")
	f.stripe, f.auth0 = st, a0
	awsFake := awstest.New(p, aws.RequiredActions...)
	awsFake.AddUserPool(UserPoolID)
	f.Existing["aws"] = map[string]string{"user_pool_id": UserPoolID}
	set("aws", awsFake.URL, map[string]string{"access_key_id": awstest.KeyID, "secret_access_key": awstest.Secret}, "AWS")
	set("azure", azuretest.New(p).URL, map[string]string{"tenant_id": azuretest.TenantID, "client_id": azuretest.ClientID, "client_secret": azuretest.ClientSecret,
		"subscription_id": azuretest.SubscriptionID, "resource_group": azuretest.ResourceGroup}, "AZURE")
	g := gcptest.New(p)
	set("gcp", g.URL, map[string]string{"key_file": g.NewKey(p, "patchbay@"+gcptest.Project+".iam.gserviceaccount.com", gcp.RequiredPermissions...)}, "GCP")
	set("digitalocean", digitaloceantest.New(p).URL, map[string]string{"token": digitaloceantest.Token}, "DIGITALOCEAN")
	set("mongodb", mongodbtest.New(p).URL, map[string]string{"client_id": mongodbtest.ClientID, "client_secret": mongodbtest.ClientSecret}, "MONGODB")
	set("redis", redistest.New(p).URL+"/v1", map[string]string{"account_key": redistest.AccountKey, "user_key": redistest.UserKey}, "REDIS")
	n := netlifytest.New(p)
	set("netlify", n.URL, map[string]string{"client_id": netlifytest.ClientID, "client_secret": netlifytest.ClientSecret, "redirect_port": "0",
		// Normally obtained by the browser sign-in; given for direct saves.
		"access_token": netlifytest.Token}, "NETLIFY", "NETLIFY_APP")
	set("vercel", verceltest.New(p).URL, map[string]string{"token": verceltest.Token, "team_id": verceltest.TeamID}, "VERCEL")
	set("github", githubtest.New(p).URL, map[string]string{"token": githubtest.Token, "repository": githubtest.Repo}, "GITHUB")
	set("slack", slacktest.New(p).URL, map[string]string{"webhook_url": "https://hooks.slack.com" + slacktest.Path}, "SLACK")
	set("sendgrid", sendgridtest.New(p).URL, map[string]string{"api_key": sendgridtest.Key}, "SENDGRID")
	tw := twiliotest.New(p)
	tw.AddNumber(PhoneNumber, "", "", "")
	f.Existing["twilio"] = map[string]string{"phone_number": PhoneNumber}
	set("twilio", tw.URL, map[string]string{"account_sid": twiliotest.AccountSid, "auth_token": twiliotest.AuthToken}, "TWILIO")
	set("mailgun", mailguntest.New(p).URL, map[string]string{"api_key": mailguntest.Key, "domain": mailguntest.Domain}, "MAILGUN")
	// Okta is stateful too: an apply creates OIDC apps in the fake org.
	ok := oktatest.New(p)
	set("okta", ok.URL, ok.Credentials(), "OKTA")
	// Supabase and Firebase only give the app values; their fakes answer
	// the credential checks.
	sb := supabasetest.New(p)
	set("supabase", sb.URL, sb.Credentials(), "SUPABASE")
	fb := firebasetest.New(p)
	set("firebase", fb.URL, fb.Credentials(), "FIREBASE")
	return f
}

func main() {
	asJSON := flag.Bool("json", false, "print endpoints and credentials as one JSON object")
	state := flag.Bool("state", false, "also serve the Stripe and Auth0 fakes' objects, secrets included, as JSON on a loopback port")
	flag.Parse()
	p := &providertest.Process{}
	defer p.Close()
	f := Start(p)
	if *state {
		if err := f.serveState(); err != nil {
			fmt.Fprintln(os.Stderr, "patchbay-fakes:", err)
			os.Exit(1)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(f)
	} else {
		keys := make([]string, 0, len(f.Env))
		for k := range f.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("export %s=%s\n", k, f.Env[k])
		}
		if f.State != "" {
			fmt.Printf("export PATCHBAY_FAKES_STATE=%s\n", f.State)
		}
	}
	fmt.Fprintln(os.Stderr, "provider fakes running; Ctrl-C stops them")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
