package stripe_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/contracttest"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

// contractProductKey is the patchbay_key the contract test's products
// carry.
const contractProductKey = "shop/web/local/pro"

// stripeMockAnswers adjusts what stripe-mock's fixtures cannot say, so
// that every request Patchbay makes is reached: a first list page says
// there is another (has_more), so the clients send the next page's request
// (starting_after) too; listed products carry the test's patchbay_key,
// which the fixtures' metadata lacks, so a price finds its product; and a
// created webhook endpoint carries its signing secret, which Stripe returns
// in the create answer only
// (https://docs.stripe.com/api/webhook_endpoints/object#webhook_endpoint_object-secret)
// and the fixture leaves out.
func stripeMockAnswers(r contracttest.Request, body []byte) []byte {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return body
	}
	switch {
	case r.Method == http.MethodPost && r.Path == "/v1/webhook_endpoints":
		obj["secret"] = "whsec_contract0000000000000000000000"
	case r.Method == http.MethodGet && obj["object"] == "list":
		listAnswer(r, obj)
	default:
		return body
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return out
}

func listAnswer(r contracttest.Request, obj map[string]any) {
	q, _ := url.ParseQuery(r.Query)
	if q.Get("starting_after") == "" {
		obj["has_more"] = true
	}
	if r.Path == "/v1/products" {
		data, _ := obj["data"].([]any)
		for _, d := range data {
			if p, ok := d.(map[string]any); ok {
				p["metadata"] = map[string]any{"patchbay_key": contractProductKey, "managed_by": "patchbay"}
			}
		}
	}
}

