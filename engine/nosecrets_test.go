package engine_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/store"
)

// TestSecretsStayOutOfLogsStateAndPlans runs a full life cycle (create with
// throttling, URL change, lost-secret rotation, destroy) and then looks for
// every secret the providers issued in the engine's debug log, the plans,
// the journal, the audit log and the resource rows.
func TestSecretsStayOutOfLogsStateAndPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var logs bytes.Buffer
	r := newProviderRig(t)
	r.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.open(nil)
	var seen []string
	collect := func() {
		for id := range r.stripe.Endpoints() {
			seen = append(seen, r.stripe.Secret(id))
		}
		for _, c := range r.auth0.Apps() {
			seen = append(seen, c.ClientSecret)
		}
	}
	var texts []string
	r.auth0.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/api/v2/", Times: 1})
	r.stripe.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/v1/", Times: 1})
	texts = append(texts, r.planApply().Summary())
	collect()
	env := r.env()
	env.FrontendURL = "https://shop.example.dev"
	if _, err := r.eng.UpdateEnvironment(ctx, env); err != nil {
		t.Fatal(err)
	}
	_ = r.secrets.Delete(ctx, "patchbay/"+env.ID+"/stripe/webhook_endpoint/web/api/webhooks/stripe/webhook_secret")
	texts = append(texts, r.planApply().Summary())
	collect()
	rows, err := r.st.ListResources(ctx, env.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		texts = append(texts, strings.Join([]string{row.ProviderID, strings.Join(row.SecretNames, ","), row.IdempotencyKey}, " "))
		for _, v := range row.Outputs {
			texts = append(texts, v)
		}
		for _, vs := range row.Props {
			texts = append(texts, vs...)
		}
	}
	if _, err := r.eng.Destroy(ctx, root, "local", nil); err != nil {
		t.Fatal(err)
	}
	journal, err := r.st.ListJournal(ctx, store.JournalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range journal {
		texts = append(texts, j.Detail, j.ProviderID, j.IdempotencyKey)
	}
	audit, err := r.st.ListAudit(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audit {
		texts = append(texts, a.Detail, a.Target)
	}
	texts = append(texts, logs.String())
	if len(seen) < 3 || logs.Len() == 0 || len(journal) == 0 {
		t.Fatalf("the scan saw too little: %d secrets, %d log bytes, %d journal entries", len(seen), logs.Len(), len(journal))
	}
	all := strings.Join(texts, "\n")
	for _, s := range seen {
		if strings.Contains(all, s) {
			t.Errorf("a provider secret (%.10s…) appears in logs, plans or state", s)
		}
	}
}
