package engine_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// everythingRig has one resource of every type beyond Auth0 and the Stripe
// webhook endpoint.
func everythingRig(t *testing.T) (*extRig, string) {
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web"}, {Path: "api", Name: "api"}}
	r := newExtRig(t, svcs, []*patchbayv1.Finding{
		sdkFinding("api", "sendgrid"),
		webhookFinding("api", "sendgrid", "/webhooks/sendgrid"),
		webhookFinding("api", "twilio", "/twilio/sms"),
		callbackFinding("web", "cognito", "/auth/callback"),
	})
	r.aws.AddUserPool(pool)
	sid := r.twilio.AddNumber(number, "https://old.example/sms", "", "")
	r.writeConfig("web", `{"cognito": {"user_pool_id": "`+pool+`"}}`)
	r.writeConfig("api", `{"twilio": {"numbers": [{"phone_number": "`+number+`"}]}, `+strings.TrimPrefix(catalogV1, "{"))
	return r, sid
}

// converge plans and applies until nothing is left to do.
func (r *extRig) converge(what string) {
	r.t.Helper()
	r.open(nil)
	for attempt := 0; ; attempt++ {
		p := r.plan()
		if !p.HasChanges() {
			return
		}
		if attempt == 3 {
			r.t.Fatalf("%s does not converge:\n%s", what, p.Summary())
		}
		if res, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
			r.t.Fatalf("%s: %v %v", what, err, res.Failed)
		}
	}
}

// checkEverything asserts exactly one of each object, configured for api,
// with every secret captured and the catalog at the given monthly amount.
func (r *extRig) checkEverything(sid, api string, monthly int64) {
	r.t.Helper()
	t := r.t
	active := 0
	for _, p := range r.stripe.Products() {
		if p.Active {
			active++
		}
	}
	prices := activePrices(r.stripe)
	if active != 1 || len(prices) != 2 || prices["pro_monthly"].UnitAmount != monthly {
		t.Errorf("stripe: %d active products, active prices %v", active, prices)
	}
	k := onlyKey(t, r.sendgrid)
	if r.secret(sgKey, "api_key") != k.Value {
		t.Errorf("sendgrid key not captured")
	}
	if h := onlyHook(t, r.sendgrid); h.URL != api+"/webhooks/sendgrid" || h.PublicKey == "" {
		t.Errorf("sendgrid webhook = %+v", h)
	}
	if n := r.twilio.Numbers()[sid]; n.SMSURL != api+"/twilio/sms" {
		t.Errorf("twilio number = %+v", n)
	}
	if c := onlyClient(t, r.aws); r.secret(cognitoKey, "client_secret") != c.ClientSecret {
		t.Errorf("cognito secret not captured")
	}
	if v := r.vars()["STRIPE_PRICE_PRO_MONTHLY"]; v != prices["pro_monthly"].ID {
		t.Errorf("STRIPE_PRICE_PRO_MONTHLY = %q, want %q", v, prices["pro_monthly"].ID)
	}
}

// TestExtendedTypesCrashConvergence kills the engine at a random journal
// point while it creates everything, and again while it replaces a price
// and moves the URLs; a restarted engine converges with no duplicate, no
// lost secret and no stale URL.
func TestExtendedTypesCrashConvergence(t *testing.T) {
	t.Parallel()
	runs := 30
	if testing.Short() {
		runs = 8
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 17))
	for i := range runs {
		r, sid := everythingRig(t)
		killer := func() func(string) bool {
			var mu sync.Mutex
			n, at := 0, 1+rng.IntN(40)
			return func(string) bool {
				mu.Lock()
				defer mu.Unlock()
				n++
				return n == at
			}
		}
		r.open(killer())
		if p, err := r.eng.Plan(context.Background(), r.root, "local", false); err == nil {
			_, _ = r.eng.Apply(context.Background(), p.ID, nil)
		}
		r.converge("create run")
		r.checkEverything(sid, "https://dev.example.net:8080", 2000)

		r.writeConfig("api", `{"twilio": {"numbers": [{"phone_number": "`+number+`"}]}, `+strings.TrimPrefix(catalogV2, "{"))
		r.setURLs("https://app.example.dev", "https://api.example.dev")
		r.open(killer())
		if p, err := r.eng.Plan(context.Background(), r.root, "local", false); err == nil {
			_, _ = r.eng.Apply(context.Background(), p.ID, nil)
		}
		r.converge("change run")
		r.checkEverything(sid, "https://api.example.dev", 2500)
		if t.Failed() {
			t.Fatalf("run %d failed", i)
		}
	}
}

// TestExtendedTypesRetryThrottlingAndOutages answers the first calls of
// every provider with its own 429/throttling and 5xx shapes; apply retries
// them and ends where an undisturbed one does.
func TestExtendedTypesRetryThrottlingAndOutages(t *testing.T) {
	t.Parallel()
	r, sid := everythingRig(t)
	for _, f := range []interface {
		Inject(providertest.Fault)
	}{r.stripe, r.sendgrid, r.twilio, r.aws} {
		f.Inject(providertest.Fault{Kind: providertest.RateLimited, Times: 1})
		f.Inject(providertest.Fault{Kind: providertest.Outage, Times: 1})
	}
	r.planApply()
	r.checkEverything(sid, "https://dev.example.net:8080", 2000)
	if p := r.plan(); p.HasChanges() {
		t.Errorf("plan after apply:\n%s", p.Summary())
	}
}