// TestContractStripe sends every request Patchbay's Stripe code makes —
// the credential check (secret and restricted keys), the webhook endpoint,
// product and price resource types, the create_customer, create_product
// and create_price actions and the events trigger — to the official
// stripe-mock, which validates each request's parameters against the
// OpenAPI description of Stripe's API it embeds (unknown parameters,
// wrong types and values outside an enum are a 400), and fails on any
// 4xx. stripe-mock answers from fixtures, so this proves the requests and
// that Patchbay decodes Stripe's documented objects, not Stripe's
// behaviour (an empty description on create, which stripe-mock takes and
// Stripe refuses, is the fake's to check).
func TestContractStripe(t *testing.T) {
	t.Parallel()
	mock := contracttest.Mock{URL: stripetest.StartMock(t), Judge: contracttest.StripeMock, Rewrite: stripeMockAnswers}
	ctx := context.Background()
	const key = "sk_test_patchbaycontract0000"
	creds := providers.Credentials{"secret_key": key}

	t.Run("validation", func(t *testing.T) {
		f := contracttest.NewFront(t, mock)
		env := &providers.Env{Endpoints: map[string]string{"STRIPE": f.URL}}
		for _, k := range []string{key, "rk_test_patchbaycontract0000"} {
			if got := stripe.Provider().Credentials.Check(ctx, providers.Values{"secret_key": k}, env); got.Status != providers.StatusOK || got.Account == "" {
				t.Errorf("%s: check = %v account %q (%s), want ok", k[:3], got.Status, got.Account, got.Summary)
			}
		}
		for _, p := range []string{"/v1/account", "/v1/products", "/v1/prices", "/v1/webhook_endpoints"} {
			if !f.Sent(http.MethodGet, p, "") {
				t.Errorf("the check did not send GET %s; sent %v", p, f.Requests())
			}
		}
	})

	types := map[string]providers.ResourceType{}
	resourceTypes := func(base string) {
		for _, rt := range stripe.Provider().Resources(providers.HTTPOptions{BaseURL: base}) {
			types[rt.Type()] = rt
		}
	}

	t.Run("webhook_endpoint", func(t *testing.T) {
		f := contracttest.NewFront(t, mock)
		resourceTypes(f.URL)
		we := types["webhook_endpoint"]
		desired := providers.Props{"url": {"https://api.example.com/stripe/webhook"},
			"enabled_events": {"checkout.session.completed", "customer.subscription.updated"}, "description": {"web (local)"}}
		st, err := we.Create(ctx, creds, desired, "patchbay-idem-we")
		if err != nil || st.ID == "" || st.Secrets["webhook_secret"] == "" {
			t.Fatalf("create = %+v, %v; want an id and the signing secret", st, err)
		}
		if _, err := we.Read(ctx, creds, st.ID); err != nil {
			t.Error("read:", err)
		}
		if _, err := we.Lookup(ctx, creds, desired); err != nil {
			t.Error("lookup:", err)
		}
		desired["description"] = []string{""}
		if _, err := we.Update(ctx, creds, st.ID, desired); err != nil {
			t.Error("update:", err)
		}
		if err := we.Delete(ctx, creds, st.ID); err != nil {
			t.Error("delete:", err)
		}
		if !f.Sent(http.MethodGet, "/v1/webhook_endpoints", "starting_after=") {
			t.Errorf("the list's second page was not asked for; sent %v", f.Requests())
		}
	})

	t.Run("product", func(t *testing.T) {
		f := contracttest.NewFront(t, mock)
		resourceTypes(f.URL)
		pt := types["product"]
		for _, desc := range []string{"Everything in Pro", ""} {
			desired := providers.Props{"name": {"Pro"}, "description": {desc}, "active": {"true"}, "patchbay_key": {contractProductKey}}
			st, err := pt.Create(ctx, creds, desired, "patchbay-idem-p")
			if err != nil || st.ID == "" {
				t.Fatalf("create (description %q) = %+v, %v", desc, st, err)
			}
			if _, err := pt.Update(ctx, creds, st.ID, desired); err != nil {
				t.Errorf("update (description %q): %v", desc, err)
			}
		}
		if _, err := pt.Read(ctx, creds, "prod_contract"); err != nil {
			t.Error("read:", err)
		}
		if got, err := pt.Lookup(ctx, creds, providers.Props{"patchbay_key": {contractProductKey}}); err != nil || len(got) == 0 {
			t.Errorf("lookup = %v, %v", got, err)
		}
		// stripe-mock's price list is never empty, so this archives the
		// product (POST active=false); the DELETE of one without prices
		// is sent directly.
		if err := pt.Delete(ctx, creds, "prod_contract"); err != nil {
			t.Error("delete:", err)
		}
		if err := stripe.NewCatalog(key, f.URL, nil).DeleteProduct(ctx, "prod_contract"); err != nil {
			t.Error("delete without prices:", err)
		}
		for _, m := range []string{http.MethodPost, http.MethodDelete} {
			if !f.Sent(m, "/v1/products/prod_contract", "") {
				t.Errorf("no %s /v1/products/prod_contract; sent %v", m, f.Requests())
			}
		}
	})

	t.Run("price", func(t *testing.T) {
		f := contracttest.NewFront(t, mock)
		resourceTypes(f.URL)
		pr := types["price"]
		for _, interval := range []string{"", "month"} {
			desired := providers.Props{"product_key": {contractProductKey}, "currency": {"usd"}, "unit_amount": {"2000"},
				"lookup_key": {"pro_" + interval}, "nickname": {"Pro"}, "active": {"true"}, "interval": {interval}, "interval_count": {""}}
			if interval != "" {
				desired["interval_count"] = []string{"3"}
			}
			st, err := pr.Create(ctx, creds, desired, "patchbay-idem-r")
			if err != nil || st.ID == "" {
				t.Fatalf("create (interval %q) = %+v, %v", interval, st, err)
			}
			if _, err := pr.Lookup(ctx, creds, desired); err != nil {
				t.Errorf("lookup (interval %q): %v", interval, err)
			}
		}
		// stripe-mock answers every price id with its fixture: a monthly
		// usd price of 2000 whose product has no patchbay_key.
		fixture := providers.Props{"product_key": {""}, "currency": {"usd"}, "unit_amount": {"2000"}, "interval": {"month"}, "interval_count": {"1"},
			"lookup_key": {"pro_monthly"}, "nickname": {""}, "active": {"true"}}
		if _, err := pr.Update(ctx, creds, "price_contract", fixture); err != nil {
			t.Error("update:", err)
		}
		if _, err := pr.Read(ctx, creds, "price_contract"); err != nil {
			t.Error("read:", err)
		}
		if err := pr.Delete(ctx, creds, "price_contract"); err != nil {
			t.Error("delete (archive):", err)
		}
		if !f.Sent(http.MethodGet, "/v1/prices", "lookup_keys") || !f.Sent(http.MethodPost, "/v1/prices/price_contract", "") {
			t.Errorf("sent %v", f.Requests())
		}
	})

	t.Run("actions", func(t *testing.T) {
		f := contracttest.NewFront(t, mock)
		env := providers.ActionEnv{BaseURL: f.URL}
		c := map[string]string{"secret_key": key}
		meta := map[string]any{"order": "42"}
		for _, tc := range []struct {
			id string
			in map[string]any
		}{
			{"create_customer", map[string]any{"email": "jenny@example.com", "name": "Jenny Rosen", "description": "From the contract test",
				"phone": "+15555550100", "metadata": meta}},
			{"create_customer", map[string]any{}},
			{"create_product", map[string]any{"name": "Pro", "description": "Everything", "active": true, "metadata": meta}},
			{"create_product", map[string]any{"name": "Basic"}},
			{"create_price", map[string]any{"currency": "usd", "unit_amount": float64(2000), "product": "prod_contract", "nickname": "Monthly",
				"lookup_key": "pro_monthly", "recurring": map[string]any{"interval": "month", "interval_count": float64(1)}, "metadata": meta}},
			{"create_price", map[string]any{"currency": "eur", "unit_amount": float64(0), "product": "prod_contract"}},
		} {
			a := stripeAction(t, tc.id)
			out, err := a.Run(ctx, env, c, tc.in, "patchbay-idem-"+tc.id)
			if err != nil {
				t.Errorf("%s %v: %v", tc.id, tc.in, err)
				continue
			}
			if id, _ := out["id"].(string); id == "" {
				t.Errorf("%s: output %v has no id", tc.id, out)
			}
		}
	})

	t.Run("trigger", func(t *testing.T) {
		f := contracttest.NewFront(t, mock)
		env := providers.ActionEnv{BaseURL: f.URL}
		tr := stripe.Provider().Triggers[0]
		c := map[string]string{"secret_key": key}
		for _, events := range [][]any{{"customer.created", "invoice.paid"}, {"*"}} {
			id, secret, err := tr.Register(ctx, env, c, map[string]any{"events": events}, "https://hooks.example.com/t/trg_1", "", "patchbay-idem-t")
			if err != nil || id == "" || !strings.HasPrefix(secret, "whsec_") {
				t.Fatalf("register %v = %q %q %v", events, id, secret, err)
			}
			if err := tr.Remove(ctx, env, c, nil, id); err != nil {
				t.Error("remove:", err)
			}
		}
	})

	// The check itself: requests the description does not allow are
	// refused, each with stripe-mock's reason.
	t.Run("refused", func(t *testing.T) {
		f := contracttest.NewCollectingFront(t, mock)
		ac := stripe.NewActionClient(key, f.URL, nil)
		for _, tc := range []struct {
			name, path string
			params     map[string]any
			want       string
		}{
			{"unknown parameter", "/v1/products", map[string]any{"name": "Pro", "colour": "blue"}, "additional properties are not allowed"},
			{"not a number", "/v1/prices", map[string]any{"currency": "usd", "unit_amount": 100, "product": "prod_1",
				"recurring": map[string]any{"interval": "month", "interval_count": "two"}}, "not numeric"},
			{"metadata value not a string", "/v1/products", map[string]any{"name": "Pro", "metadata": map[string]any{"a": map[string]any{"b": "c"}}},
				"not a string"},
			{"value outside the enum", "/v1/prices", map[string]any{"currency": "usd", "unit_amount": 100, "product": "prod_1",
				"recurring": map[string]any{"interval": "fortnight"}}, "not in enumeration"},
			{"event Stripe does not have", "/v1/webhook_endpoints", map[string]any{"url": "https://hooks.example.com/t",
				"enabled_events": []any{"customer.made"}}, "not in enumeration"},
			{"not a boolean", "/v1/products", map[string]any{"name": "Pro", "active": "yes"}, "boolean"},
		} {
			f.Reset()
			if _, err := ac.Post(ctx, tc.path, tc.params, ""); err == nil {
				t.Errorf("%s: no error", tc.name)
			}
			refused := f.Refusals()
			if len(refused) != 1 || !strings.Contains(refused[0], tc.want) {
				t.Errorf("%s: refusals = %q, want one naming %q", tc.name, refused, tc.want)
			}
		}
		// Query parameters are checked too.
		f.Reset()
		if _, err := stripe.NewCatalog(key, f.URL, nil).ListProducts(ctx, url.Values{"colour": {"blue"}}); err == nil {
			t.Error("unknown query parameter: no error")
		}
		if refused := f.Refusals(); len(refused) != 1 || !strings.Contains(refused[0], "additional properties") {
			t.Errorf("unknown query parameter: refusals = %q", refused)
		}
	})
}

