package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/store"
)

// TestExtendedSecretsStayOutOfState provisions every new type, rotates the
// SendGrid key and destroys, then looks for the SendGrid key values and the
// Cognito client secret in plans, rows, the journal and the audit log.
func TestExtendedSecretsStayOutOfState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, _ := everythingRig(t)
	var seen, texts []string
	collect := func() {
		for _, k := range r.sendgrid.APIKeys() {
			seen = append(seen, k.Value)
		}
		for _, c := range r.aws.UserPoolClients(pool) {
			seen = append(seen, c.ClientSecret)
		}
	}
	texts = append(texts, r.planApply().Summary())
	collect()
	env, err := r.st.GetEnvironment(ctx, "", r.root, "local")
	if err != nil {
		t.Fatal(err)
	}
	_ = r.secrets.Delete(ctx, "patchbay/"+env.ID+"/sendgrid/api_key/api/api_key")
	texts = append(texts, r.planApply().Summary())
	collect()
	rows, err := r.st.ListResources(ctx, env.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		texts = append(texts, row.ProviderID)
		for _, v := range row.Outputs {
			texts = append(texts, v)
		}
		for _, vs := range row.Props {
			texts = append(texts, vs...)
		}
	}
	vars, err := r.eng.Variables(ctx, r.root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		texts = append(texts, v.Name, v.Value, v.Source)
	}
	r.destroy()
	journal, err := r.st.ListJournal(ctx, store.JournalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range journal {
		texts = append(texts, j.Detail, j.ProviderID)
	}
	audit, err := r.st.ListAudit(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audit {
		texts = append(texts, a.Detail, a.Target)
	}
	if len(seen) < 3 || len(journal) == 0 {
		t.Fatalf("the scan saw too little: %d secrets, %d journal entries", len(seen), len(journal))
	}
	all := strings.Join(texts, "\n")
	for _, s := range seen {
		if s == "" || strings.Contains(all, s) {
			t.Errorf("a provider secret (%.8s…) is empty or appears in plans or state", s)
		}
	}
}