func stripeAction(t *testing.T, id string) providers.Action {
	t.Helper()
	as := stripe.Provider().Actions
	i := slices.IndexFunc(as, func(a providers.Action) bool { return a.ID == id })
	if i < 0 {
		t.Fatalf("no action %s", id)
	}
	return as[i]
}

// TestContractStripeActionSchemas compares the input schemas Patchbay
// publishes for its Stripe actions (to the gateway, the MCP server and the
// extension) with the request schemas of Stripe's description, the one
// stripe-mock embeds: a caller's input that Patchbay's schema admits must
// be one Stripe's description takes (no parameter it lacks, no longer
// string, no value outside an enum, nothing it requires left optional).
// stripe-mock does not enforce maxLength, so this is checked here.
func TestContractStripeActionSchemas(t *testing.T) {
	t.Parallel()
	spec := contracttest.StripeSpecPath(t)
	paths := map[string]string{"create_customer": "/v1/customers", "create_product": "/v1/products", "create_price": "/v1/prices"}
	for _, a := range stripe.Provider().Actions {
		path, ok := paths[a.ID]
		if !ok {
			t.Errorf("action %s: no Stripe path to compare it with; add it here", a.ID)
			continue
		}
		theirs, resolve, err := contracttest.RequestSchema(spec, http.MethodPost, path, "application/x-www-form-urlencoded")
		if err != nil {
			t.Fatal(err)
		}
		var mine map[string]any
		if err := json.Unmarshal([]byte(a.InputSchema), &mine); err != nil {
			t.Fatal(a.ID, err)
		}
		for _, p := range contracttest.Within(mine, theirs, resolve) {
			t.Errorf("%s (POST %s) %s", a.ID, path, p)
		}
	}

	// The trigger's events become enabled_events[]: every event type
	// Stripe's description lists must pass the trigger's pattern.
	theirs, _, err := contracttest.RequestSchema(spec, http.MethodPost, "/v1/webhook_endpoints", "application/x-www-form-urlencoded")
	if err != nil {
		t.Fatal(err)
	}
	events, _ := theirs["properties"].(map[string]any)["enabled_events"].(map[string]any)["items"].(map[string]any)["enum"].([]any)
	var in struct {
		Properties struct {
			Events struct {
				Items struct {
					Pattern string `json:"pattern"`
				} `json:"items"`
			} `json:"events"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(stripe.Provider().Triggers[0].InputSchema), &in); err != nil {
		t.Fatal(err)
	}
	pattern := regexp.MustCompile(in.Properties.Events.Items.Pattern)
	if len(events) < 100 {
		t.Fatalf("the description lists %d event types; expected Stripe's full list", len(events))
	}
	for _, e := range events {
		if s, _ := e.(string); !pattern.MatchString(s) {
			t.Errorf("the trigger's pattern %s refuses Stripe's event type %q", pattern, s)
		}
	}
}

// TestContractStripeEventTypes: the event types Patchbay subscribes
// webhook endpoints to, and the fake takes (stripe.EventTypes), are the
// enum of enabled_events in Stripe's description, for both the create and
// the update of a webhook endpoint.
func TestContractStripeEventTypes(t *testing.T) {
	t.Parallel()
	spec := contracttest.StripeSpecPath(t)
	for _, path := range []string{"/v1/webhook_endpoints", "/v1/webhook_endpoints/{webhook_endpoint}"} {
		theirs, _, err := contracttest.RequestSchema(spec, http.MethodPost, path, "application/x-www-form-urlencoded")
		if err != nil {
			t.Fatal(err)
		}
		enum, _ := theirs["properties"].(map[string]any)["enabled_events"].(map[string]any)["items"].(map[string]any)["enum"].([]any)
		var want []string
		for _, e := range enum {
			if s, ok := e.(string); ok {
				want = append(want, s)
			}
		}
		slices.Sort(want)
		got := slices.Sorted(slices.Values(stripe.EventTypes))
		if len(want) < 100 || !slices.Equal(want, got) {
			var extra, lacking []string
			for _, e := range got {
				if !slices.Contains(want, e) {
					extra = append(extra, e)
				}
			}
			for _, e := range want {
				if !slices.Contains(got, e) {
					lacking = append(lacking, e)
				}
			}
			t.Errorf("POST %s: stripe.EventTypes (%d) differs from the description's enabled_events (%d); not in the description: %q; missing from stripe.EventTypes: %q",
				path, len(got), len(want), extra, lacking)
		}
	}
}
